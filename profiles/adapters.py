import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import AbstractBaseUser


class AccountAdapter(DefaultAccountAdapter):
    def generate_unique_username(self, txts: list[str | None], regex: str | None = None) -> str:
        """A random username: people sign in by email, and two signups at once never collide.

        allauth's own picks a free name by looking first, which two simultaneous signups both
        passed (one then failed on the unique username).
        """
        return uuid.uuid4().hex


def user_display(user: AbstractBaseUser) -> str:
    """How allauth's messages name a person ("Successfully signed in as ..."): by email."""
    return user.email
