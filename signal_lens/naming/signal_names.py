"""Names of signals and senders, read from live objects.

Signals carry no name, so names come from the module attributes that hold them.
"""

import inspect
import re
import sys
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from django.apps import AppConfig
from django.dispatch import Signal

from signal_lens.conf import SENDER_LENGTH
from signal_lens.models import Family


@dataclass(frozen=True)
class SignalName:
    name: str
    module: str
    family: str


UNNAMED = SignalName("Signal", "(unnamed)", Family.CUSTOM)
_names: "weakref.WeakKeyDictionary[Signal, SignalName]" = weakref.WeakKeyDictionary()
_scanned_modules = 0
_scan_lock = threading.Lock()


def family_of(module: str) -> str:
    """Model, auth and allauth signals by their module; Django's others join the request family."""
    if module.startswith("django.db."):
        return Family.MODEL
    if module.startswith("django.contrib.auth."):
        return Family.AUTH
    if module.startswith("allauth."):
        return Family.ALLAUTH
    if module.startswith("django."):
        return Family.REQUEST
    return Family.CUSTOM


def _assigns(module_name: str, attr: str) -> bool:
    """Whether the module's source assigns the name itself (a definition, not an import)."""
    try:
        source = inspect.getsource(sys.modules[module_name])
    except (OSError, TypeError, KeyError):
        return False
    return re.search(rf"^{re.escape(attr)}\s*(:[^=\n]*)?=", source, re.MULTILINE) is not None


def _canonical(places: list[tuple[str, str]]) -> tuple[str, str]:
    """The defining module among those holding a signal (re-exports must not rename it)."""
    if len(places) > 1:
        defining = [place for place in places if _assigns(*place)]
        places = defining or places
    # Without source to tell, Django's own modules win, then *.signals, then the shortest name.
    return min(
        places,
        key=lambda place: (
            not place[0].startswith("django."),
            not place[0].endswith(".signals"),
            len(place[0]),
            place[0],
        ),
    )


def _scan() -> None:
    """Name the module-level signals of every imported module; rescan only when more are loaded."""
    global _scanned_modules
    if len(sys.modules) == _scanned_modules:
        return  # Nothing new imported: an unnamed signal stays unnamed, without a copy of modules.
    with _scan_lock:
        modules = list(sys.modules.items())
        if len(modules) == _scanned_modules:
            return
        found: dict[Signal, list[tuple[str, str]]] = {}
        for module_name, module in modules:
            for attr, value in list(getattr(module, "__dict__", {}).items()):
                # type(), not isinstance(): that reads __class__, which makes a lazy object load
                # (django.contrib.gis's GEOS library, missing on most machines, then raises).
                if issubclass(type(value), Signal):
                    found.setdefault(value, []).append((module_name, attr))
        for signal, places in found.items():
            module_name, attr = _canonical(places)
            _names[signal] = SignalName(attr, module_name, family_of(module_name))
        _scanned_modules = len(modules)


def name_of(signal: Signal) -> SignalName:
    """The name, module and family of a signal (UNNAMED for one held by no module)."""
    known = _names.get(signal)
    if known is None:
        _scan()
        known = _names.get(signal, UNNAMED)
    return known


def named_signals() -> list[tuple[SignalName, Signal]]:
    """Every module-level signal, sorted by family, module and name."""
    _scan()
    with _scan_lock:
        pairs = [(name, signal) for signal, name in _names.items()]
    return sorted(pairs, key=lambda pair: (pair[0].family, pair[0].module, pair[0].name))


def sender_label(sender: Any) -> str:
    """A sender as the feed shows it: `app_label.Model`, an app label, or a short class name."""
    if sender is None:
        return "None"
    if isinstance(sender, AppConfig):
        return sender.label
    meta = getattr(sender, "_meta", None)
    if meta is not None and isinstance(sender, type):
        return meta.label
    if isinstance(sender, type):
        return sender.__qualname__
    if isinstance(sender, str):
        return sender[:SENDER_LENGTH]
    return type(sender).__qualname__
