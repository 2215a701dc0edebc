"""ASGI entry point: `uvicorn --app-dir site asgi:application` (see the Makefile)."""

import os
import warnings

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")

# WhiteNoise and the media view stream small files with sync iterators; Django reads them in a
# thread under ASGI, which is fine here, so its per-file warning is only noise in the log.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)

application = get_asgi_application()
