"""ASGI entry point: `uvicorn --app-dir site asgi:application` (see the Makefile)."""

import asyncio
import os
import warnings
from typing import Any

from django.core.asgi import get_asgi_application

from signal_lens.asgi import ASGIApp, with_lifespan

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")

# WhiteNoise and the media view stream small files with sync iterators; Django reads them in a
# thread under ASGI, which is fine here, so its per-file warning is only noise in the log.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)


def disconnect_once_answered(application: ASGIApp) -> ASGIApp:
    """`application`, told that a client went away only once its response has started.

    The site's middleware run in one thread (middleware.OneThreadHop), so an async view (the
    feed's stream) runs there under async_to_sync. A disconnect meanwhile cancels Django's
    request, and asgiref copies that thread's context back with its executor in it: Django's
    request_finished then failed ("CurrentThreadExecutor already quit or is broken") and its
    receivers never ran. Held until the response starts, a disconnect cancels only the response;
    the thread's work could not be cancelled anyway. One during the body's upload is not held.
    """

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await application(scope, receive, send)
        answered = asyncio.Event()
        body_read = False

        async def held_receive() -> dict[str, Any]:
            nonlocal body_read
            message = await receive()
            if message["type"] == "http.request":
                body_read = not message.get("more_body", False)
            elif body_read:
                await answered.wait()
            return message

        async def marked_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answered.set()
            await send(message)

        await application(scope, held_receive, marked_send)

    return app


# The server waits, as it stops, for the feed to write its last requests' chains.
application = with_lifespan(disconnect_once_answered(get_asgi_application()))
