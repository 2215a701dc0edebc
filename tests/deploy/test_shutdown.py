"""Stopping a server with feeds open: it stops at once, and the browsers resume on the next one.

Each case runs a documented command: the deploy command (several workers, no graceful timeout
of uvicorn's, stopped with SIGTERM) and `make run` (one process, Ctrl+C).
"""

import http.client
import os
import signal
from collections.abc import Callable, Iterator

import pytest

from devtools.servers import migrate, start_uvicorn, stop
from signal_lens.live.stream import RECONNECT
from tests.http_client import Browser, event_ids, follow, read_until, watch_feed

VISITORS = 9  # Each opens as many streams as a visitor may (4): 36, with the watched one 37.
STOPPED_WITHIN = 5  # Seconds; uvicorn alone waits for every stream, up to ten minutes each.
BEFORE = ["/accounts/signup/"]  # Requested as the first server stops.
AFTER = ["/playground/", "/accounts/password/reset/"]  # Requested on the next one.

COMMANDS = {
    "deploy": (["--workers", "2"], None, signal.SIGTERM),
    "make run": ([], 3, signal.SIGINT),
}


@pytest.fixture
def serve(server_database, tmp_path) -> Iterator[Callable[[str], tuple[str, object]]]:
    """Start a server of the given command on one database; every one is stopped at the end."""
    env = {**os.environ, **server_database, "DJANGO_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    migrate(env)
    servers = []

    def start(command: str) -> tuple[str, object]:
        options, graceful_timeout, _ = COMMANDS[command]
        log = tmp_path / f"uvicorn-{len(servers)}.log"
        url, _, server = start_uvicorn(env, log, *options, graceful_timeout=graceful_timeout)
        servers.append(server)
        return url, server

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
    url, server = serve(command)
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

    url, _ = serve(command)
    for path in AFTER:
        browser.get(f"{url}{path}")
    resume_from = (last_seen, *event_ids(endings[0]))[-1]
    text = endings[0] + follow(browser, url, watched, resume_from, [f"GET {p}" for p in AFTER])
    ids = event_ids(text)
    assert len(ids) == len(BEFORE + AFTER) and ids == sorted(set(ids)) and ids[0] > last_seen
