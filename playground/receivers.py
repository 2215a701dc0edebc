"""Signal receivers of the playground; PlaygroundConfig.ready() connects each one."""

import logging
from functools import partial
from typing import Any

from django.db import transaction

from playground.models import SandboxNote
from playground.signals import note_committed

logger = logging.getLogger(__name__)


def refuse_failing_experiment(sender: Any, fail: bool = False, **kwargs) -> None:
    """A signal receiver which raises when asked to: the difference of send and send_robust."""
    if fail:
        raise ValueError("this experiment was asked to fail")


def count_sandbox_notes(sender: Any, visitor: str, **kwargs) -> int:
    """A signal receiver which answers with the visitor's note count: receivers return values."""
    return SandboxNote.objects.filter(visitor=visitor).count()


def announce_on_commit(
    sender: type[SandboxNote], instance: SandboxNote, raw: bool = False, **kwargs
):
    """A signal receiver which sends note_committed only once the note's transaction commits.

    post_save runs inside the transaction: work that must not happen for a rolled-back row waits.
    """
    if not raw:
        transaction.on_commit(partial(note_committed.send, sender=sender, note=instance.pk))


def log_deleted_note(sender: type[SandboxNote], instance: SandboxNote, **kwargs) -> None:
    """A signal receiver which logs each deleted sandbox note.

    Its being connected is what makes QuerySet.delete() collect rows and send signals per row.
    """
    logger.info("sandbox note %s (%r) deleted", instance.pk, instance.title)


def forget_notes(sender: Any, visitors: list[str], **kwargs) -> None:
    """A signal receiver which deletes the sandbox notes of visitors the feed has forgotten."""
    SandboxNote.objects.filter(visitor__in=visitors).delete()
