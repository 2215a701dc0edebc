"""A chain's HTML is drawn once for pages and polls and once for streams, however many show it."""

from collections import Counter

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import Client
from django.test.signals import template_rendered

from signal_lens.conf import feed_setting
from signal_lens.live.fragments import fragments
from signal_lens.models import Event
from signal_lens.store import reads
from tests.feed.sse import read_until, stream_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def drawn():
    """How many times each chain's fragment was drawn, by chain id and whether with internals."""
    counts: Counter[tuple[str, bool]] = Counter()

    def count(sender, template, context, **kwargs):
        if template.name == "chain":
            counts[str(context["chain"].id), context["internals"]] += 1

    template_rendered.connect(count, dispatch_uid="tests.drawn")
    yield counts
    template_rendered.disconnect(dispatch_uid="tests.drawn")


def streamed_signup(browser: Client) -> str:
    """What the browser's stream sends when it signs up."""

    async def scenario() -> str:
        stream = await stream_client(browser).get("/feed/stream/")
        await read_until(stream.streaming_content, lambda text: "retry:" in text)
        await sync_to_async(browser.get, thread_sensitive=False)("/accounts/signup/")
        return await read_until(stream.streaming_content, lambda text: "event: chain" in text)

    return async_to_sync(scenario)()


def test_pages_polls_and_streams_share_one_drawing_of_each_chain(drawn):
    browser = Client()
    browser.get("/accounts/login/")

    async def three_streams_see_a_new_chain():
        streams = [await stream_client(browser).get("/feed/stream/") for _ in range(3)]
        for stream in streams:
            await read_until(stream.streaming_content, lambda text: "retry:" in text)
        await sync_to_async(browser.get, thread_sensitive=False)("/accounts/signup/")
        for stream in streams:
            await read_until(stream.streaming_content, lambda text: "event: chain" in text)

    async_to_sync(three_streams_see_a_new_chain)()
    for _ in range(2):
        browser.get("/playground/")
    browser.get("/feed/poll/?after=0")
    chains = {str(chain) for chain in Event.objects.values_list("chain", flat=True)}
    assert drawn and {chain for chain, _ in drawn} <= chains
    assert set(drawn.values()) == {1}


def test_a_stream_leaves_the_internals_out_for_a_visitor_who_folds_them():
    browser = Client()
    browser.get("/accounts/login/")
    assert 'data-signal="request_started"' not in streamed_signup(browser)


def test_a_stream_draws_the_internals_for_a_visitor_who_shows_them():
    browser = Client()
    browser.cookies[feed_setting("FEED_INTERNALS_COOKIE")] = "1"
    browser.get("/accounts/login/")
    assert 'data-signal="request_started"' in streamed_signup(browser)


def test_a_classroom_of_chains_stays_drawn(drawn, stored_receivers):
    """The cache keeps more chains than a busy workshop's panels show, so none is drawn twice."""
    for _ in range(500):
        stored_receivers("send")
    heads = reads.heads_after(reads.EVERYONE, 0, 500)
    fragments(heads, internals=False)
    fragments(heads[:1], internals=False)
    assert len(drawn) == 500 and set(drawn.values()) == {1}
