"""The ASGI lifespan for a host's application: a stopping server waits for the feed's last chains.

Django's ASGI handler refuses lifespan events, so uvicorn stops without telling the application.
On SIGTERM it then re-raises the signal with its default action, which ends the process before
atexit runs: the chains the writer had not written yet (the last requests') were lost.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from signal_lens.conf import feed_setting

logger = logging.getLogger(__name__)

Message = dict[str, Any]
ASGIApp = Callable[
    [dict[str, Any], Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]


def with_lifespan(application: ASGIApp) -> ASGIApp:
    """`application`, answering the server's lifespan: once the server's last response is sent,
    it waits up to FEED_EXIT_FLUSH_SECONDS for the feed to write what those requests recorded."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            return await application(scope, receive, send)
        await receive()  # lifespan.startup: nothing to prepare.
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown: every request has ended.
        await asyncio.to_thread(write_last_chains)
        await send({"type": "lifespan.shutdown.complete"})

    return app


def write_last_chains() -> None:
    """Wait, for a bounded time, until the writer has written every chain handed to it."""
    # Imported here: a host's asgi.py imports this module before Django's apps are loaded.
    from signal_lens.store import writer

    seconds = feed_setting("FEED_EXIT_FLUSH_SECONDS")
    if not writer.flush(seconds):
        logger.warning(
            "signal_lens: stopping with chains not written: the database did not take them "
            "within %.1f s",
            seconds,
        )
