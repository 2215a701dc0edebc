"""A failed login shows whom it named only as a masked address: people type passwords anywhere."""

import pytest

from signal_lens.naming.privacy import safe_args, summarise

HIDDEN_PASSWORD = "********************"  # What Django's authenticate() sends in its place.


def failed_login(**credentials: str) -> str:
    named = {"credentials": {**credentials, "password": HIDDEN_PASSWORD}, "request": None}
    return summarise("user_login_failed", "django.contrib.auth", named)


def test_a_password_typed_as_the_username_is_never_shown():
    assert failed_login(username="MyAdminPassw0rd-typo") == "Login failed for someone"


@pytest.mark.parametrize("typed", ["P@ssw0rd!", "hunter2@", "me@home", "a@b.c d"])
def test_a_value_with_an_at_sign_that_is_no_address_is_never_shown(typed):
    assert failed_login(login=typed) == "Login failed for someone"


def test_an_address_shows_its_local_part_only():
    assert failed_login(email="mallory@example.com") == "Login failed for mallory@…"


def test_a_value_under_any_key_is_masked():
    assert "s3cret" not in failed_login(token="s3cret", otp="123456", username="s3cret-name")


def test_only_the_names_of_the_credentials_are_stored():
    named = {"credentials": {"username": "MyAdminPassw0rd-typo", "password": HIDDEN_PASSWORD}}
    assert safe_args(named) == {"credentials": ["password", "username"]}
