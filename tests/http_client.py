"""Just enough of a browser over plain HTTP, for tests that talk to real uvicorn processes."""

import http.client
import re
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from tests.helpers import PASSWORD


class Browser:
    """Just enough of a browser: cookies kept across requests to any worker."""

    def __init__(self, host: str | None = None) -> None:
        """`host`: the Host header sent to every worker, as a proxy in front of them would."""
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.headers = {"Host": host} if host else {}

    def open(self, url: str, data: bytes | None = None) -> http.client.HTTPResponse:
        request = urllib.request.Request(url, data=data, headers=self.headers)
        return self.opener.open(request, timeout=10)

    def get(self, url: str) -> str:
        return self.open(url).read().decode()

    def post_form(self, base: str, path: str, form: dict[str, str]) -> str:
        """Fill in the form at `path` as a person would (CSRF token included); the URL landed on."""
        self.get(f"{base}{path}")
        token = next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")
        data = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": token}).encode()
        return self.open(f"{base}{path}", data).geturl()

    def sign_up(self, base: str, email: str) -> None:
        form = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        self.post_form(base, "/accounts/signup/", form)

    def log_in(self, base: str, email: str, password: str = PASSWORD) -> str:
        """Log in; the path landed on: /profile/ when it worked."""
        landed = self.post_form(base, "/accounts/login/", {"login": email, "password": password})
        return urllib.parse.urlparse(landed).path

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


def streamed(text: str, needle: str) -> bool:
    """Whether the message holding `needle` has arrived whole."""
    return needle in text and "\n\n" in text[text.index(needle) :]


def read_until(response: http.client.HTTPResponse, needle: str, seconds: float = 8) -> str:
    """Read the stream until the message holding `needle` is complete."""
    text, deadline = "", time.monotonic() + seconds
    while not streamed(text, needle):
        assert time.monotonic() < deadline, f"{needle!r} not streamed in {seconds} s:\n{text}"
        text += response.read1(65536).decode()
    return text


def watch_feed(browser: Browser, pages: str, streams: str) -> tuple[http.client.HTTPResponse, int]:
    """Visit `pages`, open the feed's stream on `streams`, and see one chain arrive there.

    The open stream, and the id of that chain: where a resumed stream should carry on.
    """
    browser.get(f"{pages}/")
    stream = browser.stream(streams)
    read_until(stream, "retry:")
    browser.get(f"{pages}/accounts/login/")
    return stream, event_ids(read_until(stream, "GET /accounts/login/"))[-1]


def follow(
    browser: Browser,
    base: str,
    stream: http.client.HTTPResponse,
    last_id: int,
    needles: list[str],
    seconds: float = 20,
) -> str:
    """Read on until every needle's message arrived; when the stream ends, reconnect with
    Last-Event-ID as EventSource does. Everything streamed, reconnections included."""
    text, deadline = "", time.monotonic() + seconds
    while not all(streamed(text, needle) for needle in needles):
        assert time.monotonic() < deadline, f"{needles} not streamed in {seconds} s:\n{text}"
        try:
            chunk = stream.read1(65536).decode()
        except (ConnectionError, http.client.HTTPException):
            chunk = ""
        if not chunk:
            stream.close()
            stream = browser.stream(base, last_event_id=(last_id, *event_ids(text))[-1])
        text += chunk
    stream.close()
    return text


def event_ids(text: str) -> list[int]:
    return [int(found) for found in re.findall(r"^id: (\d+)$", text, re.MULTILINE)]
