from django.contrib.auth.models import AbstractUser
from django.db import models


class Member(AbstractUser):
    """The host's own user model, as many projects have."""

    nickname = models.CharField(max_length=40, blank=True)
