"""The receivers map: every signal and what is connected to it, so no receiver is hidden logic."""

import inspect
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.dispatch import Signal

from signal_lens.models import Family
from signal_lens.naming.receivers import (
    ReceiverInfo,
    describe,
    live_connections,
    source_function,
)
from signal_lens.naming.signal_names import SignalName, named_signals, sender_label


@dataclass(frozen=True)
class Connection:
    """One receiver connected to a signal, as the receivers map shows it."""

    receiver: ReceiverInfo
    sender: str
    dispatch_uid: str
    is_async: bool


@dataclass
class Connected:
    """A receiver as the map lists it: identical connections (one per instance) counted once."""

    connection: Connection
    count: int


@dataclass
class SignalEntry:
    name: SignalName
    connections: list[Connected]


@dataclass
class FamilyGroup:
    family: str
    label: str
    connected: list[SignalEntry]
    unconnected: list[SignalName]


def connections(signal: Signal) -> Iterator[Connection]:
    """The live receivers connected to a signal, in dispatch order."""
    for live in live_connections(signal):
        # Django keys a receiver by its dispatch_uid when given, otherwise by ids (ints).
        uid = "" if isinstance(live.key, int | tuple) else str(live.key)
        if live.any_sender:
            label = "any"
        else:
            label = sender_label(live.sender) if live.sender is not None else "one sender"
        yield Connection(describe(live.receiver), label, uid, live.is_async)


def _counted(found: Iterator[Connection]) -> list[Connected]:
    # A bound method connected once per instance (each storage's, each model's options) reads
    # the same every time: one line with a count says so without the repetition.
    return [Connected(connection, count) for connection, count in Counter(found).items()]


def by_family() -> list[FamilyGroup]:
    """Signals by family (model, request, auth, allauth, custom); those with receivers first."""
    entries = [SignalEntry(name, _counted(connections(signal))) for name, signal in named_signals()]
    groups = []
    for family, label in Family.choices:
        members = [entry for entry in entries if entry.name.family == family]
        connected = [entry for entry in members if entry.connections]
        unconnected = [entry.name for entry in members if not entry.connections]
        if members:
            groups.append(FamilyGroup(family, label, connected, unconnected))
    return groups


# The source viewer: the code of a connected receiver, and of nothing else on the server.


def live_receiver(name: str) -> Any | None:
    """The connected receiver with this qualified name, if any: the source viewer's whitelist."""
    for _signal_name, signal in named_signals():
        for live in live_connections(signal):
            if describe(live.receiver).name == name:
                return live.receiver
    return None


def source_lines(receiver: Any) -> tuple[list[str], int]:
    """The receiver's source lines and the number of the first, or nothing when unreadable."""
    try:
        return inspect.getsourcelines(source_function(receiver))
    except (OSError, TypeError):
        return [], 0
