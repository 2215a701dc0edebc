"""Stored events rebuilt into what the templates draw: chains of causal trees."""

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any
from uuid import UUID

from feed import queries
from feed.facts import ReceiverFacts
from feed.models import Event, Origin


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


def build_chain(events: list[Event]) -> ChainView:
    """Nest a chain's events under the receivers that sent them; orphans of pruning are left out."""
    events = sorted(events, key=lambda event: event.seq)
    nodes = {
        event.seq: EventNode(event, [ReceiverNode.from_json(r) for r in event.receivers])
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
    ordered = sorted(events, key=lambda event: (event.chain, event.seq))
    chains = [build_chain(list(group)) for _, group in groupby(ordered, key=lambda e: e.chain)]
    return sorted(chains, key=lambda chain: chain.last_id)


def chain_for(visitor: str | None, chain: UUID) -> ChainView | None:
    """One chain, if this visitor may see it."""
    events = queries.chain_events(visitor, chain)
    return build_chain(events) if events else None
