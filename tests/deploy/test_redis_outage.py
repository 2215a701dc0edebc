"""Redis is a cache, not a single point of failure: a visitor's journey answers while it is away.

The test starts a Redis of its own (the shared one is never stopped or flushed), serves the site
with it, and walks a visitor through signup, login and the pages that draw the feed panel.
"""

import os
import re
import shutil
import subprocess
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import redis

from devtools.servers import migrate, start_redis, start_uvicorn, stop, wait_for_port
from tests.helpers import PASSWORD
from tests.http_client import Browser


@pytest.fixture
def site(server_database, tmp_path) -> Iterator[SimpleNamespace]:
    """One uvicorn worker whose cache is a private Redis; the Redis process, URL and folder, and
    the server's log."""
    if not shutil.which("redis-server"):
        if os.environ.get("CI"):
            raise RuntimeError("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    redis_url, redis_server = start_redis(tmp_path)
    env = {**os.environ, **server_database, "DJANGO_VAR_DIR": str(tmp_path)}
    env |= {"DJANGO_REDIS_URL": redis_url, "DJANGO_MEDIA_ROOT": str(tmp_path / "media")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    migrate(env)
    log = tmp_path / "uvicorn.log"
    url, _, server = start_uvicorn(env, log)
    found = SimpleNamespace(url=url, redis=redis_server, redis_url=redis_url, folder=tmp_path)
    found.log = log
    try:
        yield found
    finally:
        stop(server)
        found.redis.kill()  # The one running now: after a restart, not the first.
        found.redis.wait()


def stop_redis(site: SimpleNamespace) -> None:
    site.redis.kill()
    site.redis.wait()


def restart_redis(site: SimpleNamespace) -> None:
    """A Redis again where the stopped one listened, empty as after a restart."""
    port, log = urlsplit(site.redis_url).port, site.folder / "redis-again.log"
    with log.open("w") as out:
        site.redis = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(site.folder)],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    wait_for_port(port, site.redis, log)


def answer(browser: Browser, url: str, form: dict[str, str] | None = None) -> int:
    """The status of a GET, or of a form's POST (with its CSRF token, as a browser sends it)."""
    try:
        if form is None:
            return browser.open(url).status
        token = next(cookie.value for cookie in browser.cookies if cookie.name == "csrftoken")
        data = "&".join(f"{k}={v}" for k, v in {**form, "csrfmiddlewaretoken": token}.items())
        return browser.open(url, data.encode()).status
    except urllib.error.HTTPError as refused:
        return refused.code


def journey(base: str, email: str) -> dict[str, int]:
    """A visitor's steps, each with its status: signup, pages with the feed panel, logout, login."""
    browser, statuses = Browser(), {}
    credentials = {"password1": PASSWORD, "password2": PASSWORD}
    steps = [
        ("/", None),
        ("/accounts/signup/", None),
        ("/accounts/signup/", {"email": email, **credentials}),
        ("/profile/", None),
        ("/profile/bio/", {"bio": "Hello"}),
        ("/playground/", None),
        ("/playground/save/", {}),
        ("/walkthrough/", None),
        ("/walkthrough/steps/", None),
        ("/feed/", None),
        ("/feed/poll/", None),
        ("/accounts/logout/", {}),
        ("/accounts/login/", None),
        ("/accounts/login/", {"login": email, "password": PASSWORD}),
        ("/profile/", None),
    ]
    for number, (path, form) in enumerate(steps):
        statuses[f"{number:02} {'POST' if form is not None else 'GET'} {path}"] = answer(
            browser, f"{base}{path}", form
        )
    return statuses


def failed(statuses: dict[str, int]) -> dict[str, int]:
    return {step: status for step, status in statuses.items() if status >= 500}


def outage_lines(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if line.startswith("cache ")]


def test_every_step_answers_while_redis_is_down(site):
    assert failed(journey(site.url, "before@example.com")) == {}
    stop_redis(site)
    during = journey(site.url, "during@example.com")
    assert failed(during) == {}
    assert during["13 POST /accounts/login/"] in {200, 302}, during  # Fail open: not 429.
    # One line for the whole outage, not one per request (a journey makes dozens of cache calls).
    assert len(outage_lines(site.log)) == 1, outage_lines(site.log)
    assert "Traceback" not in site.log.read_text()


def test_the_journey_recovers_once_redis_is_back_and_the_log_says_so(site):
    stop_redis(site)
    assert failed(journey(site.url, "during@example.com")) == {}
    restart_redis(site)
    assert failed(journey(site.url, "after@example.com")) == {}
    assert redis.Redis.from_url(site.redis_url).dbsize() > 0  # The cache is used again.
    start, back = outage_lines(site.log)
    assert start.startswith("cache unreachable (Redis ConnectionError: ")
    assert re.fullmatch(r"cache back after [\d.]+ s \(cache calls skipped meanwhile: \d+\)", back)
    assert "Traceback" not in site.log.read_text()


def test_every_step_answers_after_redis_is_flushed(site):
    assert failed(journey(site.url, "before@example.com")) == {}
    redis.Redis.from_url(site.redis_url).flushdb()
    assert failed(journey(site.url, "after@example.com")) == {}
    assert outage_lines(site.log) == []
