"""Signal receivers of the profiles app; ProfilesConfig.ready() connects each one."""

from typing import Any

from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from profiles.models import Profile


def create_profile(sender: type, instance: Any, created: bool, raw: bool = False, **kwargs) -> None:
    """A signal receiver which creates the profile of every newly created user.

    Skips fixture loading (raw=True); get_or_create keeps it idempotent.
    """
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


def record_login(sender: type, request: HttpRequest | None, user: Any, **kwargs) -> None:
    """A signal receiver which moves the profile's login times along and counts the login.

    One UPDATE with F() expressions, so simultaneous logins each count and none is lost.
    """
    Profile.objects.for_user(user)
    Profile.objects.filter(user=user).update(
        previous_login_at=F("last_login_at"),
        last_login_at=timezone.now(),
        login_count=F("login_count") + 1,
    )
