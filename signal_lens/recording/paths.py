"""Request paths as the recorder sees them: which to leave unrecorded, and how to show the rest."""

import functools
from contextlib import suppress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from signal_lens.conf import PATH_LENGTH, feed_setting


def _url_path(url: str | None) -> list[str]:
    """The path of STATIC_URL or MEDIA_URL (which may be absolute, or unset: then none)."""
    path = urlsplit(url or "").path.strip("/")
    return [f"/{path}/"] if path else []


@functools.cache
def _ignored_prefixes() -> tuple[str, ...]:
    prefixes = [
        *_url_path(settings.STATIC_URL),
        *_url_path(settings.MEDIA_URL),
        *feed_setting("FEED_QUIET_PATHS"),
    ]
    with suppress(NoReverseMatch):
        prefixes.append(reverse("signal_lens:panel"))
    return tuple(prefixes)


# The settings the paths worked out here depend on.
PATH_SETTINGS = frozenset({"STATIC_URL", "MEDIA_URL", "ROOT_URLCONF", "FEED_QUIET_PATHS"})


def forget_settings(setting: str, **kwargs: Any) -> None:
    """A signal receiver which drops the paths worked out here when a setting behind them moves."""
    if setting in PATH_SETTINGS:
        _ignored_prefixes.cache_clear()
        redact_path.cache_clear()


def is_ignored_path(path: str) -> bool:
    """Whether a request is the feed's own (stream, fragments, pages), a file, or quiet."""
    return path.startswith(_ignored_prefixes())


# Pages repeat (every bio save posts to /profile/bio/): resolving each path once saves the writer
# tens of microseconds a chain.
@functools.lru_cache(maxsize=256)
def redact_path(path: str) -> str:
    """The path with URL arguments replaced by their names, so reset keys and tokens never show."""
    if not hasattr(settings, "ROOT_URLCONF"):
        return path[:PATH_LENGTH]  # A project without URLs has no arguments in its paths.
    try:
        match = resolve(path)
    except Resolver404:
        return path[:PATH_LENGTH]
    named = [(f"<{key}>", str(value)) for key, value in match.kwargs.items()]
    arguments = [*named, *(("<arg>", str(value)) for value in match.args)]
    # Longest first, so a short value inside a longer one cannot split it; from the right,
    # because arguments follow the literal parts of a route.
    for name, value in sorted(arguments, key=lambda pair: -len(pair[1])):
        head, found, tail = path.rpartition(value)
        path = f"{head}{name}{tail}" if found and value else path
    return path[:PATH_LENGTH]
