"""Reading the feed: what a visitor (or staff, for everyone) may see. Other apps start here.

For example, this browser's first signup after event id `after` (the walkthrough's steps)::

    first_fired(visitor_of(request), "post_save", sender="auth.User",
                receiver="create_profile", after=after, created=True)
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Max
from django.http import HttpRequest

from feed.models import Event, EventQuerySet
from feed.muting import muted

EVERYONE = None  # Pass as the visitor to read every event (staff only).


def visitor_of(request: HttpRequest) -> str:
    """The feed's id for the browser that sent this request (FeedMiddleware sets it)."""
    return getattr(request, "feed_visitor", "")


def events_for(visitor: str | None) -> EventQuerySet:
    """A visitor's events, or every event for EVERYONE; none for an unknown visitor ("")."""
    if visitor is EVERYONE:
        return Event.objects.all()
    # Events of commands and the shell carry no visitor: "" must never match them.
    return Event.objects.for_visitor(visitor) if visitor else Event.objects.none()


def first_fired(
    visitor: str,
    signal: str,
    *,
    sender: str | None = None,
    receiver: str | None = None,
    after: int = 0,
    **args: Any,
) -> Event | None:
    """The visitor's oldest send of `signal` after event id `after` matching every condition.

    `receiver` must have answered it (by qualified or short name); remaining keywords must equal
    its recorded arguments.
    """
    events = events_for(visitor).filter(signal=signal, id__gt=after).order_by("id")
    if sender is not None:
        events = events.filter(sender=sender)
    with muted():
        for event in events:
            if receiver is not None and not event.ran(receiver):
                continue
            if all(event.args.get(key) == value for key, value in args.items()):
                return event
    return None


@dataclass(frozen=True)
class ChainHead:
    """What names a chain's rendering without reading its events: its id, owner and size."""

    id: UUID
    visitor: str
    last_id: int
    size: int


def _heads(events: EventQuerySet, order: str, limit: int) -> list[ChainHead]:
    grouped = events.values("chain", "visitor").annotate(last=Max("id"), size=Count("id"))
    with muted():
        rows = list(grouped.order_by(order)[:limit])
    return [ChainHead(row["chain"], row["visitor"], row["last"], row["size"]) for row in rows]


def recent_heads(visitor: str | None, limit: int) -> list[ChainHead]:
    """The newest `limit` chains a visitor may see, newest first."""
    return _heads(events_for(visitor), "-last", limit)


def heads_after(
    visitor: str | None, after: int, limit: int, until: int | None = None
) -> list[ChainHead]:
    """Chains written after event id `after` (up to `until`), oldest first: what comes next."""
    events = events_for(visitor).filter(id__gt=after)
    return _heads(events if until is None else events.filter(id__lte=until), "last", limit)


def last_event_id() -> int:
    """The newest event id of the whole table, 0 when empty."""
    with muted():
        return Event.objects.aggregate(last=Max("id"))["last"] or 0


def chain_events_of(ids: list[UUID]) -> list[Event]:
    """The events of these chains."""
    with muted():
        return list(Event.objects.filter(chain__in=ids))


def chain_events(visitor: str | None, chain: UUID) -> list[Event]:
    """One chain's events, if this visitor may see it (else none)."""
    with muted():
        return list(events_for(visitor).filter(chain=chain))
