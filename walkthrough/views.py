import re
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from signal_lens.conf import feed_setting
from signal_lens.pages.visitors import visitor_of
from signal_lens.store.reads import latest_inside
from walkthrough.steps import progress, sends_since

STEPS = "walkthrough/home.html#steps"
BLANKS = re.compile(r"\s*\n\s*")


def steps_html(visitor: str) -> str:
    """The visitor's steps, drawn again only once a new send may have ticked one.

    Pages and the steps' refreshes in between read only the events written since (one query)
    and take the drawing from the cache.
    """
    key = f"walkthrough:{visitor}"
    state: dict[str, Any] | None = cache.get(key)
    seen = state["seen"] if state else 0
    newest, ticked = sends_since(visitor, seen)
    if state is None or ticked:
        # record_login saves the profile with update(): the log-in step names what that skipped.
        context = {
            "walkthrough": progress(visitor),
            "login_skipped": latest_inside(visitor, "record_login"),
        }
        # The template's indentation is 1.5 KB of the steps' 10: one line break is as good.
        state = {"html": BLANKS.sub("\n", render_to_string(STEPS, context))}
    if state.get("seen") != newest:
        state["seen"] = newest
        cache.set(key, state, timeout=feed_setting("FEED_MAX_AGE_SECONDS"))
    return mark_safe(state["html"])  # The template escaped every value.


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "walkthrough/home.html", {"steps": steps_html(visitor_of(request))})


@require_GET
def steps(request: HttpRequest) -> HttpResponse:
    """The steps alone, refreshed whenever the visitor's feed shows new signals."""
    return HttpResponse(steps_html(visitor_of(request)))
