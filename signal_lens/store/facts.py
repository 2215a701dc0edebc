"""What a stored receiver record says beyond its timing, as the feed and the waterfall show it:
its queries, their flags, the statements on demand, and the on_commit callbacks it queued."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Statement:
    sql: str  # With placeholders: values are never stored.
    times: int
    ms: float


@dataclass(frozen=True)
class Callback:
    name: str
    database: str
    fate: str  # ran after commit, raised, discarded by rollback, waiting for commit
    error: str


@dataclass(frozen=True)
class ReceiverFacts:
    """None of `queries` means not counted (an async receiver, or a record older than counting)."""

    queries: int | None = None
    query_ms: float = 0.0
    statements: list[Statement] = field(default_factory=list)
    repeated: bool = False
    raw_queries: int = 0
    on_commit: list[Callback] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ReceiverFacts":
        return cls(
            queries=data.get("queries"),
            query_ms=data.get("query_ms", 0.0),
            statements=[Statement(*each) for each in data.get("sql", ())],
            repeated=data.get("repeated_queries", False),
            raw_queries=data.get("raw_queries", 0),
            on_commit=[Callback(**each) for each in data.get("on_commit", ())],
        )

    @property
    def counted(self) -> bool:
        return self.queries is not None
