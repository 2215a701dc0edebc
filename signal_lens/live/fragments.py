"""Each chain's HTML, rendered once and shared by pages, the poll and every stream.

A written chain never changes, so its fragment is kept in Django's cache (local memory in one
process, Redis across processes when DJANGO_REDIS_URL is set). The key names everything that
changes the drawing: the chain, its size (pruning may cut a chain's oldest sends), the template's
own text and whether Django's internals are drawn: pages and streams leave them out for visitors
who fold them (three of a bio save's five rows, which CSS hid anyway). Every visitor with the same
choice shares one drawing; the switch redraws the panel and reopens its stream.
"""

import functools
import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from signal_lens.conf import feed_setting
from signal_lens.context import muted
from signal_lens.store.reads import ChainHead, chain_events_of
from signal_lens.store.tree import ChainView, group_chains

TEMPLATE = "signal_lens/feed.html"
_drawing = threading.Lock()
BLANKS = re.compile(r"\s*\n\s*")


@dataclass(frozen=True)
class Fragment:
    """A chain's HTML, ready to print in a template, with its head."""

    head: ChainHead
    html: SafeString

    @functools.cached_property
    def message(self) -> str:
        """The chain as one SSE message, formatted once for every stream that sends it."""
        return sse_message(self.head.last_id, "chain", self.html)


def sse_message(event_id: int, event: str, html: str) -> str:
    """One SSE message; every non-blank line of the fragment becomes a data line."""
    lines = [line for line in html.splitlines() if line.strip()] or [""]
    data = "".join(f"data: {line}\n" for line in lines)
    return f"id: {event_id}\nevent: {event}\n{data}\n"


@functools.cache
def _template_digest() -> str:
    """A short digest of the chain template: a changed template never serves old fragments."""
    origin = get_template(TEMPLATE).origin.name
    return hashlib.sha256(Path(origin).read_bytes()).hexdigest()[:12]


def fragment_key(head: ChainHead, internals: bool) -> str:
    drawn = "all" if internals else "lessons"
    return f"signal_lens:chain:{_template_digest()}:{head.id.hex}:{head.size}:{drawn}"


def render(chain: ChainView, internals: bool) -> SafeString:
    """Draw one chain; only fragments() calls it, for chains missing from the cache."""
    with muted():
        html = render_to_string(f"{TEMPLATE}#chain", {"chain": chain, "internals": internals})
    # The template's indentation and blank lines are a third of it: one line break is as good.
    return mark_safe(BLANKS.sub("\n", html))  # The template escaped every value.


def _draw_missing(heads: list[ChainHead], keys: dict[UUID, str], internals: bool) -> dict[str, str]:
    found = cache.get_many(list(keys.values()))
    missing = [head.id for head in heads if keys[head.id] not in found]
    if missing:
        chains = group_chains(chain_events_of(missing))
        drawn = {keys[chain.id]: render(chain, internals) for chain in chains}
        cache.set_many(drawn, timeout=feed_setting("FEED_MAX_AGE_SECONDS"))
        found.update(drawn)
    return found


def fragments(heads: list[ChainHead], internals: bool) -> list[Fragment]:
    """These chains' HTML, in the same order: from the cache, rendering only the misses.

    Without `internals`, Django's plumbing is left out (for a visitor who folds it).
    """
    keys = {head.id: fragment_key(head, internals) for head in heads}
    found = cache.get_many(list(keys.values()))
    if len(found) < len(keys):
        # One drawer at a time in a process: a page and the watcher missing the same new chain
        # at once would both draw it.
        with _drawing:
            found.update(_draw_missing(heads, keys, internals))
    # A chain pruned between reading its head and its events has nothing left to show.
    return [
        Fragment(head, mark_safe(found[keys[head.id]])) for head in heads if keys[head.id] in found
    ]
