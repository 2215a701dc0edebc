"""update(), bulk_create(), bulk_update() and SQL written by hand name the save receivers they
skip, changing nothing; save()'s own SQL skips nothing."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection
from django.db.models import F
from django.db.models.signals import post_save
from django.dispatch import Signal

from playground.models import SandboxNote
from profiles.models import Profile, Topic
from signal_lens.insight import skips
from signal_lens.models import Event
from signal_lens.store import writer

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


def chain_of_last_request() -> list[Event]:
    last = Event.objects.filter(origin_kind="request").latest("id")
    return list(Event.objects.filter(chain=last.chain))


def test_sql_written_by_hand_shows_its_skip(client):
    client.post("/playground/save/")
    client.post("/playground/sql-update/")
    event = skipped(sender="playground.SandboxNote")
    assert (event.signal, event.context["skipped"]) == ("SQL UPDATE", 1)
    assert [receiver["short"] for receiver in event.receivers] == ["announce_on_commit"]


@pytest.mark.parametrize("operation", ["save", "update-fields", "on-commit", "rollback"])
def test_saves_skip_nothing(client, operation):
    client.post("/playground/save/")
    client.post(f"/playground/{operation}/")
    assert not [event for event in chain_of_last_request() if "skipped" in event.context]


def test_update_is_recorded_once_not_again_as_sql(client):
    client.post("/playground/save/")
    client.post("/playground/queryset-update/")
    skips = [event.signal for event in chain_of_last_request() if "skipped" in event.context]
    assert skips == ["update()"]


def bumps_logins_by_hand(sender, **kwargs):
    """A receiver which writes to the profiles table with SQL of its own."""
    table = connection.ops.quote_name(Profile._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET login_count = login_count + 1")


def test_sql_by_hand_in_a_receiver_of_a_save_is_seen(attach):
    attach(post_save, bumps_logins_by_hand, sender=SandboxNote)
    SandboxNote(visitor="v", title="a").save()
    writer.flush()
    event = skipped(sender="profiles.Profile", signal="SQL UPDATE")
    parent = Event.objects.get(chain=event.chain, seq=event.parent_seq)
    receiver = parent.receivers[event.parent_receiver]["short"]
    assert (parent.signal, receiver) == ("post_save", "bumps_logins_by_hand")


def test_sql_by_hand_returns_the_same(user):
    def run():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE profiles_profile SET login_count = login_count + 1")
            return cursor.rowcount

    assert len(set(compare(run))) == 1


def test_sql_errors_propagate_unchanged():
    def run():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE profiles_profile SET no_such_column = 1")

    (with_wrapper, without) = compare(run)
    assert with_wrapper == without == ("raised", with_wrapper[1])
    assert issubclass(with_wrapper[1], DatabaseError)


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
