"""What the feed needs from the project it is installed in, said by `manage.py check`."""

import importlib.util

from django.conf import settings
from django.core.checks import CheckMessage, Warning
from django.db import connections, router
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from signal_lens.conf import feed_setting

MIDDLEWARE = "signal_lens.middleware.FeedMiddleware"


def check_middleware(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Without its middleware the feed records events that no visitor can see."""
    if feed_setting("FEED_ENABLED") and MIDDLEWARE not in settings.MIDDLEWARE:
        return [
            Warning(
                f"{MIDDLEWARE} is not in MIDDLEWARE: recorded events belong to no visitor.",
                hint=f"Add {MIDDLEWARE!r} to MIDDLEWARE, or set FEED_ENABLED = False.",
                id="signal_lens.W001",
            )
        ]
    return []


def check_listen(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Other processes' writes wake streams through LISTEN, which needs psycopg 3."""
    from signal_lens.models import Event

    alias = router.db_for_read(Event)
    if connections[alias].vendor != "postgresql" or importlib.util.find_spec("psycopg"):
        return []
    return [
        Warning(
            "The feed's events are in PostgreSQL but psycopg 3 is not installed: live streams "
            "see other processes' events only when they poll (FEED_POLL_SECONDS).",
            hint="Install psycopg (3) to use LISTEN/NOTIFY.",
            id="signal_lens.W002",
        )
    ]


def check_templates(app_configs=None, **kwargs) -> list[CheckMessage]:
    """The feed's pages extend FEED_BASE_TEMPLATE; the recorder works without it."""
    name = feed_setting("FEED_BASE_TEMPLATE")
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return [
            Warning(
                f"The feed's pages cannot be drawn: FEED_BASE_TEMPLATE names {name!r}, which "
                "no template loader finds.",
                hint="Name the project's layout, or remove the setting to use the feed's own "
                "(signal_lens/base.html); events are recorded either way.",
                id="signal_lens.W003",
            )
        ]
    return []
