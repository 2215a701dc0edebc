import re

from playwright.sync_api import Page, expect

from profiles import avatars
from tests import images
from tests.browser.flows import (
    HEADER_AVATAR_LOADED,
    RECORD_PROGRESS,
    choose_avatar,
    photo,
    sign_up,
)


def test_upload_shows_progress_then_the_new_avatar_in_the_header(page: Page, screenshot):
    sign_up(page, "painter@example.com")
    expect(page.locator("#avatar-form progress")).to_be_attached()
    page.evaluate(RECORD_PROGRESS)
    choose_avatar(page, "holiday.jpg", photo())
    page.get_by_role("button", name="Upload avatar").click()
    expect(page.locator("#avatar-form").get_by_role("status")).to_have_text("Avatar updated.")
    page.wait_for_function(HEADER_AVATAR_LOADED)
    assert max(page.evaluate("window.progressSeen")) == 100
    expect(page.get_by_test_id("profile-avatar")).to_have_attribute("src", re.compile(r".*\.webp$"))
    expect(page.locator("#avatar-form progress")).to_have_css("opacity", "0")
    screenshot("avatar-uploaded")


def test_refused_upload_shows_the_reason_and_keeps_the_placeholder(page: Page, screenshot):
    sign_up(page, "prankster@example.com")
    choose_avatar(page, "notes.jpg", b"just some text\n")
    page.get_by_role("button", name="Upload avatar").click()
    expect(page.locator("#avatar-form").get_by_role("alert")).to_contain_text("not an image")
    expect(page.locator("#header-avatar")).to_have_attribute(
        "src", re.compile(r".*placeholder\.svg$")
    )
    screenshot("avatar-refused")


def test_oversize_upload_over_http_gets_a_form_error(page: Page):
    sign_up(page, "hoarder@example.com")
    token = page.locator("#avatar-form [name=csrfmiddlewaretoken]").input_value()
    huge = {"name": "huge.jpg", "mimeType": "image/jpeg", "buffer": bytes(avatars.MAX_BYTES + 1)}
    response = page.request.post(
        "/profile/avatar/",
        multipart={"avatar": huge, "csrfmiddlewaretoken": token},
        headers={"HX-Request": "true"},
    )
    assert response.status == 200
    assert "This file is over 10 MB" in response.text()


def test_a_request_refused_in_front_of_the_app_shows_a_message(browser, live_url):
    # Its own tab, not the `page` fixture: Chromium logs the 413 as a console error, as it should.
    context = browser.new_context(base_url=live_url)
    try:
        page = context.new_page()
        sign_up(page, "proxied@example.com")
        page.route("**/profile/avatar/", lambda route: route.fulfill(status=413, body="Too large"))
        choose_avatar(page, "holiday.jpg", images.jpeg())
        page.get_by_role("button", name="Upload avatar").click()
        expect(page.get_by_role("alert")).to_have_text("This file is too large to upload.")
    finally:
        context.close()
