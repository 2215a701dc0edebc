"""Benchmark: what the recorder adds to one signal send, in microseconds, on and off in one run.

    .venv/bin/python -m bench.send_cost

Runs in this process with a minimal Django (contenttypes, auth and the feed, SQLite in a
temporary folder). Each case sends N times inside one request's chain, as a view's sends are
recorded; rounds alternate off and on (off, on, on, off, ...) so drift on a shared machine falls on
both, and the best round of each is kept. Cases:
- an empty send (no receivers connected): Django's own fast path returns at once;
- pre_init and post_init with no receivers: every model instance loaded sends both;
- a send with one receiver, and with three.
"""

import os
import tempfile
import time
from collections.abc import Callable

import django
from django.conf import settings
from django.dispatch import Signal

ROUNDS = 6
SENDS = 20_000
# Module-level, as a project's signals are, so the feed knows their names.
empty, one, three = Signal(), Signal(), Signal()


def configure(folder: str) -> None:
    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "feed"],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": os.path.join(folder, "db.sqlite3"),
            }
        },
        USE_TZ=True,
        FEED_QUEUE_SIZE=0,  # Nothing is written: only the send is measured.
    )
    django.setup()


def cases() -> dict[str, Callable[[], object]]:
    from django.contrib.auth.models import Group
    from django.db.models.signals import post_init, pre_init

    def receiver(sender, **kwargs):
        return None

    one.connect(receiver, weak=False)
    for _ in range(3):
        three.connect(lambda sender, **kwargs: None, weak=False)
    return {
        "empty send": lambda: empty.send(sender=Group),
        "pre_init, no receivers": lambda: pre_init.send(sender=Group, args=(), kwargs={}),
        "post_init, no receivers": lambda: post_init.send(sender=Group, instance=None),
        "send, 1 receiver": lambda: one.send(sender=Group, value=1),
        "send, 3 receivers": lambda: three.send(sender=Group, value=1),
    }


def per_send_us(send: Callable[[], object], recording: bool) -> float:
    """Microseconds per send, inside a fresh request chain when recording."""
    from feed.chains import Chain
    from feed.context import current_chain
    from feed.models import Origin

    token = current_chain.set(Chain(Origin.REQUEST, "GET", "/bench/") if recording else None)
    try:
        started = time.perf_counter()
        for _ in range(SENDS):
            send()
        return (time.perf_counter() - started) / SENDS * 1e6
    finally:
        current_chain.reset(token)


def measure(name: str, send: Callable[[], object]) -> tuple[float, float]:
    from feed import recorder

    best = {False: float("inf"), True: float("inf")}
    for round_ in range(ROUNDS):
        for recording in (False, True) if round_ % 2 == 0 else (True, False):
            if recording:
                recorder.install()
            else:
                recorder.uninstall()
            best[recording] = min(best[recording], per_send_us(send, recording))
    recorder.install()
    return best[False], best[True]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="signal-lab-send-cost-") as folder:
        configure(folder)
        import platform

        versions = f"Python {platform.python_version()}, Django {django.__version__}"
        print(f"{versions}, {os.cpu_count()} cores")
        print(f"{SENDS} sends per round, best of {ROUNDS} rounds each, off and on alternating\n")
        print(f"{'case':<26}{'off µs':>9}{'on µs':>9}{'added µs':>10}")
        for name, send in cases().items():
            off, on = measure(name, send)
            print(f"{name:<26}{off:>9.2f}{on:>9.2f}{on - off:>10.2f}")


if __name__ == "__main__":
    main()
