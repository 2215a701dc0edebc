from playwright.sync_api import Page, expect

from tests.browser.flows import log_in, sign_up


def test_sign_up_log_out_log_in_counts_two_logins(page: Page, screenshot):
    sign_up(page, "walker@example.com")
    expect(page).to_have_url("/profile/")
    expect(page.get_by_test_id("login-count")).to_have_text("1")
    screenshot("signed-up")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in", exact=True)).to_be_visible()

    log_in(page, "walker@example.com")
    expect(page).to_have_url("/profile/")
    expect(page.get_by_test_id("login-count")).to_have_text("2")
    screenshot("logged-in-again")


def test_failed_login_shows_a_message(page: Page):
    log_in(page, "nobody@example.com", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("not correct")


def test_bio_edit_swaps_in_place(page: Page, screenshot):
    sign_up(page, "writer@example.com")
    page.get_by_label("Bio").fill("<b>I write</b> about signals")
    page.get_by_role("button", name="Save bio").click()
    expect(page.locator("#bio-form").get_by_role("status")).to_have_text("Saved.")
    page.reload()
    expect(page.get_by_label("Bio")).to_have_value("<b>I write</b> about signals")
    screenshot("bio-saved")
