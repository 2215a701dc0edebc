"""Shared by the feed benchmarks: a migrated uvicorn on a temporary folder, and clients for it.

`serve()` starts the site as `make run` does (uvicorn, ASGI, one process) on a fresh SQLite file,
`Visitor` is a cookie-keeping HTTP client, and `open_stream` opens /feed/stream/ with asyncio.
"""

import asyncio
import http.client
import os
import platform
import subprocess
import tempfile
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import django
import uvicorn

from devtools.servers import migrate, start_uvicorn, stop


def machine() -> str:
    """One line on where the figures come from: cores, CPU model, Python, Django, uvicorn."""
    models = [
        line.split(":", 1)[1].strip()
        for line in Path("/proc/cpuinfo").read_text().splitlines()
        if line.startswith("model name")
    ]
    model = models[0] if models else platform.processor() or "unknown CPU"
    return (
        f"{os.cpu_count()} cores, {model}; Python {platform.python_version()},"
        f" Django {django.__version__}, uvicorn {uvicorn.__version__}"
    )


def _cpu_seconds(stat: Path) -> float:
    """User plus system CPU time from a /proc stat file (a process's or a thread's)."""
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    state: Path

    @property
    def database(self) -> Path:
        return self.state / "db.sqlite3"

    def status_kib(self, field: str) -> int:
        """VmRSS, VmHWM… of the server process, from /proc/<pid>/status."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
        raise LookupError(field)

    def thread_cpu_seconds(self) -> dict[int, float]:
        """User plus system CPU time of each thread of the server's process alive now, by id.

        Under ASGI each request's sync code runs in a thread of its own that ends with the
        request, so the threads that outlive requests are the event loop's (the process's id)
        and the feed's writer.
        """
        times = {}
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            try:
                times[int(task.name)] = _cpu_seconds(task / "stat")
            except FileNotFoundError:  # A request's thread that ended meanwhile.
                continue
        return times

    def cpu_seconds(self) -> float:
        """User plus system CPU time the server has used so far: all threads, all workers."""
        pid = self.process.pid
        workers = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return sum(_cpu_seconds(Path(f"/proc/{each}/stat")) for each in [pid, *map(int, workers)])


def site_env(state: Path, *, feed: bool, settings: str) -> dict[str, str]:
    """The environment of a site kept in `state`: its own SQLite file and media, the site's
    settings ended by `settings`, the recorder on or off."""
    (state / "bench_settings.py").write_text(f"from settings import *  # noqa\n{settings}")
    return {**os.environ, "DJANGO_VAR_DIR": str(state), "DJANGO_MEDIA_ROOT": f"{state}/media",
            "DJANGO_FEED_ENABLED": "1" if feed else "0", "DJANGO_DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": "bench_settings", "PYTHONPATH": str(state)}  # fmt: skip


@contextmanager
def serve(
    *, feed: bool = True, settings: str = "", options: tuple[str, ...] = ()
) -> Iterator[Server]:
    """A uvicorn on a freshly migrated site; `settings` end its settings, `options` go to it."""
    with tempfile.TemporaryDirectory(prefix="signal-lab-bench-") as folder:
        state = Path(folder)
        env = site_env(state, feed=feed, settings=settings)
        migrate(env)
        # No access log: writing a line per request would cost CPU that the figures are about.
        _, port, process = start_uvicorn(env, state / "uvicorn.log", "--no-access-log", *options)
        try:
            yield Server(port, process, state)
        finally:
            stop(process)


class Visitor:
    """One browser: a keep-alive connection and the cookies the site set on it."""

    def __init__(self, server: Server) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, htmx: bool = False
    ) -> int:
        """Send one request, keep the cookies it sets, return its status (the body is read)."""
        headers = {"Cookie": self.cookie_header()}
        if htmx:
            headers["HX-Request"] = "true"  # The page's own buttons post with htmx.
        body = None
        if form is not None:
            # Django's CSRF check: the token from the csrftoken cookie, posted back as htmx does.
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode(form)
        try:
            response = self._exchange(method, path, body, headers)
        except ConnectionError:
            # uvicorn closes a keep-alive connection idle for 5 s: reconnect, as browsers do.
            self.connection.close()
            response = self._exchange(method, path, body, headers)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status

    def _exchange(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> http.client.HTTPResponse:
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        response.read()
        return response

    def get(self, path: str) -> int:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str] | None = None, htmx: bool = False) -> int:
        return self.request("POST", path, form or {}, htmx)


async def open_stream(
    port: int, cookie: str = ""
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """GET /feed/stream/ as a browser's EventSource does; return once the headers are read."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    cookie_line = f"Cookie: {cookie}\r\n" if cookie else ""
    writer.write(
        f"GET /feed/stream/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Accept: text/event-stream\r\n{cookie_line}\r\n".encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"the stream was refused: {head.decode()}")
    return reader, writer


async def sse_text(reader: asyncio.StreamReader) -> AsyncIterator[str]:
    """The stream's body as it arrives, one HTTP chunk at a time (uvicorn sends it chunked)."""
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        if size == 0:
            return
        yield (await reader.readexactly(size + 2))[:-2].decode()
