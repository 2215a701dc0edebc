"""The live feed in Chromium: signals arrive over SSE while the page stays where it is."""

from playwright.sync_api import Page, Route, expect

from tests.browser.flows import (
    chain,
    event,
    feed_panel,
    feed_status,
    log_in,
    row,
    show_details,
    sign_up,
    toggle_feed,
)
from tests.helpers import CREATE_PROFILE_AT


def test_signup_and_logout_appear_live_in_another_tab(page: Page, screenshot):
    page.goto("/")
    expect(feed_status(page)).to_have_text("live")
    actor = page.context.new_page()
    sign_up(actor, "watcher@example.com")
    expect(actor).to_have_url("/profile/")

    signup = chain(page, "POST /accounts/signup/")
    user_created = event(signup, "post_save", "(watcher@…) created")
    expect(row(user_created)).to_contain_text("create_profile")
    profile_created = event(user_created, "post_save", "of watcher@… created")
    expect(profile_created).to_be_visible()
    show_details(signup)
    # Its own receivers come first: those of the sends inside them follow.
    receivers = user_created.get_by_role("list", name="Receivers").first.get_by_role("listitem")
    create_profile = receivers.filter(has_text="create_profile")
    expect(create_profile.get_by_text(CREATE_PROFILE_AT, exact=True)).to_be_visible()
    create_profile.get_by_role("button", name="source").click()
    expect(create_profile.get_by_role("figure")).to_contain_text("def create_profile(")
    profile_created.scroll_into_view_if_needed()
    screenshot("signup-tree")

    actor.get_by_role("button", name="Log out").click()
    expect(actor.get_by_role("link", name="Log in", exact=True)).to_be_visible()
    logout = chain(page, "POST /accounts/logout/")
    expect(event(logout, "user_logged_out", "watcher@… logged out")).to_be_visible()
    expect(page).to_have_url("/")
    screenshot("logged-out")
    actor.close()


def test_an_htmx_save_appears_without_reloading(page: Page, screenshot):
    sign_up(page, "writer2@example.com")
    expect(feed_status(page)).to_have_text("live")
    page.get_by_label("Bio").fill("<i>signals</i> fan")
    page.get_by_role("button", name="Save bio").click()
    saved = event(chain(page, "POST /profile/bio/"), "post_save", "saved")
    expect(saved).to_be_visible()
    screenshot("bio-saved-in-feed")


def test_the_waterfall_and_the_receivers_map(page: Page, screenshot):
    sign_up(page, "mapper@example.com")
    signup = chain(page, "POST /accounts/signup/")
    signup.get_by_role("link", name="POST /accounts/signup/").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("POST /accounts/signup/")
    waterfall = page.get_by_role("list", name="Signals and receivers on one time scale")
    expect(
        waterfall.get_by_role("listitem").filter(has_text="create_profile").first
    ).to_be_visible()
    screenshot("waterfall")

    page.get_by_role("link", name="Every signal and its receivers").click()
    card = page.get_by_role("article").filter(has=page.get_by_role("heading", name="post_save"))
    card.get_by_role("button", name=CREATE_PROFILE_AT).click()
    expect(card.get_by_role("figure")).to_contain_text("def create_profile(")
    screenshot("receivers-map")


def test_the_feed_folds_on_a_phone(page: Page, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "nobody@example.com")
    panel = feed_panel(page)
    expect(panel).not_to_have_attribute("open", "")
    screenshot("phone-folded")
    toggle_feed(page)
    expect(event(page, "user_login_failed", "Login failed for nobody@…")).to_be_visible()
    screenshot("phone-open")


def test_the_feed_is_folded_on_a_phone_before_its_script_arrives(page: Page):
    # On a slow network the page paints before feed.js arrives: the panel must not show open,
    # only to fold and move the page when the script runs.
    page.set_viewport_size({"width": 390, "height": 844})
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route("**/signal_lens/feed.js", hold)
    page.goto("/", wait_until="commit")
    panel = feed_panel(page)
    expect(panel).to_be_attached()
    expect(panel).not_to_have_attribute("open", "")
    assert held, "feed.js was not requested"
    for route in held:
        route.continue_()
    page.wait_for_load_state()
    expect(feed_status(page)).to_have_text("live")


def test_the_feed_stays_open_once_opened_on_a_phone(page: Page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    toggle_feed(page)
    page.goto("/playground/")
    expect(feed_panel(page)).to_have_attribute("open", "")


def test_the_feed_stays_closed_once_closed_on_a_laptop(page: Page):
    page.goto("/")
    toggle_feed(page)
    page.goto("/playground/")
    expect(feed_panel(page)).not_to_have_attribute("open", "")


def test_without_event_source_the_feed_polls(page: Page, screenshot):
    page.context.add_init_script("delete window.EventSource")
    page.goto("/")
    expect(feed_status(page)).to_have_text("polling")
    actor = page.context.new_page()
    log_in(actor, "nobody@example.com")
    failed = event(chain(page, "POST /accounts/login/"), "user_login_failed", "nobody@…")
    expect(failed).to_be_visible(timeout=15_000)
    screenshot("polling")
    actor.close()


def test_a_tab_beyond_the_stream_limit_polls_and_the_others_stay_live(browser, live_url):
    # Its own browser context: Chromium logs the refused stream (429) as a console error.
    context = browser.new_context(base_url=live_url)
    try:
        tabs = [context.new_page() for _ in range(5)]  # The limit is 4 streams per visitor.
        for tab in tabs:
            tab.goto("/")
            expect(feed_status(tab)).not_to_have_text("connecting…")
        statuses = [feed_status(tab).text_content() for tab in tabs]
        assert statuses == ["live"] * 4 + ["polling"]
        tabs[0].goto("/playground/")  # Pages still load beside four open streams.
        expect(tabs[0].locator("h1")).to_have_text("Signals playground")
    finally:
        context.close()
