"""In-memory records of signal sends, kept per request (a chain) until written in one go."""

import itertools
import uuid
from datetime import timedelta
from time import perf_counter
from typing import Any, NamedTuple

from django.db.models.signals import post_save
from django.dispatch import Signal
from django.utils import timezone

from signal_lens.conf import PATH_LENGTH, stored_ms
from signal_lens.insight import hooks
from signal_lens.models import Origin
from signal_lens.naming.privacy import error_text, safe_args, summarise
from signal_lens.naming.receivers import ReceiverInfo
from signal_lens.naming.signal_names import SignalName, name_of, sender_label
from signal_lens.recording.paths import redact_path


class Chain:
    """The sends of one request (or one top-level send of a command or shell), in order."""

    def __init__(self, kind: str, origin: str, path: str = "", ignored: bool = False) -> None:
        self.id = uuid.uuid4()
        self.kind, self.origin, self.path, self.ignored = kind, origin, path, ignored
        self.visitor = ""
        self.label = ""  # What the request did, named by the view (context.name_chain()).
        self.public_path = False  # The view says its URL arguments are no secret: show them.
        self.sends: list[Send] = []
        self.started = perf_counter()
        self.wall = timezone.now()  # Aware or naive as USE_TZ says: the host's choice.
        self.complete = False  # Handed to the writer: later sends start a chain of their own.
        self._seq = itertools.count()

    def add(
        self, signal: Signal, sender: Any, named: dict[str, Any], method: str, parent: "Call | None"
    ) -> "Send":
        """Record a send; `parent` is the receiver whose work made it (None at the top)."""
        send = Send(self, next(self._seq), signal, sender, named, method, parent)
        self.sends.append(send)
        return send

    def add_skip(
        self,
        model: Any,
        name: SignalName,
        receivers: list[ReceiverInfo],
        method: str,
        parent: "Call | None",
    ) -> "Send":
        """Record the save receivers a write skipped (insight/skips.py), where a send would be."""
        count = len(receivers)
        skip = Skip(name, f"no signal sent: {count} receiver{'s' if count > 1 else ''} skipped")
        send = Send(self, next(self._seq), post_save, model, {}, method, parent, skip)
        for info in receivers:
            send.add_call(info, False, outcome="skipped")
        self.sends.append(send)
        return send

    def fold_instance(self, call: "Call | None") -> None:
        """Count a pre_init/post_init send on the send whose receiver runs, else on the first."""
        target = call.send if call is not None else (self.sends[0] if self.sends else None)
        if target is not None:
            target.instances += 1

    def drain(self) -> list[dict[str, Any]]:
        """The chain's events as Event field values, stamped with its visitor and origin; the
        chain is left empty.

        Called once, by the writer: a chain, its sends and their calls refer to each other, and
        left as they are each chain would wait for the cycle collector, whose passes then cost
        every request more.
        """
        origin = self.origin
        if self.kind == Origin.REQUEST:
            path = self.path[:PATH_LENGTH] if self.public_path else redact_path(self.path)
            origin = f"{self.origin} {path}"
        if self.label:
            origin = f"{origin} · {self.label}"
        records = hooks.mark_repeats([send.record(origin) for send in self.sends])
        for send in self.sends:
            send.calls = []
        self.sends = []
        return records


class Skip(NamedTuple):
    """What stands in a record of skipped save receivers for the signal that was never sent."""

    name: SignalName  # The write: update(), bulk_create(), SQL UPDATE...
    summary: str


class Send:
    """One send of one signal: its safe arguments, summary and the receivers that ran; or, with
    a Skip, the save receivers a write skipped."""

    def __init__(
        self,
        chain: Chain,
        seq: int,
        signal: Signal,
        sender: Any,
        named: dict[str, Any],
        method: str,
        parent: "Call | None",
        skip: Skip | None = None,
    ) -> None:
        self.chain, self.seq, self.signal, self.method, self.parent = (
            chain, seq, signal, method, parent
        )  # fmt: skip
        self.skipped = skip is not None
        if skip is None:
            self.name = name_of(signal)
            self.summary = summarise(self.name.name, sender, named)
        else:
            self.name, self.summary = skip
        self.sender = sender_label(sender)
        self.args = safe_args(named)
        self.depth = parent.send.depth + 1 if parent is not None else 0
        self.calls: list[Call] = []
        self.instances = 0
        self.error = ""
        self.resolved = False
        self.probe = hooks.begin_send(self, named)
        self.start = perf_counter()
        self.duration = 0.0

    def add_call(self, info: ReceiverInfo, is_async: bool, outcome: str = "not run") -> "Call":
        call = Call(self, len(self.calls), info, is_async, outcome)
        self.calls.append(call)
        return call

    def finish(self, error: BaseException | None) -> None:
        self.duration = perf_counter() - self.start
        self.signal = None  # Only the name is kept: the buffer must not hold module objects.
        if error is not None:
            self.error = error_text(error)
        hooks.finish_send(self)

    def record(self, origin: str) -> dict[str, Any]:
        chain = self.chain
        offset = self.start - chain.started
        return {
            "chain": chain.id,
            "seq": self.seq,
            "parent_seq": self.parent.send.seq if self.parent else None,
            "parent_receiver": self.parent.index if self.parent else None,
            "depth": self.depth,
            "visitor": chain.visitor,
            "origin_kind": chain.kind,
            "origin": origin,
            "signal": self.name.name,
            "signal_module": self.name.module,
            "family": self.name.family,
            "method": self.method,
            "sender": self.sender,
            "summary": self.summary,
            "args": self.args,
            "receivers": [call.as_dict() for call in self.calls],
            "instances": self.instances,
            "error": self.error,
            "context": hooks.send_facts(self),
            "started_at": chain.wall + timedelta(seconds=offset),
            "offset_ms": stored_ms(offset * 1000),
            "duration_ms": stored_ms(self.duration * 1000),
        }


class Call:
    """One receiver answering one send: how long it took and how it ended."""

    __slots__ = (
        "duration", "error", "index", "info", "is_async", "outcome", "probe", "send", "start"
    )  # fmt: skip

    def __init__(
        self, send: Send, index: int, info: ReceiverInfo, is_async: bool, outcome: str
    ) -> None:
        self.send, self.index, self.info, self.is_async = send, index, info, is_async
        self.start: float | None = None
        self.duration = 0.0
        self.outcome = outcome
        self.error = ""
        self.probe: hooks.CallProbe | None = None

    def begin(self) -> None:
        self.probe = hooks.begin_call(self)
        self.start = perf_counter()

    def finish(self, error: BaseException | None) -> None:
        self.duration = perf_counter() - (self.start or perf_counter())
        self.outcome = "raised" if error is not None else "returned"
        if error is not None:
            self.error = error_text(error)
        hooks.finish_call(self)

    def as_dict(self) -> dict[str, Any]:
        offset = (self.start - self.send.chain.started) if self.start is not None else None
        return {
            "name": self.info.name,
            "short": self.info.short,
            "location": self.info.location,
            "async": self.is_async,
            "offset_ms": None if offset is None else stored_ms(offset * 1000),
            "duration_ms": stored_ms(self.duration * 1000),
            "outcome": self.outcome,
            "error": self.error,
            **hooks.call_facts(self),
        }
