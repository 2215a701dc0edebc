"""The whole walkthrough as a new visitor does it, in Chromium, watching the live feed."""

from playwright.sync_api import Page, expect

from tests.browser.flows import (
    HEADER_AVATAR_LOADED,
    RECORD_PROGRESS,
    chain,
    choose_avatar,
    event,
    log_in,
    photo,
    sign_up,
)
from tests.helpers import PASSWORD

EMAIL = "newcomer@example.com"


def step(page: Page, slug: str):
    return page.locator(f'#walkthrough [data-step="{slug}"]')


def test_a_new_visitor_walks_through_every_step(page: Page, screenshot):
    page.goto("/")
    expect(page.get_by_test_id("walkthrough-done")).to_have_text("0 of 7 done")
    screenshot("01-start")

    sign_up(page, EMAIL)
    user_created = event(chain(page, "POST /accounts/signup/"), "post_save", "(newcomer@…) created")
    user_created.locator("summary").first.click()
    create_profile = user_created.locator("li.receiver").filter(has_text="create_profile").first
    expect(event(create_profile, "post_save", "of newcomer@… created")).to_be_visible()
    screenshot("02-signed-up")

    page.goto("/")
    expect(step(page, "sign-up")).to_have_class("step step-done")
    page.get_by_role("button", name="Log out").click()
    expect(
        event(chain(page, "POST /accounts/logout/"), "user_logged_out", "logged out")
    ).to_be_visible()
    expect(step(page, "log-out")).to_have_class("step step-done")
    screenshot("03-logged-out")

    log_in(page, EMAIL, "not-my-password")
    expect(event(page, "user_login_failed", "Login failed for newcomer@…")).to_be_visible()
    screenshot("04-failed-login")

    log_in(page, EMAIL)
    expect(page).to_have_url("/profile/")
    logged_in = event(chain(page, "POST /accounts/login/"), "user_logged_in", "newcomer@…")
    logged_in.locator("summary").first.click()
    expect(logged_in.locator("li.receiver").filter(has_text="record_login")).to_be_visible()
    expect(logged_in.locator("li.receiver").filter(has_text="update_last_login")).to_be_visible()
    expect(page.get_by_test_id("login-count")).to_have_text("2")
    screenshot("05-logged-in")

    page.evaluate(RECORD_PROGRESS)
    choose_avatar(page, "me.jpg", photo())
    page.get_by_role("button", name="Upload avatar").click()
    page.wait_for_function(HEADER_AVATAR_LOADED)
    assert max(page.evaluate("window.progressSeen")) == 100
    expect(event(chain(page, "POST /profile/avatar/"), "avatar_processed", "")).to_be_attached()
    screenshot("06-avatar")

    page.get_by_role("checkbox", name="Signals").check()
    interests = chain(page, "POST /profile/interests/")
    expect(event(interests, "m2m_changed", "post_add")).to_be_visible()
    screenshot("07-interests")

    page.get_by_role("link", name="Delete account…").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page).to_have_url("/")
    deleted = chain(page, "POST /profile/delete/")
    expect(event(deleted, "post_delete", "User")).to_be_visible()
    expect(event(deleted, "post_delete", "Profile")).to_be_visible()
    expect(page.get_by_test_id("walkthrough-done")).to_have_text("7 of 7 done")
    screenshot("08-all-done")


def test_key_pages_fit_a_phone(page: Page, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in [
        ("/", "home"),
        ("/playground/", "playground"),
        ("/accounts/signup/", "signup"),
    ]:
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a phone"
        screenshot(f"phone-{name}")
