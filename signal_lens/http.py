"""What the feed's views read from requests: whether htmx sent them, and ids parsed strictly."""

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (its HX-Request header), as django-htmx's `request.htmx`
    says, without making the host install django-htmx's middleware."""
    return request.headers.get("HX-Request") == "true"


# 18 digits always fit a 64-bit key; Unicode digits ("²") and 4,300-digit numbers never reach int().
ID_DIGITS = 18


def parse_id(value: object) -> int | None:
    """A database id sent by a client, or None unless it is ASCII digits of a sane length."""
    strict = isinstance(value, str) and len(value) <= ID_DIGITS and value.isascii()
    return int(value) if strict and value.isdigit() else None
