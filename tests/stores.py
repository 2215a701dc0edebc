"""The shared PostgreSQL and Redis servers, used by one test run without touching another's.

Other runs (and other people) use the same servers at the same time: a run creates databases under
names of its own and drops them, and deletes only the cache keys under its own prefix.
"""

import os
import secrets
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from psycopg import sql

POSTGRES = os.environ.get("DJANGO_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
# The Redis that tests of several workers share; a run on Redis uses its own.
REDIS = os.environ.get("DJANGO_REDIS_URL") or "redis://127.0.0.1:6379/0"


def uses_postgres() -> bool:
    """Whether this run's own database (DJANGO_DATABASE_URL) is PostgreSQL."""
    return os.environ.get("DJANGO_DATABASE_URL", "").startswith(("postgres:", "postgresql:"))


def admin_connection(url: str = POSTGRES) -> psycopg.Connection:
    """A connection for creating and dropping databases; outside CI, no server skips the test."""
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL is not reachable at {url}: {error}")


def redis_url() -> str:
    """REDIS, once it answers; outside CI, no server skips the test."""
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=3).ping()
    except redis.ConnectionError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis is not reachable at {REDIS}: {error}")
    return REDIS


@contextmanager
def scratch_database(url: str = POSTGRES) -> Iterator[str]:
    """The URL of a new, empty database on the server of `url`, dropped when done."""
    name = f"signal_lab_{secrets.token_hex(6)}"
    with admin_connection(url) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urllib.parse.urlparse(url)._replace(path=f"/{name}").geturl()
    finally:
        with admin_connection(url) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def clear_cache() -> None:
    """Empty the cache; on Redis only this run's keys (clear() would flush everyone's).

    Servers that tests start use this run's prefix too (DJANGO_REDIS_KEY_PREFIX), even on runs
    without Redis, so their keys go as well.
    """
    if not settings.REDIS_URL:
        cache.clear()
    try:
        client = redis.Redis.from_url(REDIS, socket_connect_timeout=3)
        keys = list(client.scan_iter(match=f"{os.environ['DJANGO_REDIS_KEY_PREFIX']}:*"))
    except redis.ConnectionError:
        return  # No Redis: nothing of this run's can be there.
    if keys:
        client.delete(*keys)
