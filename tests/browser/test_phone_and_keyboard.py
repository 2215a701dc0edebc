"""The lesson on a phone (390 by 844) and by keyboard alone: the action and its signals share the
screen, non-signals look like non-signals, and Tab goes where the learner goes next."""

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import WIDTHS
from tests.browser.flows import (
    chain,
    event,
    feed_panel,
    feed_status,
    log_in,
    open_feed,
    requests,
    row,
    sign_up,
)
from tests.helpers import PASSWORD

# Whether the whole of an element lies above the top edge of the feed's sheet.
ABOVE_SHEET = """(element) => {
  const sheet = document.querySelector("#feed").getBoundingClientRect();
  const box = element.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= Math.min(sheet.top, window.innerHeight);
}"""


def phone(page: Page) -> Page:
    page.set_viewport_size(WIDTHS["phone"])
    return page


def desktop(page: Page) -> Page:
    page.set_viewport_size(WIDTHS["desktop"])
    return page


def above_sheet(element: Locator) -> bool:
    return element.evaluate(ABOVE_SHEET)


def test_a_folded_feed_names_the_receivers_of_a_bio_save(page: Page, screenshot):
    page = phone(page)
    sign_up(page, "phone-bio@example.com")
    expect(feed_panel(page)).not_to_have_attribute("open", "")
    expect(feed_status(page)).to_have_text("live")
    # The signup's chain is noticed first; it names resize_avatar too, so the bio save's notice
    # is told apart by its exact text: its pre_save and post_save, and resize_avatar alone.
    expect(page.get_by_text(re.compile(r"^\d+ signals · create_profile, "))).to_be_visible()
    page.get_by_label("Bio").fill("on my phone")
    page.get_by_role("button", name="Save bio").click()
    notice = page.get_by_text("2 signals · resize_avatar", exact=True)
    expect(notice).to_be_visible()
    screenshot("notice", full_page=False)
    notice.click()
    expect(feed_panel(page)).to_have_attribute("open", "")
    expect(notice).to_be_hidden()
    screenshot("sheet-open", full_page=False)


def test_the_open_feed_leaves_the_failed_login_error_in_view(page: Page, screenshot):
    page = phone(page)
    log_in(page, "nobody@example.com", "not-the-password")
    error = page.get_by_role("alert").filter(has_text="not correct")
    open_feed(page)
    expect(requests(page)).to_be_visible()
    expect(error).to_be_in_viewport(ratio=1)
    assert above_sheet(error), "the open feed covers the failed login's error"
    screenshot("failed-login", full_page=False)


def test_a_tapped_chain_shows_its_timeline_first(page: Page, screenshot):
    page = phone(page)
    sign_up(page, "phone-chain@example.com")
    open_feed(page)
    chain(page, "POST /accounts/signup/").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("POST /accounts/signup/")
    timeline = page.get_by_role("list", name="Signals and receivers on one time scale")
    first_row = timeline.get_by_role("listitem").first
    expect(first_row).to_be_in_viewport(ratio=1)
    assert above_sheet(first_row), "the timeline starts under the feed"
    screenshot("timeline", full_page=False)


def test_after_signup_the_walkthrough_shows_its_tick(page: Page, screenshot):
    page = phone(page)
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("phone-tick@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url("/")
    expect(page.get_by_test_id("walkthrough-done")).to_have_text("1 of 7 done")
    screenshot("walkthrough", full_page=False)


def test_one_tab_from_a_playground_result_reaches_the_next_button(sized_page: Page):
    page = sized_page
    page.goto("/playground/")
    buttons = page.get_by_role("list", name="Operations").get_by_role("button")
    for index in (0, 2):
        buttons.nth(index).focus()
        page.keyboard.press("Enter")
        expect(page.locator("#playground-result")).to_be_focused()
        page.keyboard.press("Tab")
        expect(buttons.nth(index + 1)).to_be_focused()
        page.keyboard.press("Shift+Tab")
        expect(page.locator("#playground-result")).not_to_be_focused()


def test_a_skip_row_has_no_signal_badge(page: Page, screenshot):
    page = desktop(page)
    page.goto("/playground/")
    page.get_by_role("button", name="save()", exact=True).click()
    page.get_by_role("button", name="QuerySet.update()").click()
    saved = chain(page, "POST /playground/save/ · save()")
    sent = event(saved, "post_save")
    expect(row(sent).locator("svg")).to_have_count(1)  # A send's badge: its family's icon.
    updated = chain(page, "POST /playground/queryset-update/ · QuerySet.update()")
    skip = event(updated, "update()", "no signal sent: 1 receiver skipped")
    expect(skip).to_contain_text("update() on playground.SandboxNote")
    expect(skip.locator("svg")).to_have_count(0)
    expect(skip).not_to_contain_text("post_save ·")
    screenshot("skip-row")


def test_opening_details_keeps_its_button_in_view(sized_page: Page, email: str, screenshot):
    page = sized_page
    sign_up(page, email)
    open_feed(page)
    details = chain(page, "POST /accounts/signup/").get_by_role("button", name="Details")
    details.focus()
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("aria-expanded", "true")
    expect(details).to_be_focused()
    expect(details).to_be_in_viewport(ratio=1)
    screenshot("details-open", full_page=False)


def test_the_timeline_names_the_module_of_each_user_logged_in(page: Page):
    page = desktop(page)
    sign_up(page, "modules@example.com")
    chain(page, "POST /accounts/signup/").get_by_role("link").click()
    timeline = page.get_by_role("list", name="Signals and receivers on one time scale")
    logged_in = timeline.get_by_role("listitem").filter(has_text=re.compile(r"^\s*user_logged_in"))
    expect(logged_in.filter(has_text="django.contrib.auth")).to_have_count(1)
    expect(logged_in.filter(has_text="allauth.account")).to_have_count(1)


def test_the_statistics_read_at_a_phones_width(page: Page, screenshot):
    page = phone(page)
    sign_up(page, "phone-stats@example.com")
    page.goto("/feed/receivers/")
    stats = page.locator("#receiver-stats")
    created = stats.get_by_role("row").filter(has_text="create_profile")
    # Each figure a learner needs is named and within the screen's width, none cut off.
    for label in ("Calls", "p50", "p95", "Queries per call"):
        box = created.get_by_role("cell", name=re.compile(f"^{label} ")).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTHS["phone"]["width"], label
    screenshot("stats")
