"""The recorder changes no behaviour: every send method, with and without it, gives the same."""

import functools
import gc
import logging
import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from asgiref.sync import async_to_sync
from django.dispatch import Signal

from signal_lens.models import Event
from signal_lens.store import writer
from tests.helpers import ping
from tests.recording import recorder_off

pytestmark = pytest.mark.django_db(transaction=True)

ERROR = ValueError("boom")
calls: list[str] = []


def plain(sender, **kwargs):
    calls.append("plain")
    return "plain"


def prefixed(prefix, sender, **kwargs):
    calls.append(prefix)
    return prefix


def failing(sender, **kwargs):
    calls.append("failing")
    raise ERROR


async def coroutine(sender, **kwargs):
    calls.append("coroutine")
    return "coroutine"


async def failing_coroutine(sender, **kwargs):
    calls.append("failing_coroutine")
    raise ERROR


class Listener:
    def method(self, sender, **kwargs):
        calls.append("method")
        return "method"


@pytest.fixture
def connect():
    """Connect receivers to `ping` for one test, disconnecting all of them afterwards."""
    connected = []

    def add(receiver, dispatch_uid=None):
        ping.connect(receiver, dispatch_uid=dispatch_uid)
        connected.append((receiver, dispatch_uid))

    yield add
    for receiver, dispatch_uid in connected:
        ping.disconnect(receiver, dispatch_uid=dispatch_uid)
    calls.clear()


SENDS: dict[str, Callable] = {
    "send": lambda: ping.send(sender="test", value=1),
    "send_robust": lambda: ping.send_robust(sender="test", value=1),
    "asend": lambda: async_to_sync(ping.asend)(sender="test", value=1),
    "asend_robust": lambda: async_to_sync(ping.asend_robust)(sender="test", value=1),
}


def outcome(method: str):
    """What a send returned or raised, and the receivers it called in order."""
    calls.clear()
    try:
        result = ("returned", SENDS[method]())
    except Exception as error:
        result = ("raised", error)
    return result, list(calls)


def compare(method: str):
    with recorder_off():
        without = outcome(method)
    return outcome(method), without


@pytest.mark.parametrize("method", SENDS)
def test_same_receivers_order_and_responses(connect, method):
    listener = Listener()
    partial = functools.partial(prefixed, "partial")
    for receiver in (plain, partial, listener.method, coroutine):
        connect(receiver)
    with_recorder, without = compare(method)
    assert with_recorder == without
    assert [response for _, response in with_recorder[0][1]] == [
        "plain", "partial", "method", "coroutine",
    ]  # fmt: skip


@pytest.mark.parametrize("method", SENDS)
def test_returned_pairs_hold_the_original_receivers(connect, method):
    partial = functools.partial(prefixed, "partial")
    for receiver in (plain, partial, coroutine):
        connect(receiver)
    (_, pairs), _ = outcome(method)
    assert [receiver for receiver, _ in pairs] == [plain, partial, coroutine]
    assert all(type(receiver) in {type(plain), functools.partial} for receiver, _ in pairs)


@pytest.mark.parametrize("method", ["send", "asend"])
@pytest.mark.parametrize("receiver", [failing, failing_coroutine])
def test_exceptions_propagate_unchanged(connect, method, receiver):
    connect(receiver)
    connect(plain)
    with_recorder, without = compare(method)
    assert with_recorder == without
    assert with_recorder[0] == ("raised", ERROR)


@pytest.mark.parametrize("method", ["send_robust", "asend_robust"])
@pytest.mark.parametrize("receiver", [failing, failing_coroutine])
def test_robust_sends_return_the_same_exception_and_log_the_same(connect, method, receiver, caplog):
    connect(receiver)
    caplog.set_level(logging.ERROR, logger="django.dispatch")
    with recorder_off():
        without = outcome(method)
    logged_without = [record.getMessage() for record in caplog.records]
    caplog.clear()
    with_recorder = outcome(method)
    assert with_recorder == without == (("returned", [(receiver, ERROR)]), [receiver.__name__])
    assert [record.getMessage() for record in caplog.records] == logged_without


def test_robust_send_to_a_failing_partial_fails_as_django_does(connect):
    # Django logs receiver.__qualname__, which a partial lacks: the same AttributeError either way.
    connect(functools.partial(failing))
    with_recorder, without = compare("send_robust")
    assert type(with_recorder[0][1]) is type(without[0][1]) is AttributeError
    assert str(with_recorder[0][1]) == str(without[0][1])


def test_disconnect_still_works(connect):
    connect(plain)
    ping.send(sender="test")
    assert ping.disconnect(plain) is True
    assert ping.send(sender="test") == []


def test_weakly_connected_receivers_still_die():
    def short_lived(sender, **kwargs):
        return "alive"

    ping.connect(short_lived)
    assert ping.send(sender="test") == [(short_lived, "alive")]
    del short_lived
    gc.collect()
    assert not ping.has_listeners()


def test_dispatch_uid_still_deduplicates(connect):
    connect(plain, dispatch_uid="tests.plain")
    connect(plain, dispatch_uid="tests.plain")
    assert ping.send(sender="test") == [(plain, "plain")]


def test_each_send_is_recorded_with_its_receivers(connect):
    connect(plain)
    connect(coroutine)
    ping.send(sender="test", value=1)
    writer.flush()
    event = Event.objects.get(signal="ping")
    assert event.signal_module == "tests.helpers"
    assert [receiver["name"] for receiver in event.receivers] == [
        "tests.feed.test_recorder.plain",
        "tests.feed.test_recorder.coroutine",
    ]


def test_a_receiver_that_raises_is_recorded_as_raised(connect):
    connect(failing)
    ping.send_robust(sender="test")
    writer.flush()
    (receiver,) = Event.objects.get(signal="ping").receivers
    assert (receiver["outcome"], receiver["error"]) == ("raised", "ValueError: boom")


def test_sends_with_no_receivers_are_recorded_too():
    ping.send(sender="test")
    writer.flush()
    assert Event.objects.get(signal="ping").receivers == []


def test_empty_and_filled_arguments_written_together_keep_their_own():
    ping.send(sender="test")
    ping.send(sender="test", created=True)
    writer.flush()
    events = Event.objects.filter(signal="ping").order_by("id")
    assert [(event.args, event.context) for event in events] == [({}, {}), ({"created": True}, {})]


def test_partial_and_bound_method_receivers_are_named(connect):
    listener = Listener()
    connect(functools.partial(prefixed, "p"))
    connect(listener.method)
    ping.send(sender="test")
    writer.flush()
    names = [receiver["name"] for receiver in Event.objects.get(signal="ping").receivers]
    assert names == [
        "partial(tests.feed.test_recorder.prefixed)",
        "tests.feed.test_recorder.Listener.method",
    ]


def test_the_setting_keeps_the_recorder_out_of_the_process():
    env = {**os.environ, "DJANGO_FEED_ENABLED": "false", "DJANGO_SETTINGS_MODULE": "settings"}
    script = "from django.dispatch import Signal; print(hasattr(Signal.send, '__wrapped__'))"
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", script]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
    assert hasattr(Signal.send, "__wrapped__")  # This process runs with it installed.


def test_switched_off_records_nothing(connect):
    connect(plain)
    with recorder_off():
        ping.send(sender="test")
    writer.flush()
    assert not Event.objects.filter(signal="ping").exists()
