"""The feed panel beside every page and on the history page: what it shows, whose events it reads.

The panel's chains are drawn by one fragment that depends on the chain alone. The visitor's
options (Django's internals shown or folded, staff reading everyone's events) only choose which
chains are listed and set classes on the panel around them.
"""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from signal_lens.conf import feed_setting
from signal_lens.live.fragments import fragments
from signal_lens.models import Family
from signal_lens.pages.visitors import visitor_of
from signal_lens.store import reads

EVERYONE_KEY = "feed_everyone"


def sees_everyone(request: HttpRequest) -> bool:
    """Whether this request reads every visitor's events: staff who switched to all events."""
    return bool(request.user.is_staff and request.session.get(EVERYONE_KEY))


def shows_internals(request: HttpRequest) -> bool:
    """Whether this browser asked to see Django's plumbing (a cookie, so anonymous visitors can)."""
    return request.COOKIES.get(feed_setting("FEED_INTERNALS_COOKIE")) == "1"


def viewer(request: HttpRequest) -> str | None:
    return reads.EVERYONE if sees_everyone(request) else visitor_of(request)


def panel_context(
    request: HttpRequest,
    history: bool = False,
    before: int | None = None,
    internals: bool | None = None,
) -> dict[str, Any]:
    """What the panel needs beside a page, or as a page of the history (/feed/) with `history`.

    With `before`, an older page of the history: nothing new streams into it. `internals` says
    whether to show Django's plumbing; by default, as the browser's cookie says.
    """
    everyone = sees_everyone(request)
    if internals is None:
        internals = shows_internals(request)
    limit = feed_setting("FEED_PAGE_CHAINS" if history else "FEED_PANEL_CHAINS")
    heads, older_than = reads.page_heads(viewer(request), limit, before, not internals)
    after = max((head.last_id for head in heads), default=0)
    scope = {"scope": "all"} if everyone else {}
    older = (
        f"{reverse('signal_lens:panel')}?{urlencode({'before': older_than})}" if older_than else ""
    )
    return {
        "feed_enabled": feed_setting("FEED_ENABLED"),
        "families": Family.values,
        "chains": fragments(heads, internals),
        "history": history,
        "before": before,
        "live": before is None,
        "older_url": older,
        "show_internals": internals,
        "everyone": everyone,
        "can_see_everyone": request.user.is_staff,
        "stream_url": f"{reverse('signal_lens:stream')}?{urlencode({'after': after, **scope})}",
        "poll_url": f"{reverse('signal_lens:poll')}?{urlencode({'after': after})}",
    }
