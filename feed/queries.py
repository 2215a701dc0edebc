"""Reading the feed: what a visitor (or staff, for everyone) may see. Other apps start here.

For example, this browser's first signup after event id `after` (the walkthrough's steps)::

    first_fired(visitor_of(request), "post_save", sender="auth.User",
                receiver="create_profile", after=after, created=True)
"""

from typing import Any
from uuid import UUID

from django.db.models import Max, Q
from django.http import HttpRequest

from feed import plumbing
from feed.conf import STREAM_BATCH
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


def _matching(
    visitor: str,
    signal: str,
    *,
    sender: str | None = None,
    receiver: str | None = None,
    after: int = 0,
    newest: bool = False,
    **args: Any,
) -> Event | None:
    events = events_for(visitor).filter(signal=signal, id__gt=after)
    events = events.order_by("-id" if newest else "id")
    if sender is not None:
        events = events.filter(sender=sender)
    with muted():
        for event in events:
            if receiver is not None and not event.ran(receiver):
                continue
            if all(event.args.get(key) == value for key, value in args.items()):
                return event
    return None


def first_fired(visitor: str, signal: str, **conditions: Any) -> Event | None:
    """The visitor's oldest send of `signal` after event id `after` matching every condition.

    `receiver` must have answered it (by qualified or short name); remaining keywords must equal
    its recorded arguments.
    """
    return _matching(visitor, signal, **conditions)


def last_fired(visitor: str, signal: str, **conditions: Any) -> Event | None:
    """The visitor's newest send of `signal` matching every condition (as first_fired)."""
    return _matching(visitor, signal, newest=True, **conditions)


def same_chain(event: Event, sends: list[tuple[str, str | None]]) -> list[int]:
    """The ids of the sends in the chain of `event` of these (signal, sender or None), in order."""
    wanted = Q(pk=event.pk)
    for signal, sender in sends:
        wanted |= Q(signal=signal, sender=sender) if sender else Q(signal=signal)
    with muted():
        events = Event.objects.filter(wanted, chain=event.chain).order_by("id")
        return list(events.values_list("id", flat=True))


def chain_end(event: Event) -> int:
    """The id of the last event of the chain this event belongs to."""
    with muted():
        return Event.objects.filter(chain=event.chain).aggregate(end=Max("id"))["end"]


def _events_of(events: EventQuerySet, heads: list[dict[str, Any]]) -> list[Event]:
    ids = [head["chain"] for head in heads]
    with muted():
        return list(events.filter(chain__in=ids))


def page_events(
    visitor: str | None, limit: int, before: int | None = None, lessons_only: bool = False
) -> tuple[list[Event], int | None]:
    """The events of a page of `limit` chains a visitor may see, newest first, before a cursor.

    Returns the cursor of the next, older page too (None on the oldest). With `lessons_only`,
    requests that sent nothing but Django's plumbing are left out.
    """
    events = events_for(visitor)
    keyed = events.filter(plumbing.lesson()) if lessons_only else events
    heads = keyed.values("chain").annotate(last=Max("id"))
    if before is not None:
        heads = heads.filter(last__lt=before)
    with muted():
        heads = list(heads.order_by("-last")[: limit + 1])
    older = heads[limit - 1]["last"] if len(heads) > limit else None
    return _events_of(events, heads[:limit]), older


def chain_events_after(visitor: str | None, after: int, limit: int = STREAM_BATCH) -> list[Event]:
    """The events of the oldest `limit` chains written after event id `after`."""
    events = events_for(visitor)
    with muted():
        newer = events.filter(id__gt=after).values("chain").annotate(last=Max("id"))
        heads = list(newer.order_by("last")[:limit])
    return _events_of(events, heads)


def chain_events(visitor: str | None, chain: UUID) -> list[Event]:
    """One chain's events, if this visitor may see it (else none)."""
    with muted():
        return list(events_for(visitor).filter(chain=chain))
