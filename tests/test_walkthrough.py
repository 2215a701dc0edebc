import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.html import parse_html

from profiles.models import Topic
from signal_lens.models import Event
from tests import images
from tests.helpers import FeedClient, elements, text
from walkthrough.steps import STEPS

# Steps tick from written events, which need real commits.
pytestmark = pytest.mark.django_db(transaction=True)


def done_steps(client: Client) -> list[str]:
    """The slugs of the steps listed as done: a list item whose accessible name, from its
    aria-labelledby, is the step's title and "(done)", as a screen reader announces it."""
    html = client.get("/walkthrough/steps/", headers={"HX-Request": "true"}).content.decode()
    found = [(element, dict(element.attributes)) for element in elements(parse_html(html))]
    by_id = {attributes["id"]: element for element, attributes in found if "id" in attributes}
    names = [
        " ".join(text(by_id[label]) for label in attributes["aria-labelledby"].split())
        for element, attributes in found
        if element.name == "li" and "aria-labelledby" in attributes
    ]
    slugs = {f"{step.title} (done)": step.slug for step in STEPS}
    return [slugs[name] for name in names if name in slugs]


def test_new_visitor_has_nothing_done(client):
    assert done_steps(client) == []


def test_signing_up_ticks_the_first_step(client, sign_up, password):
    sign_up(client, "walker@example.com")
    assert done_steps(client) == ["sign-up"]


def test_steps_tick_in_order_as_their_signals_fire(client, sign_up, password):
    sign_up(client, "walker@example.com")
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": "walker@example.com", "password": "wrong"})
    client.post("/accounts/login/", {"login": "walker@example.com", "password": password})
    assert done_steps(client) == ["sign-up", "log-out", "fail-login", "log-in"]


def test_steps_tick_in_any_order(client, sign_up, password, topic):
    sign_up(client, "walker@example.com")
    client.post("/profile/interests/", {"interests": [topic.pk]})
    client.post("/profile/avatar/", {"avatar": SimpleUploadedFile("me.jpg", images.jpeg())})
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": "walker@example.com", "password": password})
    assert done_steps(client) == ["sign-up", "log-out", "log-in", "avatar", "interests"]


def test_what_fired_before_signing_up_does_not_count(client, sign_up, password):
    client.post("/accounts/login/", {"login": "walker@example.com", "password": "wrong"})
    sign_up(client, "walker@example.com")
    assert done_steps(client) == ["sign-up"]


def test_deleting_the_account_ends_the_walkthrough(client, sign_up, password):
    sign_up(client, "walker@example.com")
    client.post("/profile/delete/", {"password": password})
    html = client.get("/walkthrough/steps/", headers={"HX-Request": "true"}).content.decode()
    assert "You deleted your account, which ends the walkthrough." in html


def test_the_next_person_to_sign_up_starts_afresh(client, sign_up, password):
    sign_up(client, "walker@example.com")
    client.post("/profile/delete/", {"password": password})
    sign_up(client, "runner@example.com")
    assert done_steps(client) == ["sign-up"]


def test_a_done_step_links_to_the_send_that_ticked_it(client, sign_up):
    sign_up(client, "walker@example.com")
    ticked = Event.objects.get(signal="post_save", sender="auth.User", args__created=True)
    html = client.get("/walkthrough/steps/", headers={"HX-Request": "true"}).content.decode()
    assert f'href="/feed/requests/{ticked.chain}/#event-{ticked.id}"' in html


def test_a_done_step_highlights_the_sends_that_go_with_it(client, sign_up):
    sign_up(client, "walker@example.com")
    ticked = Event.objects.get(signal="post_save", sender="auth.User", args__created=True)
    signed_up = Event.objects.get(signal="user_signed_up")
    html = client.get("/walkthrough/steps/", headers={"HX-Request": "true"}).content.decode()
    assert f'data-highlight="event-{ticked.id} event-{signed_up.id}"' in html


def test_a_login_before_logging_out_does_not_tick_the_login_step(client, sign_up, password):
    sign_up(client, "walker@example.com")  # Signing up logs in too: that login is not step four.
    assert "log-in" not in done_steps(client)


def test_every_step_ticks_for_the_whole_walk(client, sign_up, password):
    sign_up(client, "walker@example.com")
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": "walker@example.com", "password": "wrong"})
    client.post("/accounts/login/", {"login": "walker@example.com", "password": password})
    client.post("/profile/avatar/", {"avatar": SimpleUploadedFile("me.jpg", images.jpeg())})
    topic = Topic.objects.create(
        slug="walking", name="Walking"
    )  # An earlier test may have emptied the seeded ones.
    client.post("/profile/interests/", {"interests": [topic.pk]})
    client.post("/profile/delete/", {"password": password})
    assert done_steps(client) == [step.slug for step in STEPS]


def test_another_visitors_progress_is_not_shown(client, sign_up, password):
    sign_up(client, "walker@example.com")
    assert done_steps(FeedClient()) == []


def test_progress_survives_a_reload(client, sign_up, password):
    sign_up(client, "walker@example.com")
    client.get("/")
    assert done_steps(client) == ["sign-up"]


def test_refreshing_the_steps_records_no_events(client, sign_up, password):
    sign_up(client, "walker@example.com")
    before = Event.objects.count()
    client.get("/walkthrough/steps/", headers={"HX-Request": "true"})
    assert Event.objects.count() == before
