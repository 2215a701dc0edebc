"""The admin login goes through allauth's login and its rate limits: staff see everyone's events."""

import pytest
from django.contrib.auth import SESSION_KEY

pytestmark = pytest.mark.django_db

ATTEMPTS = 25


@pytest.fixture
def staff(django_user_model, password):
    return django_user_model.objects.create_user(
        username="admin", email="admin@example.com", password=password, is_staff=True
    )


def test_the_admin_login_checks_no_password_itself(client, staff, password):
    response = client.post(
        "/admin/login/", {"username": "admin", "password": password, "next": "/admin/"}
    )
    assert response.headers["Location"].startswith("/accounts/login/?next=")
    assert SESSION_KEY not in client.session


def test_the_admin_login_locks_after_repeated_wrong_passwords(client, staff, password):
    login_url = client.get("/admin/login/").headers["Location"]
    for _ in range(ATTEMPTS):
        client.post(login_url, {"login": "admin@example.com", "password": "wrong-password"})
    client.post(login_url, {"login": "admin@example.com", "password": password})
    assert SESSION_KEY not in client.session


def test_staff_reach_the_admin_after_logging_in_through_allauth(client, staff, password):
    login_url = client.get("/admin/login/").headers["Location"]
    response = client.post(login_url, {"login": "admin@example.com", "password": password})
    assert client.get(response.headers["Location"], follow=True).request["PATH_INFO"] == "/admin/"


def test_the_admin_login_refuses_people_who_are_not_staff(client, user):
    client.force_login(user)
    assert client.get("/admin/login/").status_code == 403
