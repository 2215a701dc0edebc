"""Events are written once per request, after it, outside its transaction, never failing it."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth.signals import user_logged_in
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feed import writer
from feed.labels import process_label
from feed.models import Event, Origin
from tests.feed.conftest import feed_visitor
from tests.feed.test_recorder import ping

pytestmark = pytest.mark.django_db


def test_a_request_is_written_in_one_insert(client):
    with CaptureQueriesContext(connection) as queries:
        client.get("/accounts/login/")
    statements = [query["sql"] for query in queries.captured_queries]
    assert len([sql for sql in statements if sql.startswith('INSERT INTO "feed_event"')]) == 1


def test_nothing_is_written_before_the_request_finishes(client, user, password):
    seen_during_request = []

    def count_events(sender, **kwargs):
        seen_during_request.append(Event.objects.filter(origin__contains="login").count())

    user_logged_in.connect(count_events, dispatch_uid="tests.count_events")
    try:
        client.post("/accounts/login/", {"login": "alice@example.com", "password": password})
    finally:
        user_logged_in.disconnect(dispatch_uid="tests.count_events")
    assert seen_during_request == [0]
    assert Event.objects.filter(origin="POST /accounts/login/").exists()


def test_sends_inside_a_transaction_are_written_after_it_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ping.send(sender="test")
        assert not Event.objects.filter(signal="ping").exists()
    assert Event.objects.filter(signal="ping").exists()


@pytest.fixture
def in_writer_thread():
    """Run a function in the feed's writer thread; its connection is closed afterwards."""
    yield lambda function: writer._offloop.submit(function).result()
    writer._offloop.submit(lambda: connections["default"].close()).result()


@pytest.mark.django_db(transaction=True)
def test_after_django_closes_the_connection_the_writer_thread_writes_on_its_own(in_writer_thread):
    connection.close()  # As request_finished does before the request's chain is complete.
    ping.send(sender="test")
    assert in_writer_thread(lambda: connections["default"].connection is not None)
    assert Event.objects.filter(signal="ping").exists()


def test_a_write_failure_is_logged_and_the_request_succeeds(client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr("feed.writer._insert", broken)
    response = client.get("/")
    assert response.status_code == 200
    assert "feed: could not write" in caplog.text


def test_a_recorder_bug_is_logged_and_receivers_still_run(client, sign_up, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("recorder bug")

    monkeypatch.setattr("feed.chains.summarise", broken)
    caplog.set_level(logging.ERROR, logger="feed.recorder")
    response = sign_up(client, "dave@example.com")
    assert response.status_code == 302
    assert "feed: could not record a send" in caplog.text
    assert Event.objects.filter(visitor=feed_visitor(client)).count() == 0


def test_the_feeds_own_requests_are_not_recorded(client):
    client.get("/feed/")
    assert not Event.objects.filter(origin__contains="/feed/").exists()


def test_static_files_are_not_recorded(client):
    client.get("/static/css/site.css")
    assert not Event.objects.filter(origin__contains="/static/").exists()


def test_the_feeds_own_writes_are_not_recorded(client, sign_up):
    sign_up(client, "erin@example.com")
    saves = ["pre_save", "post_save", "pre_delete", "post_delete", "connection_created"]
    assert not Event.objects.filter(signal__in=saves, sender="feed.Event").exists()


def test_sends_outside_requests_are_recorded_as_the_command(monkeypatch):
    monkeypatch.setattr("sys.argv", ["manage.py", "shell", "--command", "secret"])
    ping.send(sender="test")
    event = Event.objects.get(signal="ping")
    assert (event.origin_kind, event.origin) == (Origin.COMMAND, "manage.py shell")
    assert event.visitor == ""


def test_process_label_names_python_m_modules(monkeypatch):
    monkeypatch.setattr("sys.argv", ["/venv/lib/uvicorn/__main__.py", "asgi:application"])
    assert process_label() == "uvicorn"


def test_retention_keeps_the_newest_events(settings):
    settings.FEED_MAX_EVENTS, settings.FEED_PRUNE_EVERY = 3, 1
    for _ in range(6):
        ping.send(sender="test")
    assert Event.objects.count() == 3
    assert Event.objects.order_by("-id").first().signal == "ping"


def test_retention_drops_events_older_than_the_maximum_age(settings):
    ping.send(sender="test")
    Event.objects.update(started_at=timezone.now() - timedelta(days=2))
    ping.send(sender="test")
    writer.prune()
    assert Event.objects.count() == 1
