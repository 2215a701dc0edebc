"""Reading back the save receivers a write skipped, for pages beside the feed (walkthrough)."""

from dataclasses import dataclass

from signal_lens.models import Event
from signal_lens.muting import muted
from signal_lens.store.reads import events_for

RECENT = 20  # Skip records looked through, newest first.


@dataclass(frozen=True)
class SkipNote:
    write: str  # update(), bulk_create(), bulk_update(), SQL UPDATE or SQL INSERT
    model: str
    receivers: list[str]  # Short names of the save receivers that never ran.
    inside: str  # The receiver whose write it was.


def _receiver_of(event: Event, parents: dict[tuple, Event]) -> str:
    """The short name of the receiver whose work made this record, or ""."""
    parent = parents.get((event.chain, event.parent_seq))
    if parent is None or event.parent_receiver >= len(parent.receivers):
        return ""
    return parent.receivers[event.parent_receiver]["short"]


def latest_inside(visitor: str, receiver: str) -> SkipNote | None:
    """The visitor's newest skip made by `receiver` (a short name): what its write skipped."""
    with muted():
        records = events_for(visitor).filter(context__has_key="skipped", parent_seq__isnull=False)
        skips = list(records.order_by("-id")[:RECENT])
        chains = Event.objects.filter(chain__in={event.chain for event in skips})
        parents = {(event.chain, event.seq): event for event in chains}
    for event in skips:
        if _receiver_of(event, parents) == receiver:
            names = [each["short"] for each in event.receivers]
            return SkipNote(event.signal, event.sender, names, receiver)
    return None
