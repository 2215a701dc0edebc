from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from signal_lens.conf import feed_setting
from signal_lens.pages.visitors import visitor_of
from signal_lens.store.reads import latest_inside
from walkthrough.steps import last_step_send, progress


def _state(visitor: str) -> dict[str, Any]:
    """The visitor's progress, worked out again only once a new send may have ticked a step.

    Pages and the steps' refreshes in between read it from the cache, for one query.
    """
    key = f"walkthrough:{visitor}:{last_step_send(visitor)}"
    state = cache.get(key)
    if state is None:
        # record_login saves the profile with update(): the log-in step names what that skipped.
        state = {
            "walkthrough": progress(visitor),
            "login_skipped": latest_inside(visitor, "record_login"),
        }
        cache.set(key, state, timeout=feed_setting("FEED_MAX_AGE_SECONDS"))
    return state


def _render(request: HttpRequest, template: str) -> HttpResponse:
    return render(request, template, _state(visitor_of(request)))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _render(request, "walkthrough/home.html")


@require_GET
def steps(request: HttpRequest) -> HttpResponse:
    """The steps alone, refreshed whenever the visitor's feed shows new signals."""
    return _render(request, "walkthrough/home.html#steps")
