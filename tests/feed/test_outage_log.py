"""The live feed's database failing: one log line when it starts, one with counts when it ends."""

import logging

import pytest
from asgiref.sync import async_to_sync
from django.db import OperationalError

from signal_lens.live import hub, stream
from signal_lens.live.hub import LISTENS, READS, Outage
from signal_lens.live.stream import RECONNECT
from tests.feed.sse import stream_client
from tests.helpers import FeedClient

KILLED = OperationalError("terminating connection due to administrator command\nDETAIL: more")


@pytest.fixture
def log(caplog) -> pytest.LogCaptureFixture:
    """The hub's log, every level."""
    caplog.set_level(logging.DEBUG, logger=hub.logger.name)
    return caplog


def test_an_outage_is_one_line_when_it_starts_and_one_with_counts_when_it_ends(log):
    outage = Outage()
    for _ in range(3):
        outage.failed(READS, KILLED)
    outage.failed(LISTENS, KILLED)
    outage.worked(READS)
    outage.worked(LISTENS)
    started, ended = log.messages
    assert started == (
        "signal_lens: the live feed lost its database (OperationalError: terminating connection"
        " due to administrator command); streams retry until it is back"
    )
    assert ended.endswith("(failed meanwhile: LISTEN connections 1, reads 3)")


def test_the_outage_lasts_until_everything_that_failed_works_again(log):
    outage = Outage()
    outage.failed(READS, KILLED)
    outage.failed(LISTENS, KILLED)
    outage.worked(READS)
    assert len(log.messages) == 1


def test_what_works_outside_an_outage_is_not_logged(log):
    Outage().worked(READS)
    assert log.messages == []


@pytest.mark.django_db(transaction=True)
def test_a_stream_whose_catch_up_fails_ends_cleanly_and_logs_no_traceback(monkeypatch, log):
    def killed(*args):
        raise KILLED

    monkeypatch.setattr(stream, "_fragments_after", killed)
    monkeypatch.setattr(hub, "_outage", Outage())
    client = FeedClient()
    client.get("/accounts/login/")

    async def scenario():
        response = await stream_client(client).get("/feed/stream/?after=1")
        return [chunk async for chunk in response.streaming_content]

    assert async_to_sync(scenario)() == [RECONNECT.encode()]
    # The hub's watcher may read successfully meanwhile, ending the outage: one line each at most.
    assert [line for line in log.messages if "lost its database" in line] == log.messages[:1]
    assert not any(record.exc_info for record in log.records)
