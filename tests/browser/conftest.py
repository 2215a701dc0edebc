"""Browser tests: Debian's Chromium, driven by Playwright, against a real uvicorn process."""

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from devtools.servers import ROOT, migrate, start_uvicorn, stop

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# The widths every check of the teaching pages runs at: a laptop, and a phone 390 px wide.
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
SCREENSHOTS = ROOT / "var" / "screenshots"
# Chromium's background services would try to reach hosts this machine cannot see.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def server_env(server_database, tmp_path_factory) -> dict[str, str]:
    """Environment of a fresh site: its own database (SQLite file by default) and media folder."""
    state = tmp_path_factory.mktemp("site")
    env = {**os.environ, "DJANGO_VAR_DIR": str(state), "DJANGO_MEDIA_ROOT": str(state / "media")}
    # Every test's visitor signs up or logs in from 127.0.0.1, as a workshop behind one address
    # does: allauth's 20 signups a minute per address would fail a fast run (docs/deploy.md).
    env |= {"DJANGO_RATE_LIMIT_SIGNUP": "600/m/ip", "DJANGO_RATE_LIMIT_LOGIN": "600/m/ip"}
    env |= server_database
    env.pop("DJANGO_SETTINGS_MODULE", None)
    migrate(env)
    return env


@pytest.fixture(scope="session")
def live_url(server_env, tmp_path_factory) -> Iterator[str]:
    """The URL of the site served by uvicorn over ASGI, as `make run` serves it."""
    url, _, server = start_uvicorn(server_env, tmp_path_factory.mktemp("logs") / "uvicorn.log")
    try:
        yield url
    finally:
        stop(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_url, request) -> Iterator[Page]:
    """A fresh visitor's tab; the test fails if the browser console shows an error."""
    context = browser.new_context(base_url=live_url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    console_errors: list[str] = []
    tab.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    tab.on("pageerror", lambda error: console_errors.append(str(error)))
    yield tab
    context.close()
    assert console_errors == [], f"browser console errors in {request.node.name}"


@pytest.fixture
def screenshot(page, request):
    """Save a named screenshot under var/screenshots/ for a person to look at."""

    def take(name: str, full_page: bool = True) -> None:
        """The whole page, or (full_page=False) the screen as the visitor sees it now."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=path, full_page=full_page)

    return take


@pytest.fixture(params=list(WIDTHS))
def width(request) -> str:
    """ "desktop", then "phone": tests that take it run at both widths."""
    return request.param


@pytest.fixture
def sized_page(page, width) -> Page:
    """The visitor's tab at each width in turn: the test runs on a laptop and on a phone."""
    page.set_viewport_size(WIDTHS[width])
    return page


@pytest.fixture
def email(width, request) -> str:
    """An address no other test signs up with (the server lives for the whole session)."""
    return f"{request.node.originalname.removeprefix('test_')[:30]}-{width}@example.com"
