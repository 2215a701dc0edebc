"""What streams to the browser: the hub that reads new chains once, the SSE stream, and each
chain's HTML drawn once for all of them."""
