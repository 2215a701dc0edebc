"""Another Django project with the feed installed: Django's contrib apps, a custom user model,
two databases, USE_TZ off, no BASE_DIR, no cache configured. Its tests prove the feed a good guest.
"""

import os
import tempfile

# A folder of its own per run: the writer thread opens its own connection, so the test database
# must be a file (an in-memory one is private to the connection that made it).
STATE = os.environ.setdefault("FEED_HOST_STATE", tempfile.mkdtemp(prefix="feed-host-"))

SECRET_KEY = "feed-host-tests-only"
DEBUG = False
USE_TZ = False
ALLOWED_HOSTS = ["testserver"]
CONTRIB = ["auth", "contenttypes", "sessions", "messages", "staticfiles"]
INSTALLED_APPS = [
    *(f"django.contrib.{app}" for app in CONTRIB),
    "tests.host.members",
    "signal_lens",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "signal_lens.middleware.FeedMiddleware",
]
ROOT_URLCONF = "tests.host.urls"
AUTH_USER_MODEL = "members.Member"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES = {
    alias: {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(STATE, f"{alias}.sqlite3"),
        "TEST": {"NAME": os.path.join(STATE, f"test_{alias}.sqlite3")},
    }
    for alias in ("default", "other")
}
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
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
