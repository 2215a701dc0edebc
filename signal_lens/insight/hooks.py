"""What the records learn beyond timing: queries, transactions, on_commit callbacks and spans.

recording/chains.py calls these hooks as sends and receivers begin and finish; each hook catches
its own failures, so a probe can never break a send or a receiver. The `send` and `call` they take
are that module's Send and Call, typed Any here because chains imports this module.
"""

import functools
import logging
import sys
import threading
from typing import Any

from django.db import connections

from signal_lens.conf import feed_setting
from signal_lens.insight import query_counts, tracing, transactions
from signal_lens.reporting import report

logger = logging.getLogger(__name__)


# Each thread's connection objects, looked up once: Django keeps one per database and thread, and
# finding them costs more than everything else a probe does (asgiref's Local on every alias).
_thread = threading.local()


@functools.cache
def _switches() -> tuple[bool, bool, int, int, int]:
    # Read once: a receiver call must not pay a settings lookup for each.
    return (
        feed_setting("FEED_COUNT_QUERIES"),
        feed_setting("FEED_WATCH_ON_COMMIT"),
        feed_setting("FEED_SQL_STATEMENTS"),
        feed_setting("FEED_SQL_LENGTH"),
        feed_setting("FEED_REPEATED_QUERIES"),
    )


def forget_settings(setting: str, **kwargs: Any) -> None:
    """A signal receiver which drops what is read once above when the settings behind it change."""
    if setting.startswith("FEED_"):
        _switches.cache_clear()
    if setting == "DATABASES":
        global _generation
        _generation += 1


# Bumped when DATABASES changes (tests): every thread then looks its connections up again.
_generation = 0


def _thread_databases() -> list[Any]:
    """This thread's connection to every database (objects only: nothing connects)."""
    cached = getattr(_thread, "databases", None)
    if cached is None or cached[0] != _generation:
        cached = (_generation, connections.all())
        _thread.databases = cached
    return cached[1]


class SendProbe:
    """The transaction a send ran in, whether it was a raw (fixture) save, whether an on_commit
    callback run at once sent it, and its span."""

    __slots__ = ("at_once", "atomic", "raw", "span")

    def __init__(self, atomic: list[str], raw: bool, span: Any, at_once: bool) -> None:
        self.atomic, self.raw, self.span, self.at_once = atomic, raw, span, at_once


class CallProbe:
    """A receiver's query counter (fed by insight/execute_wrapper.py), on_commit watch and span."""

    __slots__ = ("commits", "counter", "span")

    def __init__(self, counter: Any, commits: Any, span: Any) -> None:
        self.counter, self.commits, self.span = counter, commits, span


def begin_send(send: Any, named: dict[str, Any]) -> SendProbe | None:
    try:
        parent = send.parent.probe if send.parent is not None else None
        span = None
        if not send.skipped:
            span = tracing.start_send(send, parent.span if parent is not None else None)
        atomic = [database.alias for database in _thread_databases() if database.in_atomic_block]
        # Only a sync receiver's send outside atomic() can come from a callback run at once.
        at_once = (
            not atomic
            and send.parent is not None
            and not send.parent.is_async
            and _switches()[1]
            and transactions.from_callback_run_at_once(sys._getframe(1))
        )
        return SendProbe(atomic, named.get("raw") is True, span, at_once)
    except Exception:
        report(logger, "signal_lens: could not probe a send")
        return None


def finish_send(send: Any) -> None:
    try:
        if send.probe is not None:
            outcome = "raised" if send.error else "returned"
            counts = {"django.signal.receivers": len(send.calls)}
            tracing.end(send.probe.span, outcome, send.error, **counts)
    except Exception:
        report(logger, "signal_lens: could not finish probing a send")


def send_facts(send: Any) -> dict[str, Any]:
    """The send's stored context: the databases whose atomic() it ran in, that an on_commit
    callback run at once sent it, or that it is the record of the save receivers a write skipped."""
    probe = send.probe
    facts: dict[str, Any] = {"atomic": probe.atomic} if probe is not None and probe.atomic else {}
    if probe is not None and probe.at_once:
        facts["on_commit_at_once"] = True
    if send.skipped:
        facts["skipped"] = len(send.calls)
    return facts


def begin_call(call: Any) -> CallProbe | None:
    try:
        send_probe = call.send.probe
        span = tracing.start_call(call, send_probe.span if send_probe is not None else None)
        counting, watching, statements, _length, _repeats = _switches()
        counter = query_counts.QueryCounter(statements) if counting else None
        # Callbacks queue only inside atomic(), and async receivers queue theirs in other
        # threads: a sync receiver of a send inside atomic() is the only one to watch.
        in_atomic = send_probe is None or bool(send_probe.atomic)
        commits = None
        if watching and in_atomic and not call.is_async:
            commits = transactions.CommitWatch()
            commits.start(_thread_databases())
        return CallProbe(counter, commits, span)
    except Exception:
        report(logger, "signal_lens: could not probe a receiver")
        return None


def finish_call(call: Any) -> None:
    probe = call.probe
    if probe is None:
        return
    try:
        if probe.commits is not None:
            probe.commits.stop()
        queries = probe.counter.count if probe.counter is not None else 0
        tracing.end(probe.span, call.outcome, call.error, **{"django.signal.queries": queries})
    except Exception:
        report(logger, "signal_lens: could not finish probing a receiver")


def call_facts(call: Any) -> dict[str, Any]:
    """The receiver's stored extras: its queries and the on_commit callbacks it queued."""
    probe = call.probe
    if probe is None:
        return {}
    facts: dict[str, Any] = {}
    if probe.counter is not None:
        send_probe = call.send.probe
        raw = send_probe is not None and send_probe.raw
        facts = probe.counter.facts(raw, _switches()[3])
    if probe.commits is not None and probe.commits.watched:
        facts["on_commit"] = [watched.as_dict() for watched in probe.commits.watched]
    return facts


def mark_repeats(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flag, in a chain's records, the receivers that repeated a query (N+1 through signals)."""
    calls = [call for record in records for call in record["receivers"] if "sql" in call]
    if not calls:
        return records
    repeated = query_counts.repeated(calls, _switches()[4])
    for call in calls:
        if call["name"] in repeated:
            call["repeated_queries"] = True
    return records
