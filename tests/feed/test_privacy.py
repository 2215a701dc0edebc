"""Nothing secret is recorded, and each browser's feed holds only what its own requests caused."""

import json

import pytest
from django.contrib.auth import get_user_model

from signal_lens.models import Event
from signal_lens.pages.visitors import visitor_of
from signal_lens.store.reads import events_for, first_fired
from tests.helpers import FeedClient, feed_visitor, ping

pytestmark = pytest.mark.django_db(transaction=True)


def everything_recorded() -> str:
    return json.dumps(list(Event.objects.values()), default=str, ensure_ascii=False)


@pytest.fixture
def csrf_client() -> FeedClient:
    client = FeedClient(enforce_csrf_checks=True)
    client.get("/accounts/signup/")
    return client


def test_signup_records_neither_the_password_nor_its_hash(csrf_client, password):
    token = csrf_client.cookies["csrftoken"].value
    data = {"email": "eve@example.com", "password1": password, "password2": password}
    response = csrf_client.post("/accounts/signup/", {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    recorded = everything_recorded()
    password_hash = get_user_model().objects.get(email="eve@example.com").password
    assert password not in recorded
    assert password_hash not in recorded and password_hash.rpartition("$")[2] not in recorded


def test_signup_records_neither_the_session_key_nor_the_csrf_token(csrf_client, password):
    token = csrf_client.cookies["csrftoken"].value
    data = {"email": "eve@example.com", "password1": password, "password2": password}
    csrf_client.post("/accounts/signup/", {**data, "csrfmiddlewaretoken": token})
    recorded = everything_recorded()
    assert csrf_client.session.session_key not in recorded
    assert token not in recorded and csrf_client.cookies["csrftoken"].value not in recorded


def test_failed_login_records_neither_password_nor_full_email(client):
    client.post("/accounts/login/", {"login": "mallory@example.com", "password": "guess-123"})
    event = Event.objects.get(visitor=feed_visitor(client), signal="user_login_failed")
    assert event.summary == "Login failed for mallory@…"
    assert "guess-123" not in everything_recorded() and "example.com" not in event.summary


def test_query_strings_are_not_recorded(client):
    client.get("/?token=s3cret-value")
    assert "s3cret-value" not in everything_recorded()


def test_url_arguments_are_recorded_by_name_only(client):
    client.get("/accounts/password/reset/key/1a-s3cretkey/")
    origins = set(events_for(feed_visitor(client)).values_list("origin", flat=True))
    assert origins == {"GET /accounts/password/reset/key/<uidb36>-<key>/"}


def test_two_browsers_see_only_their_own_events(sign_up):
    alice, bob = FeedClient(), FeedClient()
    sign_up(alice, "alice@example.com")
    sign_up(bob, "bob@example.com")
    bobs = json.dumps(list(events_for(feed_visitor(bob)).values()), default=str, ensure_ascii=False)
    assert "bob@…" in bobs and "alice" not in bobs
    assert not events_for(feed_visitor(bob)).filter(visitor=feed_visitor(alice)).exists()


def test_the_persons_own_feed_keeps_their_logout(client, sign_up):
    sign_up(client, "carol@example.com")
    visitor = feed_visitor(client)
    client.post("/accounts/logout/")
    assert first_fired(visitor, "user_logged_out")


def test_a_forged_cookie_gets_a_new_visitor(client):
    client.cookies["signal_lab_feed"] = "0" * 32
    client.get("/")
    assert feed_visitor(client) != "0" * 32


def test_a_short_url_argument_inside_a_longer_one_cannot_split_it(client):
    client.get("/accounts/password/reset/key/1a-xx1ayy/")
    origins = set(events_for(feed_visitor(client)).values_list("origin", flat=True))
    assert origins == {"GET /accounts/password/reset/key/<uidb36>-<key>/"}


def test_a_request_without_a_visitor_sees_no_events(rf):
    ping.send(sender="shell")
    assert list(events_for(visitor_of(rf.get("/")))) == []
