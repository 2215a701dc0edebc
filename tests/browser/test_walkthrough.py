"""The walkthrough as a visitor does it, in Chromium, at a laptop's width and a phone's."""

import re

from playwright.sync_api import Page, expect

from tests import images
from tests.browser.flows import chain, choose_avatar, event, log_in, open_feed, sign_up
from tests.helpers import PASSWORD


def step(page: Page, name: str):
    """A step of the list by its accessible name: its title, then "(done)" or "(to do)"."""
    return page.get_by_role("listitem", name=name, exact=True)


def done(page: Page):
    return page.get_by_test_id("walkthrough-done")


def delete_account(page: Page) -> None:
    page.goto("/profile/delete/")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page).to_have_url("/")


def test_signing_up_logging_out_and_in_ticks_three_steps(sized_page: Page, email: str, screenshot):
    page = sized_page
    sign_up(page, email)
    page.get_by_role("button", name="Log out").click()
    log_in(page, email)
    expect(page).to_have_url("/profile/")
    page.goto("/")
    expect(done(page)).to_have_text("3 of 7 done")
    for title in ["Sign up", "Log out", "Log in"]:
        expect(step(page, f"{title} (done)")).to_be_visible()
    expect(step(page, "Fail a login on purpose (to do)")).to_be_visible()
    screenshot("three-steps")


def test_clicking_a_step_highlights_the_row_that_ticked_it(
    sized_page: Page, email: str, screenshot
):
    page = sized_page
    sign_up(page, email)
    page.goto("/")
    open_feed(page)
    step(page, "Sign up (done)").get_by_role("link", name="Show the signals that ticked it").click()
    user_created = event(chain(page, "POST /accounts/signup/"), "post_save", "created")
    expect(user_created).to_have_attribute("aria-current", "true")
    expect(user_created).to_be_focused()
    signed_up = event(chain(page, "POST /accounts/signup/"), "user_signed_up", "signed up")
    expect(signed_up).to_have_attribute("aria-current", "true")
    screenshot("highlighted")


def test_deleting_the_account_completes_the_walkthrough(sized_page: Page, email: str, screenshot):
    page = sized_page
    page.goto("/")
    expect(done(page)).to_have_text("0 of 7 done")
    screenshot("01-start")
    sign_up(page, email)
    choose_avatar(page, "me.jpg", images.jpeg())
    page.get_by_role("button", name="Upload avatar").click()
    expect(page.locator("#avatar-form").get_by_role("status")).to_have_text("Avatar updated.")
    page.get_by_role("checkbox", name="Signals").check()
    expect(page.locator("#interests-form").get_by_role("status")).to_have_text("Interests saved.")
    page.get_by_role("button", name="Log out").click()
    log_in(page, email, "not-my-password")
    log_in(page, email)
    expect(page).to_have_url("/profile/")
    delete_account(page)
    expect(done(page)).to_have_text("7 of 7 done")
    walkthrough = page.get_by_role("region", name=re.compile(r"^Walkthrough"))
    expect(walkthrough.get_by_role("status")).to_contain_text("every signal on the list")
    screenshot("02-all-done")


def test_the_next_person_in_the_browser_starts_afresh(sized_page: Page, email: str):
    page = sized_page
    sign_up(page, email)
    delete_account(page)
    sign_up(page, f"next-{email}")
    page.goto("/")
    expect(done(page)).to_have_text("1 of 7 done")
