"""The database goes away for a moment under an open stream: the feed resumes, nothing lost twice.

Every server-side connection of a throwaway database is ended with pg_terminate_backend, as a
PostgreSQL restart or failover does to the site's connections; the shared server is left alone.
"""

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from devtools.servers import migrate, start_uvicorn, stop
from tests.http_client import Browser, event_ids, follow, watch_feed
from tests.stores import admin_connection, scratch_database

AFTER = ["/accounts/signup/", "/playground/", "/accounts/password/reset/"]


@pytest.fixture
def site(tmp_path) -> Iterator[tuple[str, str, Path]]:
    """One uvicorn worker on a database of its own; its URL, that database's name and its log."""
    with scratch_database() as database_url:
        env = {**os.environ, "DJANGO_DATABASE_URL": database_url, "DJANGO_VAR_DIR": str(tmp_path)}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        migrate(env)
        log = tmp_path / "uvicorn.log"
        url, _, server = start_uvicorn(env, log)
        try:
            yield url, psycopg.conninfo.conninfo_to_dict(database_url)["dbname"], log
        finally:
            stop(server)


def end_every_connection(name: str) -> int:
    """pg_terminate_backend for every connection to the database; how many there were."""
    query = (
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid()"
    )
    with admin_connection() as admin:
        return len(admin.execute(query, [name]).fetchall())


def test_the_stream_resumes_with_no_chain_lost_or_repeated(site):
    url, name, _ = site
    browser = Browser()
    stream, last_seen = watch_feed(browser, url, url)
    assert end_every_connection(name) > 0
    for path in AFTER:
        browser.get(f"{url}{path}")
    text = follow(browser, url, stream, last_seen, [f"GET {path}" for path in AFTER])
    ids = event_ids(text)
    assert len(ids) == len(AFTER) and ids == sorted(set(ids)) and ids[0] > last_seen


def wait_for_lines(log: Path, needle: str, count: int, seconds: float = 30) -> str:
    """The log once `needle` is in `count` of its lines (LISTEN reconnects after 5 s)."""
    deadline = time.monotonic() + seconds
    while (text := log.read_text()).count(needle) < count:
        assert time.monotonic() < deadline, f"{needle!r} not {count} times in {seconds} s:\n{text}"
        time.sleep(0.1)
    return text


def test_each_outage_is_logged_once_when_it_starts_and_once_when_it_ends(site):
    url, name, log = site
    browser = Browser()
    stream, last_seen = watch_feed(browser, url, url)
    for outage in (1, 2):
        assert end_every_connection(name) > 0
        for path in AFTER:
            browser.get(f"{url}{path}")
        wait_for_lines(log, "the live feed's database is back", outage)
    follow(browser, url, stream, last_seen, [f"GET {path}" for path in AFTER])
    text = log.read_text()
    lines = [line for line in text.splitlines() if line.startswith("signal_lens:")]
    said = [re.sub(r"\(.*\)|[\d.]+ s", "…", line) for line in lines]
    one_outage = [
        "signal_lens: the live feed lost its database …; streams retry until it is back",
        "signal_lens: the live feed's database is back after … …",
    ]
    assert said == one_outage * 2
    assert "failed meanwhile: LISTEN connections 1" in lines[1] and "Traceback" not in text
