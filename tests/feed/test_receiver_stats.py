"""Receiver statistics on the receivers map: calls, percentiles, queries, failures, skips."""

import pytest

from signal_lens.models import Event
from signal_lens.pages import stats

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_stored():
    """Statistics over the events a test stores, not those of migrations or other tests."""
    Event.objects.all().delete()


def row(name: str) -> stats.ReceiverStats:
    (found,) = [each for each in stats.table().rows if each.short == name]
    return found


def test_percentiles_of_known_timings(only_stored, stored_receivers):
    for ms in range(1, 101):
        stored_receivers("send", ("timed", "returned", float(ms), 0))
    assert (row("timed").p50_ms, row("timed").p95_ms) == (50.0, 95.0)


def test_calls_count_only_receivers_that_ran(only_stored, stored_receivers):
    stored_receivers("send", ("first", "raised", 1.0, 0), ("second", "not run", 0.0, None))
    assert (row("first").calls, row("second").calls) == (1, 0)


def test_queries_per_call(only_stored, stored_receivers):
    stored_receivers("send", ("querying", "returned", 1.0, 2))
    stored_receivers("send", ("querying", "returned", 1.0, 4))
    assert row("querying").queries_per_call == 3.0


def test_exceptions_swallowed_by_send_robust(only_stored, stored_receivers):
    stored_receivers("send_robust", ("failing", "raised", 1.0, 0))
    stored_receivers("send", ("failing", "raised", 1.0, 0))
    assert row("failing").swallowed == 1


def test_skips_are_counted_apart_from_calls(only_stored, stored_receivers):
    stored_receivers("update", ("skippable", "skipped", 0.0, None), skipped=1)
    assert (row("skippable").skipped, row("skippable").calls) == (1, 0)


def test_connected_receivers_that_never_ran_are_listed(only_stored, stored_receivers):
    stored_receivers("send", ("profiles.receivers.create_profile", "returned", 1.0, 2))
    never = stats.table().never_fired
    assert "record_login" in never and "create_profile" not in never


def test_sorting_by_p95_puts_the_slowest_first(only_stored, stored_receivers):
    stored_receivers("send", ("quick", "returned", 1.0, 0), ("slow", "returned", 90.0, 0))
    assert [each.short for each in stats.table("p95").rows] == ["slow", "quick"]


def test_sorting_by_name_ascending(only_stored, stored_receivers):
    stored_receivers("send", ("zeta", "returned", 1.0, 0), ("alpha", "returned", 90.0, 0))
    assert [each.short for each in stats.table("receiver").rows] == ["alpha", "zeta"]


def test_the_map_sorts_by_the_column_asked(only_stored, stored_receivers, client):
    stored_receivers("send", ("quick", "returned", 1.0, 5), ("slow", "returned", 90.0, 1))
    html = client.get("/feed/receivers/", {"sort": "queries", "order": "desc"}).content.decode()
    assert html.index('<code title="tests.quick">') < html.index('<code title="tests.slow">')
