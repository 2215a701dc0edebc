"""The live stream: SSE under ASGI, resumable without loss or repeats, ending cleanly."""

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core.asgi import get_asgi_application

from signal_lens.live import hub
from signal_lens.live.fragments import sse_message
from signal_lens.live.stream import RECONNECT
from signal_lens.models import Event
from tests.feed.sse import chain_ids, read_until, stream_client
from tests.helpers import FeedClient, feed_visitor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def visitor_client() -> FeedClient:
    client = FeedClient()
    client.get("/accounts/login/")
    return client


def last_ids(visitor: str) -> list[int]:
    """The last event id of each of the visitor's chains, oldest first."""
    chains = {}
    for chain, event_id in Event.objects.filter(visitor=visitor).values_list("chain", "id"):
        chains[chain] = max(chains.get(chain, 0), event_id)
    return sorted(chains.values())


def test_sse_message_puts_each_line_in_a_data_field():
    assert sse_message(7, "chain", "<li>\n  <b>x</b>\n\n</li>") == (
        "id: 7\nevent: chain\ndata: <li>\ndata:   <b>x</b>\ndata: </li>\n\n"
    )


def test_a_new_chain_arrives_on_the_open_stream(visitor_client):
    after = max(last_ids(feed_visitor(visitor_client)))

    async def scenario():
        response = await stream_client(visitor_client).get(f"/feed/stream/?after={after}")
        assert response["Content-Type"] == "text/event-stream"
        content = response.streaming_content
        await read_until(content, lambda text: "retry:" in text)
        await sync_to_async(visitor_client.get, thread_sensitive=False)("/accounts/signup/")
        return await read_until(content, lambda text: "event: chain" in text)

    text = async_to_sync(scenario)()
    assert "GET /accounts/signup/" in text and 'id="chain-' in text


def test_last_event_id_resumes_with_no_loss_and_no_repeats(visitor_client):
    for _ in range(3):
        visitor_client.get("/accounts/login/")
    ids = last_ids(feed_visitor(visitor_client))
    headers = {"Last-Event-ID": str(ids[1])}

    async def scenario():
        response = await stream_client(visitor_client).get("/feed/stream/", headers=headers)
        expected = len(ids) - 2
        return await read_until(response.streaming_content, lambda t: len(chain_ids(t)) >= expected)

    assert chain_ids(async_to_sync(scenario)()) == ids[2:]


def test_last_event_id_wins_over_a_stale_after_parameter(visitor_client):
    visitor_client.get("/accounts/login/")
    ids = last_ids(feed_visitor(visitor_client))
    url, headers = f"/feed/stream/?after={ids[0]}", {"Last-Event-ID": str(ids[-1])}
    visitor_client.get("/accounts/signup/")

    async def scenario():
        response = await stream_client(visitor_client).get(url, headers=headers)
        return await read_until(response.streaming_content, lambda t: chain_ids(t))

    assert chain_ids(async_to_sync(scenario)()) == [last_ids(feed_visitor(visitor_client))[-1]]


def test_idle_streams_send_heartbeats(visitor_client, settings):
    settings.FEED_HEARTBEAT_SECONDS = 0.05

    async def scenario():
        response = await stream_client(visitor_client).get("/feed/stream/")
        return await read_until(response.streaming_content, lambda text: "heartbeat" in text)

    assert ": heartbeat\n\n" in async_to_sync(scenario)()


def test_another_visitors_events_never_reach_the_stream(visitor_client):
    async def scenario():
        response = await stream_client(visitor_client).get("/feed/stream/")
        content = response.streaming_content
        await read_until(content, lambda text: "retry:" in text)
        await sync_to_async(FeedClient().get, thread_sensitive=False)("/accounts/signup/")
        # Chains stream in the order they were written: this visitor's next one comes after.
        await sync_to_async(visitor_client.get, thread_sensitive=False)("/accounts/login/")
        return await read_until(content, lambda text: "GET /accounts/login/" in text)

    assert "GET /accounts/signup/" not in async_to_sync(scenario)()


def test_streams_end_after_their_maximum_age(visitor_client, settings):
    settings.FEED_STREAM_MAX_SECONDS = 0

    async def scenario():
        response = await stream_client(visitor_client).get("/feed/stream/")
        return [chunk async for chunk in response.streaming_content]

    assert async_to_sync(scenario)() == [b"retry: 2000\n\n"]


def test_a_stopping_server_ends_its_streams_with_a_reconnect(visitor_client):
    async def scenario():
        response = await stream_client(visitor_client).get("/feed/stream/")
        await read_until(response.streaming_content, lambda text: "retry:" in text)
        hub.get_hub().stop()
        return [chunk async for chunk in response.streaming_content]

    assert async_to_sync(scenario)() == [RECONNECT.encode()]


def test_the_stream_ends_cleanly_when_the_client_goes_away(visitor_client):
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in visitor_client.cookies.items())
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": "/feed/stream/", "raw_path": b"/feed/stream/",
        "query_string": b"", "root_path": "", "server": ("testserver", 80),
        "client": ("127.0.0.1", 1), "headers": [(b"cookie", cookie.encode())],
    }  # fmt: skip
    sent, requested, gone = [], asyncio.Event(), asyncio.Event()

    async def receive():
        if not requested.is_set():
            requested.set()
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
        if message["type"] == "http.response.body":
            gone.set()

    async def scenario():
        await asyncio.wait_for(get_asgi_application()(scope, receive, send), timeout=5)
        return hub.get_hub().subscriptions

    assert async_to_sync(scenario)() == set()
    assert sent[0]["status"] == 200


def test_wsgi_gets_no_stream_and_the_page_polls_instead(client):
    assert client.get("/feed/stream/").status_code == 204


def test_everyone_scope_is_refused_to_visitors(visitor_client):
    async def scenario():
        return await stream_client(visitor_client).get("/feed/stream/?scope=all")

    assert async_to_sync(scenario)().status_code == 403


def test_staff_can_stream_everyones_events(visitor_client, django_user_model):
    staff = django_user_model.objects.create_user("staff", "staff@example.com", is_staff=True)
    visitor_client.force_login(staff)

    async def scenario():
        response = await stream_client(visitor_client).get("/feed/stream/?scope=all")
        content = response.streaming_content
        await read_until(content, lambda text: "retry:" in text)
        await sync_to_async(FeedClient().get, thread_sensitive=False)("/accounts/signup/")
        return await read_until(content, lambda text: "GET /accounts/signup/" in text)

    assert "event: chain" in async_to_sync(scenario)()


def test_polling_returns_newer_chains_and_moves_the_poller_on(visitor_client):
    after = max(last_ids(feed_visitor(visitor_client)))
    visitor_client.get("/accounts/signup/")
    response = visitor_client.get(f"/feed/poll/?after={after}")
    newest = max(last_ids(feed_visitor(visitor_client)))
    assert b"GET /accounts/signup/" in response.content
    assert f'hx-get="/feed/poll/?after={newest}"'.encode() in response.content
    assert b'hx-swap-oob="true"' in response.content
