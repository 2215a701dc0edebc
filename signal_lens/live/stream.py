"""The live stream: Server-Sent Events carrying rendered chains, resumable by Last-Event-ID.

Each message is one chain (a request's signals) as the feed's HTML fragment; its SSE id is the
chain's last event id, so a reconnecting browser names exactly where it stopped. A stream reads
the database only to catch up when it opens; after that the hub's watcher hands it new chains.
"""

import asyncio
from collections.abc import AsyncIterator

from django.db import DatabaseError

from signal_lens.conf import STREAM_BATCH, STREAM_RETRY_MS, feed_setting
from signal_lens.live.fragments import Fragment, fragments
from signal_lens.live.hub import Handed, Subscription, get_hub, read
from signal_lens.store.reads import heads_after, last_event_id

RECONNECT = f"retry: {STREAM_RETRY_MS}\n\n"


def _fragments_after(visitor: str | None, after: int, internals: bool) -> list[Fragment]:
    return fragments(heads_after(visitor, after, STREAM_BATCH), internals)


async def _catch_up(visitor: str | None, after: int, internals: bool) -> AsyncIterator[Fragment]:
    """Every chain after `after` already written, read in batches."""
    while True:
        found = await read(_fragments_after, visitor, after, internals)
        for fragment in found:
            yield fragment
        if len(found) < STREAM_BATCH:
            return
        after = found[-1].head.last_id


async def _live(subscription: Subscription, deadline: float) -> AsyncIterator[Handed | None]:
    """What the watcher hands over, and None for each heartbeat, until the stream must end."""
    loop = asyncio.get_running_loop()
    while not (subscription.lagging or subscription.stopping) and loop.time() < deadline:
        taken = await subscription.take(feed_setting("FEED_HEARTBEAT_SECONDS"))
        if taken is None:
            yield None
        for handed in taken or ():
            yield handed


async def event_stream(visitor: str | None, after: int, internals: bool) -> AsyncIterator[str]:
    """Send chains newer than `after` as they are written; heartbeat while idle; end in time.

    Chains are drawn as the page's panel draws them: with Django's internals if `internals`.

    Subscribed before catching up, so nothing written meanwhile is missed; chains both read and
    handed over are sent once. When the server stops, the stream's last message tells the
    browser when to reconnect, and its response ends cleanly.
    """
    deadline = asyncio.get_running_loop().time() + feed_setting("FEED_STREAM_MAX_SECONDS")
    hub = get_hub()
    try:
        top = await read(last_event_id)
    except DatabaseError:
        yield RECONNECT  # Logged once per outage by read(); the browser comes back.
        return
    if hub.is_full(visitor):
        return  # Another tab won the last place: the browser reconnects, is refused, and polls.
    with hub.subscribe(visitor, after, top, internals) as subscription:
        yield RECONNECT
        try:
            async for fragment in _catch_up(visitor, after, internals):
                after = fragment.head.last_id
                yield fragment.message
        except DatabaseError:
            return  # Logged once per outage by read(); the browser resumes from Last-Event-ID.
        async for handed in _live(subscription, deadline):
            if handed is None:
                yield ": heartbeat\n\n"
            elif handed[0] > after:
                after, message = handed
                yield message
        if subscription.stopping:
            yield RECONNECT
