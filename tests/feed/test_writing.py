"""Events are written once per request, after it, by the writer on its own connection, never
failing the host's code; failures and a full queue are counted and dropped."""

import gc
import logging
import threading
import time
import weakref
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.signals import user_logged_in
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from playground.signals import experiment
from signal_lens.context import current_call
from signal_lens.models import Event, Origin
from signal_lens.recording.chains import Chain
from signal_lens.recording.recorder import process_label
from signal_lens.store import writer
from signal_lens.store.retention import prune
from tests.helpers import AN_HOUR, WAIT_AT_MOST, feed_visitor, ping

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def every_failure_logged(settings):
    settings.FEED_LOG_EVERY_SECONDS = 0


def test_recording_runs_no_query_on_the_hosts_connection(client):
    with CaptureQueriesContext(connection) as queries:
        client.get("/accounts/login/")
    # The panel beside the page reads events; nothing else may touch the table (or a savepoint).
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [
        sql for sql in statements if "signal_lens_event" in sql and not sql.startswith("SELECT")
    ]
    assert not [sql for sql in statements if "SAVEPOINT" in sql]


def test_a_request_is_written(client):
    client.get("/accounts/login/")
    assert Event.objects.filter(visitor=feed_visitor(client), origin="GET /accounts/login/")


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


def test_sends_inside_a_transaction_are_written_after_its_commit():
    with transaction.atomic():
        ping.send(sender="test")
    writer.flush()
    assert Event.objects.filter(signal="ping").exists()


def test_sends_inside_a_rolled_back_transaction_are_forgotten():
    with pytest.raises(RuntimeError), transaction.atomic():
        ping.send(sender="test")
        raise RuntimeError("roll back")
    ping.send(sender="after")
    writer.flush()
    assert list(Event.objects.filter(signal="ping").values_list("sender", flat=True)) == ["after"]


def test_a_write_failure_is_logged_and_the_request_succeeds(
    client, monkeypatch, caplog, every_failure_logged
):
    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr("signal_lens.store.writer._insert", broken)
    response = client.get("/")
    assert response.status_code == 200
    writer.flush()
    assert "signal_lens: could not write" in caplog.text


def test_a_write_failure_is_counted(monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr("signal_lens.store.writer._insert", broken)
    failed = writer.counts["failed"]
    ping.send(sender="test")
    writer.flush()
    assert writer.counts["failed"] > failed


def test_a_full_queue_drops_and_counts_new_chains(settings, stalled_writer):
    settings.FEED_QUEUE_SIZE = 1
    ping.send(sender="test")
    assert stalled_writer.entered.wait(5)
    dropped = writer.counts["dropped"]
    for _ in range(4):
        ping.send(sender="test")
    assert writer.counts["dropped"] > dropped


def test_a_recorder_bug_is_logged_and_receivers_still_run(client, sign_up, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("recorder bug")

    monkeypatch.setattr("signal_lens.recording.chains.summarise", broken)
    caplog.set_level(logging.ERROR, logger="signal_lens.recording.recorder")
    response = sign_up(client, "dave@example.com")
    assert response.status_code == 302
    assert "signal_lens: could not record a send" in caplog.text
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
    assert not Event.objects.filter(signal__in=saves, sender="signal_lens.Event").exists()


def test_sends_outside_requests_are_recorded_as_the_command(monkeypatch):
    monkeypatch.setattr("sys.argv", ["manage.py", "shell", "--command", "secret"])
    ping.send(sender="test")
    writer.flush()
    event = Event.objects.get(signal="ping")
    assert (event.origin_kind, event.origin) == (Origin.COMMAND, "manage.py shell")
    assert event.visitor == ""


def test_process_label_names_python_m_modules(monkeypatch):
    monkeypatch.setattr("sys.argv", ["/venv/lib/uvicorn/__main__.py", "asgi:application"])
    assert process_label() == "uvicorn"


def test_retention_keeps_the_newest_events(settings):
    settings.FEED_MAX_EVENTS = 3
    for number in range(6):
        ping.send(sender=f"ping {number}")
    writer.flush()
    prune()
    kept = Event.objects.filter(signal="ping").values_list("sender", flat=True)
    assert sorted(kept) == ["ping 3", "ping 4", "ping 5"]


def test_the_writer_prunes_as_it_writes(settings):
    settings.FEED_MAX_EVENTS, settings.FEED_PRUNE_EVERY = 3, 1
    for _ in range(6):
        ping.send(sender="test")
    writer.flush()
    assert Event.objects.filter(signal="ping").count() <= 3


def test_retention_drops_events_older_than_the_maximum_age():
    ping.send(sender="old")
    writer.flush()
    Event.objects.update(started_at=timezone.now() - timedelta(days=2))
    ping.send(sender="new")
    writer.flush()
    prune()
    assert list(Event.objects.filter(signal="ping").values_list("sender", flat=True)) == ["new"]


def test_retention_by_age_never_drops_a_young_event_written_before_an_old_one():
    for sender in ("old", "new", "late"):
        ping.send(sender=sender)
    writer.flush()
    two_days_ago = timezone.now() - timedelta(days=2)
    Event.objects.exclude(sender="new").update(started_at=two_days_ago)
    prune()
    kept = set(Event.objects.filter(signal="ping").values_list("sender", flat=True))
    assert "new" in kept and "old" not in kept


@pytest.fixture
def writer_clock() -> Iterator[SimpleNamespace]:
    """The writer's clock, `ahead` of the real one by as much as the test moves it on."""
    clock = SimpleNamespace(ahead=0.0)
    with pytest.MonkeyPatch.context() as patched:
        moved = SimpleNamespace(monotonic=lambda: time.monotonic() + clock.ahead)
        patched.setattr(writer, "time", moved)
        yield clock
    writer.flush()  # Its last write on the real clock again.


def test_after_a_quiet_spell_a_chain_is_written_at_once_even_while_a_request_runs(
    settings, writes, writer_clock
):
    settings.FEED_WRITE_INTERVAL_SECONDS = AN_HOUR
    ping.send(sender="first")
    writes.wait_for_ping("first")  # The writer's last write before the spell.
    writer_clock.ahead = AN_HOUR + 1  # Quiet: the last write is a spell ago.
    writer.expect(running := Chain(Origin.REQUEST, "GET", "/slow/"))
    ping.send(sender="alone")
    writes.wait_for_ping("alone")
    writer.forget(running)


def test_with_no_other_request_running_a_chain_is_written_at_once(settings, writes):
    settings.FEED_WRITE_INTERVAL_SECONDS = AN_HOUR
    ping.send(sender="first")
    writes.wait_for_ping("first")
    ping.send(sender="second")
    writes.wait_for_ping("second")
    assert not writes.held.is_set()


def test_while_a_request_runs_chains_wait_for_the_next_write_together(settings, writes):
    settings.FEED_WRITE_INTERVAL_SECONDS = AN_HOUR
    ping.send(sender="first")
    writes.wait_for_ping("first")
    running = Chain(Origin.REQUEST, "GET", "/slow/")  # Begun, as request_started does.
    writer.expect(running)
    ping.send(sender="second")
    ping.send(sender="third")
    assert writes.held.wait(WAIT_AT_MOST)
    assert not Event.objects.filter(signal="ping", sender__in=["second", "third"]).exists()
    writer.forget(running)
    writes.wait_for_ping("third")
    assert ["second", "third"] in writes.inserted
    written = Event.objects.filter(signal="ping").order_by("id")
    assert [event.sender for event in written] == ["first", "second", "third"]


def test_a_flush_does_not_wait_for_the_write_interval(settings):
    settings.FEED_WRITE_INTERVAL_SECONDS = 30.0
    ping.send(sender="first")
    writer.flush()
    ping.send(sender="second")
    assert writer.flush(timeout=5.0)
    assert Event.objects.filter(signal="ping", sender="second").exists()


def test_a_written_chain_is_freed_without_the_cycle_collector(attach):
    sends = []

    def notes_its_send(sender, **kwargs):
        """A receiver which keeps a weak reference to the record of the send that called it."""
        sends.append(weakref.ref(current_call.get().send))

    attach(ping, notes_its_send)
    gc.disable()
    try:
        ping.send(sender="test")
        writer.flush()
        assert sends[0]() is None
    finally:
        gc.enable()


def test_a_request_being_handled_makes_other_chains_wait_for_it(settings, attach, writes):
    settings.FEED_WRITE_INTERVAL_SECONDS = AN_HOUR
    entered, release = threading.Event(), threading.Event()

    def blocks(sender, **kwargs):
        """A receiver which holds its request open until the test lets it go."""
        entered.set()
        release.wait(5)

    attach(experiment, blocks)
    ping.send(sender="first")
    writes.wait_for_ping("first")
    request = threading.Thread(target=lambda: Client().post("/playground/custom/"))
    request.start()
    try:
        assert entered.wait(5)
        ping.send(sender="second")
        assert writes.held.wait(WAIT_AT_MOST)
        assert not Event.objects.filter(signal="ping", sender="second").exists()
    finally:
        release.set()
        request.join()
    writes.wait_for_ping("second")


def test_a_request_whose_recording_broke_holds_no_chain_back(settings, client, monkeypatch, writes):
    settings.FEED_WRITE_INTERVAL_SECONDS = AN_HOUR
    with monkeypatch.context() as patched:
        patched.setattr("signal_lens.recording.chains.summarise", lambda *args, **kwargs: 1 / 0)
        assert client.get("/").status_code == 200
    writer.flush()
    ping.send(sender="first")
    writes.wait_for_ping("first")
    ping.send(sender="second")
    writes.wait_for_ping("second")
    assert not writes.held.is_set()
