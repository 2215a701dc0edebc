import pytest
from allauth.account.signals import user_signed_up
from django.db import transaction

from profiles.welcome import SUBJECT

pytestmark = pytest.mark.django_db


def welcomes(mailoutbox) -> list[list[str]]:
    """The recipients of each welcome email sent so far."""
    return [mail.to for mail in mailoutbox if mail.subject == SUBJECT]


def test_signup_sends_one_welcome_email(
    client, sign_up, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "newbie@example.com")
    assert welcomes(mailoutbox) == [["newbie@example.com"]]


def test_the_welcome_email_waits_for_the_commit(
    client, sign_up, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        sign_up(client, "newbie@example.com")
    assert welcomes(mailoutbox) == []


def test_a_rolled_back_signup_sends_no_welcome(
    user, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        user_signed_up.send(sender=type(user), request=None, user=user)
        raise RuntimeError("signup failed after the signal")
    assert (callbacks, welcomes(mailoutbox)) == ([], [])
