"""Retention: how long events stay. The writer prunes every FEED_PRUNE_EVERY writes.

Events older than FEED_MAX_AGE_SECONDS go (one written after younger ones, at a later prune).
Beyond FEED_MAX_EVENTS the oldest go first, but not what a returning visitor (one with two
chains or more) needs: its newest FEED_VISITOR_EVENTS events, and its first and newest chain of
each signal and sender, where its walkthrough progress lives. So no flood by others, cookie-less
clients included (each of their requests is a new visitor with one chain), can erase a visitor's
feed. Only if those protected events alone overflow FEED_MAX_EVENTS do the oldest of them go
too: the table stays bounded.
"""

from datetime import timedelta

from django.db.models import Count, F, Max, Min, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from signal_lens.conf import feed_setting
from signal_lens.context import muted
from signal_lens.models import Event, EventQuerySet
from signal_lens.signals import visitors_forgotten

# Oldest events examined at a time: what to keep is worked out for their visitors only (once
# each), so a prune costs what those visitors hold, not the whole table.
WINDOW = 1000
# Windows searched for unprotected events before the hard cap takes the oldest, protected or not.
MAX_WINDOWS = 20
# Ids per DELETE statement, well under every database's limit on parameters.
CHUNK = 500


class _Needs:
    """What returning visitors need kept, worked out once per prune for each visitor met."""

    def __init__(self, events: EventQuerySet) -> None:
        self.events = events
        self.keep = feed_setting("FEED_VISITOR_EVENTS")
        self.seen: set[str] = set()
        self.floors: dict[str, float] = {}  # Returning visitors: ids from here up are kept.
        self.milestones: set[object] = set()  # Chains holding a first or last of a kind.

    def learn(self, visitors: set[str]) -> None:
        new = visitors - self.seen - {""}
        self.seen |= new
        if not new:
            return
        counted = self.events.filter(visitor__in=new).values("visitor")
        chains = counted.annotate(chains=Count("chain", distinct=True))
        returning = {row["visitor"] for row in chains if row["chains"] >= 2}
        theirs = self.events.filter(visitor__in=returning)
        newest = Window(RowNumber(), partition_by=[F("visitor")], order_by=F("id").desc())
        ranked = theirs.annotate(rank=newest).filter(rank=self.keep)
        # A returning visitor with fewer than `keep` events keeps them all (floor 0).
        floors = dict(ranked.values_list("visitor", "id")) if self.keep else {}
        self.floors |= {
            visitor: floors.get(visitor, 0 if self.keep else None) for visitor in returning
        }
        kinds = theirs.values("visitor", "signal", "sender")
        ends = kinds.annotate(first=Min("id"), last=Max("id"))
        ids = {row["first"] for row in ends} | {row["last"] for row in ends}
        self.milestones |= set(self.events.filter(id__in=ids).values_list("chain", flat=True))

    def kept(self, event_id: int, visitor: str, chain: object) -> bool:
        if visitor not in self.floors:
            return False
        return event_id >= self.floors[visitor] or chain in self.milestones


class _Pruned:
    """What a prune deleted: how many events, and whose."""

    def __init__(self) -> None:
        self.count = 0
        self.visitors: set[str] = set()

    def delete(self, doomed: EventQuerySet) -> None:
        self.visitors |= set(doomed.values_list("visitor", flat=True).distinct())
        self.count += doomed.delete()[0]


def _oldest_unprotected(events: EventQuerySet, excess: int, pruned: _Pruned) -> int:
    """Delete up to `excess` of the oldest events nobody needs; how many it could not find."""
    after = 0
    needs = _Needs(events)
    for _ in range(MAX_WINDOWS):
        if excess <= 0:
            break
        oldest = events.filter(id__gt=after).order_by("id")
        window = list(oldest.values_list("id", "visitor", "chain")[:WINDOW])
        if not window:
            break
        after = window[-1][0]
        needs.learn({visitor for _, visitor, _ in window})
        doomed = [each[0] for each in window if not needs.kept(*each)][:excess]
        for start in range(0, len(doomed), CHUNK):
            pruned.delete(events.filter(id__in=doomed[start : start + CHUNK]))
        excess -= len(doomed)
    return max(excess, 0)


def _too_old(events: EventQuerySet) -> EventQuerySet:
    """The events older than FEED_MAX_AGE_SECONDS, up to the first one that is not.

    Events are written about in the order they started, so ids stand in for an index on
    started_at, which every write would pay for: the search reads the old events and stops at
    the first young one. One written late (a long request's) waits for the next prune after
    those before it.
    """
    too_old = timezone.now() - timedelta(seconds=feed_setting("FEED_MAX_AGE_SECONDS"))
    young = events.filter(started_at__gte=too_old).order_by("id").values_list("id", flat=True)
    first_young = young.first()
    if first_young is None:
        return events.filter(started_at__lt=too_old)
    return events.filter(id__lt=first_young)


def prune(alias: str = "default") -> int:
    """Apply the age and size bounds; tell receivers of visitors_forgotten who has nothing left.

    Other processes may write (and prune) meanwhile: the bounds are applied to the count read at
    the start, so their new events never push anyone's protected events out.
    """
    events = Event.objects.using(alias)
    pruned = _Pruned()
    with muted():
        pruned.delete(_too_old(events))
        excess = events.count() - feed_setting("FEED_MAX_EVENTS")
        short = _oldest_unprotected(events, excess, pruned)
        # Protected events alone overflow the table: the oldest of them go.
        oldest = events.order_by("id").values_list("id", flat=True)
        for boundary in oldest[short - 1 : short] if short > 0 else ():
            pruned.delete(events.filter(id__lte=boundary))
        left = set(events.filter(visitor__in=pruned.visitors).values_list("visitor", flat=True))
        gone = sorted(pruned.visitors - left - {""})
    if gone:
        visitors_forgotten.send(sender=Event, visitors=gone)
    return pruned.count
