"""The receivers map: every signal and what is connected to it, so no receiver is hidden logic."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from django.dispatch import Signal
from django.dispatch.dispatcher import NONE_ID

from signal_lens.models import Family
from signal_lens.naming.receivers import ReceiverInfo, describe, resolve_reference
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
    with signal.lock:
        entries = list(signal.receivers)
    for (receiver_key, sender_key), receiver_ref, sender_ref, is_async in entries:
        receiver = resolve_reference(receiver_ref)
        sender = sender_ref() if sender_ref is not None else None
        if receiver is None or (sender_ref is not None and sender is None):
            continue
        # Django keys a receiver by its dispatch_uid when given, otherwise by ids (ints).
        uid = "" if isinstance(receiver_key, int | tuple) else str(receiver_key)
        if sender_key == NONE_ID:
            label = "any"
        else:
            label = sender_label(sender) if sender is not None else "one sender"
        yield Connection(describe(receiver), label, uid, is_async)


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
