"""Benchmark: requests per second with the feed's recorder on and off, in one run.

    .venv/bin/python -m bench.recorder_overhead [--control] [--pairs N]

Two uvicorn processes serve the same site, one with DJANGO_FEED_ENABLED=0, each on its own fresh
SQLite file. Rounds alternate between them (on, off, off, on, ...) so drift on a shared machine
falls on both. In each round CONCURRENCY keep-alive clients post as fast as the server answers.

Two identical servers differ too: a whole process runs a few percent faster or slower than
another, for as long as it lives (run with --control, both servers with the recorder off, to see
by how much on this machine). So each view is measured on PAIRS fresh pairs of servers; the figures
pool their rounds, and the ratio of each pair shows the spread.

The views:
- login: POST /accounts/login/ with a fresh session each time. It saves the user's last_login and
  the profile's login timestamps. With the site's PBKDF2 hasher (1.5 M iterations) password
  checking dominates, so the same login is also measured with the MD5 hasher the tests use: that
  shows the recorder's cost against the rest of a login.
- bio save: the profile page's htmx bio form, a light view that saves one model.

Besides requests per second, the server's CPU time per request (from /proc/<pid>/stat) shows the
recorder's cost in milliseconds, which the ratio alone hides when hashing runs on both cores, and
"writer" shows how much of it the feed's writer thread spent (the CPU of the threads that outlive
the round's requests, the event loop's aside: Server.thread_cpu_seconds).
"""

import argparse
import itertools
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bench.server import Server, Visitor, machine, serve

CONCURRENCY = 4
PAIRS = 3  # fresh pairs of servers per view
ROUNDS = 6  # per server, view and pair; plus one warm-up round each, not counted
ROUND_SECONDS = 1.5  # short rounds, so a burst of other work on the machine hits both
SETTLE_SECONDS = 0.2  # for writes made after a round's last responses, before the next round
EMAIL, PASSWORD = "bench@example.com", "correct-horse-battery-staple"
# allauth allows 30 logins a minute from one address: a benchmark is not an attack.
NO_RATE_LIMITS = "ACCOUNT_RATE_LIMITS = False\n"
MD5_HASHER = 'PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]\n'


@dataclass(frozen=True)
class Case:
    label: str
    path: str
    form: dict[str, str]
    expect: int
    logged_in: bool  # keep the session between requests, or post without one each time
    htmx: bool = False


LOGIN = {"login": EMAIL, "password": PASSWORD}
LOGIN_CASE = Case("login, PBKDF2 (as served)", "/accounts/login/", LOGIN, 302, False)
BIO_CASE = Case("bio save (htmx)", "/profile/bio/", {"bio": "Signals!"}, 200, True, True)
# on/off per view: the login as served (#4), a light view that saves one model (#8).
BIO_TARGET = 0.88
TARGETS = [(LOGIN_CASE, 0.85), (BIO_CASE, BIO_TARGET)]
# Each group of views runs on its own pair of servers, whose settings it names.
GROUPS: list[tuple[str, list[Case]]] = [
    (NO_RATE_LIMITS, [LOGIN_CASE]),
    (
        NO_RATE_LIMITS + MD5_HASHER,
        [
            Case("login, MD5 hasher", "/accounts/login/", LOGIN, 302, False),
            BIO_CASE,
        ],
    ),
]


@dataclass
class Tally:
    requests: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    writer_seconds: float = 0.0

    def add(self, other: "Tally") -> None:
        self.requests += other.requests
        self.seconds += other.seconds
        self.cpu_seconds += other.cpu_seconds
        self.writer_seconds += other.writer_seconds

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds / self.requests * 1000

    @property
    def writer_ms(self) -> float:
        return self.writer_seconds / self.requests * 1000


def visitors(server: Server) -> list[Visitor]:
    """CONCURRENCY browsers of one user, each logged in once; the first one signs up."""
    browsers = [Visitor(server) for _ in range(CONCURRENCY)]
    browsers[0].get("/accounts/signup/")
    form = {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD}
    assert browsers[0].post("/accounts/signup/", form) == 302, "sign-up failed"
    for browser in browsers[1:]:
        browser.get("/accounts/login/")
        assert browser.post("/accounts/login/", LOGIN) == 302, "login failed"
    return browsers


def hammer(visitor: Visitor, case: Case, deadline: float) -> int:
    """Post the case's request back to back until the deadline; return how many were answered."""
    done = 0
    while time.monotonic() < deadline:
        if not case.logged_in:
            visitor.cookies.pop("sessionid", None)
        status = visitor.post(case.path, case.form, htmx=case.htmx)
        assert status == case.expect, f"{case.label}: {status}, expected {case.expect}"
        done += 1
    return done


def one_round(server: Server, browsers: list[Visitor], case: Case, tally: Tally) -> None:
    threads, cpu, started = server.thread_cpu_seconds(), server.cpu_seconds(), time.monotonic()
    with ThreadPoolExecutor(len(browsers)) as pool:
        deadline = started + ROUND_SECONDS
        counts = list(pool.map(lambda browser: hammer(browser, case, deadline), browsers))
    time.sleep(SETTLE_SECONDS)
    tally.requests += sum(counts)
    tally.seconds += time.monotonic() - started - SETTLE_SECONDS
    tally.cpu_seconds += server.cpu_seconds() - cpu
    lasting = server.thread_cpu_seconds().items()
    loop = server.process.pid
    tally.writer_seconds += sum(t - threads[i] for i, t in lasting if i in threads and i != loop)


def compare(
    servers: dict[str, Server], browsers: dict[str, list[Visitor]], case: Case
) -> dict[str, Tally]:
    """Tallies of the case on each server, in rounds alternating on, off, off, on, ..."""
    tallies = {mode: Tally() for mode in servers}
    for mode in servers:
        one_round(servers[mode], browsers[mode], case, Tally())  # Warm-up: templates, caches.
    orders = itertools.cycle([["on", "off"], ["off", "on"]])
    for order in itertools.islice(orders, ROUNDS):
        for mode in order:
            one_round(servers[mode], browsers[mode], case, tallies[mode])
    return tallies


def ratio(tallies: dict[str, Tally]) -> float:
    return tallies["on"].per_second / tallies["off"].per_second


def show(case: Case, tallies: dict[str, Tally], pairs: list[float]) -> float:
    on, off = tallies["on"], tallies["off"]
    print(
        f"{case.label:<26} {off.per_second:>7.1f}/s {on.per_second:>7.1f}/s {ratio(tallies):>6.2f}"
        f" {off.cpu_ms:>8.2f}ms {on.cpu_ms:>8.2f}ms {on.cpu_ms - off.cpu_ms:>+7.2f}ms"
        f" {on.writer_ms:>7.2f}ms   {' '.join(f'{each:.2f}' for each in pairs)}"
    )
    return ratio(tallies)


def main() -> None:
    parser = argparse.ArgumentParser(description="Requests per second, recorder on and off.")
    parser.add_argument(
        "--control", action="store_true", help="both servers with the recorder off: the noise"
    )
    parser.add_argument("--pairs", type=int, default=PAIRS, help="fresh pairs of servers per view")
    options = parser.parse_args()
    print(f"Machine: {machine()}.")
    print(
        f"{CONCURRENCY} clients; {options.pairs} pairs of servers, each {ROUNDS} rounds of"
        f" {ROUND_SECONDS} s per server and view."
        + ("\nControl run: the recorder is off on both servers." if options.control else "")
        + "\n"
    )
    header = ("view", "off", "on", "on/off", "CPU off", "CPU on", "cost", "writer", "  each pair")
    print("{:<26} {:>9} {:>9} {:>6} {:>10} {:>10} {:>9} {:>9} {}".format(*header))
    ratios = {}
    for settings, cases in GROUPS:
        pooled = {case.label: {"on": Tally(), "off": Tally()} for case in cases}
        pairs: dict[str, list[float]] = {case.label: [] for case in cases}
        for _ in range(options.pairs):
            with (
                serve(feed=not options.control, settings=settings) as on,
                serve(feed=False, settings=settings) as off,
            ):
                servers = {"on": on, "off": off}
                browsers = {mode: visitors(server) for mode, server in servers.items()}
                for case in cases:
                    tallies = compare(servers, browsers, case)
                    pairs[case.label].append(ratio(tallies))
                    for mode, tally in tallies.items():
                        pooled[case.label][mode].add(tally)
        for case in cases:
            ratios[case.label] = show(case, pooled[case.label], pairs[case.label])
    print("\nCPU: the server's CPU time per request; writer: the part of CPU on spent by the")
    print("feed's writer thread. Targets:")
    for case, target in TARGETS:
        got = ratios[case.label]
        verdict = "met" if got >= target else "MISSED"
        print(f"  {case.label}: on >= {target} x off: {got:.2f}, {verdict}.")


if __name__ == "__main__":
    main()
