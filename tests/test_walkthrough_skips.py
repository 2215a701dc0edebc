"""The walkthrough's log-in step names the receivers record_login's update() skipped."""

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def skip_note(client) -> str:
    html = client.get("/walkthrough/steps/", headers={"HX-Request": "true"}).content.decode()
    found = re.search(r'<p class="skip-note".*?</p>', html, re.S)
    return found.group(0) if found else ""


def test_before_any_login_there_is_no_note(client):
    assert skip_note(client) == ""


def test_after_signing_up_the_note_names_the_skipped_profile_receiver(client, sign_up):
    sign_up(client, "skipper@example.com")
    note = skip_note(client)
    assert "1 receiver of profiles.Profile skipped" in note and "resize_avatar" in note
