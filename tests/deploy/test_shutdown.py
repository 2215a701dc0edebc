"""Stopping a server with feeds open: it stops at once, and the browsers resume on the next one.

Each case runs a documented command: docs/deploy.md's (with two workers, not four; stopped with
SIGTERM) and `make run`'s (one process, Ctrl+C), each with its --timeout-graceful-shutdown.
"""

import http.client
import os
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest

from devtools.servers import migrate, start_uvicorn, stop
from signal_lens.live.stream import RECONNECT
from signal_lens.store.writer import LOCK_KEY
from tests.http_client import Browser, event_ids, follow, read_until, watch_feed

VISITORS = 9  # Each opens as many streams as a visitor may (4): 36, with the watched one 37.
# Seconds. uvicorn alone waits for every stream until its graceful timeout, then cuts them
# without their last chunk: the streams' endings tell that apart from the feed ending them.
STOPPED_WITHIN = 5
BEFORE = ["/accounts/signup/"]  # Requested as the first server stops.
AFTER = ["/playground/", "/accounts/password/reset/"]  # Requested on the next one.
LAST = ["/", "/playground/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]

# name: (uvicorn's options, its graceful timeout in seconds, the signal that stops it)
COMMANDS = {
    "deploy": (
        ["--workers", "2", "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"],
        5,
        signal.SIGTERM,
    ),
    "make run": ([], 3, signal.SIGINT),
}


@pytest.fixture
def server_env(server_database, tmp_path) -> dict[str, str]:
    """The environment of this test's servers, on a migrated database."""
    env = {**os.environ, **server_database, "DJANGO_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    migrate(env)
    return env


@pytest.fixture
def serve(server_env, tmp_path) -> Iterator[Callable[[str], tuple[str, subprocess.Popen, Path]]]:
    """Start a server of the given command: its URL, process and log. All stop at the end."""
    servers = []

    def start(command: str) -> tuple[str, subprocess.Popen, Path]:
        options, graceful_timeout, _ = COMMANDS[command]
        log = tmp_path / f"uvicorn-{len(servers)}.log"
        url, _, server = start_uvicorn(server_env, log, *options, graceful_timeout=graceful_timeout)
        servers.append(server)
        return url, server, log

    yield start
    for server in servers:
        if server.poll() is None:
            stop(server)


def open_streams(url: str) -> list[http.client.HTTPResponse]:
    """As many streams as each of VISITORS browsers may hold, every one seen open."""
    streams = []
    for _ in range(VISITORS):
        browser = Browser()
        browser.get(f"{url}/")
        for _ in range(4):
            streams.append(browser.stream(url))
            read_until(streams[-1], "retry:")
    return streams


@pytest.mark.parametrize("command", COMMANDS)
def test_streams_end_with_a_reconnect_and_resume_on_the_next_server(serve, command):
    url, server, _ = serve(command)
    browser = Browser()
    watched, last_seen = watch_feed(browser, url, url)
    others = open_streams(url)
    for path in BEFORE:
        browser.get(f"{url}{path}")
    server.send_signal(COMMANDS[command][2])
    server.wait(timeout=STOPPED_WITHIN)
    # read() raises IncompleteRead unless the response ended with its last chunk.
    endings = [stream.read().decode() for stream in [watched, *others]]
    assert all(ending.endswith(RECONNECT) for ending in endings)

    url, _, _ = serve(command)
    for path in AFTER:
        browser.get(f"{url}{path}")
    resume_from = (last_seen, *event_ids(endings[0]))[-1]
    text = endings[0] + follow(browser, url, watched, resume_from, [f"GET {p}" for p in AFTER])
    ids = event_ids(text)
    assert len(ids) == len(BEFORE + AFTER) and ids == sorted(set(ids)) and ids[0] > last_seen


def connect(env: dict[str, str]) -> Any:
    """A DB-API connection, in autocommit, to the database of servers started with `env`."""
    if url := env.get("DJANGO_DATABASE_URL"):
        return psycopg.connect(url, autocommit=True)
    return sqlite3.connect(Path(env["DJANGO_VAR_DIR"]) / "db.sqlite3", isolation_level=None)


@contextmanager
def writes_held(env: dict[str, str]) -> Iterator[int]:
    """The lock the feed's writer takes to insert, held as another process's long write holds it;
    the newest event id when it was taken."""
    with closing(connect(env)) as held:
        if isinstance(held, sqlite3.Connection):
            held.execute("BEGIN IMMEDIATE")
        else:
            held.execute(f"SELECT pg_advisory_lock({LOCK_KEY})")
        yield held.execute("SELECT coalesce(max(id), 0) FROM signal_lens_event").fetchone()[0]


def request_chains(env: dict[str, str], after: int) -> Counter[str]:
    """How many chains each request (`GET /path`) has in the database past event `after`."""
    with closing(connect(env)) as database:
        query = "SELECT id, chain, origin FROM signal_lens_event WHERE origin_kind = 'request'"
        rows = database.execute(query).fetchall()
    chains = {(chain, origin) for event_id, chain, origin in rows if event_id > after}
    return Counter(origin for _, origin in chains)


def wait_for_shutdown(server: subprocess.Popen, log: Path, seconds: float = STOPPED_WITHIN) -> None:
    """Until the server shuts its application down after its last response, or has exited."""
    deadline = time.monotonic() + seconds
    while server.poll() is None and "Waiting for application shutdown." not in log.read_text():
        assert time.monotonic() < deadline, f"no shutdown in {seconds} s:\n{log.read_text()}"
        time.sleep(0.05)


@pytest.mark.parametrize("command", COMMANDS)
def test_the_last_requests_are_written_before_the_server_exits(serve, server_env, command):
    """Even when the database takes the writer's last writes only once the server is stopping."""
    url, server, log = serve(command)
    browser = Browser()
    with writes_held(server_env) as newest:
        for path in LAST:
            browser.get(f"{url}{path}")
        server.send_signal(COMMANDS[command][2])
        wait_for_shutdown(server, log)
    server.wait(timeout=STOPPED_WITHIN)
    assert request_chains(server_env, newest) == Counter(f"GET {path}" for path in LAST)


def test_a_database_that_never_takes_the_last_writes_delays_the_stop_by_seconds(serve, server_env):
    url, server, log = serve("deploy")
    with writes_held(server_env):
        Browser().get(f"{url}/")
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=STOPPED_WITHIN)
    assert "signal_lens: stopping with chains not written" in log.read_text()
