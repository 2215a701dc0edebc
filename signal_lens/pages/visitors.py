"""The feed's own visitor id: a long-lived signed cookie, so a feed survives visits and logins.

The cookie also names the person the feed belongs to, once someone logs in with it: a different
person logging in to the same browser starts a feed of their own. Logging out starts a fresh,
anonymous feed in the browser (libraries and classrooms share computers); the person's own feed is
parked in the cookie, unreadable here, and comes back, with what was done meanwhile, when the same
person logs in again.
"""

import re
import uuid
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.crypto import salted_hmac

from signal_lens.conf import feed_setting
from signal_lens.context import claim
from signal_lens.store import writer

SALT = "signal_lens.visitor"
# A visitor id, then the owner's token once someone logged in; after a logout, "/" and the feed
# parked until its owner is back. Older cookies have no owner.
COOKIE = re.compile(
    r"(?P<visitor>[0-9a-f]{32})(?::(?P<owner>[0-9a-f]{20}))?"
    r"(?:/(?P<parked>[0-9a-f]{32}:[0-9a-f]{20}))?"
)


class Cookie(NamedTuple):
    """What the feed's cookie says: each part may be None."""

    visitor: str | None = None
    owner: str | None = None
    parked: str | None = None  # "visitor:owner" of the feed its owner left by logging out


@dataclass
class Visit:
    """Whose feed a browser's request is recorded in and shows. FeedMiddleware sets it on each
    request as `request.signal_lens`, the one attribute the feed puts on a request; a login or
    a logout in that request changes it, and the middleware keeps the change in the cookie."""

    visitor: str
    owner: str | None = None
    parked: str | None = None  # "visitor:owner" of the feed its owner left by logging out

    @property
    def cookie(self) -> Cookie:
        return Cookie(self.visitor, self.owner, self.parked)


def visit_of(request: HttpRequest | None) -> Visit | None:
    """The request's Visit; None for a request FeedMiddleware never saw (force_login, a script)."""
    return getattr(request, "signal_lens", None)


def visitor_of(request: HttpRequest) -> str:
    """The feed's id for the browser that sent this request ("", which reads no events, without
    one). Other apps read the visitor's events with it, through store/reads.py."""
    visit = visit_of(request)
    return visit.visitor if visit is not None else ""


def read_cookie(request: HttpRequest) -> Cookie:
    """The visitor id this browser proved it holds, its owner's token, and a parked feed."""
    value = request.get_signed_cookie(
        feed_setting("FEED_COOKIE_NAME"),
        default=None,
        salt=SALT,
        max_age=feed_setting("FEED_COOKIE_MAX_AGE"),
    )
    found = COOKIE.fullmatch(value or "")
    return Cookie(found["visitor"], found["owner"], found["parked"]) if found else Cookie()


def visitor_from_cookie(request: HttpRequest) -> str | None:
    """The visitor id this browser proved it holds, or None."""
    return read_cookie(request).visitor


def new_visitor() -> str:
    return uuid.uuid4().hex


def owner_token(user: Any) -> str:
    """Who a feed belongs to, without putting the user's key in the cookie."""
    return salted_hmac(SALT, str(user.pk), algorithm="sha256").hexdigest()[:20]


def set_feed_cookie(response: HttpResponseBase, name: str, value: str, salt: str = "") -> None:
    """Set one of the feed's cookies (signed when given a salt): kept FEED_COOKIE_MAX_AGE,
    sent only to this site, never read by scripts."""
    options = {
        "max_age": feed_setting("FEED_COOKIE_MAX_AGE"),
        "httponly": True,
        "samesite": "Lax",
        "secure": settings.SESSION_COOKIE_SECURE,
    }
    if salt:
        response.set_signed_cookie(name, value, salt=salt, **options)
    else:
        response.set_cookie(name, value, **options)


def remember(response: HttpResponseBase, cookie: Cookie) -> None:
    value = cookie.visitor + (f":{cookie.owner}" if cookie.owner else "")
    value += f"/{cookie.parked}" if cookie.parked else ""
    set_feed_cookie(response, feed_setting("FEED_COOKIE_NAME"), value, SALT)


def start_own_feed(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A receiver: whoever logs in owns the browser's feed, or gets a fresh one if it is another's.

    An anonymous feed becomes the person's own, so a signup keeps what led up to it; the previous
    person's events, their logout included, stay in their feed. A person logging in again where
    they logged out gets their parked feed back, and what the browser did meanwhile joins it.
    """
    visit = visit_of(request)
    if visit is None:
        return  # Not a browser's request (force_login, a script): no feed to hand over.
    owner = owner_token(user)
    parked, _, parked_owner = (visit.parked or "").partition(":")
    if parked_owner == owner:
        writer.adopt(visit.visitor, parked)
        visit.visitor = parked
        claim(parked)  # This login itself is in their feed too.
    elif visit.owner not in (None, owner):
        visit.visitor = new_visitor()
        claim(visit.visitor)  # This request, the signup or login itself, is theirs too.
    visit.owner = owner
    visit.parked = None


def park_own_feed(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A receiver: logging out leaves the browser a fresh, empty feed; the person's is parked.

    The logout itself stays in the person's feed: this request was claimed for it already. An
    account just deleted keeps its feed here, to show the deletion through; nobody can log in
    to it again, and whoever logs in next gets a fresh feed.
    """
    visit = visit_of(request)
    if visit is None or user is None or user.pk is None:
        return
    visit.parked = f"{visit.visitor}:{owner_token(user)}"
    visit.visitor = new_visitor()
    visit.owner = None
