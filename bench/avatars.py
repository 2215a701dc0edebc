"""Benchmark: the project's avatar pipeline against a naive full-decode baseline.

    .venv/bin/python -m bench.avatars

Every case (input x method) runs in a fresh subprocess, so its peak memory is its own. Peak
memory is the worker's peak resident set size while processing (VmHWM, which counts Pillow's C
allocations where tracemalloc would miss them) minus its resident size just before (VmRSS).
getrusage's ru_maxrss is the same peak, but Linux carries it over from the parent across exec.
"""

import argparse
import io
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import PIL
from PIL import Image, ImageOps, features

from devtools.servers import ROOT
from profiles import avatars

RUNS = 5
TARGET_SPEED_UP = 3.0
TARGET_PEAK_MIB = 80


def photo(size: tuple[int, int], seed: int) -> Image.Image:
    """Camera-like: broad smooth colour with a little sensor grain, so JPEG sizes are realistic."""
    rng = random.Random(seed)
    width, height = size
    small = (width // 100, height // 100)
    scene = Image.frombytes("RGB", small, rng.randbytes(small[0] * small[1] * 3))
    grain = Image.frombytes("L", size, rng.randbytes(width * height)).convert("RGB")
    return Image.blend(scene.resize(size, Image.Resampling.BICUBIC), grain, 0.05)


def illustration(size: tuple[int, int], seed: int) -> Image.Image:
    """Flat colour areas, as in drawings and screenshots: the kind of large image sent as PNG."""
    rng = random.Random(seed)
    small = (size[0] // 100, size[1] // 100)
    scene = Image.frombytes("RGB", small, rng.randbytes(small[0] * small[1] * 3))
    return ImageOps.posterize(scene.resize(size, Image.Resampling.BICUBIC), 4)


CASES: list[tuple[str, str, Callable[[], Image.Image], dict]] = [
    ("24 MP JPEG", "photo-24mp.jpg", lambda: photo((6000, 4000), 1), {"quality": 90}),
    ("12 MP JPEG", "photo-12mp.jpg", lambda: photo((4000, 3000), 2), {"quality": 90}),
    ("24 MP PNG", "drawing-24mp.png", lambda: illustration((6000, 4000), 3), {}),
]


def baseline(stream: BinaryIO) -> bytes:
    """What easy-thumbnails, sorl-thumbnail and django-imagekit do: decode every pixel, then
    turn, crop and LANCZOS-resize the full-size image. Same output encoding as the pipeline."""
    image = ImageOps.exif_transpose(Image.open(stream)).convert("RGB")
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    image = image.crop((left, top, left + side, top + side))
    image = image.resize((avatars.SIDE, avatars.SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "WEBP", quality=avatars.QUALITY)
    return out.getvalue()


def pipeline(stream: BinaryIO) -> bytes:
    return avatars.process(stream).data


METHODS = {"baseline": baseline, "pipeline": pipeline}


def memory_kib(field: str) -> int:
    """VmRSS (resident now) or VmHWM (peak resident) of this process, from Linux's /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def work(method: str, path: str) -> None:
    """In the subprocess: process the file RUNS times, print the median time and peak memory."""
    process = METHODS[method]
    before = memory_kib("VmRSS")
    times = []
    for _ in range(RUNS):
        with open(path, "rb") as stream:
            started = time.perf_counter()
            process(stream)
            times.append(time.perf_counter() - started)
    peak = memory_kib("VmHWM") - before
    print(json.dumps({"seconds": statistics.median(times), "peak_kib": peak, "base_kib": before}))


def measure(method: str, path: Path) -> dict:
    command = [sys.executable, "-m", "bench.avatars", "--work", method, str(path)]
    run = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(run.stdout)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main() -> None:
    print(f"CPU: {cpu_model()}, {os.cpu_count()} cores. Python {platform.python_version()},")
    print(f"Pillow {PIL.__version__}, libjpeg-turbo {features.version('libjpeg_turbo')},", end=" ")
    print(f"libwebp {features.version('webp')}. Median of {RUNS} runs, {avatars.SIDE} px WebP.\n")
    header = ("input", "file", "baseline", "peak", "pipeline", "peak", "faster", "less memory")
    print("{:<11} {:>8} {:>10} {:>8} {:>10} {:>8} {:>7} {:>12}".format(*header))
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, name, make, options in CASES:
            path = Path(folder) / name
            make().save(path, **options)
            base, ours = measure("baseline", path), measure("pipeline", path)
            results[label] = (base, ours)
            print(
                f"{label:<11} {path.stat().st_size / 2**20:>6.1f}MB"
                f" {base['seconds'] * 1000:>8.0f}ms {base['peak_kib'] / 1024:>6.0f}MB"
                f" {ours['seconds'] * 1000:>8.0f}ms {ours['peak_kib'] / 1024:>6.0f}MB"
                f" {base['seconds'] / ours['seconds']:>6.1f}x"
                f" {base['peak_kib'] / max(ours['peak_kib'], 1):>11.1f}x"
            )
    base, ours = results["24 MP JPEG"]
    speed_up, peak_mib = base["seconds"] / ours["seconds"], ours["peak_kib"] / 1024
    met = speed_up >= TARGET_SPEED_UP and peak_mib < TARGET_PEAK_MIB
    print(
        f"\nTarget, 24 MP JPEG: >= {TARGET_SPEED_UP:.0f}x faster and < {TARGET_PEAK_MIB} MB peak:"
        f" {speed_up:.1f}x, {peak_mib:.0f} MB: {'met' if met else 'MISSED'}."
    )
    start_mib = ours["base_kib"] / 1024
    print(f"Peak: VmHWM minus the worker's resident size at its start ({start_mib:.0f} MB).")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", nargs=2, metavar=("METHOD", "PATH"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.work:
        work(*arguments.work)
    else:
        main()
