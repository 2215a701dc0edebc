"""Waking live streams when new events are written, in this process or in any other.

One watcher task per process asks the database which visitors have new events and wakes only
their streams. It runs when a write in this process pokes it, when PostgreSQL NOTIFY says another
process wrote (both through feed/notify.py), and every FEED_POLL_SECONDS as a safety net (SQLite
with several processes).
Database reads of all streams go through one small thread pool, so idle streams hold no thread
and no connection of their own.
"""

import asyncio
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from typing import Any

from django.db import connections, router
from django.db.models import Max

from feed import notify
from feed.conf import feed_setting
from feed.models import Event
from feed.muting import muted

logger = logging.getLogger(__name__)
_reader = ThreadPoolExecutor(max_workers=2, thread_name_prefix="feed-reader")
_hubs: dict[asyncio.AbstractEventLoop, "Hub"] = {}
_hubs_lock = threading.Lock()


async def read[T](function: Callable[..., T], *args: Any) -> T:
    """Run a database read for a stream in the feed's reader threads."""
    return await asyncio.get_running_loop().run_in_executor(_reader, _guarded, function, args)


def _guarded[T](function: Callable[..., T], args: tuple[Any, ...]) -> T:
    try:
        with muted():
            return function(*args)
    except Exception:
        # A broken connection must not stay cached in this long-lived thread.
        for connection in connections.all(initialized_only=True):
            connection.close()
        raise


class Subscription:
    """One stream's interest: a visitor's events, or every event (visitor None)."""

    def __init__(self, visitor: str | None) -> None:
        self.visitor = visitor
        self.ready = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """Wait until new events may be there; False when the wait timed out."""
        try:
            await asyncio.wait_for(self.ready.wait(), timeout)
        except TimeoutError:
            return False
        self.ready.clear()
        return True


def _latest_by_visitor(after: int | None) -> tuple[int, dict[str, int]]:
    events = Event.objects.all()
    if after is None:
        return events.aggregate(last=Max("id"))["last"] or 0, {}
    rows = events.filter(id__gt=after).values("visitor").annotate(last=Max("id")).order_by()
    latest = {row["visitor"]: row["last"] for row in rows}
    return max(latest.values(), default=after), latest


class Hub:
    """The streams of one event loop and the watcher task that wakes them."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.subscriptions: set[Subscription] = set()
        self.poked = asyncio.Event()
        self.watcher: asyncio.Task | None = None

    @contextmanager
    def subscribe(self, visitor: str | None) -> Iterator[Subscription]:
        subscription = Subscription(visitor)
        self.subscriptions.add(subscription)
        if self.watcher is None or self.watcher.done():
            self.watcher = self.loop.create_task(self._watch())
        try:
            yield subscription
        finally:
            self.subscriptions.discard(subscription)
            if not self.subscriptions and self.watcher is not None:
                self.watcher.cancel()
                self.watcher = None

    def poke(self) -> None:
        self.loop.call_soon_threadsafe(self.poked.set)

    def _wake(self, new: dict[str, int], everyone: bool) -> None:
        """Wake the streams of visitors with new events (all-events streams for any visitor)."""
        for subscription in list(self.subscriptions):
            if everyone or (new and (subscription.visitor is None or subscription.visitor in new)):
                subscription.ready.set()

    async def _watch(self) -> None:
        alias = _postgres_alias()
        listener = None
        if alias is not None:
            listener = self.loop.create_task(notify.listen(alias, self.poked.set))
        latest: int | None = None
        try:
            while True:
                try:
                    # The first read only learns where the table ends: every stream re-reads once.
                    starting = latest is None
                    latest, new = await read(_latest_by_visitor, latest)
                except Exception:
                    logger.exception("feed: the stream watcher could not read events")
                    starting, new = False, {}
                self._wake(new, everyone=starting)
                with suppress(TimeoutError):
                    await asyncio.wait_for(self.poked.wait(), feed_setting("FEED_POLL_SECONDS"))
                self.poked.clear()
        finally:
            if listener is not None:
                listener.cancel()


def _postgres_alias() -> str | None:
    alias = router.db_for_read(Event)
    return alias if connections[alias].vendor == "postgresql" else None


def get_hub() -> Hub:
    """The hub of the running event loop (uvicorn runs one per worker process)."""
    loop = asyncio.get_running_loop()
    with _hubs_lock:
        for stale in [other for other in _hubs if other.is_closed()]:
            del _hubs[stale]
        if loop not in _hubs:
            _hubs[loop] = Hub(loop)
        return _hubs[loop]


def wake_local() -> None:
    """Tell this process's streams that events were just written (callable from any thread)."""
    with _hubs_lock:
        hubs = [each for each in _hubs.values() if not each.loop.is_closed()]
    for each in hubs:
        with suppress(RuntimeError):  # The loop closed between the check and the call.
            each.poke()
