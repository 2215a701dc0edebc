"""The transaction around each send, and the fate of each on_commit callback a receiver registers.

Whether a send ran inside atomic() comes from the public `connection.in_atomic_block`. Django
offers no hook for on_commit callbacks, so the callbacks a receiver adds to its connection's
queue are watched by a stand-in that runs the callback itself and forwards attribute reads, the
way the recorder times receivers; FEED_WATCH_ON_COMMIT = False leaves the queue untouched.
Outside atomic() Django runs a callback at once, queueing nothing: the stack says so instead.
"""

import functools
from types import FrameType
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.dispatch import Signal, dispatcher

from signal_lens.naming.privacy import error_text
from signal_lens.naming.receivers import describe
from signal_lens.naming.signal_names import name_of


def callback_name(callback: Any) -> str:
    """A callback as the feed names it: `note_committed.send` for a signal's send, else its name."""
    target = callback.func if isinstance(callback, functools.partial) else callback
    owner = getattr(target, "__self__", None)
    if isinstance(owner, Signal):
        return f"{name_of(owner).name}.{target.__name__}"
    return describe(callback).short


# Where Django runs a callback at once outside atomic(), and where the send that called the
# receiver runs: a stack walk between the two tells a callback run at once from the receiver.
_ON_COMMIT = BaseDatabaseWrapper.on_commit.__code__
_DISPATCHER = dispatcher.receiver.__code__.co_filename


def from_callback_run_at_once(frame: FrameType | None) -> bool:
    """Whether a send nested in a receiver comes from an on_commit() callback that receiver
    queued outside any transaction, which Django therefore ran at once."""
    while frame is not None and frame.f_code.co_filename != _DISPATCHER:
        if frame.f_code is _ON_COMMIT:
            return True
        frame = frame.f_back
    return False


class Watched:
    """An on_commit callback, as queued by a receiver: runs it and remembers that it did."""

    __slots__ = ("callback", "connection", "error", "name", "ran")

    def __init__(self, callback: Any, connection: Any) -> None:
        self.callback, self.connection = callback, connection
        self.name = callback_name(callback)
        self.ran = False
        self.error = ""

    def __call__(self) -> Any:
        self.ran = True
        try:
            return self.callback()
        except Exception as error:
            self.error = error_text(error)
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.callback, name)

    def __eq__(self, other: object) -> bool:
        # Tests that compare captured callbacks with their own function still find it.
        return self.callback == (other.callback if isinstance(other, Watched) else other)

    def __hash__(self) -> int:
        return hash(self.callback)

    def fate(self) -> str:
        if self.ran:
            return "raised" if self.error else "ran after commit"
        if any(entry[1] is self for entry in self.connection.run_on_commit):
            return "waiting for commit"
        return "discarded by rollback"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "database": self.connection.alias,
            "fate": self.fate(),
            "error": self.error,
        }


class CommitWatch:
    """The on_commit queues of one receiver's call: what it added between start() and stop()."""

    __slots__ = ("marks", "watched")

    def __init__(self) -> None:
        self.marks: list[tuple[Any, list[Any], int]] = []
        self.watched: list[Watched] = []

    def start(self, databases: list[Any]) -> None:
        for connection in databases:
            if connection.in_atomic_block:
                queue = connection.run_on_commit
                self.marks.append((connection, queue, len(queue)))

    def stop(self) -> None:
        # A queue replaced during the call (a savepoint rolled back) holds nothing of it to watch.
        for connection, queue, length in self.marks:
            if connection.run_on_commit is not queue:
                continue
            for index in range(length, len(queue)):
                savepoints, callback, robust = queue[index]
                watched = Watched(callback, connection)
                queue[index] = (savepoints, watched, robust)
                self.watched.append(watched)
        self.marks.clear()
