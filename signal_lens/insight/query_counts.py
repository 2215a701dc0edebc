"""Each receiver's SQL: how many queries, how long they took, and which.

The queries reach each receiver's counter through the one execute wrapper every connection has
(insight/execute_wrapper.py, Django's public `connection.execute_wrapper()`: no cursor is
patched). A query counts for the receiver running in its context and for each receiver whose work
sent that one: a receiver's count includes the queries of the receivers of signals it sends, as
its duration includes their time.

Statements are kept as Django sends them to the driver, placeholders and all: parameters may hold
password hashes or session keys, so they are never read. The feed's own queries (muted) are not
counted.
"""

from typing import Any

from signal_lens.conf import stored_ms


class QueryCounter:
    """One receiver's queries: how many, how long, and its distinct statements (up to a limit)."""

    __slots__ = ("count", "limit", "ms", "statements")

    def __init__(self, limit: int) -> None:
        self.limit = limit  # Distinct statements kept; all are counted.
        self.count = 0
        self.ms = 0.0
        self.statements: dict[str, list[float]] = {}  # sql -> [times run, ms]

    def add(self, sql: str, elapsed: float) -> None:
        self.count += 1
        self.ms += elapsed
        seen = self.statements.get(sql)
        if seen is not None:
            seen[0] += 1
            seen[1] += elapsed
        elif len(self.statements) < self.limit:
            self.statements[sql] = [1, elapsed]

    def facts(self, raw: bool, length: int) -> dict[str, Any]:
        """What the feed stores for the receiver: counts, time, the statements without values."""
        if not self.count:
            return {"queries": 0}
        facts = {
            "queries": self.count,
            "query_ms": stored_ms(self.ms),
            "sql": [
                [sql[:length], int(times), stored_ms(ms)]
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
