"""The one reporter every guard around the feed's work logs through.

A guard catches what goes wrong in the feed so the host's code never sees it; some run for every
SQL statement or send the host makes, so a bug there would log a traceback each time. Here each
failure is logged at most once per FEED_LOG_EVERY_SECONDS, and nothing runs until one happens.
"""

import logging
import time
from typing import Any

from signal_lens.conf import feed_setting

# When each failure (its logger and message) was last logged.
_last_report: dict[tuple[str, str], float] = {}


def report(
    logger: logging.Logger,
    message: str,
    *args: Any,
    level: int = logging.ERROR,
    exc_info: bool = True,
) -> None:
    """Log a failure, with the exception being handled, unless it was logged lately."""
    now = time.monotonic()
    key = (logger.name, message)
    if now - _last_report.get(key, -float("inf")) < feed_setting("FEED_LOG_EVERY_SECONDS"):
        return
    _last_report[key] = now
    logger.log(level, message, *args, exc_info=exc_info)
