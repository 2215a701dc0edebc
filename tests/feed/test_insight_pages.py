"""Queries, flags, SQL, on_commit fates and skips as the feed and the waterfall show them."""

import re

import pytest

from signal_lens.models import Event
from tests.feed.rows import opened
from tests.helpers import elements, list_items, text

pytestmark = pytest.mark.django_db(transaction=True)


def created_user_event() -> Event:
    return Event.objects.get(signal="post_save", sender="auth.User", args__created=True)


def receiver_row(html: str, name: str) -> str:
    """The text of the waterfall's item for a receiver: its label, queries, SQL and duration."""
    for item in list_items(html, "Signals and receivers on one time scale"):
        codes = [element for element in elements(item) if element.name == "code"]
        if codes and text(codes[0]) == name:
            return text(item)
    return ""


def test_the_waterfall_shows_create_profiles_query_count(client, sign_up):
    sign_up(client, "counted@example.com")
    event = created_user_event()
    (stored,) = [each for each in event.receivers if each["short"] == "create_profile"]
    html = client.get(f"/feed/requests/{event.chain}/").content.decode()
    assert f"· {stored['queries']} queries" in receiver_row(html, "create_profile")


def test_the_waterfall_offers_create_profiles_sql(client, sign_up):
    sign_up(client, "counted@example.com")
    event = created_user_event()
    html = client.get(f"/feed/requests/{event.chain}/").content.decode()
    assert 'INSERT INTO "profiles_profile"' in receiver_row(html, "create_profile")


def test_the_feed_shows_a_skip_as_receivers_skipped(client, sign_up):
    sign_up(client, "skipped@example.com")
    html = client.get("/feed/").content.decode()
    summary = re.search(r'data-signal="update\(\)".*?class="event-summary">(.*?)</p>', html, re.S)
    assert summary.group(1).endswith("1 receiver skipped")


def test_a_skip_links_where_django_says_update_sends_no_signals(client, sign_up):
    sign_up(client, "documented@example.com")
    html = opened(client, client.get("/feed/").content.decode())
    facts = re.search(r'data-signal="update\(\)".*?</dl>', html, re.S).group(0)
    (docs,) = re.findall(r'<a href="([^"]+)" rel="external">docs</a>', facts)
    assert docs.endswith("ref/models/querysets/#django.db.models.query.QuerySet.update")


def test_the_feed_shows_a_discarded_callback(client):
    client.post("/playground/rollback/")
    html = opened(client, client.get("/feed/").content.decode())
    assert re.search(
        r"on_commit <code>[^<]+</code> on default: <strong>discarded by rollback", html
    )
