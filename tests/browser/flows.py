"""What a visitor does in the browser, step by step, for the browser tests to share."""

import os

from PIL import Image
from playwright.sync_api import Locator, Page, expect

from tests import images
from tests.helpers import PASSWORD

HEADER_AVATAR_LOADED = """() => {
  const avatar = document.getElementById("header-avatar");
  return avatar.complete && avatar.naturalWidth === 256 && avatar.src.endsWith(".webp");
}"""
RECORD_PROGRESS = """() => {
  window.progressSeen = [];
  document.body.addEventListener("htmx:xhr:progress", () => {
    window.progressSeen.push(document.querySelector("#avatar-form progress").value);
  });
}"""


def sign_up(page: Page, email: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url("/")  # The walkthrough, its first step ticked.
    page.goto("/profile/")  # The tests go on from the profile page's forms.


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def photo() -> bytes:
    """A 3 MB camera-sized JPEG, red above blue under some grain: big enough to show progress."""
    grain = Image.frombytes("RGB", (1500, 1125), os.urandom(1500 * 1125 * 3)).resize((3000, 2250))
    picture = Image.blend(images.halves(3000).resize((3000, 2250)), grain, 0.3)
    return images.encode(picture, "JPEG", quality=90)


def choose_avatar(page: Page, name: str, data: bytes) -> None:
    files = {"name": name, "mimeType": "image/jpeg", "buffer": data}
    page.get_by_label("Choose an image").set_input_files(files)


def requests(page: Page) -> Locator:
    """The feed's list of requests, newest first."""
    return page.get_by_role("list", name="Requests", exact=True)


def chain(page: Page, origin: str) -> Locator:
    """The feed's entry for one request: the item holding the link named by its method and path."""
    return (
        requests(page)
        .get_by_role("listitem")
        .filter(has=page.get_by_role("link", name=origin, exact=True))
    )


def event(scope: Page | Locator, signal: str, summary: str = "") -> Locator:
    """The first event of this signal whose text contains `summary`, within a scope.

    Found by the signal it records (its data-signal): the rows carry no name of their own.
    """
    return scope.locator(f'[data-signal="{signal}"]').filter(has_text=summary).first


def row(event: Locator) -> Locator:
    """An event's own collapsed row, its first paragraph: signal, sender, receivers, times."""
    return event.get_by_role("paragraph").first


def feed(page: Page) -> Locator:
    """The live feed beside the page: the complementary region named by its heading."""
    return page.get_by_role("complementary", name="Live signals")


def feed_panel(page: Page) -> Locator:
    """The feed's foldable panel (a group: its details element), open or folded."""
    return feed(page).get_by_role("group").first


def feed_status(page: Page) -> Locator:
    """What the feed says of its connection: connecting…, live, polling or off."""
    return feed(page).get_by_role("status")


def toggle_feed(page: Page) -> None:
    """Fold or unfold the feed as a visitor does: by its heading."""
    feed(page).get_by_role("heading", name="Live signals").click()


def open_feed(page: Page) -> None:
    """Unfold the feed panel where it starts folded (phones)."""
    # The page folds the panel on phones as it is parsed (templates/_base.html): read it after.
    page.wait_for_load_state("domcontentloaded")
    if feed_panel(page).get_attribute("open") is None:
        toggle_feed(page)


def show_details(scope: Locator) -> None:
    """Show a chain's details: arguments, receivers' files and their source toggles."""
    scope.get_by_role("button", name="Details").click()


def overflow(page: Page) -> int:
    """How many pixels wider than the window the page is (0 or less: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
