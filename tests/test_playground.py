import pytest
from django.test import Client

from playground.models import SandboxNote
from playground.operations import MAX_NOTES
from signal_lens.models import Event
from tests.feed.rows import row_texts
from tests.helpers import elements, feed_visitor, list_items, text

pytestmark = pytest.mark.django_db


def run(client: Client, slug: str) -> str:
    response = client.post(f"/playground/{slug}/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def signals_shown(html: str) -> list[str]:
    """The signal names the result lists, in order: each item's first code."""
    return [
        text(next(element for element in elements(item) if element.name == "code"))
        for item in list_items(html, "Signals sent")
    ]


def sent_lines(html: str) -> list[str]:
    """Each item of the result's list as one line: signal, summary, receivers and outcomes."""
    return [" ".join(text(item).split()) for item in list_items(html, "Signals sent")]


def test_page_lists_every_operation(client):
    response = client.get("/playground/")
    assert len(list_items(response.content.decode(), "Operations")) == 11


def test_save_shows_pre_and_post_save(client):
    html = run(client, "save")
    assert signals_shown(html)[:2] == ["pre_save", "post_save"]


def recorded(client: Client, signal: str) -> Event:
    """The last send of `signal` this browser's requests recorded."""
    return Event.objects.filter(visitor=feed_visitor(client), signal=signal).latest("id")


def outcomes(event: Event) -> dict[str, str]:
    return {receiver["short"]: receiver["outcome"] for receiver in event.receivers}


@pytest.mark.django_db(transaction=True)
def test_update_fields_is_reported(client):
    run(client, "save")
    html = run(client, "update-fields")
    assert "pre_save" in signals_shown(html)
    assert recorded(client, "pre_save").args["update_fields"] == ["title"]


def test_queryset_update_sends_nothing(client):
    run(client, "save")
    html = run(client, "queryset-update")
    assert signals_shown(html) == []
    assert "No signal was sent." in html


def test_sql_by_hand_changes_the_row_and_sends_nothing(client):
    run(client, "save")
    html = run(client, "sql-update")
    assert signals_shown(html) == []
    assert SandboxNote.objects.get().revision == 2


def test_bulk_create_sends_no_save_signals(client):
    html = run(client, "bulk-create")
    assert signals_shown(html) == []


def test_queryset_delete_sends_delete_signals_per_row(client):
    run(client, "bulk-create")
    html = run(client, "queryset-delete")
    assert signals_shown(html).count("post_delete") == 3


@pytest.mark.django_db(transaction=True)
def test_send_lets_the_exception_through_and_skips_later_receivers(client):
    html = run(client, "send")
    assert outcomes(recorded(client, "experiment")) == {
        "refuse_failing_experiment": "raised",
        "count_sandbox_notes": "not run",
    }
    assert "count_sandbox_notes</code> (not run)" in html


@pytest.mark.django_db(transaction=True)
def test_send_robust_runs_every_receiver(client):
    html = run(client, "send-robust")
    experiment = recorded(client, "experiment")
    assert outcomes(experiment) == {
        "refuse_failing_experiment": "raised",
        "count_sandbox_notes": "returned",
    }
    assert experiment.receivers[0]["error"].startswith("ValueError: ")
    (shown,) = [line for line in sent_lines(html) if line.startswith("experiment")]
    # A receiver's outcome is shown in brackets unless it returned.
    assert "count_sandbox_notes" in shown and "count_sandbox_notes (" not in shown


def test_rolled_back_save_fires_signals_but_leaves_no_row(client):
    html = run(client, "rollback")
    assert signals_shown(html)[:2] == ["pre_save", "post_save"]
    assert "note_committed" not in signals_shown(html)
    assert not SandboxNote.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_committed_save_sends_note_committed(client):
    html = run(client, "on-commit")
    assert "note_committed" in signals_shown(html)


def note_committed_row(client: Client) -> str:
    """The feed's row of the newest note_committed send, as the playground page draws it."""
    rows = row_texts(client.get("/playground/").content.decode())
    return next(row for row in rows if row.startswith("note_committed"))


@pytest.mark.django_db(transaction=True)
def test_a_callback_run_at_once_says_why_in_its_row(client):
    run(client, "save")
    assert note_committed_row(client).endswith("on_commit ran at once: no transaction (autocommit)")


@pytest.mark.django_db(transaction=True)
def test_a_callback_run_after_the_commit_does_not_say_at_once(client):
    run(client, "on-commit")
    assert "at once" not in note_committed_row(client)


def test_sandbox_is_bounded(client):
    for _ in range(MAX_NOTES // 3 + 1):
        run(client, "bulk-create")
    assert SandboxNote.objects.count() <= MAX_NOTES


def test_visitors_never_touch_each_others_notes(client):
    run(client, "save")
    other = Client()
    run(other, "queryset-delete")
    assert SandboxNote.objects.count() == 1


def test_unknown_operation_is_404(client):
    assert client.post("/playground/nope/").status_code == 404


def test_one_row_is_one_row(client):
    run(client, "save")
    assert "changed 1 row in one UPDATE" in run(client, "queryset-update")
