"""Public names for the ids a send carried (pk_set), looked up when the feed is read, not recorded.

Only models the project lists in FEED_NAMED_MODELS, with the field that names a row, are read:
their names are public data (topics), so the feed can say "Signals (#2)" instead of "2".
"""

from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps

from signal_lens.conf import feed_setting
from signal_lens.models import Event
from signal_lens.muting import muted


def pk_names(events: Iterable[Event]) -> dict[tuple[str, int], str]:
    """(model label, pk) → name for every listed model's pk in these events' pk_set."""
    listed = feed_setting("FEED_NAMED_MODELS")
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        label, pks = event.args.get("model"), event.args.get("pk_set")
        if label in listed and pks:
            wanted[label].update(pk for pk in pks if isinstance(pk, int))
    names = {}
    for label, pks in wanted.items():
        model = apps.get_model(label)
        rows = model._default_manager.filter(pk__in=pks).values_list("pk", listed[label])
        with muted():
            names.update({(label, pk): str(name) for pk, name in rows})
    return names
