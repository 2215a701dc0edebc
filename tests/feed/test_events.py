"""What an event records: arguments, summaries, receivers and the causal tree of a signup."""

import pytest

from signal_lens.models import Event, Family
from signal_lens.store.reads import first_fired
from tests.helpers import CREATE_PROFILE_AT, feed_visitor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def visitor(signed_up) -> str:
    """The feed's id of the browser that signed up."""
    return feed_visitor(signed_up)


def parent_receiver(event: Event) -> str:
    """The short name of the receiver whose work sent this event."""
    parent = Event.objects.get(chain=event.chain, seq=event.parent_seq)
    return parent.receivers[event.parent_receiver]["short"]


def test_signup_records_post_save_user_created_with_create_profile(visitor):
    assert first_fired(
        visitor, "post_save", sender="auth.User", receiver="create_profile", created=True
    )


def test_profile_post_save_is_a_child_of_create_profile(visitor):
    saved = first_fired(visitor, "post_save", sender="profiles.Profile", created=True)
    assert parent_receiver(saved) == "create_profile"


def test_child_events_point_at_their_parent_and_receiver(visitor):
    saves = Event.objects.filter(visitor=visitor, signal="post_save", args__created=True)
    user_saved, profile_saved = saves.get(sender="auth.User"), saves.get(sender="profiles.Profile")
    assert (profile_saved.chain, profile_saved.parent_seq) == (user_saved.chain, user_saved.seq)
    assert user_saved.receivers[profile_saved.parent_receiver]["short"] == "create_profile"
    assert profile_saved.depth == user_saved.depth + 1


def test_a_request_is_one_chain_from_request_started_to_request_finished(visitor):
    events = Event.objects.filter(visitor=visitor).order_by("seq")
    signals = list(events.values_list("signal", flat=True))
    assert (signals[0], signals[-1]) == ("request_started", "request_finished")
    assert Event.objects.filter(visitor=visitor).values("chain").distinct().count() == 1


def test_events_name_the_request_that_caused_them(visitor):
    origins = set(Event.objects.filter(visitor=visitor).values_list("origin", flat=True))
    assert origins == {"POST /accounts/signup/"}


def test_login_shows_update_last_login_and_record_login(visitor):
    assert first_fired(visitor, "user_logged_in", receiver="update_last_login")
    assert first_fired(visitor, "user_logged_in", receiver="profiles.receivers.record_login")


def test_nested_save_under_update_last_login_records_update_fields(visitor):
    saved = first_fired(visitor, "post_save", update_fields=["last_login"])
    assert parent_receiver(saved) == "update_last_login"


def test_families(visitor):
    families = dict(Event.objects.filter(visitor=visitor).values_list("signal", "family"))
    assert families["post_save"] == Family.MODEL
    assert families["request_started"] == Family.REQUEST
    assert families["user_signed_up"] == Family.ALLAUTH


def test_summary_names_the_instance_and_masks_the_email(visitor):
    event = Event.objects.get(visitor=visitor, signal="post_save", sender="profiles.Profile")
    assert event.summary == f"Profile #{event.args['instance']['pk']} of bob@… created"


def test_receivers_record_location_duration_and_outcome(visitor):
    event = Event.objects.get(visitor=visitor, sender="auth.User", args__created=True)
    (receiver,) = event.receivers
    assert receiver["location"] == CREATE_PROFILE_AT
    assert receiver["outcome"] == "returned" and receiver["duration_ms"] > 0


def test_times_are_stored_in_milliseconds_to_the_microsecond(visitor):
    events = Event.objects.filter(visitor=visitor)
    times = [value for event in events for value in (event.offset_ms, event.duration_ms)]
    times += [
        receiver[key]
        for event in events
        for receiver in event.receivers
        for key in ("offset_ms", "duration_ms", "query_ms")
        if receiver.get(key) is not None
    ]
    assert len(times) > 20 and any(time % 1 for time in times)
    assert all(time == round(time, 3) for time in times)


def test_pre_init_and_post_init_are_folded_into_counts(visitor):
    assert not Event.objects.filter(signal__in=["pre_init", "post_init"]).exists()
    assert sum(Event.objects.filter(visitor=visitor).values_list("instances", flat=True)) > 0


def test_session_keys_are_never_recorded(client, visitor):
    session_key = client.session.session_key
    event = Event.objects.filter(visitor=visitor, sender="sessions.Session").first()
    assert event.args["instance"]["pk"] == "hidden"
    assert session_key not in event.summary
