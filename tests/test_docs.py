"""The docs as a current account: what they list is what the code connects."""

import gc
import weakref
from pathlib import Path

from django.dispatch import Signal

DOCS = Path(__file__).resolve().parent.parent / "docs"
# The project's dispatch_uids start with its app's name; the tests' own start with "tests.".
APPS = ("profiles.", "playground.", "signal_lens.", "walkthrough.", "site.")


def connected_receivers() -> set[str]:
    """The dotted name of every receiver connected under one of the project's dispatch_uids."""
    # By type, not isinstance(): isinstance() would wake lazy objects (GEOS handles) in the heap.
    signals = [each for each in gc.get_objects() if issubclass(type(each), Signal)]
    found = set()
    for signal in signals:
        with signal.lock:
            entries = list(signal.receivers)
        for (key, _sender), reference, *_ in entries:
            receiver = reference() if isinstance(reference, weakref.ReferenceType) else reference
            if isinstance(key, str) and key.startswith(APPS) and receiver is not None:
                found.add(f"{receiver.__module__}.{receiver.__qualname__}")
    return found


def test_every_receiver_the_project_connects_is_in_receivers_md():
    listed = (DOCS / "receivers.md").read_text()
    connected = connected_receivers()
    assert "profiles.receivers.create_profile" in connected
    assert sorted(name for name in connected if f"`{name}`" not in listed) == []
