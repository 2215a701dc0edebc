from allauth.core import ratelimit
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from htmx_request import HtmxHttpRequest
from playground.models import SandboxNote
from playground.operations import MAX_NOTES, OPERATIONS, SandboxFull
from signal_lens.context import name_chain
from signal_lens.pages.visitors import visitor_of
from signal_lens.recording.capture import sends_during

TOO_MANY = "Too many operations in a short time: wait a minute, then try again."


def _context(request: HtmxHttpRequest, **extra) -> dict[str, object]:
    notes = SandboxNote.objects.filter(visitor=visitor_of(request))
    return {"operations": OPERATIONS.values(), "notes": notes, "max_notes": MAX_NOTES, **extra}


@require_GET
def playground(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "playground/playground.html", _context(request))


@require_POST
def run(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    operation = OPERATIONS.get(slug)
    if operation is None:
        raise Http404("No such playground operation.")
    name_chain(operation.title, public_path=True)
    template = "playground/playground.html" + ("#result" if request.htmx else "")
    # Anyone can repeat these, and each one writes rows: limited per visitor and per IP address.
    if not ratelimit.consume(request, action="playground", key=visitor_of(request)):
        return render(request, template, _context(request, refused=TOO_MANY), status=429)
    # connection_created belongs to the request, not to the operation: connect before capturing.
    connection.ensure_connection()
    with sends_during() as sent:
        try:
            outcome = operation.run(visitor_of(request))
        except SandboxFull as full:
            outcome = str(full)
    return render(request, template, _context(request, ran=operation, outcome=outcome, sent=sent))
