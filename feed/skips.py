"""Receivers a QuerySet method skipped: update(), bulk_create() and bulk_update() save rows
without sending pre_save or post_save, so the receivers connected to them never run.

Django has no hook for these methods, so `install()` wraps the three (FEED_WATCH_BULK = False
leaves QuerySet alone). The wrapper calls the original with the same arguments and returns its
result untouched; when the model has save receivers and a request or receiver is being recorded,
it adds a record naming them, each with the outcome "skipped".
"""

import functools
import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.signals import post_save, pre_save
from django.dispatch.dispatcher import NONE_ID, _make_id

from feed.chains import Send
from feed.context import current_call, current_chain
from feed.models import Family
from feed.muting import is_muted
from feed.naming import SignalName
from feed.receiver_info import ReceiverInfo, describe, resolve_reference

logger = logging.getLogger(__name__)

METHODS = ("update", "bulk_create", "bulk_update")
_originals: dict[str, Callable[..., Any]] = {}
# bulk_update() runs update() for each batch: only the outermost call is the host's.
_inside: ContextVar[bool] = ContextVar("feed_inside_bulk", default=False)


def skipped_receivers(model: type[Model]) -> list[ReceiverInfo]:
    """The receivers of pre_save and post_save for this model: what a save would have run."""
    found = []
    for signal in (pre_save, post_save):
        if not signal.has_listeners(model):
            continue
        sender_key = _make_id(model)
        with signal.lock:
            entries = list(signal.receivers)
        for (_receiver_key, key), reference, _sender_ref, _is_async in entries:
            receiver = resolve_reference(reference)
            if receiver is not None and key in (NONE_ID, sender_key):
                found.append(describe(receiver))
    return found


def _open(model: type[Model], method: str) -> Send | None:
    """A record of the skip in the request or receiver being recorded, if any."""
    if is_muted() or _inside.get():
        return None
    call = current_call.get()
    chain = call.send.chain if call is not None else current_chain.get()
    if chain is None or chain.ignored:
        return None
    receivers = skipped_receivers(model)
    if not receivers:
        return None
    send = chain.add(post_save, model, {}, method, call)
    name = f"{method}()"
    send.name = SignalName(name, "django.db.models.QuerySet", Family.MODEL)
    count = len(receivers)
    send.summary = f"no pre_save/post_save: {count} receiver{'s' if count > 1 else ''} skipped"
    for info in receivers:
        send.add_call(info, False).outcome = "skipped"
    return send


def _watching(method: str) -> Callable[..., Any]:
    original = _originals[method]

    @functools.wraps(original)
    def watched(self: QuerySet, *args: Any, **kwargs: Any) -> Any:
        try:
            send = _open(self.model, method)
        except Exception:
            logger.exception("feed: could not record the receivers %s() skipped", method)
            send = None
        token = _inside.set(True)
        try:
            result = original(self, *args, **kwargs)
        except BaseException as error:
            _close(send, error)
            raise
        finally:
            _inside.reset(token)
        _close(send, None)
        return result

    return watched


def _close(send: Send | None, error: BaseException | None) -> None:
    if send is None:
        return
    try:
        send.finish(error)
    except Exception:
        logger.exception("feed: could not finish recording skipped receivers")


def install() -> None:
    """Wrap QuerySet's three signal-less save methods once per process (FeedConfig.ready())."""
    if _originals:
        return
    _originals.update({method: getattr(QuerySet, method) for method in METHODS})
    for method in METHODS:
        setattr(QuerySet, method, _watching(method))


def uninstall() -> None:
    """Put QuerySet's own methods back (tests compare behaviour with and without the wrapper)."""
    for method, original in _originals.items():
        setattr(QuerySet, method, original)
    _originals.clear()
