import pytest
from django.contrib.auth import SESSION_KEY, get_user_model

from profiles.models import Profile

pytestmark = pytest.mark.django_db


def test_get_asks_for_password_and_deletes_nothing(client, user):
    client.force_login(user)
    response = client.get("/profile/delete/")
    assert b'type="password"' in response.content
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_wrong_password_is_refused(client, user):
    client.force_login(user)
    response = client.post("/profile/delete/", {"password": "wrong"})
    assert b"That is not your password." in response.content
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_right_password_deletes_user_and_profile(client, user, password):
    client.force_login(user)
    client.post("/profile/delete/", {"password": password})
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not Profile.objects.filter(user_id=user.pk).exists()


def test_deleting_logs_out_and_goes_home(client, user, password):
    client.force_login(user)
    response = client.post("/profile/delete/", {"password": password})
    assert response.headers["Location"] == "/"
    assert SESSION_KEY not in client.session


def test_repeated_wrong_passwords_are_rate_limited(client, user, password):
    client.force_login(user)
    for _ in range(10):
        client.post("/profile/delete/", {"password": "wrong"})
    response = client.post("/profile/delete/", {"password": password})
    assert b"Too many attempts" in response.content
    assert get_user_model().objects.filter(pk=user.pk).exists()
