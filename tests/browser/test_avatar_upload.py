import os
import re

from PIL import Image
from playwright.sync_api import Page, expect

from profiles import avatars
from tests import images

PASSWORD = "correct-horse-battery-staple"
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
    expect(page).to_have_url("/profile/")


def photo() -> bytes:
    """A 3 MB camera-sized JPEG, red above blue under some grain: big enough to show progress."""
    grain = Image.frombytes("RGB", (1500, 1125), os.urandom(1500 * 1125 * 3)).resize((3000, 2250))
    picture = Image.blend(images.halves(3000).resize((3000, 2250)), grain, 0.3)
    return images.encode(picture, "JPEG", quality=90)


def choose(page: Page, name: str, data: bytes) -> None:
    files = {"name": name, "mimeType": "image/jpeg", "buffer": data}
    page.get_by_label("Choose an image").set_input_files(files)


def test_upload_shows_progress_then_the_new_avatar_in_the_header(page: Page, screenshot):
    sign_up(page, "painter@example.com")
    expect(page.locator("#avatar-form progress")).to_be_attached()
    page.evaluate(RECORD_PROGRESS)
    choose(page, "holiday.jpg", photo())
    page.get_by_role("button", name="Upload avatar").click()
    expect(page.locator("#avatar-form").get_by_role("status")).to_have_text("Avatar updated.")
    page.wait_for_function(HEADER_AVATAR_LOADED)
    assert max(page.evaluate("window.progressSeen")) == 100
    expect(page.get_by_test_id("profile-avatar")).to_have_attribute("src", re.compile(r".*\.webp$"))
    expect(page.locator("#avatar-form progress")).to_have_css("opacity", "0")
    screenshot("avatar-uploaded")


def test_refused_upload_shows_the_reason_and_keeps_the_placeholder(page: Page, screenshot):
    sign_up(page, "prankster@example.com")
    choose(page, "notes.jpg", b"just some text\n")
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
        choose(page, "holiday.jpg", images.jpeg())
        page.get_by_role("button", name="Upload avatar").click()
        expect(page.locator("[data-upload-error]")).to_have_text(
            "This file is too large to upload."
        )
    finally:
        context.close()
