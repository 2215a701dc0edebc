"""The docs as a current account: what they list is what the code connects, and every link and
file they name is there."""

import gc
import re
import weakref
from pathlib import Path

from django.dispatch import Signal

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
# Where a file the docs name may be: the project, the package, and their templates and static files.
PLACES = [
    ROOT,
    ROOT / "signal_lens",
    ROOT / "templates",
    ROOT / "signal_lens" / "templates",
    ROOT / "signal_lens" / "static",
]
NAMED_FILE = re.compile(r"`([\w.-]+(?:/[\w.-]+)+\.(?:py|md|html|js|css|toml|ini))`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
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


def anchors(page: Path) -> set[str]:
    """The anchors of a page's headings, as GitHub makes them."""
    text = re.sub(r"^```.*?^```", "", page.read_text(), flags=re.M | re.S)
    headings = re.findall(r"^#+ (.+)$", text, flags=re.M)
    return {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings
    }


def test_every_link_in_the_docs_resolves():
    broken = []
    for page in PAGES:
        for link in LINK.findall(page.read_text()):
            if re.match(r"[a-z]+:", link):
                continue  # A web address.
            path, _, anchor = link.partition("#")
            target = page.parent / path if path else page
            if not target.exists() or (anchor and anchor not in anchors(target)):
                broken.append(f"{page.name}: {link}")
    assert broken == []


def test_every_file_the_docs_name_exists():
    missing = [
        f"{page.name}: {path}"
        for page in PAGES
        for path in NAMED_FILE.findall(page.read_text())
        if not any((place / path).exists() for place in PLACES)
    ]
    assert missing == []
