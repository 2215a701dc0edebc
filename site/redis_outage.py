"""Redis away: the cache answers as an empty one, rate limits fail open, the log says so twice.

docs/deploy.md ("When things fail") says what an operator sees.
"""

import logging
import threading
import time
from typing import Any

from django.utils.functional import cached_property
from django_redis.cache import RedisCache, omit_exception
from django_redis.exceptions import ConnectionInterrupted
from redis import ConnectionPool
from redis.connection import AbstractConnection

logger = logging.getLogger("signal_lab.cache")


class Outage:
    """One line when the cache stops answering; one when Redis takes a connection again, with the
    count of cache calls skipped meanwhile. Nothing between: the first line stands until then."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started: float | None = None
        self.skipped = 0

    def skip(self, error: ConnectionInterrupted) -> None:
        with self.lock:
            self.skipped += 1
            if self.started is not None:
                return
            self.started = time.monotonic()
        logger.warning(
            "cache unreachable (%s): pages are served without it until it is back", error
        )

    def connected(self, connection: AbstractConnection) -> None:
        """Redis took a connection (redis-py calls this after each connect): an outage is over."""
        with self.lock:
            if self.started is None:
                return
            lasted, skipped = time.monotonic() - self.started, self.skipped
            self.started, self.skipped = None, 0
        logger.warning(
            "cache back after %.1f s (cache calls skipped meanwhile: %d)", lasted, skipped
        )


# One per process: Django makes a cache object per thread, and an outage is the whole worker's.
_outage = Outage()


class WatchedPool(ConnectionPool):
    """redis-py's pool, whose connections tell the outage when Redis takes them.

    A call that answers is no proof: close() and get_many([]) answer without Redis. A connect is,
    and the pool's connections connect again only after they broke: the first after an outage.
    """

    def make_connection(self) -> Any:
        connection = super().make_connection()
        connection.register_connect_callback(_outage.connected)
        return connection


class Watched:
    """django-redis's client, each call that Redis did not answer counted by the outage."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.client, name)
        if not callable(found):
            return found

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return found(*args, **kwargs)
            except ConnectionInterrupted as error:
                _outage.skip(error)
                raise  # For django-redis's IGNORE_EXCEPTIONS: a miss, a skipped write.

        setattr(self, name, call)  # Built once a name: later calls find it without __getattr__.
        return call


class FailOpenRedisCache(RedisCache):
    """django-redis with IGNORE_EXCEPTIONS, whose add() reports success while Redis is away.

    allauth's rate limits take a lock with add() before counting, and wait a second for it:
    without this, every signup, login and playground run would be refused (429) during an
    outage, a second late. With it they go unlimited until Redis is back (fail open).
    """

    @cached_property
    def client(self) -> Any:
        return Watched(super().client)

    @omit_exception(return_value=True)
    def add(self, *args: Any, **kwargs: Any) -> bool:
        return self.client.add(*args, **kwargs)
