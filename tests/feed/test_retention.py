"""Retention: every visitor keeps its newest events and its walkthrough, whatever others do."""

import pytest

from playground.models import SandboxNote
from signal_lens.models import Event
from signal_lens.store import writer
from signal_lens.store.retention import prune
from tests.helpers import FeedClient, feed_visitor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def small_table(settings):
    settings.FEED_MAX_EVENTS, settings.FEED_VISITOR_EVENTS, settings.FEED_PRUNE_EVERY = 60, 10, 1


@pytest.fixture
def victim(sign_up) -> FeedClient:
    """A visitor who signed up and looked at two pages."""
    client = FeedClient()
    client.get("/accounts/signup/")
    sign_up(client, "victim@example.com")
    client.get("/playground/")
    return client


def events_of(client: FeedClient) -> list[int]:
    return list(Event.objects.filter(visitor=feed_visitor(client)).values_list("id", flat=True))


def test_a_visitors_newest_events_survive_a_cookieless_flood(small_table, victim):
    newest = sorted(events_of(victim))[-10:]
    for _ in range(40):
        FeedClient().post("/playground/custom/")
    assert set(newest) <= set(events_of(victim))


def test_a_visitors_signup_survives_a_flood_by_one_visitor(small_table, victim):
    flooder = FeedClient()
    for _ in range(40):
        flooder.get("/playground/")
    assert Event.objects.filter(visitor=feed_visitor(victim), signal="user_signed_up").exists()


def test_a_flood_keeps_the_table_bounded(small_table, victim):
    for _ in range(40):
        FeedClient().post("/playground/custom/")
    assert Event.objects.count() <= 60


def test_protected_events_give_way_when_they_alone_overflow_the_table(settings, victim):
    settings.FEED_MAX_EVENTS = 5
    writer.flush()  # Changing a setting sends setting_changed, which is recorded too.
    prune()
    assert Event.objects.count() == 5


def test_sandbox_notes_go_with_their_visitors_events(settings):
    client = FeedClient()
    client.post("/playground/save/")
    settings.FEED_MAX_EVENTS = 0
    prune()
    assert not SandboxNote.objects.exists()
