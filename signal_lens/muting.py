"""The feed's own work (writing, pruning, reading and drawing events) is never recorded.

Every layer uses this one switch: the recorder checks it, the store and the pages set it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_muted: ContextVar[bool] = ContextVar("feed_muted", default=False)


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
