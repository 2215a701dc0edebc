"""Stored events rebuilt into what the templates draw: chains of causal trees.

A receiver's record says more than its timing (ReceiverFacts): its queries, their flags, the
statements on demand, and the on_commit callbacks it queued. Ids a send carried (pk_set) are
named when the feed is read, never recorded: only the models FEED_NAMED_MODELS lists, whose
names are public data (topics), so the feed can say "Signals (#2)" instead of "2".
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any
from uuid import UUID

from django.apps import apps

from signal_lens.conf import feed_setting
from signal_lens.context import muted
from signal_lens.models import Event, Origin
from signal_lens.store import reads

# The outcomes of a receiver that ran; any other ("not run") is shown instead of a time.
RAN = frozenset({"returned", "raised"})
# Signal modules everyone knows: any other module is named beside the signal, so Django's
# user_logged_in and allauth's, same name, different senders, tell themselves apart.
FAMILIAR_MODULES = frozenset(
    {"django.db.models.signals", "django.core.signals", "django.db.backends.signals",
     "django.test.signals"}
)  # fmt: skip


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


def pk_names(events: Iterable[Event]) -> dict[tuple[str, int], str]:
    """(model label, pk) → name for every listed model's pk in these events' pk_set."""
    listed = feed_setting("FEED_NAMED_MODELS")
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        label, pks = event.args.get("model"), event.args.get("pk_set")
        if label in listed and pks:
            wanted[label].update(pk for pk in pks if isinstance(pk, int))
    names = {}
    for label, pks in wanted.items():
        model = apps.get_model(label)
        rows = model._default_manager.filter(pk__in=pks).values_list("pk", listed[label])
        with muted():
            names.update({(label, pk): str(name) for pk, name in rows})
    return names


@dataclass
class ReceiverNode:
    """A receiver that answered a send, with the sends its own work made."""

    name: str
    short: str
    location: str
    is_async: bool
    offset_ms: float | None
    duration_ms: float
    outcome: str
    error: str
    children: list["EventNode"] = field(default_factory=list)
    facts: ReceiverFacts = field(default_factory=ReceiverFacts)

    @property
    def ran(self) -> bool:
        """False for a receiver that never ran: send() stopped at an earlier one that raised."""
        return self.outcome in RAN

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ReceiverNode":
        return cls(
            data["name"], data["short"], data["location"], data["async"], data["offset_ms"],
            data["duration_ms"], data["outcome"], data["error"],
            facts=ReceiverFacts.from_json(data),
        )  # fmt: skip


@dataclass
class EventNode:
    event: Event
    receivers: list[ReceiverNode]
    # pk_set's ids with the names of the rows they point at, where those names are public.
    named_pks: list[str] = field(default_factory=list)

    @property
    def internal(self) -> bool:
        """Django's plumbing, folded away unless the visitor asks for it."""
        return reads.is_plumbing(self.event.signal, self.event.sender)

    @property
    def module_hint(self) -> str:
        """The sending module, for signals outside Django's familiar ones: "allauth.account"."""
        module = self.event.signal_module
        return "" if module in FAMILIAR_MODULES else module.removesuffix(".signals")


@dataclass
class ChainView:
    """One request (or command) and every send it caused."""

    id: UUID
    origin: str
    origin_kind: str
    visitor: str
    started_at: datetime
    last_id: int
    events: list[Event]
    roots: list[EventNode]

    @property
    def is_request(self) -> bool:
        return self.origin_kind == Origin.REQUEST

    @property
    def span_ms(self) -> float:
        """From the first send's start to the last one's end."""
        first = min(event.offset_ms for event in self.events)
        return max(event.offset_ms + event.duration_ms for event in self.events) - first

    @property
    def instances(self) -> int:
        return sum(event.instances for event in self.events)

    @property
    def internal_count(self) -> int:
        return sum(reads.is_plumbing(event.signal, event.sender) for event in self.events)

    @property
    def quiet(self) -> bool:
        """A request that sent nothing but Django's plumbing."""
        return self.internal_count == len(self.events)


def _named_pks(event: Event, names: dict[tuple[str, int], str]) -> list[str]:
    model = event.args.get("model")
    pks = event.args.get("pk_set") or []
    return [f"{names[model, pk]} (#{pk})" if (model, pk) in names else f"#{pk}" for pk in pks]


def build_chain(events: list[Event], names: dict[tuple[str, int], str] | None = None) -> ChainView:
    """Nest a chain's events under the receivers that sent them; orphans of pruning are left out.

    `names` maps (model label, pk) to a public name, shown beside pk_set's ids.
    """
    events = sorted(events, key=lambda event: event.seq)
    nodes = {
        event.seq: EventNode(
            event,
            [ReceiverNode.from_json(r) for r in event.receivers],
            _named_pks(event, names or {}),
        )
        for event in events
    }
    roots = []
    for event in events:
        node = nodes[event.seq]
        parent = nodes.get(event.parent_seq) if event.parent_seq is not None else None
        if event.parent_seq is None:
            roots.append(node)
        elif parent is not None and event.parent_receiver < len(parent.receivers):
            parent.receivers[event.parent_receiver].children.append(node)
    first = events[0]
    return ChainView(
        id=first.chain,
        origin=first.origin,
        origin_kind=first.origin_kind,
        visitor=first.visitor,
        started_at=first.started_at,
        last_id=max(event.id for event in events),
        events=events,
        roots=roots,
    )


def group_chains(events: list[Event]) -> list[ChainView]:
    """Chains of these events, oldest first."""
    names = pk_names(events)
    ordered = sorted(events, key=lambda event: (event.chain, event.seq))
    grouped = groupby(ordered, key=lambda event: event.chain)
    chains = [build_chain(list(group), names) for _, group in grouped]
    return sorted(chains, key=lambda chain: chain.last_id)


def chain_for(visitor: str | None, chain: UUID) -> ChainView | None:
    """One chain, if this visitor may see it."""
    events = reads.chain_events(visitor, chain)
    return build_chain(events, pk_names(events)) if events else None
