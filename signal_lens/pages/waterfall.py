"""One chain laid out as a waterfall: a bar per send and per receiver, on one time axis.

Signals take a sliver of a request next to the view's own work (a password hash alone takes
hundreds of milliseconds), so time outside any signal is squeezed into thin gaps: the bars then
show signal time to scale, and a slow receiver stands out at a glance.
"""

from bisect import bisect_right
from dataclasses import dataclass

from signal_lens.models import Event
from signal_lens.store.tree import RAN, ChainView, EventNode, ReceiverFacts

SCALE = 1000.0  # The bars' SVG viewBox width.
GAPS_SHARE = 0.2  # At most this much of the axis for all the squeezed gaps together.
MIN_WIDTH = 3.0  # Even an instant receiver stays visible.


@dataclass
class Row:
    kind: str  # "event" or "receiver"
    label: str
    detail: str
    family: str  # "" for a write that sent no signal, and its skipped receivers.
    depth: int
    duration_ms: float
    x: str
    width: str
    outcome: str = ""
    facts: ReceiverFacts | None = None  # Receiver rows: queries and on_commit callbacks.
    event_id: int | None = None  # Event rows: the walkthrough links to them by this id.
    internal: bool = False
    module: str = ""  # Event rows: the sending module where names repeat ("allauth.account").
    skip: bool = False  # Event rows: a write that sent no signal (update(), SQL by hand).

    @property
    def ran(self) -> bool:
        return self.kind == "event" or self.outcome in RAN


class Axis:
    """Maps a time offset (ms) onto the axis, with idle time between signals squeezed."""

    def __init__(self, spans: list[tuple[float, float]]) -> None:
        merged: list[list[float]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.segments = merged
        busy = sum(end - start for start, end in merged) or 1.0
        self.gap = SCALE * GAPS_SHARE / (len(merged) - 1) if len(merged) > 1 else 0.0
        self.unit = (SCALE - self.gap * (len(merged) - 1)) / busy
        self.before = [0.0]
        for start, end in merged:
            self.before.append(self.before[-1] + (end - start))

    def at(self, offset: float) -> float:
        index = max(bisect_right(self.starts, offset) - 1, 0)
        start, end = self.segments[index]
        within = min(max(offset - start, 0.0), end - start)
        return (self.before[index] + within) * self.unit + index * self.gap

    def bar(self, offset: float | None, duration: float) -> tuple[str, str]:
        if offset is None:
            return "0.0", "0.0"  # A receiver that never ran (an earlier one raised).
        x = min(self.at(offset), SCALE - MIN_WIDTH)
        width = max(self.at(offset + duration) - x, MIN_WIDTH)
        return f"{x:.1f}", f"{min(width, SCALE - x):.1f}"


def _add(rows: list[Row], axis: Axis, node: EventNode, depth: int) -> None:
    event = node.event
    skip = _is_skip(event)
    x, width = axis.bar(event.offset_ms, event.duration_ms)
    # A write that sent no signal is named as the feed names it, with no signal's family.
    label = f"{event.signal} on {event.sender}" if skip else f"{event.signal} · {event.sender}"
    family = "" if skip else event.family
    rows.append(
        Row("event", label, event.summary, family, depth, event.duration_ms, x, width,
            event_id=event.id, internal=node.internal, module=node.module_hint, skip=skip)
    )  # fmt: skip
    for receiver in node.receivers:
        x, width = axis.bar(receiver.offset_ms, receiver.duration_ms)
        rows.append(
            Row("receiver", receiver.short, receiver.location, family, depth + 1,
                receiver.duration_ms, x, width, receiver.outcome, facts=receiver.facts,
                internal=node.internal)
        )  # fmt: skip
        for child in receiver.children:
            _add(rows, axis, child, depth + 2)


def _is_skip(event: Event) -> bool:
    return bool(event.context.get("skipped"))


def signals(chain: ChainView) -> int:
    """How many signals the chain sent: the writes that sent none are not counted."""
    return sum(not _is_skip(event) for event in chain.events)


def rows(chain: ChainView) -> list[Row]:
    """Rows in causal order: each send, its receivers, and what each receiver sent."""
    if not chain.roots:
        return []
    axis = Axis([(node.event.offset_ms, node.event.offset_ms + node.event.duration_ms)
                 for node in chain.roots])  # fmt: skip
    laid_out: list[Row] = []
    for root in chain.roots:
        _add(laid_out, axis, root, 0)
    return laid_out
