import pytest
from django.contrib.auth import SESSION_KEY

pytestmark = pytest.mark.django_db


def test_home_links_to_signup_and_login(client):
    response = client.get("/")
    assert b'href="/accounts/signup/"' in response.content
    assert b'href="/accounts/login/"' in response.content


def test_signup_lands_logged_in_on_the_walkthrough(client, password):
    response = client.post(
        "/accounts/signup/",
        {"email": "bob@example.com", "password1": password, "password2": password},
    )
    assert response.headers["Location"] == "/"
    assert SESSION_KEY in client.session


def test_signup_greets_the_person_by_email_not_by_the_random_username(client, password):
    response = client.post(
        "/accounts/signup/",
        {"email": "bob@example.com", "password1": password, "password2": password},
        follow=True,
    )
    [greeting] = [str(m) for m in response.context["messages"] if "signed in as" in str(m)]
    assert greeting == "Successfully signed in as bob@example.com."


def test_failed_login_says_so(client, user):
    response = client.post(
        "/accounts/login/", {"login": "alice@example.com", "password": "wrong-password"}
    )
    assert b"not correct" in response.content
    assert SESSION_KEY not in client.session


def test_logout_by_get_asks_for_confirmation_and_stays_logged_in(client, user):
    client.force_login(user)
    response = client.get("/accounts/logout/")
    assert b"Are you sure you want to sign out?" in response.content
    assert client.session[SESSION_KEY] == str(user.pk)


def test_logout_by_post_logs_out(client, user):
    client.force_login(user)
    client.post("/accounts/logout/")
    assert SESSION_KEY not in client.session
