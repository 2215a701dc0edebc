"""PostgreSQL restarts under steady traffic: requests fail only while it is down.

The shared PostgreSQL server is never restarted: this starts a private cluster of its own
(initdb and pg_ctl in a temporary folder, on a free port) and restarts that one.
"""

import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import suppress

import pytest

from devtools.servers import free_port, migrate, start_uvicorn, stop

CLIENTS = 4
PATHS = ["/", "/accounts/login/", "/feed/poll/"]


def postgres_tool(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        if os.environ.get("CI"):
            raise RuntimeError(f"{name} is not installed")
        pytest.skip(f"{name} is not installed")
    return found[-1]


@pytest.fixture
def private_postgres() -> Iterator[
    tuple[str, Callable[[Callable[[float], None]], tuple[float, float]]]
]:
    """A throwaway PostgreSQL cluster: its database URL, and a function that stops it, calls
    `while_down` with when it went, and starts it again.

    initdb refuses to run as root, so as root the cluster belongs to the postgres user.
    """
    folder = tempfile.mkdtemp(prefix="signal-lab-pg-")
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_owner:
        shutil.chown(folder, "postgres")
    port = free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [*as_owner, postgres_tool("pg_ctl"), "-D", f"{folder}/data", "-l", f"{folder}/log"]
    initdb = [
        *as_owner,
        postgres_tool("initdb"),
        "-D",
        f"{folder}/data",
        "-A",
        "trust",
        "-U",
        "root",
    ]
    subprocess.run(initdb, check=True, capture_output=True)
    subprocess.run([*pg_ctl, "-o", options, "-w", "start"], check=True, capture_output=True)

    def restart(while_down: Callable[[float], None]) -> tuple[float, float]:
        """Stop the server (ending every connection), call `while_down`, start it; when it went,
        when it was back."""
        went = time.monotonic()
        subprocess.run([*pg_ctl, "-m", "fast", "-w", "stop"], check=True, capture_output=True)
        while_down(went)
        subprocess.run([*pg_ctl, "-o", options, "-w", "start"], check=True, capture_output=True)
        return went, time.monotonic()

    try:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "root", "-d", "postgres",
             "-c", "CREATE DATABASE signal_lab"], check=True, capture_output=True,
        )  # fmt: skip
        yield f"postgres://root@127.0.0.1:{port}/signal_lab", restart
    finally:
        with suppress(subprocess.CalledProcessError):
            subprocess.run([*pg_ctl, "-m", "immediate", "stop"], check=True, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


class Traffic:
    """CLIENTS threads requesting pages until stopped; each outcome (start, end, succeeded) is
    noted as it comes, and a test waits on the outcomes rather than for a while."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.outcomes: list[tuple[float, float, bool]] = []
        self.noted = threading.Condition()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.client) for _ in range(CLIENTS)]

    def client(self) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                path = PATHS[len(self.outcomes) % len(PATHS)]
                ok = urllib.request.urlopen(f"{self.url}{path}", timeout=10).status == 200
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                ok = False
            with self.noted:
                self.outcomes.append((started, time.monotonic(), ok))
                self.noted.notify_all()

    def until(self, seen: Callable[[list[tuple[float, float, bool]]], bool]) -> None:
        """Block until the outcomes so far satisfy `seen` (a minute at most)."""
        with self.noted:
            assert self.noted.wait_for(lambda: seen(self.outcomes), 60), self.outcomes[-10:]

    def tried_since(self, moment: float) -> None:
        """Block until CLIENTS requests begun since `moment` have ended (one a client, if fair)."""
        self.until(lambda seen: sum(start > moment for start, _, _ in seen) >= CLIENTS)

    def __enter__(self) -> "Traffic":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def test_requests_fail_only_while_postgres_is_down(private_postgres, tmp_path):
    database_url, restart = private_postgres
    env = {**os.environ, "DJANGO_DATABASE_URL": database_url, "DJANGO_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    migrate(env)
    url, _, server = start_uvicorn(env, tmp_path / "uvicorn.log", "--workers", "2")
    try:
        with Traffic(url) as traffic:
            traffic.until(lambda seen: sum(ok for *_, ok in seen) >= CLIENTS)  # Served.
            went, back = restart(traffic.tried_since)
            traffic.until(lambda seen: any(ok for start, _, ok in seen if start > back))
    finally:
        stop(server)
    failed = [(start, end) for start, end, ok in traffic.outcomes if not ok]
    assert all(start < back and end > went for start, end in failed)  # Each overlaps the outage.
