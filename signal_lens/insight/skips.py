"""Receivers that were skipped: update(), bulk_create(), bulk_update() and SQL written by hand
save rows without sending pre_save or post_save, so the receivers connected to them never run.

Django has no hook for these methods, so `install()` wraps the three, and Model.save_base, whose
own INSERT or UPDATE sends the signals and so skips nothing (FEED_WATCH_SKIPS = False leaves both
classes alone). Each wrapper calls the original with the same arguments and returns its result
untouched. SQL is seen through Django's execute_wrapper() (insight/execute_wrapper.py): an INSERT or
UPDATE on a model's table outside those methods was written by hand. When the model has save
receivers and a request or receiver is being recorded, a record names them, each "skipped".
"""

import functools
import logging
import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Model, QuerySet
from django.db.models.signals import post_save, pre_save

from signal_lens.context import current_call, is_muted, recording_into
from signal_lens.models import Family
from signal_lens.naming.receivers import ReceiverInfo, describe, live_connections
from signal_lens.naming.signal_names import SignalName
from signal_lens.reporting import report

if TYPE_CHECKING:
    from signal_lens.recording.chains import Send

logger = logging.getLogger(__name__)

METHODS = ("update", "bulk_create", "bulk_update")
_originals: dict[str, Callable[..., Any]] = {}
# bulk_update() runs update() for each batch: only the outermost call is the host's.
_inside: ContextVar[bool] = ContextVar("feed_inside_bulk", default=False)
# Whose save() is writing: the receiver call (or None, the request itself) it runs in. Receivers
# of its signals run under calls of their own, so their hand-written SQL still counts.
_saving: ContextVar[object] = ContextVar("feed_saving", default=False)
# The table an INSERT or UPDATE writes to, whatever the database quotes names with.
WRITE = re.compile(r"(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE)\s+[`\"\[]?([\w.]+)", re.IGNORECASE)


def skipped_receivers(model: type[Model]) -> list[ReceiverInfo]:
    """The receivers of pre_save and post_save for this model: what a save would have run."""
    found = []
    for signal in (pre_save, post_save):
        if not signal.has_listeners(model):
            continue
        found += [describe(each.receiver) for each in live_connections(signal, sender=model)]
    return found


def _open(model: type[Model], method: str, name: str, module: str) -> "Send | None":
    """A record of the skip in the request or receiver being recorded, if any."""
    if is_muted() or _inside.get():
        return None
    call, chain = recording_into()
    if chain is None or chain.ignored:
        return None
    receivers = skipped_receivers(model)
    if not receivers:
        return None
    return chain.add_skip(model, SignalName(name, module, Family.MODEL), receivers, method, call)


@functools.cache
def _models_by_table() -> dict[str, type[Model]]:
    return {model._meta.db_table.lower(): model for model in apps.get_models()}


def open_sql_write(sql: str) -> "Send | None":
    """A record of the receivers an INSERT or UPDATE written by hand skips, if it skips any.

    Called for every statement the host runs while installed: save()'s own writes return at the
    first check, the three wrapped methods' once their table is known.
    """
    if not _originals or _saving.get() is current_call.get():
        return None
    statement = sql.lstrip()
    verb = statement[:6].upper()
    if verb not in ("INSERT", "UPDATE"):
        return None
    match = WRITE.match(statement)
    model = _models_by_table().get(match[1].lower()) if match else None
    if model is None:
        return None
    return _open(model, "sql", f"SQL {verb}", "django.db.connection")


def _watching(method: str) -> Callable[..., Any]:
    original = _originals[method]

    @functools.wraps(original)
    def watched(self: QuerySet, *args: Any, **kwargs: Any) -> Any:
        try:
            send = _open(self.model, method, f"{method}()", "django.db.models.QuerySet")
        except Exception:
            report(logger, "signal_lens: could not record the receivers %s() skipped", method)
            send = None
        token = _inside.set(True)
        try:
            result = original(self, *args, **kwargs)
        except BaseException as error:
            close(send, error)
            raise
        finally:
            _inside.reset(token)
        close(send, None)
        return result

    return watched


def _saving_base(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def save_base(self: Model, *args: Any, **kwargs: Any) -> Any:
        token = _saving.set(current_call.get())
        try:
            return original(self, *args, **kwargs)
        finally:
            _saving.reset(token)

    return save_base


def close(send: "Send | None", error: BaseException | None) -> None:
    """Finish the record of a skip, once the statement or method that skipped has run."""
    if send is None:
        return
    try:
        send.finish(error)
    except Exception:
        report(logger, "signal_lens: could not finish recording skipped receivers")


def install() -> None:
    """Wrap QuerySet's three signal-less save methods and Model.save_base once per process."""
    if _originals:
        return
    _originals.update({method: getattr(QuerySet, method) for method in METHODS})
    _originals["save_base"] = Model.save_base
    for method in METHODS:
        setattr(QuerySet, method, _watching(method))
    Model.save_base = _saving_base(_originals["save_base"])


def uninstall() -> None:
    """Put Django's own methods back (tests compare behaviour with and without the wrappers)."""
    for method, original in _originals.items():
        setattr(Model if method == "save_base" else QuerySet, method, original)
    _originals.clear()
