"""The receivers map: every signal and what is connected to it, so no receiver is hidden logic."""

from collections import Counter
from dataclasses import dataclass

from feed.models import Family
from feed.registry import Connection, SignalName, connections, named_signals


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


def _counted(found: list[Connection]) -> list[Connected]:
    # A bound method connected once per instance (a storage's, a model's options) looks the same
    # each time: one line with a count says it without the repetition.
    counts = Counter(found)
    return [Connected(connection, count) for connection, count in counts.items()]


def by_family() -> list[FamilyGroup]:
    """Signals by family (model, request, auth, allauth, custom); those with receivers first."""
    entries = [
        SignalEntry(name, _counted(list(connections(signal)))) for name, signal in named_signals()
    ]
    groups = []
    for family, label in Family.choices:
        members = [entry for entry in entries if entry.name.family == family]
        connected = [entry for entry in members if entry.connections]
        unconnected = [entry.name for entry in members if not entry.connections]
        if members:
            groups.append(FamilyGroup(family, label, connected, unconnected))
    return groups
