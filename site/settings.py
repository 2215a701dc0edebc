"""Signal Lab settings: one file, read from DJANGO_-prefixed environment variables.

Every default is safe for a local run on one machine (SQLite, local media, local-memory cache);
set DJANGO_DATABASE_URL and DJANGO_REDIS_URL to run several processes or machines.
"""

import json
import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
# Local state (SQLite file, generated secret key) lives in one git-ignored folder.
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """Read a whole-number environment variable."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def secret_key_from(key_file: Path) -> str:
    """The secret key kept in `key_file`, generated on first use; never committed.

    The key is written to a private temporary file (O_CREAT | O_EXCL, mode 0600) and linked into
    place, which fails if a racing worker linked first: every worker ends up reading one whole key.
    """
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd, draft = tempfile.mkstemp(dir=key_file.parent, prefix=".secret_key-")
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(50))
            os.link(draft, key_file)
        except FileExistsError:
            pass  # Another worker's key won.
        finally:
            os.unlink(draft)
    return key_file.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secret_key_from(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "django_htmx",
    "profiles",
    "signal_lens",
    "playground",
    "walkthrough",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "middleware.RefuseOtherMethods",
    "middleware.RefuseUnreadableInput",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "signal_lens.middleware.FeedMiddleware",
    "middleware.OneThreadHop",  # Must stay last: see its docstring.
]

ROOT_URLCONF = "urls"
ASGI_APPLICATION = "asgi.application"
WSGI_APPLICATION = "wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DJANGO_DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        # A connection is checked before reuse (by the pool on PostgreSQL): after a database
        # restart, no request fails.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A pool per worker process bounds its connections: requests beyond it wait for one (up to
    # the timeout) instead of each opening its own until PostgreSQL refuses "too many clients".
    # Pooling replaces CONN_MAX_AGE, which Django refuses beside it (docs/deploy.md).
    # None kept open while idle: connections come as requests need them and go after 10 idle
    # minutes (psycopg's max_idle), and none reconnects to a database that was dropped.
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": 0,
            "max_size": env_int("DJANGO_DB_POOL_SIZE", 10),
            "timeout": env_int("DJANGO_DB_POOL_TIMEOUT", 20),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # Where the default database file lives.
    # WAL lets the live stream read while a request writes; IMMEDIATE avoids lock-upgrade errors.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

REDIS_URL = os.environ.get("DJANGO_REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "redis_outage.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            # Sites (or test runs) sharing one Redis database keep apart by prefix.
            "KEY_PREFIX": os.environ.get("DJANGO_REDIS_KEY_PREFIX", "signal-lab"),
            # Redis is a cache, not a single point of failure: while it is away every read
            # misses, every write is skipped and rate limits fail open (site/redis_outage.py),
            # and a Redis that hangs costs a request at most a second.
            "OPTIONS": {
                "CONNECTION_POOL_CLASS": "redis_outage.WatchedPool",  # Logs when Redis is back.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
        if REDIS_URL
        # Per process: fine for one worker, but allauth's rate limits need Redis beyond that.
        # The feed keeps each chain's drawing here (about 1 KB): Django's default of 300 entries
        # culled a classroom's chains faster than its pages showed them, redrawing on every page.
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    )
}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "profile"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
# A new account lands on the walkthrough, where its first step has just ticked.
ACCOUNT_SIGNUP_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
# Random usernames (nobody sees them): allauth's own, looked up first, collided under a race.
ACCOUNT_ADAPTER = "profiles.adapters.AccountAdapter"
ACCOUNT_USER_DISPLAY = "profiles.adapters.user_display"
# allauth's per-IP limits (login 30/m/ip, failed logins 10/m/ip,5/300s/key, signup 20/m/ip) stay
# unless set: a workshop behind one address may need DJANGO_RATE_LIMIT_SIGNUP=200/m/ip.
ACCOUNT_RATE_LIMITS = {
    action: os.environ[f"DJANGO_RATE_LIMIT_{action.upper()}"]
    for action in ("login", "login_failed", "signup")
    if os.environ.get(f"DJANGO_RATE_LIMIT_{action.upper()}")
}
# Our own views use allauth's limits too: per visitor (its feed cookie) and per IP address.
# A workshop shares one address, so the IP limit is for a room, not for a person.
ACCOUNT_RATE_LIMITS["playground"] = os.environ.get(
    "DJANGO_RATE_LIMIT_PLAYGROUND", "20/m/key,600/m/ip"
)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
MAIL_BACKEND = os.environ.get("DJANGO_MAIL_BACKEND", CONSOLE_BACKEND)
MAILERS = {"default": {"BACKEND": MAIL_BACKEND}}
if MAIL_BACKEND == SMTP_BACKEND:
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("DJANGO_SMTP_HOST", "localhost"),
        # None lets the backend choose by encryption: 465 (SSL), 587 (STARTTLS) or 25.
        "port": env_int("DJANGO_SMTP_PORT", 0) or None,
        "username": os.environ.get("DJANGO_SMTP_USER", ""),
        "password": os.environ.get("DJANGO_SMTP_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_SMTP_TLS", False),
        "use_ssl": env_bool("DJANGO_SMTP_SSL", False),
        "timeout": env_int("DJANGO_SMTP_TIMEOUT", 10),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "signal-lab@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
}

# Production is one switch: HTTPS only, remembered by browsers (HSTS), cookies never sent in clear.
HTTPS = env_bool("DJANGO_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a promise to browser vendors that is slow to take back: only when asked.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", HTTPS)
# Behind a proxy that ends TLS: the header it sets on HTTPS requests, e.g. X-Forwarded-Proto.
if PROXY_SSL_HEADER := os.environ.get("DJANGO_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{PROXY_SSL_HEADER.upper().replace('-', '_')}", "https")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the static folders: one process needs no collectstatic step.
WHITENOISE_USE_FINDERS = True

if "DJANGO_STATIC_ROOT" in os.environ:
    # collectstatic's target, for a web server that serves /static/ itself (docs/deploy.md).
    STATIC_ROOT = Path(os.environ["DJANGO_STATIC_ROOT"])

# Avatars go through the default storage: local files here, or a shared store such as
# django-storages' S3Storage with its OPTIONS as JSON (docs/deploy.md).
STORAGES = {
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("DJANGO_MEDIA_STORAGE_OPTIONS") or "{}"),
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# The app serves avatars itself unless a web server or object store does it in front of it.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The live feed records every signal send in this process; other FEED_* defaults are in
# signal_lens/conf.py.
FEED_ENABLED = env_bool("DJANGO_FEED_ENABLED", True)
# A classroom's limits (README "Limits"): unset, signal_lens/conf.py's defaults apply.
for _limit in ("FEED_MAX_EVENTS", "FEED_VISITOR_EVENTS", "FEED_STREAMS_PER_VISITOR"):
    if os.environ.get(f"DJANGO_{_limit}"):
        globals()[_limit] = int(os.environ[f"DJANGO_{_limit}"])
# The walkthrough's steps refresh on every new event: recording those refreshes would loop.
FEED_QUIET_PATHS = ["/walkthrough/"]
# Topics are public: the feed names them beside the ids m2m_changed carries.
FEED_NAMED_MODELS = {"profiles.Topic": "name"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
