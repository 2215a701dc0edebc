"""ASGI entry point: `uvicorn --app-dir site asgi:application` (see the Makefile)."""

import os
import warnings

from django.core.asgi import get_asgi_application

from signal_lens.asgi import with_lifespan

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")

# WhiteNoise and the media view stream small files with sync iterators; Django reads them in a
# thread under ASGI, which is fine here, so its per-file warning is only noise in the log.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)

# The server waits, as it stops, for the feed to write its last requests' chains.
application = with_lifespan(get_asgi_application())
