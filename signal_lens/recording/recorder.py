"""The recorder: every send of every Signal, with each receiver timed, changing no behaviour.

`install()` wraps Signal's four send methods and `_live_receivers`. The send wrappers open a record
and close it; `_live_receivers` hands the send timed stand-ins for the receivers it resolved, and
the send wrappers swap the original receivers back into the returned (receiver, response) pairs.
Anything that goes wrong in the recorder is logged and the send goes on as if it were not there.
"""

import functools
import logging
import sys
import types
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from django.core.signals import request_finished, request_started
from django.db.models.signals import post_init, pre_init
from django.dispatch import Signal

from signal_lens.context import current_call, current_chain, is_muted, recording_into
from signal_lens.models import Origin
from signal_lens.naming.receivers import describe
from signal_lens.recording.chains import Call, Chain, Send
from signal_lens.recording.paths import is_ignored_path
from signal_lens.reporting import report
from signal_lens.store import writer

logger = logging.getLogger(__name__)

METHODS = ("send", "send_robust", "asend", "asend_robust", "_live_receivers")
_originals: dict[str, Callable[..., Any]] = {}
# The send whose receivers are being resolved: `_live_receivers` runs first thing inside a send.
_opening: ContextVar[Send | None] = ContextVar("feed_opening", default=None)


class _Timed:
    """Stands in for a receiver during one send; attribute reads reach the receiver itself."""

    __slots__ = ("call", "receiver")

    def __init__(self, receiver: Any, call: Call) -> None:
        self.receiver, self.call = receiver, call

    def __getattr__(self, name: str) -> Any:
        # send_robust logs receiver.__qualname__: the same text, or the same AttributeError.
        return getattr(self.receiver, name)

    def __repr__(self) -> str:
        return repr(self.receiver)


class _TimedSync(_Timed):
    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        token = current_call.set(self.call)
        self.call.begin()
        try:
            response = self.receiver(*args, **kwargs)
        except BaseException as error:
            self.call.finish(error)
            raise
        finally:
            current_call.reset(token)
        self.call.finish(None)
        return response


@types.coroutine
def _stepped(coroutine: Coroutine[Any, Any, Any], call: Call):
    """Drive a receiver's coroutine with `call` as the current receiver during each of its steps.

    Django runs async receivers as tasks sharing one context, so a context variable set once
    would leak between them; setting it around every step keeps each task's nested sends apart.
    """
    call.begin()
    value, error = None, None
    while True:
        token = current_call.set(call)
        try:
            yielded = coroutine.send(value) if error is None else coroutine.throw(error)
        except StopIteration as stop:
            call.finish(None)
            return stop.value
        except BaseException as raised:
            call.finish(raised)
            raise
        finally:
            current_call.reset(token)
        try:
            value, error = (yield yielded), None
        except BaseException as thrown:
            value, error = None, thrown


class _TimedAsync(_Timed):
    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> Coroutine[Any, Any, Any]:
        return self._run(self.receiver(*args, **kwargs))

    async def _run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return await _stepped(coroutine, self.call)


def _unwrap(responses: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [(r.receiver if isinstance(r, _Timed) else r, response) for r, response in responses]


def _request_chain(named: dict[str, Any]) -> Chain:
    scope, environ = named.get("scope"), named.get("environ")
    if scope is not None:
        method, path = scope.get("method", ""), scope.get("path", "")
    else:
        environ = environ or {}
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
    return Chain(Origin.REQUEST, method, path, ignored=is_ignored_path(path))


def process_label() -> str:
    """What to call work done outside requests: "manage.py migrate", "shell", "pytest"."""
    argv = sys.argv or ["python"]
    program = Path(argv[0])
    name = program.parent.name if program.name == "__main__.py" else program.name
    if name in {"manage.py", "django-admin"} and len(argv) > 1:
        return f"{name} {argv[1]}"
    return name or "python"


def _chain_for(signal: Signal, named: dict[str, Any]) -> Chain:
    if signal is request_started:
        # A request is never inside another's work, whatever its context inherited: uvicorn
        # starts the next request on a connection from inside the previous one's last send.
        current_call.set(None)
        chain = _request_chain(named)
        current_chain.set(chain)
        if not chain.ignored:
            writer.expect(chain)
        return chain
    _call, chain = recording_into()
    if chain is None or chain.complete:
        return Chain(Origin.COMMAND, process_label())
    return chain


def _fold_instance() -> None:
    """Count a pre_init/post_init send on the chain it belongs to, never recording it alone."""
    call, chain = recording_into()
    if chain is not None and not is_muted():
        try:
            chain.fold_instance(call)
        except Exception:
            report(logger, "signal_lens: could not count a model instance")


def begin(signal: Signal, sender: Any, named: dict[str, Any], method: str) -> Send | None:
    """Open the record of a send, or return None when this send is not to be recorded."""
    if is_muted():
        return None
    try:
        chain = _chain_for(signal, named)
        if chain.ignored:
            if signal is request_finished:
                current_chain.set(None)
            return None
        call = current_call.get()
        parent = call if call is not None and call.send.chain is chain else None
        send = chain.add(signal, sender, named, method, parent)
        _opening.set(send)
        return send
    except Exception:
        report(logger, "signal_lens: could not record a send of %r", signal)
        if signal is request_finished:
            writer.forget(current_chain.get())
            current_chain.set(None)  # Never let a broken request's chain adopt later sends.
        return None


def end(signal: Signal, send: Send, error: BaseException | None) -> Chain | None:
    """Close the record of a send; return its chain when that is now complete, to be written.

    A request's chain completes with its request_finished; outside requests, each top-level send
    is a chain of its own, so the shell and long commands show their events as they happen.
    """
    try:
        send.finish(error)
        _opening.set(None)
        if send.parent is not None:
            return None
        chain = send.chain
        if signal is request_finished and chain is current_chain.get():
            current_chain.set(None)
        elif chain.kind != Origin.COMMAND:
            return None
        chain.complete = True
        return chain
    except Exception:
        report(logger, "signal_lens: could not finish recording a send")
        return None


def _live_receivers(self: Signal, sender: Any) -> tuple[list[Any], list[Any]]:
    sync_receivers, async_receivers = _originals["_live_receivers"](self, sender)
    send = _opening.get()
    if send is None or send.resolved or send.signal is not self:
        return sync_receivers, async_receivers
    send.resolved = True
    try:
        timed_sync = [_TimedSync(r, send.add_call(describe(r), False)) for r in sync_receivers]
        timed_async = [_TimedAsync(r, send.add_call(describe(r), True)) for r in async_receivers]
    except Exception:
        report(logger, "signal_lens: could not time the receivers of %r", self)
        send.calls.clear()
        return sync_receivers, async_receivers
    return timed_sync, timed_async


def _recording_sync(method: str) -> Callable[..., Any]:
    original = _originals[method]

    @functools.wraps(original)
    def recorded(self: Signal, sender: Any, **named: Any) -> Any:
        if self is pre_init or self is post_init:
            _fold_instance()  # Every model instance loaded sends both: keep this path short.
            return original(self, sender, **named)
        send = begin(self, sender, named, method)
        if send is None:
            return original(self, sender, **named)
        try:
            responses = original(self, sender, **named)
        except BaseException as error:
            _submit(end(self, send, error))
            raise
        _submit(end(self, send, None))
        return _unwrap(responses)

    return recorded


def _submit(chain: Chain | None) -> None:
    if chain is not None:
        writer.submit(chain)


def _recording_async(method: str) -> Callable[..., Any]:
    original = _originals[method]

    @functools.wraps(original)
    async def recorded(self: Signal, sender: Any, **named: Any) -> Any:
        if self is pre_init or self is post_init:
            _fold_instance()
            return await original(self, sender, **named)
        send = begin(self, sender, named, method)
        if send is None:
            return await original(self, sender, **named)
        try:
            responses = await original(self, sender, **named)
        except BaseException as error:
            _submit(end(self, send, error))
            raise
        _submit(end(self, send, None))
        return _unwrap(responses)

    return recorded


def install() -> None:
    """Wrap Signal's send methods once per process; FeedConfig.ready() calls this."""
    if _originals:
        return
    _originals.update({method: getattr(Signal, method) for method in METHODS})
    Signal.send = _recording_sync("send")
    Signal.send_robust = _recording_sync("send_robust")
    Signal.asend = _recording_async("asend")
    Signal.asend_robust = _recording_async("asend_robust")
    Signal._live_receivers = _live_receivers


def uninstall() -> None:
    """Put Signal's own methods back (tests compare behaviour with and without the recorder)."""
    for method, original in _originals.items():
        setattr(Signal, method, original)
    _originals.clear()
