"""Retention: how long events stay. The writer prunes every FEED_PRUNE_EVERY writes.

Events older than FEED_MAX_AGE_SECONDS always go. Beyond FEED_MAX_EVENTS the oldest go first,
but not what a returning visitor (one with two chains or more) needs: its newest
FEED_VISITOR_EVENTS events, and its first and newest chain of each signal and sender, where its
walkthrough progress lives. So no flood by others, cookie-less clients included (each of their
requests is a new visitor with one chain), can erase a visitor's feed. Only if those protected
events alone overflow FEED_MAX_EVENTS do the oldest of them go too: the table stays bounded.
"""

from datetime import timedelta

from django.db.models import Count, F, Max, Min, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from feed.conf import feed_setting
from feed.models import Event, EventQuerySet
from feed.muting import muted
from feed.signals import visitors_forgotten


def _returning(events: EventQuerySet) -> QuerySet:
    """Visitors seen in two chains or more: browsers that kept the feed's cookie."""
    counted = (
        events.exclude(visitor="").values("visitor").annotate(chains=Count("chain", distinct=True))
    )
    return counted.filter(chains__gte=2).values("visitor")


def protected(events: EventQuerySet) -> tuple[QuerySet, QuerySet]:
    """Ids of returning visitors' newest events, and their milestone chains."""
    theirs = events.filter(visitor__in=_returning(events))
    newest = Window(RowNumber(), partition_by=[F("visitor")], order_by=F("id").desc())
    recent = theirs.annotate(rank=newest).filter(rank__lte=feed_setting("FEED_VISITOR_EVENTS"))
    kinds = theirs.values("visitor", "signal", "sender")
    ends = kinds.annotate(first=Min("id"), last=Max("id"))
    milestones = events.filter(id__in=ends.values("first")) | events.filter(
        id__in=ends.values("last")
    )
    return recent.values("id"), milestones.values("chain")


def _delete(doomed: EventQuerySet) -> set[str]:
    """Delete these events; the visitors they belonged to."""
    visitors = set(doomed.values_list("visitor", flat=True).distinct())
    doomed.delete()
    return visitors


def _delete_oldest(events: EventQuerySet, count: int) -> set[str]:
    """Delete the oldest `count` of these events; the visitors they belonged to."""
    boundary = list(events.order_by("id").values_list("id", flat=True)[count - 1 : count])
    return _delete(events.filter(id__lte=boundary[0])) if boundary else set()


def prune(alias: str = "default") -> int:
    """Apply the age and size bounds; tell receivers of visitors_forgotten who has nothing left."""
    events = Event.objects.using(alias)
    cap = feed_setting("FEED_MAX_EVENTS")
    with muted():
        before = events.count()
        too_old = timezone.now() - timedelta(seconds=feed_setting("FEED_MAX_AGE_SECONDS"))
        touched = _delete(events.filter(started_at__lt=too_old))
        if events.count() > cap:
            recent, milestones = protected(events)
            others = events.exclude(id__in=recent).exclude(chain__in=milestones)
            touched |= _delete_oldest(others, events.count() - cap)
        if events.count() > cap:
            touched |= _delete_oldest(events, events.count() - cap)
        left = set(events.filter(visitor__in=touched).values_list("visitor", flat=True))
        gone = sorted(touched - left - {""})
        deleted = before - events.count()
    if gone:
        visitors_forgotten.send(sender=Event, visitors=gone)
    return deleted
