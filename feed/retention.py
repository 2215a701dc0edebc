"""Retention: how long events stay. The writer prunes every FEED_PRUNE_EVERY writes."""

from datetime import timedelta

from django.utils import timezone

from feed.conf import feed_setting
from feed.models import Event
from feed.muting import muted


def prune(alias: str = "default") -> int:
    """Delete events beyond the newest FEED_MAX_EVENTS or older than FEED_MAX_AGE_SECONDS."""
    keep = feed_setting("FEED_MAX_EVENTS")
    events = Event.objects.using(alias)
    with muted():
        boundary = list(events.order_by("-id").values_list("id", flat=True)[keep : keep + 1])
        deleted = events.filter(id__lte=boundary[0]).delete()[0] if boundary else 0
        too_old = timezone.now() - timedelta(seconds=feed_setting("FEED_MAX_AGE_SECONDS"))
        return deleted + events.filter(started_at__lt=too_old).delete()[0]
