"""Benchmark: the recorder's cost in CPU instructions per htmx bio save, counted by Valgrind.

    .venv/bin/python -m bench.instructions [--requests N]

Needs Valgrind (Debian's `valgrind` package); takes about a minute.

Timings on a shared machine move by several percent between runs, and so does one process against
another (bench.recorder_overhead --control shows by how much): a change that saves a tenth of a
millisecond cannot be seen there. Instructions can. Callgrind counts them, the same to a fraction
of a percent in every run, so a change is measured by itself, on any machine.

Each side runs in a child process under Callgrind, on a fresh SQLite site of its own (the MD5
hasher, as in bench.recorder_overhead): one visitor signs up, makes WARM_UP bio saves, then
REQUESTS more. All of them run inside functools.reduce(), the one C function whose instructions
Callgrind collects (--toggle-collect), so Django's start-up and the migrations are not counted.
With the recorder on, the child hands the writer its chains WRITE_BATCH at a time, on the
request's own thread: the writer thread would write a sequential client's chains one per
transaction, where a busy server gathers about ten (bench.recorder_overhead's rate, 90 requests a
second, over FEED_WRITE_INTERVAL_SECONDS). So the count holds all the recorder's work, the
writer's included, and nothing else differs between the two sides.

A count is exact for one memory layout, but any change moves the layout: an unrelated line, even
in this script, moved the recorder's count by up to 0.08 M (dictionaries keyed by object and the
allocator's pools work differently at other addresses). So each side is counted at LAYOUTS
layouts, made by allocating a few objects of different sizes before Django starts, and the
ratio is taken of the means: a change is measured beside that spread, not inside it.

Instructions are not time: cache misses and thread switches cost a server more than they cost
here. The ratio of the two counts is what a CPU-bound server would see at best.
"""

import argparse
import functools
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import recorder_overhead as overhead
from bench.server import machine, site_env
from devtools.servers import ROOT, migrate

REQUESTS = 100
WARM_UP = 30
WRITE_BATCH = 10
LAYOUTS = 4


def child(requests: int, layout: int) -> None:
    """Run under Callgrind: the bio saves, inside functools.reduce()."""
    sys.path.insert(0, str(ROOT / "site"))
    # Kept to the end: what is allocated after them lands elsewhere for each layout.
    shifts = [object() for _ in range(layout * 777)], bytearray(layout * 5000)
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    if settings.FEED_ENABLED:
        from signal_lens.store import writer

        waiting: list[writer.Recorded] = []

        def submit(chain: writer.Recorded) -> None:
            writer.forget(chain)
            waiting.append(chain)
            if len(waiting) == WRITE_BATCH:
                writer.write(waiting[:])
                waiting.clear()

        writer.submit = submit

    browser = Client()
    form = {"email": overhead.EMAIL, "password1": overhead.PASSWORD, "password2": overhead.PASSWORD}
    assert browser.post("/accounts/signup/", form).status_code == 302, "sign-up failed"

    def save(count: int, _: int) -> int:
        case = overhead.BIO_CASE
        response = browser.post(case.path, case.form, headers={"HX-Request": "true"})
        assert response.status_code == case.expect, response.status_code
        return count + 1

    functools.reduce(save, range(WARM_UP + requests), 0)
    del shifts


def count(feed: bool, layout: int, requests: int, folder: Path) -> float:
    """Instructions per request, on one side, at one memory layout."""
    state = folder / f"{'on' if feed else 'off'}-{layout}"
    state.mkdir()
    settings = f"{overhead.NO_RATE_LIMITS}{overhead.MD5_HASHER}ALLOWED_HOSTS = ['testserver']\n"
    # A fixed hash seed: the same dictionaries collide the same way in every run.
    env = site_env(state, feed=feed, settings=settings) | {"PYTHONHASHSEED": "0"}
    migrate(env)
    out = state / "callgrind.out"
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--toggle-collect=functools_reduce",
         f"--callgrind-out-file={out}", sys.executable, "-m", "bench.instructions",
         "--child", "--layout", str(layout), "--requests", str(requests)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    collected = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode != 0 or collected is None:
        raise RuntimeError(f"the child failed:\n{run.stderr[-3000:]}")
    return int(collected.group(1)) / (WARM_UP + requests)


def main() -> None:
    parser = argparse.ArgumentParser(description="Instructions per bio save, recorder on and off.")
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--layouts", type=int, default=LAYOUTS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--layout", type=int, default=0, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.requests, options.layout)
        return
    if shutil.which("valgrind") is None:
        sys.exit("bench.instructions needs Valgrind: apt-get install valgrind")
    print(f"Machine: {machine()}.")
    print(
        f"{WARM_UP} + {options.requests} htmx bio saves a side; {WRITE_BATCH} chains a write; "
        f"{options.layouts} memory layouts."
    )
    runs = [(feed, layout) for layout in range(options.layouts) for feed in (False, True)]
    # Two at a time: a count does not depend on what else the machine runs.
    with (
        tempfile.TemporaryDirectory(prefix="signal-lab-instructions-") as folder,
        ThreadPoolExecutor(2) as pool,
    ):
        counts = pool.map(lambda run: count(*run, options.requests, Path(folder)), runs)
        found = dict(zip(runs, counts, strict=True))
    for layout in range(options.layouts):
        off, on = found[False, layout], found[True, layout]
        print(f"layout {layout}: off {off / 1e6:.3f} M, on {on / 1e6:.3f} M, off/on {off / on:.3f}")
    off = statistics.mean(found[False, layout] for layout in range(options.layouts))
    on = statistics.mean(found[True, layout] for layout in range(options.layouts))
    print(f"off: {off / 1e6:.3f} M instructions per request (mean)")
    print(f"on:  {on / 1e6:.3f} M (+{(on - off) / 1e6:.3f} M, +{(on / off - 1) * 100:.1f}%)")
    target = overhead.BIO_TARGET
    verdict = "within" if off / on >= target else "beyond"
    print(f"off/on: {off / on:.3f}, {verdict} the target's {target} (instructions, not time).")


if __name__ == "__main__":
    main()
