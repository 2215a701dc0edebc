"""The feed's own visitor id: a long-lived signed cookie, so a feed survives login and logout."""

import re
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from feed.conf import feed_setting

SALT = "feed.visitor"
VISITOR_ID = re.compile(r"[0-9a-f]{32}")


def visitor_from_cookie(request: HttpRequest) -> str | None:
    """The visitor id this browser proved it holds, or None."""
    value = request.get_signed_cookie(
        feed_setting("FEED_COOKIE_NAME"),
        default=None,
        salt=SALT,
        max_age=feed_setting("FEED_COOKIE_MAX_AGE"),
    )
    return value if value and VISITOR_ID.fullmatch(value) else None


def new_visitor() -> str:
    return uuid.uuid4().hex


def remember(response: HttpResponseBase, visitor: str) -> None:
    response.set_signed_cookie(
        feed_setting("FEED_COOKIE_NAME"),
        visitor,
        salt=SALT,
        max_age=feed_setting("FEED_COOKIE_MAX_AGE"),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
