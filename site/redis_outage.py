"""Redis away: the cache answers as an empty one, rate limits fail open, the log says so once.

docs/deploy.md ("When things fail") says what an operator sees.
"""

import logging
import threading
import time
from typing import Any

from django_redis.cache import RedisCache, omit_exception


class FailOpenRedisCache(RedisCache):
    """django-redis with IGNORE_EXCEPTIONS, whose add() reports success while Redis is away.

    allauth's rate limits take a lock with add() before counting, and wait a second for it:
    without this, every signup, login and playground run would be refused (429) during an
    outage, a second late. With it they go unlimited until Redis is back (fail open).
    """

    @omit_exception(return_value=True)
    def add(self, *args: Any, **kwargs: Any) -> bool:
        return self.client.add(*args, **kwargs)


class OncePerOutage(logging.Filter):
    """Keep the first record of an outage, then one a minute with how many were held back.

    django-redis logs every cache call it skipped, with its traceback: a page skips several, so
    a Redis stopped for ten seconds under load would fill the log. An outage is over once a
    minute passes with nothing skipped.
    """

    def __init__(self, every: float = 60.0) -> None:
        super().__init__()
        self.every = every
        self.lock = threading.Lock()
        self.last_skip = self.last_line = -float("inf")
        self.held = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        with self.lock:
            new_outage = now - self.last_skip > self.every
            self.last_skip = now
            if not new_outage and now - self.last_line < self.every:
                self.held += 1
                return False
            held, self.held, self.last_line = self.held, 0, now
        error = record.exc_info[1] if record.exc_info else None
        cause = f"{type(error).__name__}: {error}" if error else record.getMessage()
        if new_outage:
            record.msg = "cache unreachable (%s): pages are served without it until it is back"
            record.args = (cause,)
        else:
            record.msg = "cache still unreachable (%s): %d more cache calls skipped"
            record.args = (cause, held + 1)
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True
