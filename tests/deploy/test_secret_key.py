"""The generated secret key: private from its first byte, and one key however many workers race."""

import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from settings import secret_key_from

WORKERS = 16


def race_for_the_key(key_file: Path) -> set[str]:
    """Start WORKERS threads at once, each reading or creating the key; the keys they got."""
    start = threading.Barrier(WORKERS)

    def worker(_: int) -> str:
        start.wait()
        return secret_key_from(key_file)

    with ThreadPoolExecutor(WORKERS) as pool:
        return set(pool.map(worker, range(WORKERS)))


def test_the_key_file_is_readable_by_its_owner_only(tmp_path):
    secret_key_from(tmp_path / "secret_key")
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_the_key_is_kept_across_starts(tmp_path):
    assert secret_key_from(tmp_path / "secret_key") == secret_key_from(tmp_path / "secret_key")


def test_racing_workers_end_with_one_key(tmp_path):
    keys = race_for_the_key(tmp_path / "secret_key")
    assert len(keys) == 1 and len(keys.pop()) >= 50


def test_racing_workers_leave_no_draft_behind(tmp_path):
    race_for_the_key(tmp_path / "secret_key")
    assert [path.name for path in tmp_path.iterdir()] == ["secret_key"]
