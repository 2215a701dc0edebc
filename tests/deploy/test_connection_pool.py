"""A burst of parallel requests on PostgreSQL waits for pooled connections instead of failing.

Without a pool, each request in flight opened a connection of its own: at 100 parallel requests
PostgreSQL refused "too many clients" and 60 of 100 got a 500.
"""

import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from devtools.servers import migrate, start_uvicorn, stop
from tests.stores import admin_connection, scratch_database

POOL = 4
REQUESTS = 100


@pytest.fixture
def site(tmp_path) -> Iterator[tuple[str, str]]:
    """One uvicorn worker with a small pool, on a database of its own; its URL and that name."""
    with scratch_database() as database_url:
        env = {**os.environ, "DJANGO_DATABASE_URL": database_url, "DJANGO_VAR_DIR": str(tmp_path)}
        env |= {"DJANGO_DB_POOL_SIZE": str(POOL), "DJANGO_DB_POOL_TIMEOUT": "60"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        migrate(env)
        url, _, server = start_uvicorn(env, tmp_path / "uvicorn.log")
        try:
            yield url, psycopg.conninfo.conninfo_to_dict(database_url)["dbname"]
        finally:
            stop(server)


def most_connections(name: str, done: threading.Event) -> list[int]:
    """Count the database's connections until `done`; the counts, in a list filled meanwhile."""
    counts: list[int] = []

    def count() -> None:
        with admin_connection() as admin:
            query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
            while not done.is_set():
                counts.append(admin.execute(query, [name]).fetchone()[0])
                done.wait(0.05)

    threading.Thread(target=count, daemon=True).start()
    return counts


def status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=120).status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_a_hundred_parallel_requests_wait_for_a_pooled_connection(site):
    url, name = site
    done = threading.Event()
    counts = most_connections(name, done)
    with ThreadPoolExecutor(REQUESTS) as clients:
        statuses = list(clients.map(status, [f"{url}/"] * REQUESTS))
    done.set()
    assert statuses == [200] * REQUESTS
    assert counts and max(counts) <= POOL
