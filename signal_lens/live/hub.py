"""Waking live streams when new events are written, in this process or in any other.

One watcher task per process reads the new chains once, for every stream it serves, takes their
HTML from fragments.py (drawn once, with Django's internals or without as each stream's visitor
chose) and hands each stream its own visitor's chains. It runs
when a write in this process pokes it, when PostgreSQL NOTIFY says another process wrote (both
through store/notify.py), and every FEED_POLL_SECONDS as a safety net (SQLite with several
processes). Streams read the database only to catch up when they open, through one small thread
pool, so idle streams hold no thread and no connection of their own, and no visitor's streams can
slow the reads of another's.
"""

import asyncio
import functools
import logging
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Any

from django.db import DatabaseError, connections, router

from signal_lens.conf import STREAM_BATCH, feed_setting
from signal_lens.context import muted
from signal_lens.live.fragments import Fragment, fragments
from signal_lens.models import Event
from signal_lens.reporting import report
from signal_lens.store import notify, reads
from signal_lens.store.pooling import release_pooled

logger = logging.getLogger(__name__)
_reader = ThreadPoolExecutor(max_workers=2, thread_name_prefix="feed-reader")
_hubs: dict[asyncio.AbstractEventLoop, "Hub"] = {}
_hubs_lock = threading.Lock()
_stop_signals_chained = False


class Outage:
    """The live feed's database failing: one line when it starts, one with counts when it is back,
    instead of a traceback for each failed read and each LISTEN retry."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started: float | None = None
        self.failing: set[str] = set()
        self.failures: Counter[str] = Counter()

    def failed(self, what: str, error: Exception) -> None:
        """One of `what` (reads, LISTEN connections) failed."""
        with self.lock:
            self.failing.add(what)
            self.failures[what] += 1
            if self.started is not None:
                return
            self.started = time.monotonic()
        first_line = (str(error).strip().splitlines() or [""])[0]
        logger.warning(
            "signal_lens: the live feed lost its database (%s: %s); streams retry until it is back",
            type(error).__name__,
            first_line,
        )

    def worked(self, what: str) -> None:
        """One of `what` worked: the outage ends once everything that failed works again."""
        with self.lock:
            if what not in self.failing:
                return
            self.failing.discard(what)
            if self.failing or self.started is None:
                return
            lasted, failures = time.monotonic() - self.started, self.failures
            self.started, self.failures = None, Counter()
        counts = ", ".join(f"{what} {count}" for what, count in sorted(failures.items()))
        logger.warning(
            "signal_lens: the live feed's database is back after %.1f s (failed meanwhile: %s)",
            lasted,
            counts,
        )


_outage = Outage()
READS, LISTENS = "reads", "LISTEN connections"


async def read[T](function: Callable[..., T], *args: Any) -> T:
    """Run a database read for a stream in the feed's reader threads."""
    return await asyncio.get_running_loop().run_in_executor(_reader, _guarded, function, args)


def _guarded[T](function: Callable[..., T], args: tuple[Any, ...]) -> T:
    try:
        with muted():
            found = function(*args)
    except Exception as error:
        # A broken connection must not stay cached in this long-lived thread.
        for connection in connections.all(initialized_only=True):
            connection.close()
        if isinstance(error, DatabaseError):
            _outage.failed(READS, error)
        raise
    finally:
        release_pooled()
    _outage.worked(READS)
    return found


# A chain handed to a stream: its last event id (the SSE id) and its SSE message.
Handed = tuple[int, str]


class Subscription:
    """One stream's interest (a visitor's events, or every event for None) and its mailbox.

    The watcher drops each new chain's message here, drawn with Django's internals if the stream's
    visitor shows them; the stream only waits and sends.
    """

    def __init__(self, visitor: str | None, after: int, internals: bool) -> None:
        self.visitor, self.after, self.internals = visitor, after, internals
        self.pending: list[Handed] = []
        self.ready = asyncio.Event()
        # Set when the client reads slower than chains arrive: the stream ends, the browser
        # resumes from its Last-Event-ID, and nothing waits in memory meanwhile.
        self.lagging = False
        # Set when the server is stopping: the stream ends at once and the browser resumes
        # from its Last-Event-ID on the next server.
        self.stopping = False

    def stop(self) -> None:
        self.stopping = True
        self.ready.set()

    def offer(self, last_id: int, message: str) -> None:
        if last_id <= self.after:
            return
        if len(self.pending) >= feed_setting("FEED_STREAM_BACKLOG"):
            self.lagging = True
        else:
            self.pending.append((last_id, message))
        self.ready.set()

    async def take(self, timeout: float) -> list[Handed] | None:
        """The chains handed over since the last take; None when `timeout` passed with none."""
        try:
            await asyncio.wait_for(self.ready.wait(), timeout)
        except TimeoutError:
            return None
        self.ready.clear()
        taken, self.pending = self.pending, []
        return taken


# Whose chains the streams want (None: everyone's), by whether they are drawn with the internals.
Interest = dict[bool, frozenset[str] | None]


def _new_fragments(after: int, interest: Interest) -> tuple[int, dict[bool, list[Fragment]], bool]:
    """Chains written after `after` that the streams want, in each drawing some stream wants; the
    new resume point; whether more are waiting. Each is read once, drawn once per drawing.
    """
    top = reads.last_event_id()
    heads = reads.heads_after(reads.EVERYONE, after, STREAM_BATCH, until=top)
    resume = heads[-1].last_id if len(heads) == STREAM_BATCH else top
    found = {
        internals: fragments(
            [head for head in heads if visitors is None or head.visitor in visitors], internals
        )
        for internals, visitors in interest.items()
    }
    return max(after, resume), found, len(heads) == STREAM_BATCH


class Hub:
    """The streams of one event loop and the watcher task that feeds them."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.subscriptions: set[Subscription] = set()
        self.streams: Counter[str | None] = Counter()
        self.poked = asyncio.Event()
        self.watcher: asyncio.Task | None = None
        self.stopping = False

    def is_full(self, visitor: str | None) -> bool:
        """Whether this visitor already holds as many streams as it may."""
        return self.streams[visitor] >= feed_setting("FEED_STREAMS_PER_VISITOR")

    @contextmanager
    def subscribe(
        self, visitor: str | None, after: int, top: int, internals: bool
    ) -> Iterator[Subscription]:
        """Hand this visitor's chains after `after` to a new subscription, from now on.

        `top` is the newest event id, read before the stream catches up: a watcher started now
        begins there, so no chain written between the stream's catch-up and the watcher's first
        read is skipped.
        """
        subscription = Subscription(visitor, after, internals)
        self.subscriptions.add(subscription)
        self.streams[visitor] += 1
        if self.stopping:
            subscription.stop()
        if self.watcher is None or self.watcher.done():
            self.watcher = self.loop.create_task(self._watch(top))
        try:
            yield subscription
        finally:
            self.subscriptions.discard(subscription)
            self.streams -= Counter({visitor: 1})
            if not self.subscriptions and self.watcher is not None:
                self.watcher.cancel()
                self.watcher = None

    def stop(self) -> None:
        """End every stream, and each one opened from now on: the server is stopping."""
        self.stopping = True
        for subscription in self.subscriptions:
            subscription.stop()

    def poke(self) -> None:
        self.loop.call_soon_threadsafe(self.poked.set)

    def _heard(self) -> None:
        """LISTEN works: it has just connected, or another process wrote."""
        _outage.worked(LISTENS)
        self.poked.set()

    def _interest(self) -> Interest:
        """The visitors whose chains some stream wants (None: every chain), by drawing."""
        wanted: dict[bool, set[str | None]] = {}
        for subscription in self.subscriptions:
            wanted.setdefault(subscription.internals, set()).add(subscription.visitor)
        return {
            internals: None if None in visitors else frozenset(v for v in visitors if v is not None)
            for internals, visitors in wanted.items()
        }

    def _hand_out(self, found: dict[bool, list[Fragment]]) -> None:
        by_visitor: dict[tuple[bool, str], list[Fragment]] = {}
        for internals, drawn in found.items():
            for fragment in drawn:
                by_visitor.setdefault((internals, fragment.head.visitor), []).append(fragment)
        for subscription in list(self.subscriptions):
            drawn = found.get(subscription.internals, [])
            if subscription.visitor is not None:
                drawn = by_visitor.get((subscription.internals, subscription.visitor), [])
            for fragment in drawn:
                subscription.offer(fragment.head.last_id, fragment.message)

    async def _watch(self, latest: int) -> None:
        alias = _postgres_alias()
        listener = None
        if alias is not None:
            listener = self.loop.create_task(
                notify.listen(alias, self._heard, functools.partial(_outage.failed, LISTENS))
            )
        try:
            while True:
                behind = False
                try:
                    found: dict[bool, list[Fragment]]
                    latest, found, behind = await read(_new_fragments, latest, self._interest())
                    self._hand_out(found)
                except DatabaseError:
                    pass  # Told once per outage by read(); the next round retries.
                except Exception:
                    report(logger, "signal_lens: the stream watcher could not read events")
                if behind:
                    continue  # A burst of writes: read the rest before waiting.
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
            _chain_stop_signals()
        return _hubs[loop]


def stop_streams() -> None:
    """End every open stream in this process, as its server stops (safe in a signal handler)."""
    for each in list(_hubs.values()):  # No lock: the signal may have interrupted its holder.
        with suppress(RuntimeError):  # A closed loop has no streams left.
            each.loop.call_soon_threadsafe(each.stop)


def _on_stop_signal(previous: Any, signum: int, frame: FrameType | None) -> None:
    stop_streams()
    if callable(previous):
        previous(signum, frame)
    elif previous == signal.SIG_DFL:
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)


def _chain_stop_signals() -> None:
    """Once per process, end the streams on SIGTERM and SIGINT before the server's own handler.

    uvicorn waits for open responses before it stops, and a stream lasts ten minutes: without
    this, a server with streams open stops only after its graceful timeout, cutting them.
    """
    global _stop_signals_chained
    if _stop_signals_chained or threading.current_thread() is not threading.main_thread():
        return
    _stop_signals_chained = True
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(signum)
        if previous is not None and previous != signal.SIG_IGN:
            signal.signal(signum, functools.partial(_on_stop_signal, previous))


def wake_local() -> None:
    """Tell this process's streams that events were just written (callable from any thread)."""
    with _hubs_lock:
        hubs = [each for each in _hubs.values() if not each.loop.is_closed()]
    for each in hubs:
        with suppress(RuntimeError):  # The loop closed between the check and the call.
            each.poke()
