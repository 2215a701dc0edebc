"""Simultaneous requests, threads and tasks never mix their chains or their parents."""

import asyncio
import threading

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.dispatch import Signal
from django.test import AsyncClient, Client

from feed.models import Event
from tests.feed.conftest import feed_visitor

pytestmark = pytest.mark.django_db(transaction=True)

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


@pytest.fixture
def two_async_receivers():
    outer.connect(first)
    outer.connect(second)
    yield
    outer.disconnect(first)
    outer.disconnect(second)


def test_simultaneous_threads_keep_their_own_chains(sign_up):
    clients = {email: Client() for email in ("tic@example.com", "tac@example.com")}
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
    for email, client in clients.items():
        events = Event.objects.filter(visitor=feed_visitor(client))
        created = events.get(signal="post_save", sender="auth.User", args__created=True)
        assert created.summary.endswith(f"({email.split('@')[0]}@…) created")
        assert events.values("chain").distinct().count() == 1


def test_chains_have_one_visitor_each(sign_up):
    sign_up(Client(), "one@example.com")
    sign_up(Client(), "two@example.com")
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
    for who, client in clients.items():
        events = Event.objects.filter(visitor=feed_visitor(client))
        senders = set(events.filter(signal__in=["outer", "inner"]).values_list("sender", flat=True))
        assert senders == {who, f"{who}/first", f"{who}/second"}


def test_concurrent_async_receivers_parent_their_own_sends(two_async_receivers):
    async_to_sync(ping_slowly)("solo")
    sent = Event.objects.get(signal="outer")
    for nested in Event.objects.filter(signal="inner"):
        receiver = sent.receivers[nested.parent_receiver]["short"]
        assert (nested.chain, nested.parent_seq) == (sent.chain, sent.seq)
        assert nested.sender == f"solo/{receiver}"
