"""Writing recorded chains: one bulk insert, outside the visitor's transaction, never failing them.

Inserts are serialised (PostgreSQL: an advisory lock held to commit; SQLite: its single writer),
so event ids grow in commit order and a reader that remembers the last id it saw misses nothing.
"""

import asyncio
import functools
import itertools
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import DatabaseError, connections, router, transaction
from django.db.backends.utils import CursorWrapper

from feed import notify
from feed.chains import Chain
from feed.conf import feed_setting
from feed.models import Event
from feed.muting import muted
from feed.retention import prune

logger = logging.getLogger(__name__)

# Values the database adapts (UUID, aware datetimes, JSON); all others go to it as they are.
PREPARED_TYPES = {"UUIDField", "DateTimeField", "JSONField"}
LOCK_KEY = 0x5167_4C61  # Arbitrary, fixed: every process must take the same advisory lock.
_writes = itertools.count()
# Writes that cannot run where they were asked for (an event loop's thread) run here instead,
# and so do writes after Django closed the request's connection: this thread keeps one open.
_offloop = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feed-writer")


def _in_visitor_transaction(alias: str) -> bool:
    # Django's own durable-atomic check: blocks opened by TestCase do not count.
    return any(not block._from_testcase for block in connections[alias].atomic_blocks)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def flush(chain: Chain | None) -> None:
    """Write a completed chain now, after the current transaction commits, or in the writer."""
    if chain is None or not chain.sends:
        return
    try:
        rows = chain.records()
        alias = router.db_for_write(Event)
        if _loop_running():
            _offloop.submit(_write_and_close, rows, alias)
        elif connections[alias].connection is None:
            # request_finished closed the request's connection. Opening and closing one per chain
            # cost more CPU than the write (SQLite: 0.75 ms against 0.5 ms): use the writer's.
            _offloop.submit(_write_kept_open, rows, alias)
        elif _in_visitor_transaction(alias):
            transaction.on_commit(functools.partial(write, rows, alias), using=alias)
        else:
            write(rows, alias)
    except Exception:
        logger.exception("feed: could not record %d signal sends", len(chain.sends))


def _write_and_close(rows: list[dict[str, Any]], alias: str) -> None:
    write(rows, alias)
    connections[alias].close()


def _write_kept_open(rows: list[dict[str, Any]], alias: str) -> None:
    """Write in the writer thread, keeping its connection open for the next chain."""
    write(rows, alias)
    if connections[alias].errors_occurred:
        connections[alias].close()  # Reconnect next time rather than reuse a broken connection.


def _insert(cursor: CursorWrapper, rows: list[dict[str, Any]]) -> None:
    """INSERT the rows, as many per statement as the database takes.

    Like bulk_create and with each field's own value preparation, but without compiling a query
    per call: for a request's dozen events that compilation cost five times the insert itself.
    """
    connection = cursor.db
    fields = [field for field in Event._meta.concrete_fields if not field.primary_key]
    prepared = {field.attname for field in fields if field.get_internal_type() in PREPARED_TYPES}
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    row_sql = f"({', '.join(['%s'] * len(fields))})"
    batch = max(connection.ops.bulk_batch_size(fields, rows), 1)
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        params = [
            field.get_db_prep_save(row[field.attname], connection)
            if field.attname in prepared
            else row[field.attname]
            for row in chunk
            for field in fields
        ]
        table = connection.ops.quote_name(Event._meta.db_table)
        values = ", ".join([row_sql] * len(chunk))
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", params)


def write(rows: list[dict[str, Any]], alias: str) -> None:
    """Insert a chain's rows in one transaction; log any failure instead of raising it."""
    connection = connections[alias]
    with muted():
        try:
            with transaction.atomic(using=alias), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
                _insert(cursor, rows)
                notify.announce(cursor)
            if next(_writes) % feed_setting("FEED_PRUNE_EVERY") == 0:
                prune(alias)
        except DatabaseError:
            _log_failure(alias, len(rows))
    notify.written()


def _log_failure(alias: str, count: int) -> None:
    try:
        migrated = Event._meta.db_table in connections[alias].introspection.table_names()
    except DatabaseError:
        migrated = True
    if migrated:
        logger.exception("feed: could not write %d events", count)
    else:
        logger.debug("feed: events table not migrated yet, %d events dropped", count)
