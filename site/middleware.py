"""The site's own middleware."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
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
