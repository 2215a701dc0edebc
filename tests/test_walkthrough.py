import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from profiles.models import Topic
from tests import images
from walkthrough.steps import STEPS

pytestmark = pytest.mark.django_db


def done_steps(client: Client) -> list[str]:
    """The slugs of the steps the home page shows as done."""
    html = client.get("/", headers={"HX-Request": "true"}).content.decode()
    return [part.split('"')[0] for part in html.split('class="step step-done" data-step="')[1:]]


def sign_up(client: Client, password: str) -> None:
    client.post(
        "/accounts/signup/",
        {"email": "walker@example.com", "password1": password, "password2": password},
    )


def test_new_visitor_has_nothing_done(client):
    assert done_steps(client) == []


def test_signing_up_ticks_the_first_step(client, password):
    sign_up(client, password)
    assert done_steps(client) == ["sign-up"]


def test_steps_tick_in_order_as_their_signals_fire(client, password):
    sign_up(client, password)
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": "walker@example.com", "password": "wrong"})
    client.post("/accounts/login/", {"login": "walker@example.com", "password": password})
    assert done_steps(client) == ["sign-up", "log-out", "fail-login", "log-in"]


def test_a_login_before_logging_out_does_not_tick_the_login_step(client, password):
    sign_up(client, password)  # Signing up logs in too: that login is not step four.
    assert "log-in" not in done_steps(client)


def test_every_step_ticks_for_the_whole_walk(client, password):
    sign_up(client, password)
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": "walker@example.com", "password": "wrong"})
    client.post("/accounts/login/", {"login": "walker@example.com", "password": password})
    client.post("/profile/avatar/", {"avatar": SimpleUploadedFile("me.jpg", images.jpeg())})
    client.post("/profile/interests/", {"interests": [Topic.objects.first().pk]})
    client.post("/profile/delete/", {"password": password})
    assert done_steps(client) == [step.slug for step in STEPS]


def test_another_visitors_progress_is_not_shown(client, password):
    sign_up(client, password)
    assert done_steps(Client()) == []


def test_progress_survives_a_reload(client, password):
    sign_up(client, password)
    client.get("/")
    assert done_steps(client) == ["sign-up"]
