"""One account per email address, held by the database: a race for one address makes one account."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)

TAKEN = "A user is already registered with this email address."
SIGNUPS = 12


def race_to_sign_up(emails: list[str], password: str) -> list[tuple[int, str]]:
    """Each email signed up by a browser of its own, all at once; each answer's status and text."""
    start = threading.Barrier(len(emails))

    def sign_up(email: str) -> tuple[int, str]:
        try:
            client = Client()
            data = {"email": email, "password1": password, "password2": password}
            start.wait()
            response = client.post("/accounts/signup/", data)
            return response.status_code, response.content.decode()
        finally:
            connection.close()  # This thread's own connection.

    with ThreadPoolExecutor(len(emails)) as pool:
        return list(pool.map(sign_up, emails))


@pytest.fixture
def answers(password) -> list[tuple[int, str]]:
    cases = ["race@example.com", "Race@Example.com", "RACE@EXAMPLE.COM"]
    return race_to_sign_up([cases[n % 3] for n in range(SIGNUPS)], password)


def test_a_race_for_one_address_makes_one_account(answers):
    assert get_user_model().objects.filter(email__iexact="race@example.com").count() == 1


def test_every_other_signup_in_the_race_is_told_the_address_is_taken(answers):
    assert sorted(status for status, _ in answers) == [200] * (SIGNUPS - 1) + [302]
    assert sum(TAKEN in text for _, text in answers) == SIGNUPS - 1


def test_the_database_refuses_an_address_in_other_letters(user, django_user_model):
    with pytest.raises(IntegrityError):
        django_user_model.objects.create_user("bob", "ALICE@example.COM", "pw-bob-12345")


def test_accounts_without_an_address_may_be_many(db, django_user_model):
    django_user_model.objects.create_user("one")
    django_user_model.objects.create_user("two")
    assert django_user_model.objects.filter(email="").count() == 2
