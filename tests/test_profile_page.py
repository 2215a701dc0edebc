import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.test import Client

from profiles.forms import BioForm
from profiles.models import Profile

pytestmark = pytest.mark.django_db


def test_profile_page_requires_login(client):
    response = client.get("/profile/")
    assert response.headers["Location"].startswith("/accounts/login/")


def test_profile_page_shows_email_and_login_count(client, user, password):
    client.login(username="alice", password=password)
    response = client.get("/profile/")
    assert b"alice@example.com" in response.content
    assert b'<dd data-testid="login-count">1</dd>' in response.content


def test_profile_page_creates_missing_profile(client):
    User = get_user_model()
    (legacy,) = User.objects.bulk_create([User(username="legacy", email="old@example.com")])
    client.force_login(legacy)
    client.get("/profile/")
    assert Profile.objects.filter(user=legacy).exists()


def test_bio_edit_by_htmx_returns_only_the_form_partial(client, user):
    client.force_login(user)
    response = client.post("/profile/bio/", {"bio": "Hello"}, headers={"HX-Request": "true"})
    assert response.content.decode().lstrip().startswith('<form id="bio-form"')
    assert b"Saved." in response.content


def test_bio_edit_saves(client, user):
    client.force_login(user)
    client.post("/profile/bio/", {"bio": "Hello"}, headers={"HX-Request": "true"})
    assert Profile.objects.get(user=user).bio == "Hello"


def test_too_long_bio_shows_error_inline_and_is_not_saved(client, user):
    client.force_login(user)
    response = client.post("/profile/bio/", {"bio": "x" * 501}, headers={"HX-Request": "true"})
    assert b"at most 500 characters" in response.content
    assert Profile.objects.get(user=user).bio == ""


def test_bio_edit_without_htmx_redirects_to_profile(client, user):
    client.force_login(user)
    response = client.post("/profile/bio/", {"bio": "Hello"})
    assert response.headers["Location"] == "/profile/"


def test_bio_edit_requires_csrf_token(user):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    response = csrf_client.post("/profile/bio/", {"bio": "Hello"}, headers={"HX-Request": "true"})
    assert response.status_code == 403


def test_bio_is_shown_as_text_not_html(client, user):
    Profile.objects.filter(user=user).update(bio="<script>alert(1)</script>")
    client.force_login(user)
    response = client.get("/profile/")
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


def test_bio_save_keeps_a_login_counted_meanwhile(user):
    loaded_before_login = Profile.objects.get(user=user)
    user_logged_in.send(sender=type(user), request=None, user=user)
    form = BioForm({"bio": "Hello"}, instance=loaded_before_login)
    assert form.is_valid()
    form.save()
    assert Profile.objects.get(user=user).login_count == 1
