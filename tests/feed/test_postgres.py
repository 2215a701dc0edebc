"""Several workers on a real PostgreSQL: what one uvicorn process records, another one streams.

The database is created for this run under a unique name and dropped afterwards: the server is
shared. The streaming worker's safety poll is set to a minute, so only LISTEN/NOTIFY can wake it
in time.
"""

import http.client
import os
import re
import secrets
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar

import psycopg
import pytest
from psycopg import sql

from devtools.servers import migrate, start_uvicorn, stop

POSTGRES = os.environ.get("DJANGO_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
SLOW_POLL_SETTINGS = "from settings import *  # noqa: F403\n\nFEED_POLL_SECONDS = 60\n"


def admin_connection() -> psycopg.Connection:
    try:
        return psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES}: {error}")


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    name = f"signal_lab_{secrets.token_hex(6)}"
    with admin_connection() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urllib.parse.urlparse(POSTGRES)._replace(path=f"/{name}").geturl()
    finally:
        with admin_connection() as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


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


class Browser:
    """Just enough of a browser: cookies kept across requests to any worker."""

    def __init__(self) -> None:
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url: str) -> str:
        return self.opener.open(url, timeout=10).read().decode()

    def sign_up(self, base: str, email: str) -> None:
        self.get(f"{base}/accounts/signup/")
        token = next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")
        password = "correct-horse-battery-staple"
        form = {"email": email, "password1": password, "password2": password}
        data = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": token}).encode()
        self.opener.open(f"{base}/accounts/signup/", data=data, timeout=10)

    def stream(self, base: str, last_event_id: int | None = None) -> http.client.HTTPResponse:
        host = urllib.parse.urlparse(base).netloc
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.cookies)
        headers = {"Cookie": cookie, "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        connection = http.client.HTTPConnection(host, timeout=10)
        connection.request("GET", "/feed/stream/", headers=headers)
        response = connection.getresponse()
        assert response.status == 200
        return response


def read_until(response: http.client.HTTPResponse, needle: str, seconds: float = 8) -> str:
    """Read the stream until the message holding `needle` is complete."""
    text, deadline = "", time.monotonic() + seconds
    while needle not in text or "\n\n" not in text[text.index(needle) :]:
        assert time.monotonic() < deadline, f"{needle!r} not streamed in {seconds} s:\n{text}"
        text += response.read1(65536).decode()
    return text


def event_ids(text: str) -> list[int]:
    return [int(found) for found in re.findall(r"^id: (\d+)$", text, re.MULTILINE)]


def test_events_caused_through_one_worker_stream_from_another(workers):
    first, second = workers
    browser = Browser()
    browser.get(f"{first}/")
    stream = browser.stream(second)
    read_until(stream, "retry:")
    started = time.monotonic()
    browser.sign_up(first, "pg@example.com")
    text = read_until(stream, "POST /accounts/signup/")
    assert time.monotonic() - started < 5  # NOTIFY, not the minute-long safety poll.
    assert "POST /accounts/signup/" in text and ">create_profile<" in text
    stream.close()


def test_a_stream_resumed_on_the_other_worker_misses_nothing_and_repeats_nothing(workers):
    first, second = workers
    browser = Browser()
    browser.get(f"{second}/")
    stream = browser.stream(first)
    read_until(stream, "retry:")
    browser.get(f"{second}/accounts/login/")
    seen = event_ids(read_until(stream, "GET /accounts/login/"))
    stream.close()
    browser.get(f"{first}/accounts/signup/")
    browser.get(f"{first}/accounts/login/")
    resumed = browser.stream(second, last_event_id=seen[-1])
    text = read_until(resumed, "GET /accounts/login/")
    ids = event_ids(text)
    assert len(ids) == 2 and min(ids) > seen[-1] and ids == sorted(set(ids))
    assert "GET /accounts/signup/" in text
    resumed.close()
