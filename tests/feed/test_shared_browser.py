"""One browser, several people: each person who logs in gets a feed of their own, and logging
out leaves the browser a fresh one."""

import pytest
from django.test import Client

from signal_lens.models import Event
from tests.helpers import feed_visitor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def after_first_person(client, sign_up) -> tuple[Client, str]:
    """A browser where first@ signed up and logged out; its feed visitor until then."""
    sign_up(client, "first@example.com")
    client.get("/profile/")  # Where the signup leads, showing its messages.
    first = feed_visitor(client)
    client.post("/accounts/logout/")
    return client, first


def signals(visitor: str) -> set[str]:
    return set(Event.objects.filter(visitor=visitor).values_list("signal", flat=True))


def test_the_first_persons_logout_stays_in_their_feed(after_first_person):
    _, first = after_first_person
    assert "user_logged_out" in signals(first)


def test_logging_out_leaves_the_browser_a_fresh_feed(after_first_person):
    client, first = after_first_person
    assert feed_visitor(client) != first


def test_the_next_page_shows_nothing_of_the_person_who_logged_out(after_first_person):
    client, _ = after_first_person
    assert b"first@" not in client.get("/").content


def test_what_was_done_logged_out_joins_the_feed_of_whoever_logs_back_in(
    after_first_person, password
):
    client, first = after_first_person
    client.post("/accounts/login/", {"login": "first@example.com", "password": "wrong"})
    client.post("/accounts/login/", {"login": "first@example.com", "password": password})
    assert "user_login_failed" in signals(first)


def test_a_second_person_signing_up_starts_a_fresh_feed(after_first_person, sign_up):
    client, first = after_first_person
    sign_up(client, "second@example.com")
    assert feed_visitor(client) != first
    assert "user_logged_out" not in signals(feed_visitor(client))


def test_the_second_persons_signup_is_in_their_own_feed(after_first_person, sign_up):
    client, first = after_first_person
    sign_up(client, "second@example.com")
    assert "user_signed_up" in signals(feed_visitor(client))
    assert not Event.objects.filter(visitor=first, summary__contains="second@").exists()


def test_a_second_person_logging_in_starts_a_fresh_feed(after_first_person, django_user_model):
    client, first = after_first_person
    django_user_model.objects.create_user("second", "second@example.com", "pw-second-123")
    client.post("/accounts/login/", {"login": "second@example.com", "password": "pw-second-123"})
    assert feed_visitor(client) != first


def test_the_same_person_logging_in_again_keeps_their_feed(after_first_person, password):
    client, first = after_first_person
    client.post("/accounts/login/", {"login": "first@example.com", "password": password})
    assert feed_visitor(client) == first


def test_an_anonymous_feed_becomes_the_new_persons_own(client, sign_up):
    client.get("/playground/")
    anonymous = feed_visitor(client)
    sign_up(client, "newcomer@example.com")
    assert feed_visitor(client) == anonymous
