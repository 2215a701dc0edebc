"""on_commit callbacks a receiver queues: shown under it as run after the commit or discarded."""

import pytest
from django.db import transaction
from django.dispatch import Signal
from django.test import Client

from signal_lens.models import Event

pytestmark = pytest.mark.django_db(transaction=True)

queued = Signal()


def fates(client: Client, operation: str) -> list[str]:
    """Run a playground operation; the fates of what announce_on_commit queued."""
    client.post(f"/playground/{operation}/")
    saved = Event.objects.filter(signal="post_save", sender="playground.SandboxNote").latest("id")
    (receiver,) = [each for each in saved.receivers if each["short"] == "announce_on_commit"]
    return [callback["fate"] for callback in receiver["on_commit"]]


def test_a_callback_shows_as_run_after_the_commit(client):
    assert fates(client, "on-commit") == ["ran after commit"]


def test_a_callback_shows_as_discarded_by_the_rollback(client):
    assert fates(client, "rollback") == ["discarded by rollback"]


def test_a_signals_send_queued_as_a_callback_is_named_after_the_signal(client):
    client.post("/playground/on-commit/")
    saved = Event.objects.filter(signal="post_save", sender="playground.SandboxNote").get()
    (receiver,) = [each for each in saved.receivers if each["short"] == "announce_on_commit"]
    assert receiver["on_commit"][0]["name"] == "note_committed.send"


def test_the_callback_still_runs_once(client):
    client.post("/playground/on-commit/")
    assert Event.objects.filter(signal="note_committed").count() == 1


def test_switched_off_the_queue_is_left_alone(client, settings):
    settings.FEED_WATCH_ON_COMMIT = False
    client.post("/playground/on-commit/")
    saved = Event.objects.filter(signal="post_save", sender="playground.SandboxNote").get()
    assert all("on_commit" not in receiver for receiver in saved.receivers)


def queue_a_callback(sender, **kwargs):
    """A receiver which queues `after_commit` for the commit."""
    transaction.on_commit(after_commit)


def after_commit():
    return None


@pytest.mark.django_db
def test_captured_callbacks_still_hold_one_equal_to_the_function_queued(
    attach, django_capture_on_commit_callbacks
):
    attach(queued, queue_a_callback)
    with django_capture_on_commit_callbacks() as callbacks:
        queued.send(sender="test")
    assert after_commit in callbacks
