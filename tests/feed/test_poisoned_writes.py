"""A chain the database would refuse loses only itself, never the chains written beside it.

`GET /x%00y` once made PostgreSQL refuse the writer's whole batch (a NUL byte in a path), and
every other visitor's chain in that batch was dropped with it.
"""

import pytest
from django.test import Client

from signal_lens.models import Event
from signal_lens.store import writer
from tests.helpers import feed_visitor, ping

pytestmark = pytest.mark.django_db(transaction=True)


def queued_in_one_batch(stalled_writer, *paths: str) -> list[str]:
    """Each path requested by a visitor of its own while the writer is busy, so that their
    chains are written together in the next batch; those visitors."""
    ping.send(sender="test")
    assert stalled_writer.entered.wait(5)
    browsers = [Client() for _ in paths]
    for browser, path in zip(browsers, paths, strict=True):
        browser.get(path)
    stalled_writer.release.set()
    assert writer.flush()
    return [feed_visitor(browser) for browser in browsers]


def test_a_nul_path_between_two_visitors_loses_neither_visitors_chain(stalled_writer):
    alice, mallory, bob = queued_in_one_batch(stalled_writer, "/", "/x%00y", "/")
    assert Event.objects.for_visitor(alice).exists()
    assert Event.objects.for_visitor(bob).exists()
    # The hostile chain is stored too, its NUL escaped where a person can see it.
    origins = set(Event.objects.for_visitor(mallory).values_list("origin", flat=True))
    assert origins == {"GET /x\\x00y"}


@pytest.fixture
def row() -> dict:
    """The values of a real event, ready to write again as a chain of its own."""
    ping.send(sender="test")
    assert writer.flush()
    row = Event.objects.values().last()
    del row["id"]
    return row


def test_lone_surrogates_nul_and_long_values_are_stored_escaped_and_cut(row):
    origin = "GET /\udc80" + "a" * 300
    context = {"path": "/x\x00y", "\ud800 key": ["\udfff", "\U0001f600 pairs stay"]}
    writer.write([Recorded({**row, "visitor": "hostile", "origin": origin, "context": context})])
    stored = Event.objects.get(visitor="hostile")
    assert stored.origin.startswith("GET /\\udc80aaa")
    assert len(stored.origin) == Event._meta.get_field("origin").max_length
    assert stored.context == {
        "path": "/x\\x00y",
        "\\ud800 key": ["\\udfff", "\U0001f600 pairs stay"],
    }


def test_a_chain_refused_anyway_loses_only_itself(row):
    good, bad = Recorded({**row, "visitor": "good"}), Recorded({**row, "seq": -1})
    writer.write([good, bad, Recorded({**row, "visitor": "good too"})])
    written = Event.objects.filter(visitor__startswith="good").values_list("visitor", flat=True)
    assert sorted(written) == ["good", "good too"]


class Recorded:
    """A completed chain of one prepared row."""

    def __init__(self, row: dict) -> None:
        self.row = row

    def drain(self) -> list[dict]:
        return [self.row]
