from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from signal_lens.store.reads import visitor_of
from signal_lens.store.skipped import latest_inside
from walkthrough.steps import progress


def _render(request: HttpRequest, template: str) -> HttpResponse:
    visitor = visitor_of(request)
    # record_login saves the profile with update(): the log-in step names what that skipped.
    context = {
        "walkthrough": progress(visitor),
        "login_skipped": latest_inside(visitor, "record_login"),
    }
    return render(request, template, context)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _render(request, "walkthrough/home.html")


@require_GET
def steps(request: HttpRequest) -> HttpResponse:
    """The steps alone, refreshed whenever the visitor's feed shows new signals."""
    return _render(request, "walkthrough/home.html#steps")
