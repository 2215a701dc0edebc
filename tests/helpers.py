"""Helpers the tests share; fixtures live in conftest.py, and no test module is imported."""

import asyncio
import threading
from collections.abc import Iterator

import pytest
from django.dispatch import Signal
from django.test import Client, RequestFactory
from django.test.html import Element, parse_html

from profiles.receivers import create_profile
from signal_lens.conf import feed_setting
from signal_lens.models import Event
from signal_lens.pages.visitors import visitor_from_cookie
from signal_lens.store import writer

PASSWORD = "correct-horse-battery-staple"
# Where the feed and the receivers map say create_profile lives.
CREATE_PROFILE_AT = f"profiles/receivers.py:{create_profile.__code__.co_firstlineno}"
# How long a test waits on an event before it fails: far below the write interval tests set
# (AN_HOUR), so a write that comes in time did not wait for the interval.
WAIT_AT_MOST = 30.0
AN_HOUR = 3600.0


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


def elements(node: Element | str) -> Iterator[Element]:
    """Every element of a parsed fragment, in document order."""
    if isinstance(node, Element):
        yield node
        for child in node.children:
            yield from elements(child)


def text(node: Element | str) -> str:
    return node if isinstance(node, str) else " ".join(text(child) for child in node.children)


def list_items(html: str, label: str) -> list[Element]:
    """The items of the list named `label` (its aria-label), as a screen reader finds them; none
    when the page has no such list."""
    for element in elements(parse_html(html)):
        if element.name in ("ol", "ul") and dict(element.attributes).get("aria-label") == label:
            return [item for item in element.children if isinstance(item, Element)]
    return []


class Writes:
    """The writer thread's work as it happens, seen without flushing: the pings of each insert,
    a condition notified after each write, and `held`, set once the writer holds a batch back
    for a request still running."""

    def __init__(self) -> None:
        self.inserted: list[list[str]] = []
        self.written = threading.Condition()
        self.held = threading.Event()

    def wait_for_ping(self, sender: str) -> None:
        """Block until the ping from `sender` is in the table, woken by each write."""

        def stored() -> bool:
            return Event.objects.filter(signal="ping", sender=sender).exists()

        with self.written:
            assert self.written.wait_for(stored, WAIT_AT_MOST), f"{sender} never written"


# Two async receivers of `outer` that each send `inner` (tests/feed/test_concurrency.py).
outer = Signal()
inner = Signal()


# Django runs both as tasks sharing one context: `second` has started and is waiting when `first`
# sends, and sends after it. Turns are kept per sender, so simultaneous requests take their own.
_turns: dict[str, tuple[asyncio.Event, asyncio.Event]] = {}


def _turn(sender: str) -> tuple[asyncio.Event, asyncio.Event]:
    """(second is waiting, first has sent) for this sender's send of `outer`."""
    return _turns.setdefault(sender, (asyncio.Event(), asyncio.Event()))


async def first(sender, **kwargs):
    second_waits, first_sent = _turn(sender)
    await asyncio.wait_for(second_waits.wait(), WAIT_AT_MOST)  # Fails if run one by one.
    await inner.asend(sender=f"{sender}/first")
    first_sent.set()


async def second(sender, **kwargs):
    second_waits, first_sent = _turn(sender)
    second_waits.set()
    await asyncio.wait_for(first_sent.wait(), WAIT_AT_MOST)
    del _turns[sender]
    await inner.asend(sender=f"{sender}/second")


async def ping_slowly(who: str) -> None:
    await outer.asend(sender=who)
