"""What the feed teaches at a glance, at a laptop's width and a phone's, by mouse and keyboard."""

from playwright.sync_api import Page, expect

from tests import images
from tests.browser.flows import (
    chain,
    choose_avatar,
    event,
    open_feed,
    overflow,
    requests,
    row,
    show_details,
    sign_up,
)

# The elements inside a node that Tab stops at, as tag names, in order.
TAB_STOPS = """(node) => [...node.querySelectorAll("a, button, summary, input, [tabindex]")]
  .filter((e) => e.tabIndex >= 0 && e.getClientRects().length > 0)
  .map((e) => e.tagName.toLowerCase())"""
PLAYGROUND_BUTTONS = ["save()", "QuerySet.update()", "A receiver raises under send()"]


def test_signup_names_create_profile_in_the_collapsed_row(sized_page: Page, email: str, screenshot):
    page = sized_page
    sign_up(page, email)
    open_feed(page)
    user_created = event(chain(page, "POST /accounts/signup/"), "post_save", "created")
    expect(row(user_created)).to_contain_text("post_save · auth.User → create_profile")
    expect(event(user_created, "post_save", "Profile #")).to_be_visible()
    screenshot("signup-row")


def test_the_internals_switch_hides_and_shows_djangos_plumbing(sized_page: Page, screenshot):
    page = sized_page
    page.goto("/")
    page.goto("/playground/")
    open_feed(page)
    # Folded: left out of the page's rows, hidden in those the stream brings.
    expect(event(requests(page), "request_started")).to_be_hidden()
    page.get_by_role("switch", name="Show Django's internals").click()
    expect(page.get_by_role("switch")).to_have_attribute("aria-checked", "true")
    expect(event(requests(page), "request_started")).to_be_visible()
    screenshot("internals-shown")
    page.reload()
    open_feed(page)
    expect(event(requests(page), "request_started")).to_be_visible()
    page.get_by_role("switch", name="Show Django's internals").click()
    expect(event(requests(page), "request_started")).to_be_hidden()


def test_no_page_scrolls_sideways(sized_page: Page, email: str, screenshot):
    page = sized_page
    page.goto("/accounts/signup/")
    assert overflow(page) <= 0, f"the signup page is {overflow(page)}px wider than the window"
    screenshot("signup")
    sign_up(page, email)
    pages = [
        ("/", "home"),
        ("/playground/", "playground"),
        ("/feed/", "history"),
        ("/profile/delete/", "delete-account"),
    ]
    for path, name in pages:
        page.goto(path)
        assert overflow(page) <= 0, f"{path} is {overflow(page)}px wider than the window"
        screenshot(name)
    page.goto("/profile/")
    signup = chain(page, "POST /accounts/signup/")
    open_feed(page)
    show_details(signup)
    signup.get_by_role("button", name="source").first.click()
    expect(signup.get_by_role("figure").first).to_be_visible()
    assert overflow(page) <= 0, "the feed's details and source are wider than the window"
    screenshot("profile-feed-details")
    signup.get_by_role("link", name="POST /accounts/signup/").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("POST /accounts/signup/")
    assert overflow(page) <= 0, "the waterfall is wider than the window"
    screenshot("waterfall")
    page.goto("/feed/receivers/")
    page.get_by_role("button", name="profiles/receivers.py").first.click()
    expect(page.get_by_role("figure").first).to_be_visible()
    assert overflow(page) <= 0, "the receivers map is wider than the window"
    screenshot("receivers-map")


def test_source_is_a_toggle_showing_one_copy(sized_page: Page):
    page = sized_page
    page.goto("/feed/receivers/")
    toggle = page.get_by_role("button", name="profiles/receivers.py").first
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(page.get_by_role("figure")).to_have_count(1)
    expect(page.get_by_role("figure")).to_be_visible()


def test_focus_stays_on_the_profile_control_that_ran(sized_page: Page, email: str):
    page = sized_page
    sign_up(page, email)
    page.get_by_label("Bio").fill("keyboard only")
    page.get_by_role("button", name="Save bio").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#bio-form").get_by_role("status")).to_have_text("Saved.")
    expect(page.locator("#bio-save")).to_be_focused()
    choose_avatar(page, "me.jpg", images.jpeg())
    page.get_by_role("button", name="Upload avatar").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#avatar-form").get_by_role("status")).to_have_text("Avatar updated.")
    expect(page.locator("#avatar-upload")).to_be_focused()
    topic = page.get_by_role("checkbox", name="Signals")
    topic.focus()
    page.keyboard.press("Space")
    expect(page.locator("#interests-form").get_by_role("status")).to_have_text("Interests saved.")
    expect(page.get_by_role("checkbox", name="Signals")).to_be_focused()


def test_focus_lands_on_each_playground_result(sized_page: Page):
    page = sized_page
    page.goto("/playground/")
    for name in PLAYGROUND_BUTTONS:
        page.get_by_role("button", name=name, exact=True).focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=2, name=name)).to_be_visible()
        expect(page.locator("#playground-result")).to_be_focused()


def test_focus_returns_to_the_internals_switch(sized_page: Page):
    page = sized_page
    page.goto("/")
    open_feed(page)
    page.get_by_role("switch", name="Show Django's internals").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("switch")).to_have_attribute("aria-checked", "true")
    expect(page.get_by_role("switch", name="Show Django's internals")).to_be_focused()


def test_a_skip_link_leads_to_the_feed(sized_page: Page):
    page = sized_page
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to live signals")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#feed")).to_be_focused()


def test_a_chain_is_two_tab_stops_not_one_per_row(sized_page: Page, email: str):
    page = sized_page
    sign_up(page, email)
    open_feed(page)
    signup = chain(page, "POST /accounts/signup/")
    expect(event(signup, "user_signed_up")).to_be_visible()
    assert signup.evaluate(TAB_STOPS) == ["a", "button"]
