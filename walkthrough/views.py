from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from feed.queries import visitor_of
from profiles.views import HtmxHttpRequest
from walkthrough.steps import progress


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    template = "walkthrough/home.html" + ("#steps" if request.htmx else "")
    steps = progress(visitor_of(request))
    return render(request, template, {"steps": steps, "done": sum(s.done for s in steps)})
