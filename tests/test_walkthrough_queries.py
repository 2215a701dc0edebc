"""The walkthrough's cost: a fixed number of queries whatever the history, once per new request."""

import uuid

import pytest
from django.core.cache import cache
from django.db import connection

from signal_lens.context import muted
from signal_lens.models import Event
from tests.helpers import FeedClient, feed_visitor

pytestmark = pytest.mark.django_db(transaction=True)


def mid_walkthrough(sign_up, password, email: str) -> FeedClient:
    """A browser signed up, logged out and back in: three steps done."""
    client = FeedClient()
    sign_up(client, email)
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": email, "password": password})
    return client


def set_history(client: FeedClient, events: int) -> None:
    """Bring the browser's feed to `events` sends: padded in requests of ten, as page visits leave
    them, or cut from the oldest, as retention's prune leaves them."""
    visitor = feed_visitor(client)
    mine = Event.objects.filter(visitor=visitor).order_by("id")
    more = events - mine.count()
    if more < 0:
        oldest = list(mine.values_list("pk", flat=True)[:-more])
        with muted():
            Event.objects.filter(pk__in=oldest).delete()
    else:
        sample = mine.last()
        chains = [uuid.uuid4() for _ in range(more // 10 + 1)]
        copies = []
        for number in range(more):
            copy = Event.objects.get(pk=sample.pk)
            copy.pk, copy.chain, copy.seq = None, chains[number // 10], number % 10
            copies.append(copy)
        with muted():
            Event.objects.bulk_create(copies)
    assert mine.count() == events


def home_queries(client: FeedClient) -> int:
    """How many queries the home page makes on this thread's connection."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get("/").status_code == 200
    return len(queries)


def fresh_browser(sign_up, password, email: str) -> FeedClient:
    """A browser that has only looked at the home page."""
    client = FeedClient()
    client.get("/")
    return client


@pytest.mark.parametrize(
    ("browser", "few"),
    [(fresh_browser, 10), (mid_walkthrough, 100)],  # They leave 11 and 44 sends here.
)
def test_the_home_page_makes_as_many_queries_for_500_events_as_for_few(
    browser, few, sign_up, password
):
    short = browser(sign_up, password, "short@example.com")
    set_history(short, few)
    long = browser(sign_up, password, "long@example.com")
    set_history(long, 500)
    cache.clear()  # Both pages work their progress out afresh.
    assert home_queries(short) == home_queries(long)


def test_progress_is_worked_out_once_per_new_request_not_per_page(sign_up, password):
    client = mid_walkthrough(sign_up, password, "walker@example.com")
    first = home_queries(client)
    assert home_queries(client) < first  # The home page's own request is not recorded.
