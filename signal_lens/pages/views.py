"""The feed's pages and fragments. None of their requests is recorded (recording/paths.py)."""

from uuid import UUID

from django.core.handlers.asgi import ASGIRequest
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST

from signal_lens.conf import STREAM_BATCH, feed_setting
from signal_lens.live.fragments import fragments
from signal_lens.live.hub import get_hub, read
from signal_lens.live.stream import event_stream
from signal_lens.naming.receivers import describe
from signal_lens.pages import receivers_map, stats, waterfall
from signal_lens.pages.panel import EVERYONE_KEY, panel_context, shows_internals, viewer
from signal_lens.pages.receivers_map import live_receiver, source_lines
from signal_lens.pages.visitors import set_feed_cookie, visitor_of
from signal_lens.store import reads, tree


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (its HX-Request header), as django-htmx's `request.htmx`
    says, without making the host install django-htmx's middleware."""
    return request.headers.get("HX-Request") == "true"


# 18 digits always fit a 64-bit key; Unicode digits ("²") and 4,300-digit numbers never reach int().
ID_DIGITS = 18


def parse_id(value: object) -> int | None:
    """A database id sent by a client, or None unless it is ASCII digits of a sane length."""
    strict = isinstance(value, str) and len(value) <= ID_DIGITS and value.isascii()
    return int(value) if strict and value.isdigit() else None


TOO_MANY_STREAMS = "This browser already has as many live feeds open as it may: this page polls."


def _page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """One of the feed's pages, inside the layout FEED_BASE_TEMPLATE names."""
    context["signal_lens_base"] = feed_setting("FEED_BASE_TEMPLATE")
    return render(request, template, context)


@require_GET
def panel(request: HttpRequest) -> HttpResponse:
    """The feed as a page of its own: every retained request, a page at a time, newest first."""
    before = parse_id(request.GET.get("before"))
    context = panel_context(request, history=True, before=before)
    if is_htmx(request):
        return render(request, "signal_lens/feed.html#panel", context)
    return _page(request, "signal_lens/feed.html", context)


def _redrawn_panel(request: HttpRequest, internals: bool | None = None) -> HttpResponse:
    """The panel again after a switch, as it was: beside a page, or a page of the history."""
    history = request.POST.get("history") == "1"
    before = parse_id(request.POST.get("before"))
    context = panel_context(request, history, before, internals)
    return render(request, "signal_lens/feed.html#panel", context)


def _back_to(request: HttpRequest) -> str:
    """The page a switch was flipped on: a path on this site, else the feed's own page."""
    back = request.POST.get("next", "")
    # Only a path: redirect() would take "0" or "NaN" for a URL pattern's name.
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, {request.get_host()}):
        return back
    return reverse("signal_lens:panel")


@require_POST
def choose_internals(request: HttpRequest) -> HttpResponse:
    """Show or fold Django's plumbing; the choice is kept in a cookie for a year."""
    show = request.POST.get("show") == "1"
    if is_htmx(request):
        response = _redrawn_panel(request, internals=show)
    else:
        response = HttpResponseRedirect(_back_to(request))
    set_feed_cookie(response, feed_setting("FEED_INTERNALS_COOKIE"), "1" if show else "0")
    return response


@require_POST
def choose_scope(request: HttpRequest) -> HttpResponse:
    """Staff switch between their own events and everyone's."""
    if not request.user.is_staff:
        return HttpResponseForbidden()
    request.session[EVERYONE_KEY] = request.POST.get("everyone") == "1"
    return _redrawn_panel(request)


@require_GET
def poll(request: HttpRequest) -> HttpResponse:
    """Chains after `after`, newest first: the fallback where SSE is unavailable."""
    after = parse_id(request.GET.get("after") or "0")
    if after is None:
        return HttpResponseBadRequest("after must be an event id.")
    heads = reads.heads_after(viewer(request), after, STREAM_BATCH)
    after = max([after, *(head.last_id for head in heads)])
    poll_url = f"{reverse('signal_lens:poll')}?{urlencode({'after': after})}"
    chains = fragments(heads, shows_internals(request))
    context = {"chains": list(reversed(chains)), "poll_url": poll_url}
    return render(request, "signal_lens/feed.html#poll", context)


@require_GET
async def stream(request: HttpRequest) -> HttpResponse:
    """The live stream. Only ASGI can hold it open: elsewhere 204 sends the page to polling."""
    if not isinstance(request, ASGIRequest):
        return HttpResponse(status=204)
    visitor: str | None = visitor_of(request)
    if request.GET.get("scope") == "all":
        user = await request.auser()
        if not user.is_staff:
            return HttpResponseForbidden()
        visitor = reads.EVERYONE
    after = parse_id(request.GET.get("after"))
    if request.GET.get("after") and after is None:
        return HttpResponseBadRequest("after must be an event id.")
    if get_hub().is_full(visitor):
        return HttpResponse(TOO_MANY_STREAMS, status=429, content_type="text/plain")
    # A browser sends back the id it was given: anything else is ignored, as if absent.
    resumed = parse_id(request.headers.get("Last-Event-ID"))
    given = [found for found in (after, resumed) if found is not None]
    after = max(given) if given else await read(reads.last_event_id, visitor)
    chains = event_stream(visitor, after, shows_internals(request))
    response = StreamingHttpResponse(chains, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # Proxies such as nginx must not buffer the stream.
    return response


@require_GET
def chain(request: HttpRequest, chain_id: UUID) -> HttpResponse:
    """One request's signals as a waterfall: receivers' durations drawn to scale."""
    found = tree.chain_for(viewer(request), chain_id)
    if found is None:
        raise Http404("No such request in your feed.")
    context = {"chain": found, "rows": waterfall.rows(found), "signals": waterfall.signals(found)}
    return _page(request, "signal_lens/chain.html", context)


@require_GET
def chain_details(request: HttpRequest, chain_id: UUID) -> HttpResponse:
    """A chain's details (arguments, receivers' files, SQL), loaded when the visitor opens them."""
    found = tree.chain_for(viewer(request), chain_id)
    if found is None:
        raise Http404("No such request in your feed.")
    context = {"chain": found, "internals": shows_internals(request)}
    return render(request, "signal_lens/feed.html#details", context)


@require_GET
def receivers(request: HttpRequest) -> HttpResponse:
    """Every signal with the receivers connected to it right now, and how each has run."""
    order = request.GET.get("order")
    descending = order == "desc" if order in ("asc", "desc") else None
    table = stats.table(request.GET.get("sort"), descending)
    context = {"families": receivers_map.by_family(), "stats": table}
    return _page(request, "signal_lens/receivers.html", context)


@require_GET
def source(request: HttpRequest) -> HttpResponse:
    """A connected receiver's source code; nothing else of the server can be read here."""
    receiver = live_receiver(request.GET.get("name", ""))
    if receiver is None:
        raise Http404("No receiver of that name is connected.")
    lines, first = source_lines(receiver)
    context = {
        "name": request.GET["name"],
        "location": describe(receiver).location,
        "lines": lines,
        "first": first,
    }
    return render(request, "signal_lens/receivers.html#source", context)
