"""Switching the recorder off for a block: Signal Lab's tests and the host project's share it."""

from collections.abc import Iterator
from contextlib import contextmanager

from feed import recorder


@contextmanager
def recorder_off() -> Iterator[None]:
    """Django's own Signal for the block, to compare behaviour with and without the recorder."""
    recorder.uninstall()
    try:
        yield
    finally:
        recorder.install()
