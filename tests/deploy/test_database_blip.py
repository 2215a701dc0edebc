"""The database goes away for a moment under an open stream: the feed resumes, nothing lost twice.

Every server-side connection of a throwaway database is ended with pg_terminate_backend, as a
PostgreSQL restart or failover does to the site's connections; the shared server is left alone.
"""

import os
from collections.abc import Iterator

import psycopg
import pytest

from devtools.servers import migrate, start_uvicorn, stop
from tests.http_client import Browser, event_ids, follow, watch_feed
from tests.stores import admin_connection, scratch_database

AFTER = ["/accounts/signup/", "/playground/", "/accounts/password/reset/"]


@pytest.fixture
def site(tmp_path) -> Iterator[tuple[str, str]]:
    """One uvicorn worker on a database of its own; its URL and that database's name."""
    with scratch_database() as database_url:
        env = {**os.environ, "DJANGO_DATABASE_URL": database_url, "DJANGO_VAR_DIR": str(tmp_path)}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        migrate(env)
        url, _, server = start_uvicorn(env, tmp_path / "uvicorn.log")
        try:
            yield url, psycopg.conninfo.conninfo_to_dict(database_url)["dbname"]
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
    url, name = site
    browser = Browser()
    stream, last_seen = watch_feed(browser, url, url)
    assert end_every_connection(name) > 0
    for path in AFTER:
        browser.get(f"{url}{path}")
    text = follow(browser, url, stream, last_seen, [f"GET {path}" for path in AFTER])
    ids = event_ids(text)
    assert len(ids) == len(AFTER) and ids == sorted(set(ids)) and ids[0] > last_seen
