"""The walkthrough's log-in step names the receivers record_login's update() skipped."""

import pytest
from django.test.html import parse_html

from tests.helpers import elements, text

pytestmark = pytest.mark.django_db(transaction=True)


def skip_note(client) -> str:
    """The text of the note (its test id), or "" when the walkthrough shows none."""
    html = client.get("/walkthrough/steps/", headers={"HX-Request": "true"}).content.decode()
    notes = [
        element
        for element in elements(parse_html(html))
        if dict(element.attributes).get("data-testid") == "skip-note"
    ]
    return text(notes[0]) if notes else ""


def test_before_any_login_there_is_no_note(client):
    assert skip_note(client) == ""


def test_after_signing_up_the_note_names_the_skipped_profile_receiver(client, sign_up):
    sign_up(client, "skipper@example.com")
    note = skip_note(client)
    assert "1 receiver of profiles.Profile skipped" in note and "resize_avatar" in note
