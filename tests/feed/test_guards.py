"""A bug in the feed's guards on the host's hot path logs once, not once per statement or send."""

import logging

import pytest
from django.db import connection

from signal_lens import reporting
from signal_lens.insight import execute_wrapper, skips

pytestmark = pytest.mark.django_db

STATEMENTS = 1000


@pytest.fixture
def broken_watcher(monkeypatch):
    """The statement watcher fails on every statement; the reporter has logged nothing yet."""

    def open_sql_write(sql: str) -> None:
        raise RuntimeError("a bug in the statement watcher")

    monkeypatch.setattr(skips, "open_sql_write", open_sql_write)
    monkeypatch.setattr(reporting, "_last_report", {})


def test_a_failing_statement_watcher_logs_once_over_a_thousand_statements(broken_watcher, caplog):
    caplog.set_level(logging.ERROR, logger="signal_lens")
    connection.ensure_connection()
    assert execute_wrapper.watch in connection.execute_wrappers
    with connection.cursor() as cursor:
        for _ in range(STATEMENTS):
            cursor.execute("SELECT 1")
    assert [record.getMessage() for record in caplog.records] == [
        "signal_lens: could not look at a statement"
    ]
    assert "a bug in the statement watcher" in caplog.text


def test_the_statements_still_run(broken_watcher):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 7")
        assert cursor.fetchone() == (7,)


class BrokenCounter:
    def add(self, sql: str, elapsed: float) -> None:
        raise RuntimeError("a bug in the query counter")


def test_a_failing_query_counter_logs_once_over_a_thousand_statements(monkeypatch, caplog):
    monkeypatch.setattr(execute_wrapper, "_counters", lambda: [BrokenCounter()])
    monkeypatch.setattr(reporting, "_last_report", {})
    caplog.set_level(logging.ERROR, logger="signal_lens")
    with connection.cursor() as cursor:
        for _ in range(STATEMENTS):
            cursor.execute("SELECT 7")
        assert cursor.fetchone() == (7,)
    assert [record.getMessage() for record in caplog.records] == [
        "signal_lens: could not count a statement"
    ]
    assert "a bug in the query counter" in caplog.text
