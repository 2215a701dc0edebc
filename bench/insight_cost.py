"""Benchmark: what counting queries, watching on_commit and skipped receivers cost, in one run.

    .venv/bin/python -m bench.insight_cost

Three uvicorn processes serve the same site, each on its own fresh SQLite file: the recorder off,
the recorder on with the insight switched off (FEED_COUNT_QUERIES, FEED_WATCH_ON_COMMIT and
FEED_WATCH_SKIPS False), and the recorder on as shipped. Rounds rotate their order so drift on a
shared machine falls on all three. The cases and clients are recorder_overhead.py's: the htmx bio
save (a light view saving one model, whose two receivers run) and a login with the MD5 hasher
(record_login queries and its update() skips two receivers). OpenTelemetry is not configured,
as in most hosts: its spans cost nothing then.

Requests per second and CPU per request swing by more than these additions cost on a busy
machine, so the script also measures them directly: in this process, the thread CPU time spent
inside the hooks of signal_lens/insight/hooks.py during bio saves made with Django's test
client.
"""

import itertools
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from time import thread_time
from typing import Any

import django

from bench.recorder_overhead import (
    BIO_CASE,
    BIO_TARGET,
    CONCURRENCY,
    LOGIN,
    MD5_HASHER,
    NO_RATE_LIMITS,
    Case,
    Tally,
    one_round,
    visitors,
)
from bench.server import machine, serve

ROUNDS = 6  # per server and case, after one warm-up round each
INSIGHT_OFF = "FEED_COUNT_QUERIES = FEED_WATCH_ON_COMMIT = FEED_WATCH_SKIPS = False\n"
CASES = [BIO_CASE, Case("login, MD5 hasher", "/accounts/login/", LOGIN, 302, False)]


HOOKS = ("begin_send", "finish_send", "send_facts", "begin_call", "finish_call", "call_facts",
         "mark_repeats")  # fmt: skip
PROBED_REQUESTS = 300


def probes_cpu() -> tuple[float, float]:
    """The probes' own CPU per bio save (µs) and the whole request's (ms), in this process."""
    with tempfile.TemporaryDirectory(prefix="signal-lab-bench-") as folder:
        return _probes_cpu(folder)


def _probes_cpu(folder: str) -> tuple[float, float]:
    os.environ.update(
        DJANGO_VAR_DIR=folder,
        DJANGO_MEDIA_ROOT=f"{folder}/media",
        DJANGO_SETTINGS_MODULE="settings",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_MAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "site"))
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from signal_lens.insight import hooks
    from signal_lens.store import writer

    call_command("migrate", verbosity=0)
    settings.ACCOUNT_RATE_LIMITS = False
    spent = [0.0]

    def timed(hook: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = thread_time()
            try:
                return hook(*args, **kwargs)
            finally:
                spent[0] += thread_time() - started

        return run

    for name in HOOKS:
        setattr(hooks, name, timed(getattr(hooks, name)))
    client = Client()
    client.post("/accounts/signup/", {"email": LOGIN["login"], "password1": LOGIN["password"],
                                      "password2": LOGIN["password"]})  # fmt: skip
    bio = {"bio": "Signals!"}
    for _ in range(50):  # Warm-up.
        client.post(BIO_CASE.path, bio, headers={"HX-Request": "true"})
    spent[0], started = 0.0, thread_time()
    for _ in range(PROBED_REQUESTS):
        client.post(BIO_CASE.path, bio, headers={"HX-Request": "true"})
    total = thread_time() - started
    writer.flush()
    return spent[0] / PROBED_REQUESTS * 1e6, total / PROBED_REQUESTS * 1000


def main() -> None:
    print(f"Machine: {machine()}.")
    print(f"{CONCURRENCY} clients, {ROUNDS} rounds per server and case, orders rotating.\n")
    settings = NO_RATE_LIMITS + MD5_HASHER
    with (
        serve(feed=False, settings=settings) as off,
        serve(feed=True, settings=settings + INSIGHT_OFF) as plain,
        serve(feed=True, settings=settings) as full,
    ):
        servers = {"off": off, "on, insight off": plain, "on": full}
        browsers = {mode: visitors(server) for mode, server in servers.items()}
        print(f"{'case':<20} {'mode':<16} {'req/s':>8} {'CPU/req':>9} {'ratio to off':>13}")
        ratios = {}
        for case in CASES:
            tallies = {mode: Tally() for mode in servers}
            for mode in servers:
                one_round(servers[mode], browsers[mode], case, Tally())  # Warm-up.
            orders = itertools.cycle(itertools.permutations(servers))
            for order in itertools.islice(orders, ROUNDS):
                for mode in order:
                    one_round(servers[mode], browsers[mode], case, tallies[mode])
            for mode, tally in tallies.items():
                ratio = tally.per_second / tallies["off"].per_second
                ratios[case.label, mode] = ratio
                print(
                    f"{case.label:<20} {mode:<16} {tally.per_second:>8.1f}"
                    f" {tally.cpu_ms:>7.2f}ms {ratio:>13.2f}"
                )
    ratio = ratios[BIO_CASE.label, "on"]
    verdict = "met" if ratio >= BIO_TARGET else "MISSED"
    print(f"\nTarget: bio save on >= {BIO_TARGET} x off: {ratio:.2f}: {verdict}.")
    hooks, request = probes_cpu()
    print(
        f"In process, {PROBED_REQUESTS} bio saves: the probes' hooks took {hooks:.0f} µs of CPU"
        f" per request, of {request:.2f} ms ({hooks / 10 / request:.1f}%; the timing included)."
    )


if __name__ == "__main__":
    main()
