"""Switching the recorder off for a block: Signal Lab's tests and the host project's share it."""

from collections.abc import Iterator
from contextlib import contextmanager

from signal_lens.insight import skips
from signal_lens.recording import recorder


@contextmanager
def recorder_off() -> Iterator[None]:
    """Django's own Signal, QuerySet and Model for the block, to compare behaviour with and without
    the recorder and its stand-ins."""
    recorder.uninstall()
    skips.uninstall()
    try:
        yield
    finally:
        skips.install()
        recorder.install()
