from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from feed.queries import visitor_of
from walkthrough.steps import progress


def _render(request: HttpRequest, template: str) -> HttpResponse:
    return render(request, template, {"walkthrough": progress(visitor_of(request))})


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _render(request, "walkthrough/home.html")


@require_GET
def steps(request: HttpRequest) -> HttpResponse:
    """The steps alone, refreshed whenever the visitor's feed shows new signals."""
    return _render(request, "walkthrough/home.html#steps")
