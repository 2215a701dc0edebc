"""Django's plumbing: signals every request sends that teach nothing about this site's own code.

The feed folds them away unless the visitor switches on "show Django's internals". One list here,
for the queries that skip requests made only of plumbing and the templates that fold rows.
"""

from django.db.models import Q

SIGNALS = frozenset(
    {"request_started", "request_finished", "connection_created", "template_rendered"}
)
# Every request with a session saves it: its model signals are plumbing too.
SENDERS = frozenset({"sessions.Session"})


def is_plumbing(signal: str, sender: str) -> bool:
    return signal in SIGNALS or sender in SENDERS


def lesson() -> Q:
    """Events that are not plumbing, as a filter."""
    return ~(Q(signal__in=SIGNALS) | Q(sender__in=SENDERS))
