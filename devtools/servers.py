"""Real uvicorn processes serving the site, as `make run` does, for the tests and the benchmarks."""

import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # The project: where manage.py and site/ are.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"{server.args[0]} exited early:\n{log.read_text()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{server.args[0]} did not listen on {port} in 30 s:\n{log.read_text()}")


def migrate(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def start_uvicorn(
    env: dict[str, str], log: Path, *options: str, graceful_timeout: int | None = 1
) -> tuple[str, int, subprocess.Popen]:
    """Serve the site on a free port with this environment; its output goes to `log`.

    Returns the site's URL, its port and the process; `options` go to uvicorn, and
    `graceful_timeout` to its --timeout-graceful-shutdown (None: uvicorn's default, no limit).
    """
    port = free_port()
    graceful = [f"--timeout-graceful-shutdown={graceful_timeout}"]
    if graceful_timeout is None:
        graceful = []
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", "site", "asgi:application",
             "--port", str(port), *graceful, *options],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for_port(port, server, log)
    except RuntimeError:
        stop(server)  # One that never listened must not outlive the run that gave up on it.
        raise
    return f"http://127.0.0.1:{port}", port, server


def stop(server: subprocess.Popen, timeout: float = 10) -> None:
    """Stop a server as an operator does (SIGTERM); kill it if it is still going after `timeout`.

    A loaded machine can take longer: with 250 streams open and a load average of 30, each
    stream's response closes in a thread of its own, and the stop took over 10 s.
    """
    server.terminate()
    try:
        server.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def start_redis(folder: Path) -> tuple[str, subprocess.Popen]:
    """A private redis-server on a free port, keeping nothing on disk: its URL and process."""
    port = free_port()
    log = folder / "redis.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(folder)],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for_port(port, server, log)
    except RuntimeError:
        stop(server)
        raise
    return f"redis://127.0.0.1:{port}/0", server
