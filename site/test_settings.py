"""Test overlay: the real settings with a fast password hasher."""

from settings import *  # noqa: F403

# Hashing at full strength would spend most of the suite's time in PBKDF2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
