"""The feed panel beside every page: what it shows and whose events it reads."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from feed import queries, tree
from feed.conf import feed_setting
from feed.models import Family

EVERYONE_KEY = "feed_everyone"


def sees_everyone(request: HttpRequest) -> bool:
    """Whether this request reads every visitor's events: staff who switched to all events."""
    return bool(request.user.is_staff and request.session.get(EVERYONE_KEY))


def viewer(request: HttpRequest) -> str | None:
    return queries.EVERYONE if sees_everyone(request) else queries.visitor_of(request)


def panel_context(request: HttpRequest) -> dict[str, Any]:
    """What the feed panel beside every page needs; its reads are never recorded."""
    everyone = sees_everyone(request)
    chains = tree.recent_chains(viewer(request), feed_setting("FEED_PANEL_CHAINS"))
    after = max((chain.last_id for chain in chains), default=0)
    scope = {"scope": "all"} if everyone else {}
    return {
        "feed_enabled": feed_setting("FEED_ENABLED"),
        "families": Family.values,
        "chains": chains,
        "everyone": everyone,
        "can_see_everyone": request.user.is_staff,
        "stream_url": f"{reverse('feed:stream')}?{urlencode({'after': after, **scope})}",
        "poll_url": f"{reverse('feed:poll')}?{urlencode({'after': after})}",
    }
