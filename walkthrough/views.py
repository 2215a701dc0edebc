from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from feed.queries import visitor_of
from profiles.views import HtmxHttpRequest
from walkthrough.steps import progress


def _render(request: HtmxHttpRequest, template: str) -> HttpResponse:
    steps = progress(visitor_of(request))
    return render(request, template, {"steps": steps, "done": sum(s.done for s in steps)})


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    return _render(request, "walkthrough/home.html")


@require_GET
def steps(request: HtmxHttpRequest) -> HttpResponse:
    """The steps alone, refreshed whenever the visitor's feed shows new signals."""
    return _render(request, "walkthrough/home.html#steps")
