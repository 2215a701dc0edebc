from django.conf import settings
from django.core.checks import CheckMessage, Warning

from feed.conf import feed_setting

MIDDLEWARE = "feed.middleware.FeedMiddleware"


def check_middleware(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Without its middleware the feed records events that no visitor can see."""
    if feed_setting("FEED_ENABLED") and MIDDLEWARE not in settings.MIDDLEWARE:
        return [
            Warning(
                f"{MIDDLEWARE} is not in MIDDLEWARE: recorded events belong to no visitor.",
                hint=f"Add {MIDDLEWARE!r} to MIDDLEWARE, or set FEED_ENABLED = False.",
                id="feed.W001",
            )
        ]
    return []
