"""Receiver statistics over the retained events: which receiver is slow, queries most, fails.

For each receiver: how often it ran, its median and 95th-percentile duration, its queries per
call, the exceptions send_robust() swallowed, and how often a write without save() (update(),
bulk_create(), bulk_update(), SQL by hand) skipped it. Connected receivers that never ran are
listed apart.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.http import urlencode

from signal_lens.context import muted
from signal_lens.models import Event
from signal_lens.naming.signal_names import named_signals
from signal_lens.pages.receivers_map import connections
from signal_lens.store.tree import RAN

ROBUST = frozenset({"send_robust", "asend_robust"})
# Column -> (heading, sort key, descending first): numbers sort largest first, names A to Z.
COLUMNS: dict[str, tuple[str, str, bool]] = {
    "receiver": ("Receiver", "short", False),
    "calls": ("Calls", "calls", True),
    "p50": ("p50", "p50_ms", True),
    "p95": ("p95", "p95_ms", True),
    "queries": ("Queries per call", "queries_per_call", True),
    "swallowed": ("Swallowed", "swallowed", True),
    "skipped": ("Skipped", "skipped", True),
}
DEFAULT_SORT = "p95"


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values: p50 of 1..100 is 50, p95 is 95."""
    return values[max(math.ceil(share * len(values)) - 1, 0)]


@dataclass
class ReceiverStats:
    name: str
    short: str
    location: str
    durations: list[float] = field(default_factory=list, repr=False)
    queries: list[int] = field(default_factory=list, repr=False)
    swallowed: int = 0
    skipped: int = 0

    @property
    def calls(self) -> int:
        return len(self.durations)

    @property
    def p50_ms(self) -> float:
        return percentile(sorted(self.durations), 0.5) if self.durations else 0.0

    @property
    def p95_ms(self) -> float:
        return percentile(sorted(self.durations), 0.95) if self.durations else 0.0

    @property
    def queries_per_call(self) -> float | None:
        return sum(self.queries) / len(self.queries) if self.queries else None


@dataclass(frozen=True)
class Heading:
    label: str
    query: str  # The link that sorts by this column (again: the other way round).
    aria_sort: str  # "ascending", "descending" or "none", for screen readers.


@dataclass
class StatsTable:
    rows: list[ReceiverStats]
    never_fired: list[str]
    sort: str
    descending: bool

    def headings(self) -> list[Heading]:
        found = []
        for column, (label, _key, numbers_first) in COLUMNS.items():
            current = column == self.sort
            descending = not self.descending if current else numbers_first
            query = urlencode({"sort": column, "order": "desc" if descending else "asc"})
            state = ("descending" if self.descending else "ascending") if current else "none"
            found.append(Heading(label, f"?{query}#receiver-stats", state))
        return found


Stored = tuple[str, list[dict[str, Any]], dict[str, Any]]  # An event's method, receivers, context


def collect(records: Iterable[Stored]) -> list[ReceiverStats]:
    """Statistics per receiver from (method, receivers, context) of stored events."""
    found: dict[str, ReceiverStats] = {}
    for method, receivers, context in records:
        skip = bool(context.get("skipped"))
        for receiver in receivers:
            stats = found.get(receiver["name"])
            if stats is None:
                stats = ReceiverStats(receiver["name"], receiver["short"], receiver["location"])
                found[receiver["name"]] = stats
            if skip:
                stats.skipped += 1
                continue
            if receiver["outcome"] not in RAN:
                continue
            stats.durations.append(receiver["duration_ms"])
            if receiver.get("queries") is not None:
                stats.queries.append(receiver["queries"])
            if receiver["outcome"] == "raised" and method in ROBUST:
                stats.swallowed += 1
    return list(found.values())


def _connected() -> dict[str, str]:
    """Every receiver connected now: qualified name -> short name."""
    return {
        connection.receiver.name: connection.receiver.short
        for _name, signal in named_signals()
        for connection in connections(signal)
    }


def table(sort: str | None = None, descending: bool | None = None) -> StatsTable:
    """The receivers map's statistics, sorted by a column of COLUMNS."""
    sort = sort if sort in COLUMNS else DEFAULT_SORT
    _label, key, numbers_first = COLUMNS[sort]
    descending = numbers_first if descending is None else descending
    with muted():
        records = Event.objects.values_list("method", "receivers", "context").iterator()
        rows = collect(records)
    ran = {row.name for row in rows if row.calls}
    never = sorted(short for name, short in _connected().items() if name not in ran)

    def order(row: ReceiverStats) -> Any:
        value = getattr(row, key)
        return (value is not None, value if value is not None else 0)

    return StatsTable(sorted(rows, key=order, reverse=descending), never, sort, descending)
