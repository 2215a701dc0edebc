"""Helpers the tests share; fixtures live in conftest.py, and no test module is imported."""

import asyncio

import pytest
from django.dispatch import Signal
from django.test import Client, RequestFactory

from profiles.receivers import create_profile
from signal_lens.conf import feed_setting
from signal_lens.pages.visitors import visitor_from_cookie
from signal_lens.store import writer

PASSWORD = "correct-horse-battery-staple"
# Where the feed and the receivers map say create_profile lives.
CREATE_PROFILE_AT = f"profiles/receivers.py:{create_profile.__code__.co_firstlineno}"
# A signal of the tests' own, sent where a test needs a send it controls.
ping = Signal()


class FeedClient(Client):
    """A test client that waits, after each response, until the feed has written its events.

    The recorder writes in its own thread after the request: a test (or the next page's panel)
    reading events right away calls the writer's public flush(), as this does.
    """

    def request(self, **request):
        response = super().request(**request)
        writer.flush()
        return response


def writes_events(request: pytest.FixtureRequest) -> bool:
    """Whether a test's transactions commit, so the recorder writes (TestCase's roll back)."""
    marker = request.node.get_closest_marker("django_db")
    return marker is not None and bool(marker.kwargs.get("transaction"))


def feed_visitor(client: Client) -> str:
    """The visitor id inside a test client's feed cookie."""
    name = feed_setting("FEED_COOKIE_NAME")
    request = RequestFactory().get("/")
    request.COOKIES[name] = client.cookies[name].value
    return visitor_from_cookie(request)


# Two async receivers of `outer` that each send `inner` (tests/feed/test_concurrency.py).
outer = Signal()
inner = Signal()


# Django runs both as tasks sharing one context: `first` sends while `second` is still waiting.
async def first(sender, **kwargs):
    await asyncio.sleep(0.01)
    await inner.asend(sender=f"{sender}/first")


async def second(sender, **kwargs):
    await asyncio.sleep(0.03)
    await inner.asend(sender=f"{sender}/second")


async def ping_slowly(who: str) -> None:
    await outer.asend(sender=who)
