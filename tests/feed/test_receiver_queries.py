"""Each receiver's queries: counted, stored without their values, and flagged when repeated."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import Signal

from signal_lens.context import muted
from signal_lens.models import Event
from signal_lens.store import writer
from tests.helpers import WAIT_AT_MOST

pytestmark = pytest.mark.django_db(transaction=True)

queried = Signal()
looped = Signal()
User = get_user_model()


def counts_users(sender, **kwargs):
    """A receiver which runs two different queries."""
    User.objects.count()
    User.objects.filter(is_staff=True).exists()


def checks_staff_thrice(sender, **kwargs):
    """A receiver which runs one query three times, as a loop over rows would."""
    for _ in range(3):
        User.objects.filter(is_staff=True).exists()


def looks_up_a_name(sender, **kwargs):
    """A receiver whose query carries a value that must never be stored."""
    User.objects.filter(username="hunter2-secret").exists()


def counts_quietly(sender, **kwargs):
    """A receiver whose query is the feed's own kind of work, muted."""
    with muted():
        User.objects.count()


def recorded(**named) -> dict:
    """Send `queried` and return the stored record of its one receiver."""
    queried.send(sender="test", **named)
    writer.flush()
    return Event.objects.filter(signal="queried").latest("id").receivers[0]


def test_a_receivers_queries_are_counted(attach):
    attach(queried, counts_users)
    assert recorded()["queries"] == 2


def test_a_receivers_statements_are_stored_with_placeholders(attach):
    attach(queried, looks_up_a_name)
    (statement,) = recorded()["sql"]
    assert "%s" in statement[0] and "hunter2-secret" not in str(statement)


def test_a_receiver_running_one_query_three_times_is_flagged(attach):
    attach(queried, checks_staff_thrice)
    assert recorded().get("repeated_queries") is True


def sends_three_times(sender, **kwargs):
    """A receiver which sends `queried` once per row, as a loop of saves sends post_save."""
    for _ in range(3):
        queried.send(sender="row")


def checks_staff_once(sender, **kwargs):
    """A receiver which runs one query per send."""
    User.objects.filter(is_staff=True).exists()


def test_one_query_per_send_repeated_in_a_chain_is_flagged(attach):
    attach(looped, sends_three_times)
    attach(queried, checks_staff_once)
    looped.send(sender="test")
    writer.flush()
    calls = [event.receivers[0] for event in Event.objects.filter(signal="queried")]
    assert [call.get("repeated_queries") for call in calls] == [True, True, True]


def test_a_receiver_running_different_queries_is_not_flagged(attach):
    attach(queried, counts_users)
    assert "repeated_queries" not in recorded()


def test_queries_during_a_raw_save_are_flagged(attach):
    attach(queried, counts_users)
    assert recorded(raw=True)["raw_queries"] == 2


def test_queries_outside_raw_saves_are_not(attach):
    attach(queried, counts_users)
    assert "raw_queries" not in recorded(raw=False)


def test_muted_queries_are_not_counted(attach):
    attach(queried, counts_quietly)
    assert recorded()["queries"] == 0


def test_a_send_inside_atomic_records_its_database(attach):
    with transaction.atomic():
        queried.send(sender="test")
    writer.flush()
    assert Event.objects.get(signal="queried").context["atomic"] == ["default"]


def test_a_send_outside_atomic_records_none(attach):
    queried.send(sender="test")
    writer.flush()
    assert "atomic" not in Event.objects.get(signal="queried").context


def test_switched_off_queries_are_not_counted(attach, settings):
    settings.FEED_COUNT_QUERIES = False
    attach(queried, counts_users)
    assert "queries" not in recorded()


async def counts_users_async(sender, **kwargs):
    """An async receiver whose two queries run in the threads sync_to_async() picks."""
    await User.objects.acount()
    await User.objects.filter(is_staff=True).aexists()


def test_an_async_receivers_queries_are_counted(attach):
    attach(queried, counts_users_async)
    async_to_sync(queried.asend)(sender="test")
    writer.flush()
    (receiver,) = Event.objects.filter(signal="queried").latest("id").receivers
    assert (receiver["short"], receiver["queries"]) == ("counts_users_async", 2)


def test_async_receivers_running_together_keep_their_own_counts(attach):
    counted = asyncio.Event()

    async def counts_then_lets_go(sender, **kwargs):
        await counts_users_async(sender)
        counted.set()

    async def waits_without_querying(sender, **kwargs):
        """An async receiver still running, and querying nothing, while the other one queries."""
        await asyncio.wait_for(counted.wait(), WAIT_AT_MOST)

    attach(queried, counts_then_lets_go)
    attach(queried, waits_without_querying)
    async_to_sync(queried.asend)(sender="test")
    writer.flush()
    receivers = Event.objects.filter(signal="queried").latest("id").receivers
    assert {each["short"]: each["queries"] for each in receivers} == {
        "counts_then_lets_go": 2,
        "waits_without_querying": 0,
    }
