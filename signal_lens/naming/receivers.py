"""Receivers described from their code objects (qualified name, file:line), never from a request,
and the receivers connected to a signal, read from Django's dispatcher in one place."""

import functools
import inspect
import os
import sys
import weakref
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType, MethodType
from typing import Any, NamedTuple

from django.dispatch import Signal
from django.dispatch.dispatcher import NONE_ID, _make_id


@dataclass(frozen=True)
class ReceiverInfo:
    name: str  # dotted, qualified: profiles.receivers.create_profile
    short: str
    location: str  # file:line, relative to the project or site-packages


def relative_location(filename: str, line: int) -> str:
    """file:line relative to the working directory or an import root (any project layout)."""
    path = Path(filename)
    for root in (Path(os.getcwd()), *(Path(entry) for entry in sys.path if entry)):
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


# Described once per function (a bound method by its function), held weakly so receivers still die.
_described: "weakref.WeakKeyDictionary[Any, ReceiverInfo]" = weakref.WeakKeyDictionary()


def describe(receiver: Any) -> ReceiverInfo:
    """Qualified name and source location of a receiver (function, method, partial, callable)."""
    key = receiver.__func__ if isinstance(receiver, MethodType) else receiver
    try:
        return _described[key]
    except (KeyError, TypeError):  # TypeError: not weakly referenceable, so never cached.
        pass
    info = _describe(receiver)
    with suppress(TypeError):
        _described[key] = info
    return info


def _describe(receiver: Any) -> ReceiverInfo:
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


def resolve_reference(reference: Any) -> Any:
    """A receiver from Signal.receivers: weakly connected ones are references (maybe dead)."""
    return reference() if isinstance(reference, weakref.ReferenceType) else reference


class LiveConnection(NamedTuple):
    """A receiver connected to a signal, and the sender it listens to, both still alive."""

    receiver: Any
    key: Any  # The dispatch_uid given to connect(), else Django's own key (ints).
    any_sender: bool
    sender: Any  # None for any sender, or one that cannot be weakly referenced.
    is_async: bool


# live_connections() without a sender: None is a sender too, one that reaches only "any sender".
_EVERY_SENDER = object()


def live_connections(signal: Signal, sender: Any = _EVERY_SENDER) -> list[LiveConnection]:
    """The receivers connected to a signal, in dispatch order; given a `sender`, only those a
    send from it reaches (connected to it, or to any sender).

    The one read of Django's private receiver list, under the signal's lock as Django reads it.
    """
    with signal.lock:
        entries = list(signal.receivers)
    wanted = None if sender is _EVERY_SENDER else (NONE_ID, _make_id(sender))
    found = []
    for (key, sender_key), reference, sender_ref, is_async in entries:
        if wanted is not None and sender_key not in wanted:
            continue
        receiver = resolve_reference(reference)
        connected_to = sender_ref() if sender_ref is not None else None
        if receiver is not None and (sender_ref is None or connected_to is not None):
            found.append(
                LiveConnection(receiver, key, sender_key == NONE_ID, connected_to, is_async)
            )
    return found
