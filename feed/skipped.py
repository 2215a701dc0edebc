"""Reading back the receivers a QuerySet method skipped, for pages beside the feed (walkthrough)."""

from dataclasses import dataclass

from feed.models import Event
from feed.muting import muted
from feed.queries import events_for

RECENT = 20  # Skip records looked through, newest first.


@dataclass(frozen=True)
class SkipNote:
    method: str  # update, bulk_create or bulk_update
    model: str
    receivers: list[str]  # Short names of the save receivers that never ran.
    inside: str  # The receiver whose QuerySet call it was.


def _inside(event: Event, receiver: str) -> bool:
    if event.parent_seq is None:
        return False
    parent = Event.objects.filter(chain=event.chain, seq=event.parent_seq).first()
    if parent is None or event.parent_receiver >= len(parent.receivers):
        return False
    return parent.receivers[event.parent_receiver]["short"] == receiver


def latest_inside(visitor: str, receiver: str) -> SkipNote | None:
    """The visitor's newest skip made by `receiver` (a short name): what its update() skipped."""
    with muted():
        skips = events_for(visitor).filter(context__has_key="skipped").order_by("-id")[:RECENT]
        for event in skips:
            if _inside(event, receiver):
                names = [each["short"] for each in event.receivers]
                return SkipNote(event.method, event.sender, names, receiver)
    return None
