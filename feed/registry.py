"""What the recorder and the receivers map know about signals and receivers, read from live objects.

Signals carry no name, so names come from the module attributes that hold them. Receivers are
described from their code objects (qualified name, file:line), never from anything a request sends.
"""

import functools
import inspect
import re
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType, MethodType
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.dispatch import Signal
from django.dispatch.dispatcher import NONE_ID

from feed.models import Family


@dataclass(frozen=True)
class SignalName:
    name: str
    module: str
    family: str


@dataclass(frozen=True)
class ReceiverInfo:
    name: str  # dotted, qualified: profiles.receivers.create_profile
    short: str
    location: str  # file:line, relative to the project or site-packages


@dataclass(frozen=True)
class Connection:
    """One receiver connected to a signal, as the receivers map shows it."""

    receiver: ReceiverInfo
    sender: str
    dispatch_uid: str
    is_async: bool


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
    with _scan_lock:
        modules = list(sys.modules.items())
        if len(modules) == _scanned_modules:
            return
        found: dict[Signal, list[tuple[str, str]]] = {}
        for module_name, module in modules:
            for attr, value in list(getattr(module, "__dict__", {}).items()):
                if isinstance(value, Signal):
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


def relative_location(filename: str, line: int) -> str:
    path = Path(filename)
    for root in (Path(settings.BASE_DIR), *(Path(entry) for entry in sys.path if entry)):
        if path.is_relative_to(root) and "site-packages" not in path.relative_to(root).parts:
            return f"{path.relative_to(root)}:{line}"
    return f"{path.name}:{line}"


def _target(receiver: Any) -> tuple[Any, str]:
    """The function whose code runs for a receiver, and how the receiver wraps it."""
    if isinstance(receiver, functools.partial):
        return _target(receiver.func)[0], "partial"
    if isinstance(receiver, MethodType):
        return receiver.__func__, ""
    if isinstance(receiver, FunctionType) or inspect.isbuiltin(receiver):
        return receiver, ""
    if callable(receiver):
        return type(receiver).__call__, "instance"
    return receiver, ""


@functools.cache
def _located(filename: str, line: int) -> str:
    # Cached on plain values, never on the receiver, so weakly connected receivers still die.
    return relative_location(filename, line)


def describe(receiver: Any) -> ReceiverInfo:
    """Qualified name and source location of a receiver (function, method, partial, callable)."""
    target, wrapper = _target(receiver)
    target = inspect.unwrap(target)
    code = getattr(target, "__code__", None)
    module = getattr(target, "__module__", None) or "?"
    qualname = getattr(target, "__qualname__", None) or type(target).__name__
    if code is None:
        info = ReceiverInfo(f"{module}.{qualname}", qualname.rpartition(".")[2], "")
    else:
        location = _located(code.co_filename, code.co_firstlineno)
        info = ReceiverInfo(f"{module}.{qualname}", qualname.rpartition(".")[2], location)
    if wrapper == "partial":
        return ReceiverInfo(f"partial({info.name})", info.short, info.location)
    return info


def source_function(receiver: Any) -> Callable[..., Any]:
    """The function whose source the receivers map shows for a receiver."""
    return inspect.unwrap(_target(receiver)[0])


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
        return sender[:100]
    return type(sender).__qualname__


def _resolve(reference: Any) -> Any:
    """A receiver from Signal.receivers: weakly connected ones are references (maybe dead)."""
    return reference() if isinstance(reference, weakref.ReferenceType) else reference


def connections(signal: Signal) -> Iterator[Connection]:
    """The live receivers connected to a signal, in dispatch order."""
    with signal.lock:
        entries = list(signal.receivers)
    for (receiver_key, sender_key), receiver_ref, sender_ref, is_async in entries:
        receiver = _resolve(receiver_ref)
        sender = sender_ref() if sender_ref is not None else None
        if receiver is None or (sender_ref is not None and sender is None):
            continue
        # Django keys a receiver by its dispatch_uid when given, otherwise by ids (ints).
        uid = "" if isinstance(receiver_key, int | tuple) else str(receiver_key)
        if sender_key == NONE_ID:
            label = "any"
        else:
            label = sender_label(sender) if sender is not None else "one sender"
        yield Connection(describe(receiver), label, uid, is_async)


def live_receiver(name: str) -> Any | None:
    """The connected receiver with this qualified name, if any: the source viewer's whitelist."""
    for _signal_name, signal in named_signals():
        with signal.lock:
            refs = [entry[1] for entry in signal.receivers]
        for ref in refs:
            receiver = _resolve(ref)
            if receiver is not None and describe(receiver).name == name:
                return receiver
    return None
