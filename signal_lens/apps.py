from django.apps import AppConfig
from django.core import checks


class FeedConfig(AppConfig):
    name = "signal_lens"
    verbose_name = "Live signal feed"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.core.signals import setting_changed
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from signal_lens.checks import check_listen, check_middleware, check_templates
        from signal_lens.conf import feed_setting
        from signal_lens.insight import execute_wrapper, hooks, skips
        from signal_lens.live import hub
        from signal_lens.pages.visitors import park_own_feed, start_own_feed
        from signal_lens.recording import paths, recorder
        from signal_lens.store import notify, writer

        checks.register(check_middleware)
        checks.register(check_listen, checks.Tags.database)
        checks.register(check_templates, checks.Tags.templates)
        user_logged_in.connect(start_own_feed, dispatch_uid="signal_lens.start_own_feed")
        user_logged_out.connect(park_own_feed, dispatch_uid="signal_lens.park_own_feed")
        notify.on_written(hub.wake_local)
        setting_changed.connect(hooks.forget_settings, dispatch_uid="signal_lens.forget_settings")
        setting_changed.connect(paths.forget_settings, dispatch_uid="signal_lens.forget_paths")
        # The recorder wraps Signal for the whole process: FEED_ENABLED=False leaves Django as is.
        if feed_setting("FEED_ENABLED"):
            recorder.install()
            connection_created.connect(
                execute_wrapper.watch_connection, dispatch_uid="signal_lens.watch_connection"
            )
            pre_migrate.connect(
                writer.hold_while_migrating, dispatch_uid="signal_lens.hold_while_migrating"
            )
            post_migrate.connect(
                writer.resume_after_migrating, dispatch_uid="signal_lens.resume_after_migrating"
            )
            # Read at start-up only: the wrappers are in QuerySet and Model or they are not.
            if feed_setting("FEED_WATCH_SKIPS"):
                skips.install()
