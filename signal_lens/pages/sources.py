"""The source viewer: the code of a connected receiver, and of nothing else on the server."""

import inspect
from typing import Any

from signal_lens.naming.receivers import describe, resolve_reference, source_function
from signal_lens.naming.signal_names import named_signals


def live_receiver(name: str) -> Any | None:
    """The connected receiver with this qualified name, if any: the source viewer's whitelist."""
    for _signal_name, signal in named_signals():
        with signal.lock:
            refs = [entry[1] for entry in signal.receivers]
        for ref in refs:
            receiver = resolve_reference(ref)
            if receiver is not None and describe(receiver).name == name:
                return receiver
    return None


def source_lines(receiver: Any) -> tuple[list[str], int]:
    """The receiver's source lines and the number of the first, or nothing when unreadable."""
    try:
        return inspect.getsourcelines(source_function(receiver))
    except (OSError, TypeError):
        return [], 0
