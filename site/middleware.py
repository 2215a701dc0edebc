"""The site's own middleware."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.utils.deprecation import MiddlewareMixin

FORM = "application/x-www-form-urlencoded"


class RefuseUndecodableForms(MiddlewareMixin):
    """Answer 400 to a form body Django will not decode, before anything reads request.POST.

    Django raises BadRequest for such a body (a charset other than UTF-8) on every read of
    request.POST, and its 400 view reads it again for the CSRF check: the error escaped as a 500.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        charset = (request.encoding or "utf-8").lower()
        if request.method == "POST" and request.content_type == FORM and charset != "utf-8":
            return HttpResponseBadRequest("Form data must be UTF-8 encoded.")
        return None


class OneThreadHop:
    """Last in MIDDLEWARE, and sync only: Django then runs the whole chain in sync mode.

    Under ASGI each async-capable MiddlewareMixin hops to a thread and back for its hooks; with
    the chain in one thread a 404 took 13.1 ms of server CPU instead of 16.8 (bench/load.py).
    """

    sync_capable, async_capable = True, False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)
