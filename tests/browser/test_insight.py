"""Queries per receiver and receiver statistics in Chromium, on a desktop and a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.flows import chain, event, feed_status, show_details, sign_up

WIDTHS = {"desktop": 1366, "phone": 390}


@pytest.mark.parametrize("device", WIDTHS)
def test_the_signup_chain_shows_create_profile_with_its_query_count(page: Page, screenshot, device):
    page.set_viewport_size({"width": WIDTHS[device], "height": 900})
    sign_up(page, f"counted-{device}@example.com")
    page.goto("/feed/")  # The feed as a page: on a phone the panel beside pages starts closed.
    signup = chain(page, "POST /accounts/signup/")
    signup.get_by_role("link", name="POST /accounts/signup/").click()
    waterfall = page.get_by_role("list", name="Signals and receivers on one time scale")
    rows = waterfall.get_by_role("listitem")
    row = rows.filter(has=page.locator("code", has_text="create_profile")).first
    expect(row).to_contain_text(re.compile(r"· [1-9]\d* queries"))
    row.get_by_text("SQL", exact=True).click()
    sql = row.get_by_role("list", name="SQL statements")
    expect(sql).to_contain_text('INSERT INTO "profiles_profile"')
    screenshot("create-profile-queries")


@pytest.mark.parametrize("device", WIDTHS)
def test_the_receivers_map_sorts_its_statistics(page: Page, screenshot, device):
    page.set_viewport_size({"width": WIDTHS[device], "height": 900})
    sign_up(page, f"sorter-{device}@example.com")
    page.goto("/feed/receivers/")
    page.get_by_role("link", name="Calls").click()
    expect(page.locator('th[aria-sort="descending"]')).to_have_text("Calls")
    screenshot("receiver-stats")
    box = page.locator("#receiver-stats .table-scroll").bounding_box()
    assert box["x"] + box["width"] <= WIDTHS[device]  # Wider columns scroll inside the box.


def test_the_feed_shows_a_rolled_back_callback_live(page: Page, screenshot):
    page.goto("/playground/")
    expect(feed_status(page)).to_have_text("live")
    page.get_by_role("button", name="Save, then roll back").click()
    rolled_back = chain(page, "POST /playground/rollback/ · Save, then roll back")
    show_details(rolled_back)
    saved = event(rolled_back, "post_save", "created")
    callbacks = saved.get_by_role("list", name="on_commit callbacks")
    expect(callbacks).to_contain_text("discarded by rollback")
    screenshot("rolled-back-callback")


def test_the_feed_names_the_receivers_update_skipped(page: Page, screenshot):
    page.goto("/playground/")
    page.get_by_role("button", name="save()", exact=True).click()
    page.get_by_role("button", name="QuerySet.update()").click()
    updated = chain(page, "POST /playground/queryset-update/ · QuerySet.update()")
    skipped = event(updated, "update()", "SandboxNote")
    expect(skipped).to_contain_text("1 receiver skipped")
    show_details(updated)
    receivers = skipped.get_by_role("list", name="Receivers").get_by_role("listitem")
    expect(receivers.filter(has_text="announce_on_commit")).to_contain_text("skipped")
    screenshot("skipped-receivers")
