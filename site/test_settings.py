"""Test overlay: the real settings, a fast password hasher, and shared servers kept apart."""

import os
import secrets

# Test runs share one PostgreSQL and one Redis: each run's test database and cache keys are its
# own. The servers a test starts inherit the prefix through the environment.
RUN = os.environ.setdefault("DJANGO_TEST_RUN", secrets.token_hex(4))
os.environ.setdefault("DJANGO_REDIS_KEY_PREFIX", f"signal-lab-test-{RUN}")

from settings import *  # noqa: E402, F403

# Hashing at full strength would spend most of the suite's time in PBKDF2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file beside the site's own database, one per run: two runs in one checkout keep apart.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{RUN}.sqlite3")}  # noqa: F405
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_signal_lab_{RUN}"}  # noqa: F405
    # The run ends every connection to its test database, then drops it: a pool would replace
    # the ended ones by reconnecting to a database gone. The servers tests start keep the pool.
    DATABASES["default"]["OPTIONS"].pop("pool", None)  # noqa: F405
