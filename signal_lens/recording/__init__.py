"""What the recorder keeps of each send: the wrappers around Signal, the in-memory chains, and
which requests are recorded."""
