"""Benchmark: what counting queries, watching on_commit and skipped receivers cost, in one run.

    .venv/bin/python -m bench.insight_cost

Three uvicorn processes serve the same site, each on its own fresh SQLite file: the recorder off,
the recorder on with the insight switched off (FEED_COUNT_QUERIES, FEED_WATCH_ON_COMMIT and
FEED_WATCH_BULK False), and the recorder on as shipped. Rounds rotate their order so drift on a
shared machine falls on all three. The cases and clients are recorder_overhead.py's: the htmx bio
save (a light view saving one model, whose two receivers run) and a login with the MD5 hasher
(record_login queries and its update() skips two receivers). OpenTelemetry is not configured,
as in most hosts: its spans cost nothing then.
"""

import itertools

from bench.recorder_overhead import (
    CONCURRENCY,
    MD5_HASHER,
    NO_RATE_LIMITS,
    Case,
    Tally,
    one_round,
    visitors,
)
from bench.server import machine, serve

ROUNDS = 6  # per server and case, after one warm-up round each
TARGET_RATIO = 0.95
INSIGHT_OFF = "FEED_COUNT_QUERIES = FEED_WATCH_ON_COMMIT = FEED_WATCH_BULK = False\n"
LOGIN = {"login": "bench@example.com", "password": "correct-horse-battery-staple"}
BIO = Case("bio save (htmx)", "/profile/bio/", {"bio": "Signals!"}, 200, True, True)
CASES = [BIO, Case("login, MD5 hasher", "/accounts/login/", LOGIN, 302, False)]


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
    ratio = ratios[BIO.label, "on"]
    verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
    print(f"\nTarget: bio save on >= {TARGET_RATIO} x off: {ratio:.2f}: {verdict}.")


if __name__ == "__main__":
    main()
