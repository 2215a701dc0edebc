"""The feed's pages and fragments. None of their requests is recorded (feed/writer.py)."""

import inspect
from typing import Any
from uuid import UUID

from django.core.handlers.asgi import ASGIRequest
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    StreamingHttpResponse,
)
from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from feed import queries, receivers_map, waterfall
from feed.conf import feed_setting
from feed.hub import read
from feed.models import Family
from feed.registry import describe, live_receiver, source_function
from feed.stream import event_stream

EVERYONE_KEY = "feed_everyone"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def sees_everyone(request: HttpRequest) -> bool:
    """Whether this request reads every visitor's events: staff who switched to all events."""
    return bool(request.user.is_staff and request.session.get(EVERYONE_KEY))


def _viewer(request: HttpRequest) -> str | None:
    return queries.EVERYONE if sees_everyone(request) else queries.visitor_of(request)


def shows_internals(request: HttpRequest) -> bool:
    """Whether this browser asked to see Django's plumbing (kept in a cookie, so anyone can)."""
    return request.COOKIES.get(feed_setting("FEED_INTERNALS_COOKIE")) == "1"


def panel_context(
    request: HttpRequest, history: bool = False, before: int | None = None
) -> dict[str, Any]:
    """What the feed panel needs: beside every page, or as a page of the history (/feed/).

    With `before`, an older page of the history: nothing new streams into it.
    """
    everyone = sees_everyone(request)
    internals = shows_internals(request)
    limit = feed_setting("FEED_PAGE_CHAINS" if history else "FEED_PANEL_CHAINS")
    page = queries.chain_page(_viewer(request), limit, before, lessons_only=not internals)
    after = max((chain.last_id for chain in page.chains), default=0)
    scope = {"scope": "all"} if everyone else {}
    older = f"{reverse('feed:panel')}?{urlencode({'before': page.older})}" if page.older else ""
    return {
        "feed_enabled": feed_setting("FEED_ENABLED"),
        "families": Family.values,
        "chains": page.chains,
        "older_url": older,
        "history": history,
        "before": before,
        "live": before is None,
        "show_internals": internals,
        "everyone": everyone,
        "can_see_everyone": request.user.is_staff,
        "stream_url": f"{reverse('feed:stream')}?{urlencode({'after': after, **scope})}",
        "poll_url": f"{reverse('feed:poll')}?{urlencode({'after': after})}",
    }


@require_GET
def panel(request: HtmxHttpRequest) -> HttpResponse:
    """The feed as a page of its own: every retained request, a page at a time, newest first."""
    before = _int(request.GET.get("before")) or None
    template = "feed/feed.html#panel" if request.htmx else "feed/feed.html"
    return render(request, template, panel_context(request, history=True, before=before))


def _redrawn_panel(request: HttpRequest) -> HttpResponse:
    """The panel again after a switch, as it was: beside a page, or a page of the history."""
    history = request.POST.get("history") == "1"
    before = _int(request.POST.get("before")) or None
    return render(request, "feed/feed.html#panel", panel_context(request, history, before))


@require_POST
def choose_internals(request: HtmxHttpRequest) -> HttpResponse:
    """Show or fold Django's plumbing; the choice is kept in a cookie for a year."""
    show = request.POST.get("show") == "1"
    # The panel about to be drawn reads the choice from the request, like the next page will.
    request.COOKIES[feed_setting("FEED_INTERNALS_COOKIE")] = "1" if show else "0"
    if request.htmx:
        response = _redrawn_panel(request)
    else:
        back = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(back, {request.get_host()})
        response = redirect(back if safe else reverse("feed:panel"))
    response.set_cookie(
        feed_setting("FEED_INTERNALS_COOKIE"),
        "1" if show else "0",
        max_age=feed_setting("FEED_COOKIE_MAX_AGE"),
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


@require_POST
def choose_scope(request: HtmxHttpRequest) -> HttpResponse:
    """Staff switch between their own events and everyone's."""
    if not request.user.is_staff:
        return HttpResponseForbidden()
    request.session[EVERYONE_KEY] = request.POST.get("everyone") == "1"
    return _redrawn_panel(request)


@require_GET
def poll(request: HttpRequest) -> HttpResponse:
    """Chains after `after`, newest first: the fallback where SSE is unavailable."""
    after = _int(request.GET.get("after"))
    chains = queries.chains_after(_viewer(request), after)
    after = max([after, *(chain.last_id for chain in chains)])
    poll_url = f"{reverse('feed:poll')}?{urlencode({'after': after})}"
    context = {"chains": list(reversed(chains)), "poll_url": poll_url}
    return render(request, "feed/feed.html#poll", context)


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def _latest_id(visitor: str | None) -> int:
    return queries.events_for(visitor).order_by("-id").values_list("id", flat=True).first() or 0


@require_GET
async def stream(request: HttpRequest) -> HttpResponse:
    """The live stream. Only ASGI can hold it open: elsewhere 204 sends the page to polling."""
    if not isinstance(request, ASGIRequest):
        return HttpResponse(status=204)
    visitor: str | None = queries.visitor_of(request)
    if request.GET.get("scope") == "all":
        user = await request.auser()
        if not user.is_staff:
            return HttpResponseForbidden()
        visitor = queries.EVERYONE
    resume = [request.headers.get("Last-Event-ID"), request.GET.get("after")]
    given = [_int(value) for value in resume if value]
    after = max(given) if given else await read(_latest_id, visitor)
    response = StreamingHttpResponse(event_stream(visitor, after), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # Proxies such as nginx must not buffer the stream.
    return response


@require_GET
def chain(request: HttpRequest, chain_id: UUID) -> HttpResponse:
    """One request's signals as a waterfall: receivers' durations drawn to scale."""
    found = queries.chain_for(_viewer(request), chain_id)
    if found is None:
        raise Http404("No such request in your feed.")
    return render(request, "feed/chain.html", {"chain": found, "rows": waterfall.rows(found)})


@require_GET
def receivers(request: HttpRequest) -> HttpResponse:
    """Every signal with the receivers connected to it right now."""
    return render(request, "feed/receivers.html", {"families": receivers_map.by_family()})


@require_GET
def source(request: HttpRequest) -> HttpResponse:
    """A connected receiver's source code; nothing else of the server can be read here."""
    receiver = live_receiver(request.GET.get("name", ""))
    if receiver is None:
        raise Http404("No receiver of that name is connected.")
    function = source_function(receiver)
    try:
        lines, first = inspect.getsourcelines(function)
    except (OSError, TypeError):
        lines, first = [], 0
    context = {
        "name": request.GET["name"],
        "location": describe(receiver).location,
        "lines": lines,
        "first": first,
    }
    return render(request, "feed/receivers.html#source", context)
