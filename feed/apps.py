from django.apps import AppConfig
from django.core import checks


class FeedConfig(AppConfig):
    name = "feed"
    verbose_name = "Live signal feed"

    def ready(self) -> None:
        from feed import hub, notify, recorder
        from feed.checks import check_listen, check_middleware, check_templates
        from feed.conf import feed_setting

        checks.register(check_middleware)
        checks.register(check_listen, checks.Tags.database)
        checks.register(check_templates, checks.Tags.templates)
        notify.on_written(hub.wake_local)
        # The recorder wraps Signal for the whole process: FEED_ENABLED=False leaves Django as is.
        if feed_setting("FEED_ENABLED"):
            recorder.install()
