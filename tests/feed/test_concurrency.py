"""Simultaneous requests, threads and tasks never mix their chains or their parents."""

import asyncio
import threading

import pytest
from asgiref.sync import async_to_sync
from django.core.handlers.asgi import ASGIHandler
from django.db import connection
from django.test import AsyncClient

from signal_lens.models import Event
from signal_lens.store import writer
from tests.helpers import FeedClient, feed_visitor, first, outer, ping, ping_slowly, second

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_async_receivers():
    outer.connect(first)
    outer.connect(second)
    yield
    outer.disconnect(first)
    outer.disconnect(second)


def test_simultaneous_threads_keep_their_own_chains(sign_up):
    clients = {email: FeedClient() for email in ("tic@example.com", "tac@example.com")}
    start = threading.Barrier(len(clients))

    def sign_up_together(email: str) -> None:
        start.wait()
        sign_up(clients[email], email)
        connection.close()

    threads = [threading.Thread(target=sign_up_together, args=(email,)) for email in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.flush()
    for email, client in clients.items():
        events = Event.objects.filter(visitor=feed_visitor(client))
        created = events.get(signal="post_save", sender="auth.User", args__created=True)
        assert created.summary.endswith(f"({email.split('@')[0]}@…) created")
        assert events.values("chain").distinct().count() == 1


def test_chains_have_one_visitor_each(sign_up):
    sign_up(FeedClient(), "one@example.com")
    sign_up(FeedClient(), "two@example.com")
    chains = Event.objects.exclude(visitor="").values("chain").distinct()
    assert all(
        Event.objects.filter(chain=c["chain"]).values("visitor").distinct().count() == 1
        for c in chains
    )


@pytest.mark.urls("tests.feed.async_urls")
def test_simultaneous_async_requests_keep_their_own_chains(two_async_receivers):
    clients = {"north": AsyncClient(), "south": AsyncClient()}

    async def both():
        await asyncio.gather(*(c.get("/ping/", {"who": who}) for who, c in clients.items()))

    async_to_sync(both)()
    writer.flush()
    for who, client in clients.items():
        events = Event.objects.filter(visitor=feed_visitor(client))
        senders = set(events.filter(signal__in=["outer", "inner"]).values_list("sender", flat=True))
        assert senders == {who, f"{who}/first", f"{who}/second"}


def test_concurrent_async_receivers_parent_their_own_sends(two_async_receivers):
    async_to_sync(ping_slowly)("solo")
    writer.flush()
    sent = Event.objects.get(signal="outer")
    for nested in Event.objects.filter(signal="inner"):
        receiver = sent.receivers[nested.parent_receiver]["short"]
        assert (nested.chain, nested.parent_seq) == (sent.chain, sent.seq)
        assert nested.sender == f"solo/{receiver}"


def test_a_request_started_inside_the_last_ones_response_is_recorded_once():
    # uvicorn starts a connection's next request from inside the previous response's last send
    # (after a large upload's flow control, or pipelining): the new task copies that context.
    handler, started = ASGIHandler(), []

    async def serve(path: str, then: str | None) -> None:
        body = [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive() -> dict:
            if body:
                return body.pop()
            await asyncio.Event().wait()  # The client stays connected.

        async def send(message: dict) -> None:
            if then and message["type"] == "http.response.body" and not message.get("more_body"):
                started.append(asyncio.create_task(serve(then, None)))

        scope = {"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": []}
        await handler(scope, receive, send)

    async def both() -> None:
        await serve("/accounts/login/", then="/accounts/signup/")
        await asyncio.gather(*started)

    async_to_sync(both)()
    writer.flush()
    chains = Event.objects.filter(signal="request_started").values_list("chain", "origin")
    assert sorted(origin for _, origin in chains) == [
        "GET /accounts/login/",
        "GET /accounts/signup/",
    ]
    assert len({chain for chain, _ in chains}) == 2


def test_a_request_made_inside_a_receiver_is_a_chain_of_its_own():
    def browse(sender, **kwargs):
        FeedClient().get("/accounts/login/")

    ping.connect(browse, dispatch_uid="tests.browse")
    try:
        ping.send(sender="test")
    finally:
        ping.disconnect(dispatch_uid="tests.browse")
    writer.flush()
    started = Event.objects.get(signal="request_started")
    sent = Event.objects.get(signal="ping")
    assert started.chain != sent.chain and started.parent_seq is None
