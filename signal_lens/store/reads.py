"""Reading the feed: what a visitor (or staff, for everyone) may see. Other apps start here.

For example, this browser's first signup after event id `after` (the walkthrough's steps), with
pages.visitors.visitor_of(request) for `visitor`::

    first_fired(visitor, "post_save", sender="auth.User",
                receiver="create_profile", after=after, created=True)
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Max, Q, TextField
from django.db.models.functions import Cast

from signal_lens.context import muted
from signal_lens.models import Event, EventQuerySet

EVERYONE = None  # Pass as the visitor to read every event (staff only).
# Django's plumbing: signals every request sends that teach nothing about this site's own code.
# The feed folds them away unless the visitor switches on "show Django's internals".
PLUMBING_SIGNALS = frozenset(
    {"request_started", "request_finished", "connection_created", "template_rendered"}
)
# Every request with a session saves it: its model signals are plumbing too.
PLUMBING_SENDERS = frozenset({"sessions.Session"})


def is_plumbing(signal: str, sender: str) -> bool:
    return signal in PLUMBING_SIGNALS or sender in PLUMBING_SENDERS


def lesson() -> Q:
    """Events that are not plumbing, as a filter."""
    return ~(Q(signal__in=PLUMBING_SIGNALS) | Q(sender__in=PLUMBING_SENDERS))


def events_for(visitor: str | None) -> EventQuerySet:
    """A visitor's events, or every event for EVERYONE; none for an unknown visitor ("")."""
    if visitor is EVERYONE:
        return Event.objects.all()
    # Events of commands and the shell carry no visitor: "" must never match them.
    return Event.objects.for_visitor(visitor) if visitor else Event.objects.none()


def sent(signal: str, *, sender: str | None = None, receiver: str | None = None, **args: Any) -> Q:
    """The sends of `signal` matching every condition, as a filter on events_for()'s rows.

    `receiver` must have answered it (by qualified or short name); remaining keywords must equal
    its recorded arguments.
    """
    wanted = Q(signal=signal)
    if sender is not None:
        wanted &= Q(sender=sender)
    if receiver is not None:
        # Either name is a whole JSON string in the record: text search works on every database.
        wanted &= Q(receivers_text__contains=f'"{receiver}"')
    return wanted & Q(**{f"args__{key}": value for key, value in args.items()})


def matchable(events: EventQuerySet) -> EventQuerySet:
    """Events that sent() filters can read: the receivers' record as text, for their names."""
    return events.alias(receivers_text=Cast("receivers", TextField()))


def _matching(visitor: str, signal: str, *, after: int = 0, newest: bool = False, **conditions):
    events = matchable(events_for(visitor)).filter(sent(signal, **conditions), id__gt=after)
    with muted():
        return events.order_by("-id" if newest else "id").first()


def first_fired(visitor: str, signal: str, **conditions: Any) -> Event | None:
    """The visitor's oldest send of `signal` after event id `after` matching sent()'s conditions."""
    return _matching(visitor, signal, **conditions)


def last_fired(visitor: str, signal: str, **conditions: Any) -> Event | None:
    """The visitor's newest send of `signal` matching every condition (as first_fired)."""
    return _matching(visitor, signal, newest=True, **conditions)


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


def page_heads(
    visitor: str | None, limit: int, before: int | None = None, lessons_only: bool = False
) -> tuple[list[ChainHead], int | None]:
    """A page of `limit` chains a visitor may see, newest first, before a cursor.

    Returns the cursor of the next, older page too (None on the oldest). With `lessons_only`,
    requests that sent nothing but Django's plumbing are left out; heads always count every event
    of their chain, so a chain's rendering is named the same whatever the filter.
    """
    events = events_for(visitor)
    keyed = events.filter(lesson()) if lessons_only else events
    page = keyed.values("chain").annotate(last=Max("id"))
    if before is not None:
        page = page.filter(last__lt=before)
    with muted():
        page = list(page.order_by("-last")[: limit + 1])
    older = page[limit - 1]["last"] if len(page) > limit else None
    chains = [row["chain"] for row in page[:limit]]
    return _heads(events.filter(chain__in=chains), "-last", limit), older


def heads_after(
    visitor: str | None, after: int, limit: int, until: int | None = None
) -> list[ChainHead]:
    """Chains written after event id `after` (up to `until`), oldest first: what comes next."""
    events = events_for(visitor).filter(id__gt=after)
    return _heads(events if until is None else events.filter(id__lte=until), "last", limit)


def last_event_id(visitor: str | None = EVERYONE) -> int:
    """The newest event id of a visitor (by default of the whole table), 0 when none."""
    with muted():
        return events_for(visitor).order_by("-id").values_list("id", flat=True).first() or 0


def chain_events_of(ids: list[UUID]) -> list[Event]:
    """The events of these chains."""
    with muted():
        return list(Event.objects.filter(chain__in=ids))


def chain_events(visitor: str | None, chain: UUID) -> list[Event]:
    """One chain's events, if this visitor may see it (else none)."""
    with muted():
        return list(events_for(visitor).filter(chain=chain))


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
