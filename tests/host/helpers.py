"""Helpers for the host project's tests."""

from collections.abc import Callable

from django.db import connections
from django.dispatch import Signal
from django.test.utils import CaptureQueriesContext

# A signal of the host's own.
shipped = Signal()


def queries_of(action: Callable[[], object]) -> dict[str, list[str]]:
    """The SQL each of the host's databases ran during `action`, as assertNumQueries counts it."""
    return queries_and_result(action)[0]


def queries_and_result(action: Callable[[], object]) -> tuple[dict[str, list[str]], object]:
    """The SQL each of the host's databases ran during `action`, and what `action` returned."""
    contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in connections}
    for context in contexts.values():
        context.__enter__()
    try:
        result = action()
    finally:
        for context in contexts.values():
            context.__exit__(None, None, None)
    return {
        alias: [query["sql"] for query in context] for alias, context in contexts.items()
    }, result
