"""The feed in a project that is not Signal Lab: USE_TZ off, no BASE_DIR, a custom user model, two
databases, no cache configured. It records, and the project sees no difference."""

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import ExitStack, closing
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import authenticate
from django.core.checks import run_checks
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models.signals import post_migrate, post_save, pre_migrate
from django.test import Client

from signal_lens import reporting
from signal_lens.models import Event
from signal_lens.store import writer
from tests.host.helpers import queries_and_result, queries_of, shipped
from tests.host.members.models import Member
from tests.recording import recorder_off

ROOT = Path(__file__).resolve().parents[2]
BOTH = ["default", "other"]


@pytest.mark.django_db(transaction=True)
def test_the_recorder_records_here():
    shipped.send(sender="warehouse")
    writer.flush()
    event = Event.objects.get(signal="shipped")
    assert (event.signal_module, event.sender) == ("tests.host.helpers", "warehouse")


@pytest.mark.django_db(transaction=True)
def test_a_request_is_recorded_with_its_saves(member):
    client = Client()
    client.get("/rename/", {"email": "ada@example.com"})
    writer.flush()
    saves = Event.objects.filter(signal="post_save", sender="members.Member")
    assert "GET /rename/" in saves.values_list("origin", flat=True)


@pytest.mark.django_db(transaction=True)
def test_events_are_stamped_in_local_time_when_use_tz_is_off():
    shipped.send(sender="warehouse")
    writer.flush()
    assert Event.objects.get(signal="shipped").started_at.tzinfo is None


@pytest.fixture
def skipped_before(monkeypatch):
    """How many chains the writer had skipped, with its reports' rate limit reset."""
    monkeypatch.setattr(reporting, "_last_report", {})
    writer.flush()
    return writer.counts["skipped"]


@pytest.mark.django_db(transaction=True)
def test_the_writer_keeps_quiet_while_the_runner_forbids_its_database(
    django_db_blocker, skipped_before, caplog
):
    with django_db_blocker.block():
        shipped.send(sender="warehouse")
        writer.flush()
    assert caplog.records == []
    assert writer.counts["skipped"] == skipped_before + 1


@pytest.mark.django_db(transaction=True)
def test_the_writer_keeps_out_of_a_test_database_while_migrate_runs(skipped_before):
    members = django_apps.get_app_config("members")
    migrating = {"app_config": members, "verbosity": 0, "interactive": False, "using": "default"}
    pre_migrate.send(sender=members, apps=django_apps, plan=[], **migrating)
    shipped.send(sender="during migrate")
    writer.flush()
    assert not Event.objects.filter(signal="shipped").exists()
    assert writer.counts["skipped"] > skipped_before
    post_migrate.send(sender=members, apps=django_apps, plan=[], **migrating)
    shipped.send(sender="after migrate")
    writer.flush()
    assert list(Event.objects.filter(signal="shipped").values_list("sender", flat=True)) == [
        "after migrate"
    ]


@pytest.mark.django_db(transaction=True)
def test_nothing_is_written_into_the_real_database_once_a_runner_made_a_test_one(
    skipped_before, monkeypatch
):
    # As at the end of a run, when the runner names the real database again: here the migrated
    # test database stands in for it, so a chain that went through would be found.
    monkeypatch.setitem(writer.CONFIGURED_NAMES, "default", connection.settings_dict["NAME"])
    shipped.send(sender="after the tests")
    writer.flush()
    assert not Event.objects.filter(sender="after the tests").exists()
    assert writer.counts["skipped"] > skipped_before


def attempts_to_write_one_chain(monkeypatch, refusal: Callable[[int], Exception]) -> int:
    """Record one chain and flush it, each commit refused with `refusal(attempt)`; how many
    commits the writer tried."""
    attempts = 0

    def refuse(connection, rows):
        nonlocal attempts
        attempts += 1
        raise refusal(attempts)

    monkeypatch.setattr(writer, "_commit", refuse)
    shipped.send(sender="warehouse")
    writer.flush()
    return attempts


@pytest.mark.django_db(transaction=True)
def test_the_writer_keeps_quiet_when_the_runner_forbids_its_database_during_a_retry(
    django_db_blocker, skipped_before, monkeypatch, caplog
):
    with ExitStack() as test_ended:

        def refusal(attempt: int) -> Exception:
            if attempt == 3:  # The retry chain by chain: the test ended meanwhile.
                test_ended.enter_context(django_db_blocker.block())
            return OperationalError("database is locked")

        assert attempts_to_write_one_chain(monkeypatch, refusal) == 3
    assert caplog.records == []
    assert writer.counts["skipped"] == skipped_before + 1


@pytest.mark.django_db(transaction=True)
def test_the_writer_keeps_quiet_when_the_runner_forbids_its_database_between_its_checks(
    skipped_before, monkeypatch, caplog
):
    # Blocked whenever the writer commits, open again whenever it looks.
    blocked = RuntimeError("Database access not allowed, use the django_db mark")
    assert attempts_to_write_one_chain(monkeypatch, lambda attempt: blocked) == 2
    assert caplog.records == []
    assert writer.counts["skipped"] == skipped_before + 1


@pytest.mark.django_db(transaction=True)
def test_the_writer_keeps_quiet_when_the_runner_drops_its_database_during_a_retry(
    skipped_before, monkeypatch, caplog
):
    database = Path(connection.settings_dict["NAME"])
    kept = database.with_name(database.name + ".kept")

    def refusal(attempt: int) -> Exception:
        if attempt == 3:  # The retry chain by chain: the runner deleted the file meanwhile,
            database.rename(kept)  # and connecting again made an empty one in its place.
            database.touch()
        return OperationalError("no such table: signal_lens_event")

    try:
        assert attempts_to_write_one_chain(monkeypatch, refusal) == 3
    finally:
        if kept.exists():
            kept.replace(database)
    assert caplog.records == []
    assert writer.counts["skipped"] == skipped_before + 1


def test_migrate_works_with_the_recorder_on_and_records_it(tmp_path):
    env = {**os.environ, "FEED_HOST_STATE": str(tmp_path)}
    env["DJANGO_SETTINGS_MODULE"] = "tests.host.settings"
    command = [sys.executable, "-m", "django", "migrate", "--no-input", "-v0"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    with closing(sqlite3.connect(tmp_path / "default.sqlite3")) as database:
        signals = {row[0] for row in database.execute("SELECT signal FROM signal_lens_event")}
    assert "post_migrate" in signals


@pytest.mark.django_db(databases=BOTH)
def test_a_save_runs_the_same_queries_with_the_recorder_on_and_off(member):
    def save():
        member.email = "ada.lovelace@example.com"
        member.save()

    on = queries_of(save)
    with recorder_off():
        off = queries_of(save)
    assert on == off


@pytest.mark.django_db(databases=BOTH)
def test_a_login_runs_the_same_queries_with_the_recorder_on_and_off(member):
    def log_in():
        assert Client().login(email="ada@example.com", password="engine-analytical")

    on = queries_of(log_in)
    with recorder_off():
        off = queries_of(log_in)
    assert len(on["default"]) == len(off["default"]) and on["other"] == off["other"] == []


def renames_by_hand(sender, **kwargs):
    """A receiver of the host's which writes its members' table with SQL of its own."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE members_member SET email = email")
        return cursor.rowcount


def notes_a_save(sender, **kwargs):
    """A save receiver of the host's: the SQL above skips it, and the feed says so."""


@pytest.mark.django_db(databases=BOTH)
def test_sql_written_by_hand_runs_the_same_queries_with_the_recorder_on_and_off(member):
    shipped.connect(renames_by_hand)
    post_save.connect(notes_a_save, sender=Member)
    try:
        on = queries_and_result(lambda: shipped.send(sender="warehouse"))
        with recorder_off():
            off = queries_and_result(lambda: shipped.send(sender="warehouse"))
    finally:
        shipped.disconnect(renames_by_hand)
        post_save.disconnect(notes_a_save, sender=Member)
    assert on == off and on[1] == [(renames_by_hand, 1)]


@pytest.mark.django_db(databases=BOTH)
def test_a_failed_authenticate_runs_the_same_queries_with_the_recorder_on_and_off():
    on = queries_of(authenticate)
    with recorder_off():
        off = queries_of(authenticate)
    assert on == off == {"default": [], "other": []}


@pytest.mark.django_db(transaction=True)
def test_a_write_failure_never_reaches_the_caller(monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr("signal_lens.store.writer._insert", broken)
    with transaction.atomic():
        responses = shipped.send(sender="warehouse")
    assert responses == [] and writer.flush()
    assert not Event.objects.filter(signal="shipped").exists()


@pytest.mark.django_db(databases=BOTH)
def test_the_checks_find_nothing_missing_in_a_host():
    messages = [message.id for message in run_checks(databases=BOTH)]
    assert [each for each in messages if each.startswith("signal_lens.")] == []


def test_the_checks_say_when_the_base_template_is_missing(settings):
    settings.FEED_BASE_TEMPLATE = "members/layout.html"
    messages = [message.id for message in run_checks(tags=["templates"])]
    assert "signal_lens.W003" in messages


@pytest.mark.django_db(transaction=True)
def test_the_feeds_pages_draw_in_their_own_layout(member):
    client = Client()
    client.get("/rename/", {"email": "ada@example.com"})
    writer.flush()
    page = client.get("/feed/")
    assert page.status_code == 200
    assert b"signal_lens/feed.css" in page.content
    assert b"GET /rename/" in page.content
