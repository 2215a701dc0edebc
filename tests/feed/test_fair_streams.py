"""Fair streams: a bounded number per visitor, refused with 429 beyond it, others unaffected."""

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from signal_lens.live.hub import Subscription
from tests.feed.sse import read_until, stream_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_per_visitor(settings):
    settings.FEED_STREAMS_PER_VISITOR = 2


def browser() -> Client:
    client = Client()
    client.get("/accounts/login/")
    return client


async def open_streams(client: Client, count: int) -> list:
    """Open `count` streams one after another; each held open once its first line arrived."""
    responses = []
    for _ in range(count):
        response = await stream_client(client).get("/feed/stream/")
        if response.status_code == 200:
            await read_until(response.streaming_content, lambda text: "retry:" in text)
        responses.append(response)
    return responses


def test_a_stream_beyond_the_visitors_limit_is_refused_with_429(two_per_visitor):
    responses = async_to_sync(open_streams)(browser(), 3)
    assert [response.status_code for response in responses] == [200, 200, 429]
    assert b"polls" in responses[2].content


def test_one_visitors_full_streams_leave_another_visitor_free(two_per_visitor):
    async def scenario(first: Client, second: Client) -> int:
        await open_streams(first, 2)
        return (await open_streams(second, 1))[0].status_code

    assert async_to_sync(scenario)(browser(), browser()) == 200


def test_a_stream_that_falls_behind_ends_instead_of_piling_up(settings):
    settings.FEED_STREAM_BACKLOG = 2
    subscription = Subscription("a" * 32, after=0, internals=False)
    for last_id in (1, 2, 3):
        subscription.offer(last_id, f"chain {last_id}")
    assert subscription.lagging
    assert [last_id for last_id, _ in subscription.pending] == [1, 2]
