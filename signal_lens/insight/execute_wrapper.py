"""Every statement the host runs, seen through one execute_wrapper() per database connection.

Two things need the whole request's SQL:
- INSERT and UPDATE written by hand on a model's table, which skip its save receivers
  (insight/skips.py names them);
- each receiver's queries (insight/query_counts.py counts them): a query is counted for the
  receiver running in its context, which sync_to_async() carries to the threads it picks, so
  the queries of async receivers and of sync receivers under asend() are counted too.

`watch_connection` is a connection_created receiver that puts the wrapper in the connection's
execute_wrappers for good, as APM agents do (Scout's Django instrumentation, for one): a wrapper
entered with `with connection.execute_wrapper()` would cover one block of code, not a request's
thread hops. Nothing here runs a query.
"""

import logging
from time import perf_counter
from typing import Any

from signal_lens.context import current_call, is_muted
from signal_lens.insight import skips
from signal_lens.reporting import report

logger = logging.getLogger(__name__)


def _counters() -> list[Any]:
    """The query counters of the receivers running in this context, innermost first."""
    counters = []
    call = current_call.get()
    while call is not None:
        if call.probe is not None and call.probe.counter is not None:
            counters.append(call.probe.counter)
        call = call.send.parent
    return counters


def _seen(sql: str) -> tuple[Any, list[Any]]:
    try:
        return skips.open_sql_write(sql), _counters()
    except Exception:
        report(logger, "signal_lens: could not look at a statement")
        return None, []


def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    """The execute wrapper: runs the statement as given, whatever the feed makes of it."""
    if is_muted():
        return execute(sql, params, many, context)
    skip, counters = _seen(sql)
    start = perf_counter()
    try:
        result = execute(sql, params, many, context)
    except BaseException as error:
        skips.close(skip, error)
        raise
    finally:
        if counters:
            _count(counters, sql, (perf_counter() - start) * 1000)
    skips.close(skip, None)
    return result


def _count(counters: list[Any], sql: str, elapsed: float) -> None:
    try:
        for counter in counters:
            counter.add(sql, elapsed)
    except Exception:
        report(logger, "signal_lens: could not count a statement")


def watch_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    """A connection_created receiver which wraps every statement of the connection from now on.

    Idempotent: a connection object that reconnects keeps the wrapper it already has.
    """
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch)
