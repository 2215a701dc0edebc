from playwright.sync_api import Page, expect

from tests.browser.flows import chain, event


def test_queryset_update_says_nothing_fired(page: Page, screenshot):
    page.goto("/playground/")
    page.get_by_role("button", name="save()", exact=True).click()
    expect(page.locator("#playground-result")).to_contain_text("post_save")
    page.get_by_role("button", name="QuerySet.update()").click()
    expect(page.locator("#playground-result")).to_contain_text("No signal was sent.")
    screenshot("update-sends-nothing")


def test_rolled_back_save_shows_its_signals_in_the_feed(page: Page):
    page.goto("/playground/")
    page.get_by_role("button", name="Save, then roll back").click()
    expect(page.locator("#playground-result")).to_contain_text("is gone")
    rolled_back = chain(page, "POST /playground/rollback/ · Save, then roll back")
    expect(event(rolled_back, "post_save", "created")).to_be_visible()


def test_a_failed_request_says_so(browser, live_url):
    # Its own tab, not the `page` fixture: Chromium logs the 500 as a console error, as it should.
    context = browser.new_context(base_url=live_url)
    try:
        page = context.new_page()
        page.goto("/playground/")
        page.route("**/playground/save/", lambda route: route.fulfill(status=500, body="Boom"))
        page.get_by_role("button", name="save()", exact=True).click()
        expect(page.locator("#request-error")).to_have_text(
            "Something went wrong on the server (HTTP 500): please try again."
        )
    finally:
        context.close()


def test_past_the_rate_limit_the_page_says_to_wait(browser, live_url):
    # Its own tab: Chromium logs the 429 as a console error, as it should.
    context = browser.new_context(base_url=live_url)
    try:
        page = context.new_page()
        page.goto("/playground/")
        custom = page.get_by_role("button", name="Send a custom signal")
        for _ in range(20):  # The default limit: 20 a minute per visitor.
            with page.expect_response("**/playground/custom/"):
                custom.click()
        custom.click()
        expect(page.locator("#playground-result [role=alert]")).to_have_text(
            "Too many operations in a short time: wait a minute, then try again."
        )
        page.screenshot(path="/tmp/classroom-rate-limited.png")
    finally:
        context.close()
