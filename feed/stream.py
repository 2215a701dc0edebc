"""The live stream: Server-Sent Events carrying rendered chains, resumable by Last-Event-ID.

Each message is one chain (a request's signals) rendered as the feed's HTML fragment; its SSE id is
the chain's last event id, so a reconnecting browser names exactly where it stopped.
"""

import asyncio
from collections.abc import AsyncIterator

from django.template.loader import render_to_string

from feed.conf import STREAM_BATCH, STREAM_RETRY_MS, feed_setting
from feed.hub import get_hub, read
from feed.tree import ChainView, chains_after


def sse_message(event_id: int, event: str, html: str) -> str:
    """One SSE message; every non-blank line of the fragment becomes a data line."""
    lines = [line for line in html.splitlines() if line.strip()] or [""]
    data = "".join(f"data: {line}\n" for line in lines)
    return f"id: {event_id}\nevent: {event}\n{data}\n"


def render_chain(chain: ChainView) -> str:
    return render_to_string("feed/feed.html#chain", {"chain": chain})


def messages_after(visitor: str | None, after: int) -> tuple[list[str], int]:
    """The SSE messages of chains after event `after`, and the new resume point."""
    chains = chains_after(visitor, after, limit=STREAM_BATCH)
    messages = [sse_message(chain.last_id, "chain", render_chain(chain)) for chain in chains]
    return messages, max([after, *(chain.last_id for chain in chains)])


async def event_stream(visitor: str | None, after: int) -> AsyncIterator[str]:
    """Send chains newer than `after` as they are written; heartbeat while idle; end in time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + feed_setting("FEED_STREAM_MAX_SECONDS")
    with get_hub().subscribe(visitor) as subscription:
        yield f"retry: {STREAM_RETRY_MS}\n\n"
        while True:
            messages, after = await read(messages_after, visitor, after)
            for message in messages:
                yield message
            if len(messages) == STREAM_BATCH:
                continue  # A backlog (a long-lost client): send it all before waiting.
            if loop.time() >= deadline:
                return  # The browser reconnects with Last-Event-ID; permissions are re-checked.
            if not await subscription.wait(feed_setting("FEED_HEARTBEAT_SECONDS")):
                yield ": heartbeat\n\n"
