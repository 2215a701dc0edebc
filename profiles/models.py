import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from profiles import avatars


def avatar_path(instance: "Profile", filename: str) -> str:
    """Store avatars under a generated name: the uploaded name is never trusted or kept."""
    return f"avatars/{uuid.uuid4().hex}{avatars.EXTENSION}"


class Topic(models.Model):
    """Something a visitor can be interested in: the many-to-many that shows m2m_changed."""

    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = [Lower("name")]

    def __str__(self) -> str:
        return self.name


class ProfileManager(models.Manager["Profile"]):
    def for_user(self, user: models.Model) -> "Profile":
        """The user's profile, created now for users who predate the profiles app."""
        profile, _ = self.get_or_create(user=user)
        return profile


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    bio = models.TextField(blank=True, max_length=500)
    avatar = models.ImageField(upload_to=avatar_path, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_login_at = models.DateTimeField(null=True, blank=True)
    previous_login_at = models.DateTimeField(null=True, blank=True)
    login_count = models.PositiveIntegerField(default=0)
    interests = models.ManyToManyField(Topic, blank=True, related_name="profiles")

    objects = ProfileManager()

    def __str__(self) -> str:
        return f"Profile of {self.user}"


def delete_avatar_file(name: str) -> None:
    """Delete a stored avatar file, unless a profile still names it.

    Asking the database first makes a late, repeated or mistaken call harmless: a file that a
    row points at is never deleted.
    """
    if name and not Profile.objects.filter(avatar=name).exists():
        Profile._meta.get_field("avatar").storage.delete(name)
