from django.db import models

from signal_lens.conf import ERROR_LENGTH, SUMMARY_LENGTH


class Family(models.TextChoices):
    MODEL = "model", "Model"
    REQUEST = "request", "Request and core"
    AUTH = "auth", "Auth"
    ALLAUTH = "allauth", "allauth"
    CUSTOM = "custom", "Custom"


class Origin(models.TextChoices):
    REQUEST = "request", "Request"
    COMMAND = "command", "Command or shell"


class EventQuerySet(models.QuerySet["Event"]):
    def for_visitor(self, visitor: str) -> "EventQuerySet":
        """Events caused by one browser's requests."""
        return self.filter(visitor=visitor)


class Event(models.Model):
    """One send of one signal, with the receivers that answered it.

    Events of one request (or one top-level send outside requests) share a `chain` and are written
    together; `seq` orders them within it and `parent_seq`/`parent_receiver` point at the receiver
    whose work sent this one.
    """

    chain = models.UUIDField(db_index=True)
    seq = models.PositiveIntegerField()
    parent_seq = models.PositiveIntegerField(null=True, blank=True)
    parent_receiver = models.PositiveSmallIntegerField(null=True, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)

    visitor = models.CharField(max_length=32, blank=True)
    origin_kind = models.CharField(max_length=8, choices=Origin.choices)
    origin = models.CharField(max_length=200)

    signal = models.CharField(max_length=100)
    signal_module = models.CharField(max_length=200)
    family = models.CharField(max_length=8, choices=Family.choices)
    method = models.CharField(max_length=12)
    sender = models.CharField(max_length=200)
    summary = models.CharField(max_length=SUMMARY_LENGTH)
    args = models.JSONField(default=dict, blank=True)
    receivers = models.JSONField(default=list, blank=True)
    # pre_init/post_init sends folded in: one count here instead of one row per model instance.
    instances = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=ERROR_LENGTH, blank=True)
    # What the send ran inside: the databases whose atomic() block was open (insight/hooks.py).
    context = models.JSONField(default=dict, blank=True)

    # Not indexed: only the age prune searches it, by id (store/retention.py).
    started_at = models.DateTimeField()
    offset_ms = models.FloatField()
    duration_ms = models.FloatField()

    objects = EventQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["visitor", "id"], name="signal_lens_event_visitor_id")]

    def __str__(self) -> str:
        return f"{self.signal} from {self.sender}"

    def ran(self, receiver: str) -> bool:
        """Whether a receiver answered this send, by qualified name or by its short name."""
        return any(receiver in (each["name"], each["short"]) for each in self.receivers)
