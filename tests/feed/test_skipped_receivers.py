"""update(), bulk_create() and bulk_update() name the save receivers they skip, changing nothing."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db.models import F
from django.dispatch import Signal

from feed import skips, writer
from feed.models import Event
from playground.models import SandboxNote
from profiles.models import Profile, Topic

pytestmark = pytest.mark.django_db(transaction=True)

touched = Signal()
PROFILE_SAVE_RECEIVERS = {"resize_avatar"}


@contextmanager
def wrapper_off() -> Iterator[None]:
    skips.uninstall()
    try:
        yield
    finally:
        skips.install()


def skipped(**lookups) -> Event:
    return Event.objects.filter(context__has_key="skipped", **lookups).latest("id")


def test_record_logins_update_names_the_profile_receivers_it_skips(client, user, password):
    client.login(username=user.username, password=password)
    writer.flush()
    event = skipped(sender="profiles.Profile", signal="update()")
    assert {receiver["short"] for receiver in event.receivers} == PROFILE_SAVE_RECEIVERS


def test_the_skip_sits_under_record_login(client, user, password):
    client.login(username=user.username, password=password)
    writer.flush()
    event = skipped(sender="profiles.Profile")
    parent = Event.objects.get(chain=event.chain, seq=event.parent_seq)
    assert parent.receivers[event.parent_receiver]["short"] == "record_login"


def test_skipped_receivers_are_marked_skipped(client, user, password):
    client.login(username=user.username, password=password)
    writer.flush()
    outcomes = {receiver["outcome"] for receiver in skipped().receivers}
    assert outcomes == {"skipped"}


def test_a_request_calling_update_shows_the_skip_in_its_chain(client):
    client.post("/playground/save/")
    client.post("/playground/queryset-update/")
    event = skipped(sender="playground.SandboxNote")
    assert (event.origin_kind, event.signal, event.context["skipped"]) == ("request", "update()", 1)


def test_bulk_create_shows_its_skip(client):
    client.post("/playground/bulk-create/")
    assert skipped(sender="playground.SandboxNote").signal == "bulk_create()"


def renames_topics(sender, **kwargs):
    """A receiver which updates a model that has no save receivers."""
    Topic.objects.update(name=F("name"))


def test_a_model_without_save_receivers_records_no_skip(attach):
    attach(touched, renames_topics)
    touched.send(sender="test")
    writer.flush()
    assert not Event.objects.filter(context__has_key="skipped").exists()


def outcome(run) -> tuple[str, object]:
    try:
        return "returned", run()
    except Exception as error:
        return "raised", type(error)


def compare(run) -> tuple[tuple[str, object], tuple[str, object]]:
    with wrapper_off():
        without = outcome(run)
    return outcome(run), without


def test_update_returns_the_same(user):
    assert len(set(compare(lambda: Profile.objects.update(login_count=F("login_count") + 1)))) == 1


def test_bulk_create_returns_the_same_number_of_rows():
    def run():
        notes = [SandboxNote(visitor="v", title="a"), SandboxNote(visitor="v", title="b")]
        return len(SandboxNote.objects.bulk_create(notes))

    assert len(set(compare(run))) == 1


def test_bulk_update_returns_the_same(user):
    def run():
        return Profile.objects.bulk_update(list(Profile.objects.all()), ["bio"])

    assert len(set(compare(run))) == 1


def test_errors_propagate_unchanged():
    assert len(set(compare(lambda: Profile.objects.update(no_such_field=1)))) == 1
