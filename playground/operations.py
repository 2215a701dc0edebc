"""The playground's operations: each does one small, real thing to the visitor's sandbox notes.

Every operation takes the visitor id and returns one sentence on what happened; the view shows
it beside the signals the recorder saw while it ran.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import ngettext

from playground.models import SandboxNote
from playground.signals import experiment

MAX_NOTES = 20


class SandboxFull(Exception):
    """The visitor already has MAX_NOTES notes: the sandbox stays small."""


class Rollback(Exception):
    """Raised inside a transaction on purpose, to undo it."""


@dataclass(frozen=True)
class Operation:
    slug: str
    title: str
    code: str
    lesson: str
    run: Callable[[str], str]


def _notes(visitor: str):
    return SandboxNote.objects.filter(visitor=visitor)


def _new_note(visitor: str, count: int = 1) -> list[SandboxNote]:
    have = _notes(visitor).count()
    if have + count > MAX_NOTES:
        raise SandboxFull(f"Your sandbox holds {have} of {MAX_NOTES} notes: delete them first.")
    return [SandboxNote(visitor=visitor, title=f"Note {have + n + 1}") for n in range(count)]


def _rows(count: int) -> str:
    return f"{count} {ngettext('row', 'rows', count)}"


def save_note(visitor: str) -> str:
    (note,) = _new_note(visitor)
    note.save()
    return f"Saved “{note.title}” with save(): a new row, so post_save says created=True."


def save_title_only(visitor: str) -> str:
    note = _notes(visitor).first()
    if note is None:
        return "There is no note to change yet: save one first."
    note.title = f"{note.title.split(' (')[0]} (renamed)"
    note.save(update_fields=["title"])
    return f"Saved only the title of “{note.title}”: the signals carry update_fields={{'title'}}."


def update_queryset(visitor: str) -> str:
    changed = _notes(visitor).update(revision=F("revision") + 1)
    return f"QuerySet.update() changed {_rows(changed)} in one UPDATE and sent no signal at all."


def update_by_hand(visitor: str) -> str:
    table = connection.ops.quote_name(SandboxNote._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET revision = revision + 1 WHERE visitor = %s", [visitor])
        changed = cursor.rowcount
    return f"cursor.execute() changed {_rows(changed)}: Django only passed the SQL along."


def bulk_create_notes(visitor: str) -> str:
    created = SandboxNote.objects.bulk_create(_new_note(visitor, 3))
    return f"bulk_create() inserted {len(created)} rows and sent no pre_save or post_save."


def delete_queryset(visitor: str) -> str:
    deleted, _ = _notes(visitor).delete()
    return (
        f"QuerySet.delete() removed {_rows(deleted)}, sending pre_delete and post_delete for each"
        " row because a receiver listens; with none, Django deletes in one query and sends nothing."
    )


def send_failing(visitor: str) -> str:
    try:
        experiment.send(sender=SandboxNote, visitor=visitor, fail=True)
    except ValueError as error:
        return f"send() let “{error}” propagate: the receivers after the failing one never ran."
    return "send() returned normally."


def send_robust_failing(visitor: str) -> str:
    responses = experiment.send_robust(sender=SandboxNote, visitor=visitor, fail=True)
    answers = ", ".join(f"{receiver.__name__} → {response!r}" for receiver, response in responses)
    return f"send_robust() ran every receiver and returned the exception as a value: {answers}."


def send_custom(visitor: str) -> str:
    responses = experiment.send(sender=SandboxNote, visitor=visitor, fail=False)
    answers = ", ".join(f"{receiver.__name__} → {response!r}" for receiver, response in responses)
    return f"The custom signal experiment reached its receivers, which answered: {answers}."


def save_then_roll_back(visitor: str) -> str:
    try:
        with transaction.atomic():
            (note,) = _new_note(visitor)
            note.save()
            raise Rollback
    except Rollback:
        pass
    exists = _notes(visitor).filter(pk=note.pk).exists()
    return (
        f"pre_save and post_save fired for “{note.title}”, then the transaction rolled back: the"
        f" row {'is still there' if exists else 'is gone'}, and its on_commit work never ran."
    )


def save_and_commit(visitor: str) -> str:
    with transaction.atomic():
        (note,) = _new_note(visitor)
        note.save()
    return f"“{note.title}” committed, so the on_commit callback sent note_committed after it."


OPERATIONS = {
    operation.slug: operation
    for operation in [
        Operation(
            "save", "save()", "note.save()", "A plain save sends pre_save and post_save.", save_note
        ),
        Operation(
            "update-fields",
            "save(update_fields=…)",
            'note.save(update_fields=["title"])',
            "The same signals, now telling receivers which fields changed.",
            save_title_only,
        ),
        Operation(
            "queryset-update",
            "QuerySet.update()",
            "notes.update(revision=F('revision') + 1)",
            "One SQL UPDATE: no model is saved, so no signal fires.",
            update_queryset,
        ),
        Operation(
            "sql-update",
            "SQL by hand",
            'cursor.execute("UPDATE … SET revision = revision + 1")',
            "SQL written by hand bypasses the models: no signal fires.",
            update_by_hand,
        ),
        Operation(
            "bulk-create",
            "bulk_create()",
            "SandboxNote.objects.bulk_create(notes)",
            "One INSERT for many rows: no pre_save or post_save.",
            bulk_create_notes,
        ),
        Operation(
            "queryset-delete",
            "QuerySet.delete()",
            "notes.delete()",
            "Unlike update(), delete() sends signals for every row, when someone listens.",
            delete_queryset,
        ),
        Operation(
            "send",
            "A receiver raises under send()",
            "experiment.send(sender, fail=True)",
            "The exception reaches the sender and later receivers are skipped.",
            send_failing,
        ),
        Operation(
            "send-robust",
            "The same under send_robust()",
            "experiment.send_robust(sender, fail=True)",
            "Every receiver runs; the exception comes back as a value.",
            send_robust_failing,
        ),
        Operation(
            "rollback",
            "Save, then roll back",
            "with atomic(): note.save(); raise Rollback",
            "Signals fire inside the transaction, even when it is then undone.",
            save_then_roll_back,
        ),
        Operation(
            "on-commit",
            "Save with on_commit",
            "with atomic(): note.save()  # on_commit(send)",
            "Inside atomic(), on_commit work waits for the commit. Outside one (autocommit, "
            "as in a plain save()), there is nothing to wait for: it runs at once.",
            save_and_commit,
        ),
        Operation(
            "custom",
            "Send a custom signal",
            "experiment.send(sender, visitor=…)",
            "A project's own Signal() works like Django's: receivers may answer with values.",
            send_custom,
        ),
    ]
}
