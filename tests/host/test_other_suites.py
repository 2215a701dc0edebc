"""Another project's own test suite (tests/bookshelf) gives the same results with signal_lens
installed: Django's runner and pytest-django, each serial and on two processes, on each kind of
database."""

import os
import secrets
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOOKSHELF = ROOT / "tests" / "bookshelf"
PYTEST = [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider"]
RUNNERS = {
    "django": [sys.executable, "manage.py", "test", "-v2"],
    "django --parallel 2": [sys.executable, "manage.py", "test", "-v2", "--parallel", "2"],
    "pytest-django": PYTEST,
    # pytest-django's parallel runs come from pytest-xdist: a test database per worker.
    "pytest-django -n 2": [*PYTEST, "-n", "2"],
}


def databases(tmp_path: Path) -> dict[str, dict[str, str]]:
    """The environment choosing each kind of test database (tests/bookshelf/settings.py)."""
    return {
        "sqlite in memory": {},
        "sqlite file": {"BOOKSHELF_TEST_DB": str(tmp_path / "test.sqlite3")},
        "postgresql": {"BOOKSHELF_POSTGRES": f"test_bookshelf_{secrets.token_hex(4)}"},
    }


@pytest.mark.parametrize("database", ["sqlite in memory", "sqlite file", "postgresql"])
@pytest.mark.parametrize("runner", RUNNERS)
def test_the_bookshelf_suite_passes_with_signal_lens_installed(tmp_path, runner, database):
    real = tmp_path / "db.sqlite3"
    env = {**os.environ, "BOOKSHELF_DB": str(real), "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # The project's own SQLite database, migrated as a developer's is: tests must leave it alone.
    migrate = [sys.executable, "manage.py", "migrate", "-v0"]
    subprocess.run(migrate, cwd=BOOKSHELF, env=env, check=True)
    env.update(databases(tmp_path)[database])
    result = subprocess.run(RUNNERS[runner], cwd=BOOKSHELF, env=env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "4 passed" in output or "Ran 4 tests" in output, output
    # Nor does the recorder add a word to the host's output: no warning, no traceback.
    assert "Traceback" not in output, output
    assert "signal_lens:" not in output, output
    if database != "postgresql":
        with closing(sqlite3.connect(real)) as kept:
            origins = {origin for (origin,) in kept.execute("SELECT origin FROM signal_lens_event")}
        assert origins <= {"manage.py migrate"}
