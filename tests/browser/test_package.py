"""The wheel a Django developer installs: built from this repository, installed into a fresh
virtual environment with Django only (and django-debug-toolbar for its panel), added to a new
`django-admin startproject` as docs/install.md says, served by uvicorn, seen in Chromium."""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from devtools.servers import ROOT, free_port, stop, wait_for_port

PASSWORD = "a-long-test-password"
# docs/install.md's three lines, and its panel setting.
INSTALL = """
INSTALLED_APPS += ["signal_lens"]
MIDDLEWARE += ["signal_lens.middleware.FeedMiddleware"]
"""
URLS = """
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include
urlpatterns += [path("signals/", include("signal_lens.urls")), *staticfiles_urlpatterns()]
"""
# A strict Content Security Policy with nonces, as Django 6 offers it: the feed's pages must
# work under it with no console error (a refused script or style is one).
CSP = """
from django.utils.csp import CSP

MIDDLEWARE += ["django.middleware.csp.ContentSecurityPolicyMiddleware"]
TEMPLATES[0]["OPTIONS"]["context_processors"] += ["django.template.context_processors.csp"]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
}
"""
TOOLBAR = """
from debug_toolbar.settings import PANELS_DEFAULTS

INSTALLED_APPS += ["debug_toolbar"]
MIDDLEWARE.insert(0, "debug_toolbar.middleware.DebugToolbarMiddleware")
INTERNAL_IPS = ["127.0.0.1"]
DEBUG_TOOLBAR_PANELS = [
    "signal_lens.pages.toolbar.SignalsLivePanel"
    if panel == "debug_toolbar.panels.signals.SignalsPanel"
    else panel
    for panel in PANELS_DEFAULTS
]
"""
TOOLBAR_URLS = """
from debug_toolbar.toolbar import debug_toolbar_urls
urlpatterns += debug_toolbar_urls()
"""


def clean_env() -> dict[str, str]:
    """This test run's environment less what points at Signal Lab's own settings and code."""
    env = {**os.environ, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
    for name in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH"):
        env.pop(name, None)
    return env


def run(*command: str | Path, cwd: Path) -> str:
    result = subprocess.run(command, cwd=cwd, env=clean_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def host(tmp_path_factory) -> Path:
    """A new project in a fresh venv holding the wheel, Django and nothing else of ours."""
    work = tmp_path_factory.mktemp("package")
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", work / "dist", cwd=ROOT)
    (wheel,) = (work / "dist").glob("django_signal_lens-*.whl")
    run(sys.executable, "-m", "venv", work / "venv", cwd=work)
    pip = [
        work / "venv/bin/python",
        "-m",
        "pip",
        "install",
        "-q",
        "-c",
        ROOT / "requirements-test.lock",
    ]
    run(*pip, wheel, "uvicorn", cwd=work)
    run(work / "venv/bin/django-admin", "startproject", "hostsite", work, cwd=work)
    return work


def manage(host: Path, *args: str) -> str:
    return run(host / "venv/bin/python", "manage.py", *args, cwd=host)


def add(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


@pytest.fixture(scope="module")
def installed(host) -> Path:
    """The package added as docs/install.md says; `check` passes and `migrate` runs."""
    add(host / "hostsite/settings.py", INSTALL)
    add(host / "hostsite/urls.py", URLS)
    assert "no issues" in manage(host, "check", "--fail-level", "WARNING")
    manage(host, "migrate", "-v0")
    return host


@pytest.fixture(scope="module")
def with_toolbar(installed) -> Path:
    pip = [installed / "venv/bin/python", "-m", "pip", "install", "-q"]
    run(*pip, "-c", ROOT / "requirements-test.lock", "django-debug-toolbar", cwd=installed)
    add(installed / "hostsite/settings.py", TOOLBAR)
    add(installed / "hostsite/urls.py", TOOLBAR_URLS)
    assert "no issues" in manage(installed, "check", "--fail-level", "WARNING")
    manage(installed, "createsuperuser", "--noinput", "--username", "ada", "--email", "a@b.org")
    return installed


@pytest.fixture(scope="module")
def served(with_toolbar) -> Iterator[str]:
    port = free_port()
    log = with_toolbar / "uvicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [with_toolbar / "venv/bin/python", "-m", "uvicorn", "hostsite.asgi:application",
             "--port", str(port), "--timeout-graceful-shutdown", "1"],
            cwd=with_toolbar, env=clean_env(), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for_port(port, server, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)


@pytest.fixture(scope="module")
def strict(installed) -> Path:
    add(installed / "hostsite/settings.py", CSP)
    return installed


def console_errors(page: Page) -> list[str]:
    """The page's console errors and uncaught exceptions, as they come (a refused script or
    style under the host's CSP is one)."""
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A new project has no favicon: the browser's own request for one is no fault of the feed.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    return errors


def test_the_feeds_pages_work_under_the_hosts_csp(browser, strict, served):
    context = browser.new_context(base_url=served)
    page = context.new_page()
    errors = console_errors(page)
    page.goto("/signals/receivers/")
    expect(page.get_by_role("heading", name="Signals and their receivers")).to_be_visible()
    page.goto("/signals/")
    expect(page.get_by_role("heading", name="Your requests and their signals")).to_be_visible()
    # htmx and its SSE extension come in the wheel (hatch_build.py takes them from django-htmx).
    assert page.evaluate("() => typeof htmx") == "object"
    context.close()
    assert errors == []


def test_a_login_shows_in_the_feed_and_in_the_toolbar_panel(browser, served):
    context = browser.new_context(base_url=served)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = console_errors(page)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    # The login answered with a redirect: the toolbar's History panel switches back to it, once
    # the panel's script (loaded after the panel) has bound its Switch buttons.
    with page.expect_response("**/debug_toolbar/js/history.js"):
        page.get_by_role("link", name="History").click()
    login = page.get_by_role("row").filter(has_text="/admin/login/").filter(has_text="POST")
    signals = page.get_by_role("link", name="Signals, live")
    counts_of_this_page = signals.inner_text()
    login.get_by_role("button", name="Switch").click()
    # The switch redraws the toolbar's buttons with the login's counts; the panel follows them.
    expect(signals).not_to_have_text(counts_of_this_page)
    signals.click()
    panel = page.locator("#SignalsLivePanel")
    expect(panel.get_by_text("user_logged_in")).to_be_visible()
    # Django's own receiver, timed, with the one UPDATE it runs counted.
    expect(panel.get_by_text(re.compile(r"update_last_login: [0-9.]+ ms, 1 query"))).to_be_visible()
    panel.get_by_role("link", name="This request's full waterfall").click()
    waterfall = page.get_by_role("list", name="Signals and receivers on one time scale")
    expect(waterfall.get_by_text("user_logged_in").first).to_be_visible()
    expect(page.get_by_role("heading", name="POST /admin/login/")).to_be_visible()
    page.goto("/signals/")
    expect(page.get_by_text("user_logged_in").first).to_be_visible()
    context.close()
    assert errors == []
