"""Queries, flags, SQL, on_commit fates and skips as the feed and the waterfall show them."""

import re

import pytest
from django.test.html import Element, parse_html

from signal_lens.models import Event
from tests.feed.rows import with_details
from tests.helpers import elements, list_items, text

pytestmark = pytest.mark.django_db(transaction=True)


def created_user_event() -> Event:
    return Event.objects.get(signal="post_save", sender="auth.User", args__created=True)


def by_id(html: str, id_: str) -> Element:
    """The element of a page with this id."""
    return next(
        each for each in elements(parse_html(html)) if dict(each.attributes).get("id") == id_
    )


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
    skip = Event.objects.get(signal="update()")
    shown = by_id(client.get("/feed/").content.decode(), f"event-{skip.id}")
    assert "no signal sent: 1 receiver skipped" in text(shown)


def test_a_skip_links_where_django_says_update_sends_no_signals(client, sign_up):
    sign_up(client, "documented@example.com")
    skip = Event.objects.get(signal="update()")
    details = client.get(f"/feed/requests/{skip.chain}/details/").content.decode()
    links = [each for each in elements(by_id(details, f"details-{skip.id}")) if each.name == "a"]
    (docs,) = [dict(link.attributes)["href"] for link in links if text(link) == "docs"]
    assert docs.endswith("ref/models/querysets/#django.db.models.query.QuerySet.update")


def test_the_feed_shows_a_discarded_callback(client):
    client.post("/playground/rollback/")
    html = with_details(client, client.get("/feed/").content.decode())
    assert re.search(
        r"on_commit <code>[^<]+</code> on default: <strong>discarded by rollback", html
    )
