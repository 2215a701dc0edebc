"""Several workers on a real PostgreSQL: what one uvicorn process records, another one streams.

The database is created for this run under a unique name and dropped afterwards: the server is
shared. The streaming worker's safety poll is set to an hour, so only LISTEN/NOTIFY can wake it
before a read gives up.
"""

import os
from collections.abc import Iterator

import pytest

from devtools.servers import migrate, start_uvicorn, stop
from tests.helpers import WAIT_AT_MOST
from tests.http_client import Browser, event_ids, read_until, watch_feed
from tests.stores import scratch_database

SLOW_POLL_SETTINGS = "from settings import *  # noqa: F403\n\nFEED_POLL_SECONDS = 3600\n"


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    with scratch_database() as url:
        yield url


@pytest.fixture(scope="module")
def workers(database_url, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """Two uvicorn processes sharing the database and the secret key, like two workers."""
    state = tmp_path_factory.mktemp("pg-site")
    (state / "pg_settings.py").write_text(SLOW_POLL_SETTINGS)
    env = {**os.environ, "DJANGO_DATABASE_URL": database_url, "DJANGO_VAR_DIR": str(state),
           "DJANGO_SETTINGS_MODULE": "pg_settings", "PYTHONPATH": str(state)}  # fmt: skip
    migrate(env)
    servers = [start_uvicorn(env, state / f"worker-{n}.log") for n in range(2)]
    try:
        yield tuple(url for url, _, _ in servers)
    finally:
        for _, _, server in servers:
            stop(server)


def test_events_caused_through_one_worker_stream_from_another(workers):
    first, second = workers
    browser = Browser()
    browser.get(f"{first}/")
    stream = browser.stream(second)
    read_until(stream, "retry:")
    browser.sign_up(first, "pg@example.com")
    text = read_until(stream, "POST /accounts/signup/", seconds=WAIT_AT_MOST)
    assert "POST /accounts/signup/" in text and ">create_profile<" in text
    stream.close()


def test_a_stream_resumed_on_the_other_worker_misses_nothing_and_repeats_nothing(workers):
    first, second = workers
    browser = Browser()
    stream, last_seen = watch_feed(browser, second, first)
    stream.close()
    browser.get(f"{first}/accounts/signup/")
    browser.get(f"{first}/accounts/login/")
    resumed = browser.stream(second, last_event_id=last_seen)
    text = read_until(resumed, "GET /accounts/login/")
    ids = event_ids(text)
    assert len(ids) == 2 and min(ids) > last_seen and ids == sorted(set(ids))
    assert "GET /accounts/signup/" in text
    resumed.close()
