"""Signal receivers of the profiles app; ProfilesConfig.ready() connects each one."""

from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from profiles import avatars
from profiles.models import Profile, delete_avatar_file
from profiles.signals import avatar_processed
from profiles.welcome import send_welcome


def create_profile(sender: type, instance: Any, created: bool, raw: bool = False, **kwargs) -> None:
    """A signal receiver which creates the profile of every newly created user.

    Skips fixture loading (raw=True); get_or_create keeps it idempotent.
    """
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


def send_welcome_email(sender: Any, request: HttpRequest | None, user: Any, **kwargs) -> None:
    """A signal receiver which emails a new user a welcome, once their signup has committed.

    on_commit: a signup that rolls back sends nothing; robust: a mail failure never fails it.
    """
    if user.email:
        transaction.on_commit(partial(send_welcome, user.email), robust=True)


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


def resize_avatar(
    sender: type[Profile],
    instance: Profile,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs,
) -> None:
    """A signal receiver which turns a newly uploaded avatar into a small square WebP image.

    Only a new file, not yet in storage, is processed: every other save passes straight through.
    A file the pipeline refuses raises avatars.AvatarError before anything reaches storage.
    """
    avatar = instance.avatar
    if raw or not avatar or avatar._committed:
        return
    if update_fields is not None and "avatar" not in update_fields:
        return
    processed = avatars.process(avatar.file)
    instance.avatar = ContentFile(processed.data, name=f"avatar{avatars.EXTENSION}")
    avatar_processed.send(sender=sender, instance=instance, **processed.facts())


def delete_avatar(sender: type[Profile], instance: Profile, **kwargs) -> None:
    """A signal receiver which deletes a deleted profile's avatar file once the deletion commits."""
    if instance.avatar:
        transaction.on_commit(partial(delete_avatar_file, instance.avatar.name), robust=True)


def touch_profile_on_interests_change(
    sender: type, instance: Any, action: str, reverse: bool, pk_set: set | None, **kwargs
) -> None:
    """A signal receiver which stamps updated_at on profiles whose interests changed.

    Its being connected is also what makes add() and remove() send m2m_changed at all.
    """
    if not action.startswith("post_"):
        return
    # Changed from the topic's side (topic.profiles.add(...)), the profiles are the pk_set.
    profile_pks = (pk_set or set()) if reverse else {instance.pk}
    Profile.objects.filter(pk__in=profile_pks).update(updated_at=timezone.now())
