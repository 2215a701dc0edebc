"""ASGI entry point: `uvicorn --app-dir site asgi:application` (see the Makefile)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")

application = get_asgi_application()
