import threading
from types import SimpleNamespace

import pytest

from signal_lens.models import Event
from signal_lens.store import writer
from tests.helpers import Writes


@pytest.fixture
def stalled_writer(monkeypatch) -> SimpleNamespace:
    """The writer blocked inside its insert (`entered` is set once it is) until `release`."""
    stall = SimpleNamespace(entered=threading.Event(), release=threading.Event())
    original = writer._insert

    def stalled(*args, **kwargs):
        stall.entered.set()
        stall.release.wait(10)
        original(*args, **kwargs)

    monkeypatch.setattr("signal_lens.store.writer._insert", stalled)
    yield stall
    stall.release.set()
    writer.flush()


@pytest.fixture
def writes(monkeypatch) -> Writes:
    """What the writer thread does during the test, as it does it."""
    seen = Writes()
    write, insert, others_running = writer.write, writer._insert, writer._others_running

    def observed_write(batch):
        try:
            write(batch)
        finally:
            with seen.written:
                seen.written.notify_all()

    def observed_insert(cursor, rows):
        seen.inserted.append([row["sender"] for row in rows if row["signal"] == "ping"])
        insert(cursor, rows)

    def observed_others_running() -> bool:
        running = others_running()
        if running:
            seen.held.set()
        return running

    monkeypatch.setattr(writer, "write", observed_write)
    monkeypatch.setattr(writer, "_insert", observed_insert)
    monkeypatch.setattr(writer, "_others_running", observed_others_running)
    # Open now, the test's connection sends connection_created here, and the writer catches up:
    # a chain queued mid-test would be a write the test did not make.
    Event.objects.exists()
    writer.flush()
    return seen
