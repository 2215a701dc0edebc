"""Migrating a fresh PostgreSQL database: the feed records migrate, and says nothing about it.

migrate's own sends are recorded while the events table is still being created and changed, so
the writer must wait for the table quietly rather than log each failed write as an error.
"""

import os
import subprocess
import sys

import psycopg

from devtools.servers import ROOT
from tests.stores import scratch_database

RUNS = 3  # The table changes while the writer writes: a race, so try it more than once.


def test_migrate_on_a_fresh_database_logs_no_feed_failure(tmp_path):
    for _ in range(RUNS):
        with scratch_database() as url:
            env = {**os.environ, "DJANGO_DATABASE_URL": url, "DJANGO_VAR_DIR": str(tmp_path)}
            command = [sys.executable, "manage.py", "migrate", "-v0"]
            done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
            with psycopg.connect(url) as connection:
                recorded = connection.execute("SELECT count(*) FROM signal_lens_event").fetchone()[
                    0
                ]
        assert done.returncode == 0 and done.stderr == "" and recorded > 0
