"""The request the site's htmx views receive: django-htmx's middleware sets `request.htmx`."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that passed django-htmx's middleware, so `request.htmx` is there."""

    htmx: HtmxDetails
