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
def private_postgres() -> Iterator[tuple[str, Callable[[float], tuple[float, float]]]]:
    """A throwaway PostgreSQL cluster: its database URL, and a function that stops it for a while.

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

    def restart(down_for: float) -> tuple[float, float]:
        """Stop the server (ending every connection), wait, start it; when it went, when back."""
        went = time.monotonic()
        subprocess.run([*pg_ctl, "-m", "fast", "-w", "stop"], check=True, capture_output=True)
        time.sleep(down_for)
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


def steady_traffic(url: str, stop_at: threading.Event) -> list[tuple[float, float, bool]]:
    """CLIENTS threads requesting pages until told to stop: (start, end, succeeded) of each."""
    outcomes: list[tuple[float, float, bool]] = []

    def client(number: int) -> None:
        while not stop_at.is_set():
            started = time.monotonic()
            try:
                path = PATHS[len(outcomes) % len(PATHS)]
                ok = urllib.request.urlopen(f"{url}{path}", timeout=10).status == 200
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                ok = False
            outcomes.append((started, time.monotonic(), ok))
            time.sleep(0.05)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    stop_at.wait()
    for thread in threads:
        thread.join()
    return outcomes


def test_requests_fail_only_while_postgres_is_down(private_postgres, tmp_path):
    database_url, restart = private_postgres
    env = {**os.environ, "DJANGO_DATABASE_URL": database_url, "DJANGO_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    migrate(env)
    url, _, server = start_uvicorn(env, tmp_path / "uvicorn.log", "--workers", "2")
    stop_at, outcomes = threading.Event(), []
    traffic = threading.Thread(target=lambda: outcomes.extend(steady_traffic(url, stop_at)))
    try:
        traffic.start()
        time.sleep(3)
        went, back = restart(2.0)
        time.sleep(4)
    finally:
        stop_at.set()
        traffic.join()
        stop(server)
    failed = [(start, end) for start, end, ok in outcomes if not ok]
    assert all(start < back and end > went for start, end in failed)  # Each overlaps the outage.
    assert any(ok for start, _, ok in outcomes if start > back)
