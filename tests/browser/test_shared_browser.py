"""One Chromium context, two people one after the other, as at a workshop's shared laptop."""

from playwright.sync_api import Page, expect

from tests.browser.flows import chain, event, log_in, requests, sign_up


def test_logging_out_leaves_a_fresh_feed_and_logging_back_in_brings_yours(page: Page, screenshot):
    sign_up(page, "back@example.com")
    expect(chain(page, "POST /accounts/signup/")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in", exact=True)).to_be_visible()
    expect(requests(page)).not_to_contain_text("back@")
    screenshot("first-logged-out")

    log_in(page, "back@example.com")
    logout = chain(page, "POST /accounts/logout/")
    expect(event(logout, "user_logged_out", "back@… logged out")).to_be_visible()


def test_the_next_person_starts_with_a_fresh_feed_and_walkthrough(page: Page, screenshot):
    sign_up(page, "first@example.com")
    page.get_by_role("button", name="Log out").click()
    expect(requests(page)).not_to_contain_text("first@")

    sign_up(page, "second@example.com")
    signup = chain(page, "POST /accounts/signup/")
    expect(event(signup, "post_save", "(second@…) created")).to_be_visible()
    expect(requests(page)).not_to_contain_text("first@")
    page.goto("/")
    expect(page.get_by_test_id("walkthrough-done")).to_have_text("1 of 7 done")
    expect(requests(page)).not_to_contain_text("logged out")
    screenshot("second-signed-up")
