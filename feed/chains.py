"""In-memory records of signal sends, kept per request (a chain) until written in one go.

Context variables tie each send to the request that caused it and to the receiver running when it
was sent, so simultaneous requests, threads and tasks never mix their chains.
"""

import itertools
import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any

from django.dispatch import Signal
from django.urls import Resolver404, resolve

from feed.models import Origin
from feed.registry import ReceiverInfo, name_of, sender_label
from feed.summaries import mask_emails, safe_args, summarise

logger = logging.getLogger(__name__)

LABEL_LENGTH = 40  # Event.origin holds method, path (150) and label within its 200 characters.

# The request chain of this context, set when request_started is sent.
current_chain: ContextVar["Chain | None"] = ContextVar("feed_chain", default=None)
# The receiver running in this context: the parent of any send made inside it.
current_call: ContextVar["Call | None"] = ContextVar("feed_call", default=None)
# The feed's own work (writing, pruning, reading events) is never recorded.
_muted: ContextVar[bool] = ContextVar("feed_muted", default=False)


def claim(visitor: str) -> None:
    """Give the request being recorded in this context to a visitor."""
    chain = current_chain.get()
    if chain is not None:
        chain.visitor = visitor


def name_chain(label: str) -> None:
    """Name what the request being recorded in this context did, e.g. a playground operation.

    The feed shows the label beside the request's method and path, which alone cannot tell apart
    requests to one URL pattern (`POST /playground/<slug>/`).
    """
    chain = current_chain.get()
    if chain is not None:
        chain.label = label[:LABEL_LENGTH]


def is_muted() -> bool:
    return _muted.get()


@contextmanager
def muted() -> Iterator[None]:
    """Run the feed's own database work without recording the signals it causes."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def error_text(error: BaseException) -> str:
    try:
        message = str(error)
    except Exception:
        message = ""
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return mask_emails(text)[:300]


def process_label() -> str:
    """What to call work done outside requests: "manage.py migrate", "shell", "pytest"."""
    argv = sys.argv or ["python"]
    program = Path(argv[0])
    name = program.parent.name if program.name == "__main__.py" else program.name
    if name in {"manage.py", "django-admin"} and len(argv) > 1:
        return f"{name} {argv[1]}"
    return name or "python"


def redact_path(path: str) -> str:
    """The path with URL arguments replaced by their names, so reset keys and tokens never show."""
    try:
        match = resolve(path)
    except Resolver404:
        return path[:150]
    named = [(f"<{key}>", str(value)) for key, value in match.kwargs.items()]
    arguments = [*named, *(("<arg>", str(value)) for value in match.args)]
    # Longest first, so a short value inside a longer one cannot split it; from the right,
    # because arguments follow the literal parts of a route.
    for name, value in sorted(arguments, key=lambda pair: -len(pair[1])):
        head, found, tail = path.rpartition(value)
        path = f"{head}{name}{tail}" if found and value else path
    return path[:150]


class Chain:
    """The sends of one request (or one top-level send of a command or shell), in order."""

    def __init__(self, kind: str, origin: str, path: str = "", ignored: bool = False) -> None:
        self.id = uuid.uuid4()
        self.kind, self.origin, self.path, self.ignored = kind, origin, path, ignored
        self.visitor = ""
        self.label = ""
        self.sends: list[Send] = []
        self.started = perf_counter()
        self.wall = datetime.now(UTC)
        self._seq = itertools.count()

    def add(self, signal: Signal, sender: Any, named: dict[str, Any], method: str) -> "Send":
        send = Send(self, next(self._seq), signal, sender, named, method, current_call.get())
        self.sends.append(send)
        return send

    def fold_instance(self) -> None:
        """Count a pre_init/post_init send on the send whose receiver runs, else on the first."""
        call = current_call.get()
        target = call.send if call is not None else (self.sends[0] if self.sends else None)
        if target is not None:
            target.instances += 1

    def records(self) -> list[dict[str, Any]]:
        """The chain's events as Event field values, stamped with its visitor and origin."""
        origin = self.origin
        if self.kind == Origin.REQUEST:
            origin = f"{self.origin} {redact_path(self.path)}"
        if self.label:
            origin = f"{origin} · {self.label}"
        return [send.record(origin) for send in self.sends]


class Send:
    """One send of one signal: its safe arguments, summary and the receivers that ran."""

    def __init__(
        self,
        chain: Chain,
        seq: int,
        signal: Signal,
        sender: Any,
        named: dict[str, Any],
        method: str,
        parent: "Call | None",
    ) -> None:
        self.chain, self.seq, self.signal, self.method, self.parent = (
            chain, seq, signal, method, parent
        )  # fmt: skip
        self.name = name_of(signal)
        self.sender = sender_label(sender)
        self.summary = summarise(self.name.name, sender, named)
        self.args = safe_args(named)
        self.depth = parent.send.depth + 1 if parent is not None else 0
        self.calls: list[Call] = []
        self.instances = 0
        self.error = ""
        self.resolved = False
        self.start = perf_counter()
        self.duration = 0.0

    def add_call(self, info: ReceiverInfo, is_async: bool) -> "Call":
        call = Call(self, len(self.calls), info, is_async)
        self.calls.append(call)
        return call

    def finish(self, error: BaseException | None) -> None:
        self.duration = perf_counter() - self.start
        self.signal = None  # Only the name is kept: the buffer must not hold module objects.
        if error is not None:
            self.error = error_text(error)

    def record(self, origin: str) -> dict[str, Any]:
        chain = self.chain
        offset = self.start - chain.started
        return dict(
            chain=chain.id,
            seq=self.seq,
            parent_seq=self.parent.send.seq if self.parent else None,
            parent_receiver=self.parent.index if self.parent else None,
            depth=self.depth,
            visitor=chain.visitor,
            origin_kind=chain.kind,
            origin=origin,
            signal=self.name.name,
            signal_module=self.name.module,
            family=self.name.family,
            method=self.method,
            sender=self.sender,
            summary=self.summary,
            args=self.args,
            receivers=[call.as_dict() for call in self.calls],
            instances=self.instances,
            error=self.error,
            started_at=chain.wall + timedelta(seconds=offset),
            offset_ms=round(offset * 1000, 3),
            duration_ms=round(self.duration * 1000, 3),
        )


class Call:
    """One receiver answering one send: how long it took and how it ended."""

    __slots__ = ("duration", "error", "index", "info", "is_async", "outcome", "send", "start")

    def __init__(self, send: Send, index: int, info: ReceiverInfo, is_async: bool) -> None:
        self.send, self.index, self.info, self.is_async = send, index, info, is_async
        self.start: float | None = None
        self.duration = 0.0
        self.outcome = "not run"
        self.error = ""

    def begin(self) -> None:
        self.start = perf_counter()

    def finish(self, error: BaseException | None) -> None:
        self.duration = perf_counter() - (self.start or perf_counter())
        self.outcome = "raised" if error is not None else "returned"
        if error is not None:
            self.error = error_text(error)

    def as_dict(self) -> dict[str, Any]:
        offset = (self.start - self.send.chain.started) if self.start is not None else None
        return {
            "name": self.info.name,
            "short": self.info.short,
            "location": self.info.location,
            "async": self.is_async,
            "offset_ms": None if offset is None else round(offset * 1000, 3),
            "duration_ms": round(self.duration * 1000, 3),
            "outcome": self.outcome,
            "error": self.error,
        }
