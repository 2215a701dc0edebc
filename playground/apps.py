from django.apps import AppConfig


class PlaygroundConfig(AppConfig):
    name = "playground"
    verbose_name = "Signals playground"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from playground import receivers
        from playground.models import SandboxNote
        from playground.signals import experiment
        from signal_lens.signals import visitors_forgotten

        # Connected in this order on purpose: under send() the refusal stops the count.
        experiment.connect(
            receivers.refuse_failing_experiment,
            dispatch_uid="playground.refuse_failing_experiment",
        )
        experiment.connect(
            receivers.count_sandbox_notes, dispatch_uid="playground.count_sandbox_notes"
        )
        post_save.connect(
            receivers.announce_on_commit,
            sender=SandboxNote,
            dispatch_uid="playground.announce_on_commit",
        )
        # Sandbox notes live as long as their visitor's feed: the feed's retention bounds both.
        visitors_forgotten.connect(receivers.forget_notes, dispatch_uid="playground.forget_notes")
        post_delete.connect(
            receivers.log_deleted_note,
            sender=SandboxNote,
            dispatch_uid="playground.log_deleted_note",
        )
