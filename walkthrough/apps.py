from django.apps import AppConfig


class WalkthroughConfig(AppConfig):
    name = "walkthrough"
    verbose_name = "Walkthrough"
