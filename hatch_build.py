"""Puts htmx 2 and its SSE extension into the wheel, taken from django-htmx at build time: the
feed's own pages load them from the package, and this repository keeps no copy of them."""

from pathlib import Path
from typing import Any

import django_htmx
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path(django_htmx.__file__).parent / "static" / "django_htmx"
# Where in django-htmx: where signal_lens/base.html loads it from.
FILES = {
    "htmx-2.min.js": "signal_lens/static/signal_lens/vendor/htmx-2.min.js",
    "ext/hx-sse-2.min.js": "signal_lens/static/signal_lens/vendor/hx-sse-2.min.js",
}


class HtmxFromDjangoHtmx(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        # An editable install serves from the checkout, whose site loads htmx with django-htmx.
        if version == "editable":
            return
        for source, target in FILES.items():
            build_data["force_include"][str(SOURCE / source)] = target
