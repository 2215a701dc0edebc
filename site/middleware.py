"""The site's own middleware."""

import codecs
from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.http.response import HttpResponseBase
from django.utils.deprecation import MiddlewareMixin

# Every method some endpoint of the site takes; none takes PUT, PATCH or DELETE.
SITE_METHODS = ("GET", "HEAD", "OPTIONS", "POST")


class RefuseOtherMethods(MiddlewareMixin):
    """Answer 405 to a method no endpoint of the site takes, before any view sees it.

    allauth's class views take PUT as POST: a form sent a way no browser form can.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in SITE_METHODS:
            return HttpResponseNotAllowed(SITE_METHODS)
        return None


class RefuseUnreadableInput(MiddlewareMixin):
    """Answer 400 to input no browser form sends, before anything reads it: a body in a charset
    other than UTF-8 (or one unknown), or a NUL in a query or form field's name or value.

    Django raises BadRequest for a form body in another charset on every read of request.POST, and
    its 400 view reads it again for the CSRF check: the error escaped as a 500. No browser form
    sends a NUL, and PostgreSQL stores none. A NUL in the path stays a 404, which the feed records.
    """

    def process_request(self, request: HttpRequest) -> None:
        charset = request.content_params.get("charset")
        if charset is not None and not is_utf8(charset):
            refuse(request, "The body must be UTF-8.")
        if has_nul(request.GET) or has_nul(request.POST):
            refuse(request, "A field holds a NUL.")


def is_utf8(charset: str) -> bool:
    try:
        return codecs.lookup(charset).name == "utf-8"
    except LookupError:
        return False


def has_nul(fields: QueryDict) -> bool:
    return any("\0" in name or "\0" in "".join(values) for name, values in fields.lists())


def refuse(request: HttpRequest, reason: str) -> None:
    """Raise the site's 400 for a request whose body is left unread."""
    request.POST = QueryDict()  # The 400 view's CSRF check reads it: now it finds nothing.
    raise BadRequest(reason)


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
