"""Helpers for the host project's tests."""

from collections.abc import Callable

from django.db import connections
from django.dispatch import Signal
from django.test.utils import CaptureQueriesContext

# A signal of the host's own.
shipped = Signal()


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
