"""The feed's own visitor id: a long-lived signed cookie, so a feed survives login and logout.

The cookie also names the person the feed belongs to, once someone logs in with it: a different
person logging in to the same browser starts a feed of their own.
"""

import re
import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.crypto import salted_hmac

from signal_lens.conf import feed_setting
from signal_lens.context import claim

SALT = "signal_lens.visitor"
# A visitor id, then the owner's token once someone logged in; older cookies have no owner.
COOKIE = re.compile(r"(?P<visitor>[0-9a-f]{32})(?::(?P<owner>[0-9a-f]{20}))?")


def read_cookie(request: HttpRequest) -> tuple[str | None, str | None]:
    """The visitor id this browser proved it holds, and its owner's token: each may be None."""
    value = request.get_signed_cookie(
        feed_setting("FEED_COOKIE_NAME"),
        default=None,
        salt=SALT,
        max_age=feed_setting("FEED_COOKIE_MAX_AGE"),
    )
    found = COOKIE.fullmatch(value or "")
    return (found["visitor"], found["owner"]) if found else (None, None)


def visitor_from_cookie(request: HttpRequest) -> str | None:
    """The visitor id this browser proved it holds, or None."""
    return read_cookie(request)[0]


def new_visitor() -> str:
    return uuid.uuid4().hex


def owner_token(user: Any) -> str:
    """Who a feed belongs to, without putting the user's key in the cookie."""
    return salted_hmac(SALT, str(user.pk), algorithm="sha256").hexdigest()[:20]


def remember(response: HttpResponseBase, visitor: str, owner: str | None) -> None:
    response.set_signed_cookie(
        feed_setting("FEED_COOKIE_NAME"),
        visitor if owner is None else f"{visitor}:{owner}",
        salt=SALT,
        max_age=feed_setting("FEED_COOKIE_MAX_AGE"),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def start_own_feed(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A receiver: whoever logs in owns the browser's feed, or gets a fresh one if it is another's.

    An anonymous feed becomes the person's own, so a signup keeps what led up to it; the previous
    person's events, their logout included, stay in their feed.
    """
    if request is None or not hasattr(request, "feed_visitor"):
        return  # Not a browser's request (force_login, a script): no feed to hand over.
    owner = owner_token(user)
    if request.feed_owner not in (None, owner):
        request.feed_visitor = new_visitor()
        claim(request.feed_visitor)  # This request, the signup or login itself, is theirs too.
    request.feed_owner = owner
