"""Benchmark: what the recorder adds to one signal send, in microseconds, on and off in one run.

    .venv/bin/python -m bench.send_cost

Runs in this process with a minimal Django (contenttypes, auth and the feed, SQLite in a
temporary folder). Each case sends N times inside one request's chain, as a view's sends are
recorded; rounds alternate off and on (off, on, on, off, ...) so drift on a shared machine falls on
both, and the best round of each is kept. Cases:
- an empty send (no receivers connected): Django's own fast path returns at once;
- pre_init and post_init with no receivers: every model instance loaded sends both;
- a send with one receiver, and with three;
- the same two with the feed's per-receiver query counting and on_commit watching switched off
  (docs/insight.md), to show what they add.

Then what the wrapper of signal_lens/insight/execute_wrapper.py adds to each query the host runs
(`SELECT 1` in a request),
and what the writer thread spends, per chain, to write a request of five sends (one more than
the htmx bio save's four) on SQLite in WAL mode: one chain per transaction (an idle server), and
ten (a busy one, whose writer finds several chains waiting). That CPU is spent off the request's
thread, but in the same process.

Last, for comparison, what one OpenTelemetry SDK span costs, as a tracer that made a span per
receiver would pay for each (a TracerProvider of its own with a synchronous processor and an
exporter that discards: the SDK's own work, no network).
"""

import functools
import logging
import os
import platform
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
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "signal_lens"],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": os.path.join(folder, "db.sqlite3"),
            }
        },
        USE_TZ=True,
        ROOT_URLCONF="signal_lens.urls",
        FEED_QUEUE_SIZE=0,  # Nothing is written: only the send is measured.
    )
    django.setup()
    # The recorder's own writes are off (FEED_QUEUE_SIZE=0): its "queue full" notes are expected.
    logging.getLogger("signal_lens.store.writer").setLevel(logging.ERROR)


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
    from signal_lens.context import current_chain
    from signal_lens.models import Origin
    from signal_lens.recording.chains import Chain

    token = current_chain.set(Chain(Origin.REQUEST, "GET", "/bench/") if recording else None)
    try:
        started = time.perf_counter()
        for _ in range(SENDS):
            send()
        return (time.perf_counter() - started) / SENDS * 1e6
    finally:
        current_chain.reset(token)


def measure(name: str, send: Callable[[], object]) -> tuple[float, float]:
    from signal_lens.recording import recorder

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


# What docs/insight.md adds to each receiver's call, switched off for the "insight off" rows.
INSIGHT = ("FEED_COUNT_QUERIES", "FEED_WATCH_ON_COMMIT")


def without_insight(run: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    from signal_lens.insight import hooks

    for name in INSIGHT:
        setattr(settings, name, False)
    hooks.forget_settings(setting=INSIGHT[0])
    try:
        return run()
    finally:
        for name in INSIGHT:
            delattr(settings, name)
        hooks.forget_settings(setting=INSIGHT[0])


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="signal-lab-send-cost-") as folder:
        configure(folder)
        versions = f"Python {platform.python_version()}, Django {django.__version__}"
        print(f"{versions}, {os.cpu_count()} cores")
        print(f"{SENDS} sends per round, best of {ROUNDS} rounds each, off and on alternating\n")
        print(f"{'case':<26}{'off µs':>9}{'on µs':>9}{'added µs':>10}")
        sends = cases()
        for name, send in sends.items():
            off, on = measure(name, send)
            print(f"{name:<26}{off:>9.2f}{on:>9.2f}{on - off:>10.2f}")
        for count in ("1 receiver", "3 receivers"):
            off, on = without_insight(functools.partial(measure, count, sends[f"send, {count}"]))
            print(f"{f'{count}, insight off':<26}{off:>9.2f}{on:>9.2f}{on - off:>10.2f}")
        off, on = query_cost()
        print(f"{'a query, statement watcher':<26}{off:>9.2f}{on:>9.2f}{on - off:>10.2f}")
        print(f"\n{'writing a 5-send chain':<26}{'wall µs':>9}{'CPU µs':>9}")
        for batch, (wall, cpu) in write_costs().items():
            print(f"{f'{batch} per transaction':<26}{wall:>9.0f}{cpu:>9.0f}")
        print(f"\n{'one OTel SDK span, no-op exporter':<36}{span_cost():>9.2f} µs per receiver")


def query_cost(queries: int = 5_000) -> tuple[float, float]:
    """Microseconds per `SELECT 1` in a request, without and with the statement watcher."""
    from django.db import connection

    from signal_lens.context import current_chain
    from signal_lens.insight.execute_wrapper import watch
    from signal_lens.models import Origin
    from signal_lens.recording.chains import Chain

    best = {False: float("inf"), True: float("inf")}
    token = current_chain.set(Chain(Origin.REQUEST, "GET", "/bench/"))
    try:
        with connection.cursor() as cursor:
            for round_ in range(ROUNDS):
                for watched in (False, True) if round_ % 2 == 0 else (True, False):
                    if watch in connection.execute_wrappers:
                        connection.execute_wrappers.remove(watch)
                    if watched:
                        connection.execute_wrappers.insert(0, watch)
                    started = time.perf_counter()
                    for _ in range(queries):
                        cursor.execute("SELECT 1")
                    elapsed = time.perf_counter() - started
                    best[watched] = min(best[watched], elapsed / queries * 1e6)
    finally:
        current_chain.reset(token)
    return best[False], best[True]


def write_costs(chains: int = 500) -> dict[int, tuple[float, float]]:
    """Wall and CPU microseconds per chain written, by chains per transaction."""
    from django.core.management import call_command
    from django.db import connection

    from signal_lens.context import current_chain
    from signal_lens.models import Origin
    from signal_lens.recording.chains import Chain
    from signal_lens.store import writer

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:  # As Signal Lab's settings do for SQLite.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    costs = {}
    for batch in (1, 10):
        made = []
        for _ in range(chains):
            chain = Chain(Origin.REQUEST, "POST", "/feed/receivers/")
            token = current_chain.set(chain)
            for _ in range(5):
                one.send(sender=None, value=1)
            current_chain.reset(token)
            made.append(chain)
        wall, cpu = time.perf_counter(), time.thread_time()
        for start in range(0, chains, batch):
            writer.write(made[start : start + batch])
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
        costs[batch] = (wall / chains * 1e6, cpu / chains * 1e6)
    return costs


def span_cost(spans: int = SENDS) -> float:
    """Microseconds per OpenTelemetry SDK span around a receiver, exported nowhere.

    The provider is not set globally: the recorder's own spans (docs/insight.md) stay off.
    """
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

    class Discard(SpanExporter):
        def export(self, spans: object) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(Discard()))
    tracer = provider.get_tracer("bench.send_cost")
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(spans):
            with tracer.start_as_current_span("receiver"):
                pass
        best = min(best, (time.perf_counter() - started) / spans * 1e6)
    return best


if __name__ == "__main__":
    main()
