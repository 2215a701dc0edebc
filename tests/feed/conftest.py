import threading
from types import SimpleNamespace

import pytest

from signal_lens.store import writer


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
