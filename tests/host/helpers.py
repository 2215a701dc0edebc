"""Helpers for the host project's tests."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connections
from django.dispatch import Signal
from django.test.utils import CaptureQueriesContext

from feed import recorder

# A signal of the host's own.
shipped = Signal()


@contextmanager
def recorder_off() -> Iterator[None]:
    recorder.uninstall()
    try:
        yield
    finally:
        recorder.install()


def queries_of(action: Callable[[], object]) -> dict[str, list[str]]:
    """The SQL each of the host's databases ran during `action`, as assertNumQueries counts it."""
    contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in connections}
    for context in contexts.values():
        context.__enter__()
    try:
        action()
    finally:
        for context in contexts.values():
            context.__exit__(None, None, None)
    return {alias: [query["sql"] for query in context] for alias, context in contexts.items()}
