"""A host as `startproject` makes one, plus signal_lens as docs/install.md says. Its test database
is Django's default for SQLite: in memory, with a shared cache; DATABASE_URL-free on purpose."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "bookshelf-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "shelf",
    "signal_lens",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "signal_lens.middleware.FeedMiddleware",
]
ROOT_URLCONF = "urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
# The database each run of tests/host/test_other_suites.py chooses: SQLite with the test database
# in memory (Django's default) or in a file, or PostgreSQL with a test database of its own.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("BOOKSHELF_DB", BASE_DIR / "db.sqlite3"),
    }
}
if os.environ.get("BOOKSHELF_TEST_DB"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["BOOKSHELF_TEST_DB"]}
if os.environ.get("BOOKSHELF_POSTGRES"):
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "test",
        "USER": "root",
        "HOST": "127.0.0.1",
        "TEST": {"NAME": os.environ["BOOKSHELF_POSTGRES"]},
    }
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
