"""Which chain and which receiver a send belongs to, per request, thread and task, and whether
the code running is the feed's own work, which is never recorded.

Context variables tie each send to the request that caused it and to the receiver running when it
was sent, so simultaneous requests, threads and tasks never mix their chains. Every layer uses the
mute switch: the recorder checks it, the store and the pages set it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from signal_lens.conf import LABEL_LENGTH

if TYPE_CHECKING:
    from signal_lens.recording.chains import Call, Chain

# The request chain of this context, set when request_started is sent.
current_chain: ContextVar["Chain | None"] = ContextVar("feed_chain", default=None)
# The receiver running in this context: the parent of any send made inside it.
current_call: ContextVar["Call | None"] = ContextVar("feed_call", default=None)
# True while the feed does its own work (writing, pruning, reading and drawing events).
_muted: ContextVar[bool] = ContextVar("feed_muted", default=False)


def recording_into() -> tuple["Call | None", "Chain | None"]:
    """The receiver running in this context, and the chain a send made now belongs to: that
    receiver's, else the request's."""
    call = current_call.get()
    return call, call.send.chain if call is not None else current_chain.get()


def claim(visitor: str) -> None:
    """Give the request being recorded in this context to a visitor."""
    chain = current_chain.get()
    if chain is not None:
        chain.visitor = visitor


def name_chain(label: str, *, public_path: bool = False) -> None:
    """Name what the request being recorded in this context did, e.g. a playground operation.

    The feed shows the label after the request's method and path. URL arguments are redacted
    (they may be keys or tokens); a view whose arguments are public says so with `public_path`,
    and the feed shows the path that ran (`POST /playground/save/`), not its pattern.
    """
    chain = current_chain.get()
    if chain is not None:
        chain.label = label[:LABEL_LENGTH]
        chain.public_path = public_path


def is_muted() -> bool:
    return _muted.get()


@contextmanager
def muted() -> Iterator[None]:
    """Run the feed's own work without recording the signals it causes."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)
