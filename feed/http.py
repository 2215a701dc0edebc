"""The request type of htmx-aware views, shared by every app of the project."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that passed django-htmx's middleware, so `request.htmx` is there."""

    htmx: HtmxDetails
