"""Each receiver's SQL: how many queries, how long they took, and which, seen through Django's
public `connection.execute_wrapper()` (no cursor is patched).

Statements are kept as Django sends them to the driver, placeholders and all: parameters may hold
password hashes or session keys, so they are never read. The feed's own queries (muted) and those
of async receivers, which run in other threads, are not counted; nor are those on a database this
thread had not touched before the receiver began.
"""

from time import perf_counter
from typing import Any

from feed.muting import is_muted


class QueryCounter:
    """An execute wrapper counting one receiver's queries on every database of its thread."""

    __slots__ = ("count", "entered", "limit", "ms", "statements")

    def __init__(self, limit: int) -> None:
        self.limit = limit  # Distinct statements kept; all are counted.
        self.count = 0
        self.ms = 0.0
        self.statements: dict[str, list[float]] = {}  # sql -> [times run, ms]
        self.entered: list[Any] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if is_muted():
            return execute(sql, params, many, context)
        start = perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (perf_counter() - start) * 1000
            self.count += 1
            self.ms += elapsed
            seen = self.statements.get(sql)
            if seen is not None:
                seen[0] += 1
                seen[1] += elapsed
            elif len(self.statements) < self.limit:
                self.statements[sql] = [1, elapsed]

    def start(self, databases: list[Any]) -> None:
        """Watch these database connections (this thread's) until stop()."""
        for connection in databases:
            wrapper = connection.execute_wrapper(self)
            wrapper.__enter__()
            self.entered.append(wrapper)

    def stop(self) -> None:
        while self.entered:
            self.entered.pop().__exit__(None, None, None)

    def facts(self, raw: bool, length: int) -> dict[str, Any]:
        """What the feed stores for the receiver: counts, time, the statements without values."""
        if not self.count:
            return {"queries": 0}
        facts = {
            "queries": self.count,
            "query_ms": round(self.ms, 3),
            "sql": [
                [sql[:length], int(times), round(ms, 3)]
                for sql, (times, ms) in self.statements.items()
            ],
        }
        if raw:
            # Queries while loaddata sends raw=True: the receiver reads a half-loaded database.
            facts["raw_queries"] = self.count
        return facts


def repeated(calls: list[dict[str, Any]], threshold: int) -> set[str]:
    """Receivers that ran one statement at least `threshold` times in one chain.

    Counted across all of a receiver's calls in the chain, so a receiver of post_save running one
    query per saved row (an N+1 through signals) is caught as surely as a loop in one call.
    """
    totals: dict[tuple[str, str], int] = {}
    for call in calls:
        for sql, times, _ms in call.get("sql", ()):
            key = (call["name"], sql)
            totals[key] = totals.get(key, 0) + times
    return {name for (name, _sql), times in totals.items() if times >= threshold}
