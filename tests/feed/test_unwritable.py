"""The events table refuses writes: visitors' requests go on, and the log says so once."""

import logging

import pytest
from django.db import connection

from signal_lens import reporting
from signal_lens.store import writer

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 5
REFUSE = {
    "sqlite": [
        "CREATE TRIGGER refuse_events BEFORE INSERT ON signal_lens_event"
        " BEGIN SELECT RAISE(ABORT, 'events are read-only'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_events() RETURNS trigger LANGUAGE plpgsql"
        " AS $$ BEGIN RAISE EXCEPTION 'events are read-only'; END $$",
        "CREATE TRIGGER refuse_events BEFORE INSERT ON signal_lens_event"
        " FOR EACH ROW EXECUTE FUNCTION refuse_events()",
    ],
}
ALLOW = {
    "sqlite": ["DROP TRIGGER refuse_events"],
    "postgresql": [
        "DROP TRIGGER refuse_events ON signal_lens_event",
        "DROP FUNCTION refuse_events()",
    ],
}


@pytest.fixture
def unwritable_events(monkeypatch):
    """A trigger refuses every insert into the events table; the writer's log starts afresh."""
    monkeypatch.setattr(reporting, "_last_report", {})
    with connection.cursor() as cursor:
        for statement in REFUSE[connection.vendor]:
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        for statement in ALLOW[connection.vendor]:
            cursor.execute(statement)


def test_requests_succeed_while_events_cannot_be_written(client, unwritable_events):
    assert [client.get("/").status_code for _ in range(REQUESTS)] == [200] * REQUESTS


def test_the_failure_is_logged_once_not_per_request(client, unwritable_events, caplog):
    caplog.set_level(logging.WARNING, logger="signal_lens.store.writer")
    failed = writer.counts["failed"]
    for _ in range(REQUESTS):
        client.get("/")
    assert writer.counts["failed"] - failed >= REQUESTS
    assert len(caplog.records) == 1 and "could not write" in caplog.records[0].getMessage()
