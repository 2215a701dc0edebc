"""What every app of the project reads from requests: htmx details, and ids parsed strictly."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that passed django-htmx's middleware, so `request.htmx` is there."""

    htmx: HtmxDetails


# 18 digits always fit a 64-bit key; Unicode digits ("²") and 4,300-digit numbers never reach int().
ID_DIGITS = 18


def parse_id(value: object) -> int | None:
    """A database id sent by a client, or None unless it is ASCII digits of a sane length."""
    strict = isinstance(value, str) and len(value) <= ID_DIGITS and value.isascii()
    return int(value) if strict and value.isdigit() else None
