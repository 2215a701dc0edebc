"""The one write path: completed chains go through a bounded queue to one writer thread.

The writer thread writes on its own database connection, so recording never runs a query on a
connection the host's code uses (its query counts, debug toolbar and transactions never see it).
A chain completed inside the host's transaction waits for its commit and is forgotten on
rollback. Nothing here raises into the host's code: failures are logged (rate-limited), counted
and dropped, and when the queue is full new chains are dropped and counted.

Values are made storable on their way in (NUL and lone surrogates escaped, text cut to its
column), and a batch the database still refuses is written again chain by chain: one bad chain
loses only itself, never the other visitors' chains written with it.

In a host's test run the writer keeps out of the way (docs/install.md): it writes nothing into a
database with no name yet or into an in-memory SQLite one (a second connection to Django's
shared-cache test database takes table locks that migrate and the host's tests then fail on),
and it closes its connection after each write into a test database, which the runner drops.
Nor does it write into a test database while migrate runs on it (between pre_migrate and
post_migrate): the chains recorded meanwhile are migrate's own, and are dropped and counted. Once
a runner has made a test database, this process writes nothing into the real one: the runner
names it again at the end, while the last tests' chains may still be queued.

Inserts are serialised (PostgreSQL: an advisory lock held to commit; SQLite: its single writer),
so event ids grow in commit order and a reader that remembers the last id it saw misses nothing.
"""

import atexit
import functools
import itertools
import logging
import operator
import os
import queue
import re
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
    router,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Field

from signal_lens.conf import feed_setting
from signal_lens.context import muted
from signal_lens.models import Event
from signal_lens.reporting import report
from signal_lens.store import notify
from signal_lens.store.pooling import release_pooled
from signal_lens.store.retention import prune

logger = logging.getLogger(__name__)

LOCK_KEY = 0x5167_4C61  # Arbitrary, fixed: every process must take the same advisory lock.
# Each database's name as the project configured it: a test runner renames the databases it makes.
CONFIGURED_NAMES = {alias: str(db.get("NAME") or "") for alias, db in settings.DATABASES.items()}
# Set from pre_migrate until post_migrate, which migrate sends once every migration has run.
_migrating = threading.Event()
# The aliases a test runner has renamed in this process: it names the real databases again at
# the end, while chains recorded in tests may still be queued; they must not land there.
_tested: set[str] = set()


class Recorded(Protocol):
    """What the writer needs of a completed chain (recording.chains.Chain): its rows, built late."""

    def drain(self) -> list[dict[str, Any]]: ...


class Adoption(NamedTuple):
    """One visitor's events handed to another, once every chain queued before is written."""

    visitor: str
    by: str

    def apply(self, alias: str) -> None:
        Event.objects.using(alias).filter(visitor=self.visitor).update(visitor=self.by)


class _Writer:
    """The queue and the thread of one process (a forked child starts its own)."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.queue: queue.Queue[Recorded | Adoption | threading.Event] = queue.Queue()
        self.thread = threading.Thread(target=_run, args=(self.queue,), name="feed-writer")
        self.thread.daemon = True  # At exit it gets FEED_EXIT_FLUSH_SECONDS, then is dropped.
        self.thread.start()
        atexit.register(flush, feed_setting("FEED_EXIT_FLUSH_SECONDS"))


_writer: _Writer | None = None
_writer_lock = threading.Lock()
counts: Counter[str] = Counter()  # written, dropped (queue full), failed, skipped (chains)
_writes = itertools.count()
_opened_on: dict[str, str] = {}  # The database name each of the writer's connections was opened on.
# Request chains begun in this process and not submitted yet (by id, with when they began): while
# some run, more chains are on their way and a write waits for them. A request that never ends
# (its client gone mid-way) stops counting after RUNNING_AT_MOST seconds.
_running: dict[int, float] = {}
RUNNING_AT_MOST = 10.0
# Guards _running, and wakes a gathering writer when the last running request ends, or when a
# flush or a full batch hurries it. Chains queued meanwhile do not wake it one by one.
_changed = threading.Condition()
_hurried = False


def _current() -> _Writer:
    global _writer
    writer = _writer
    if writer is None or writer.pid != os.getpid():
        with _writer_lock:
            if _writer is None or _writer.pid != os.getpid():
                _writer = _Writer()
            writer = _writer
    return writer


def _report(message: str, *args: Any, exc_info: bool = False) -> None:
    """A writer failure, with the counts so far, through the feed's rate-limited reporter."""
    so_far = dict(counts)
    report(
        logger, f"{message} (so far: %s)", *args, so_far, level=logging.WARNING, exc_info=exc_info
    )


def expect(chain: Recorded) -> None:
    """Tell the writer a request's chain has begun: it will be submitted when it completes."""
    with _changed:
        _running[id(chain)] = time.monotonic()


def forget(chain: Recorded | None) -> None:
    """Tell the writer a begun chain is done with: submitted, or its recording failed."""
    with _changed:
        _running.pop(id(chain), None)
        if not _running:
            _changed.notify_all()


def _hurry() -> None:
    global _hurried
    with _changed:
        _hurried = True
        _changed.notify_all()


def _others_running() -> bool:
    """Whether a request whose chain will come is still running (the caller holds _changed)."""
    now = time.monotonic()
    for stale in [key for key, began in _running.items() if now - began > RUNNING_AT_MOST]:
        del _running[stale]
    return bool(_running)


def submit(chain: "Recorded | Adoption") -> None:
    """Hand a completed chain to the writer: now, or once the host's open transactions commit.

    Only reads whether the host's connections are in an atomic block: no query, and never raises.
    """
    try:
        pending = [each for each in connections.all(initialized_only=True) if each.in_atomic_block]
        if not pending:
            _enqueue(chain)
            return
        # Written when every open transaction has committed; a rollback drops the callback.
        waiting = Counter(commits=len(pending))
        for each in pending:
            callback = functools.partial(_committed, chain, waiting)
            transaction.on_commit(callback, using=each.alias, robust=True)
    except Exception:
        counts["failed"] += 1
        _report("signal_lens: could not hand a chain to the writer", exc_info=True)
    finally:
        forget(chain)  # Once queued: the last request to end hurries the writer to it.


def adopt(visitor: str, by: str) -> None:
    """Hand a visitor's events to another, after every chain queued so far and the host's commit."""
    submit(Adoption(visitor, by))


def adopt_now(adoption: Adoption) -> None:
    """On the writer's own connection, as its writes are; never raise."""
    alias = router.db_for_write(Event)
    connection = _writable(alias)
    if connection is None:
        return
    try:
        with muted():
            adoption.apply(alias)
    except Exception:
        _report("signal_lens: could not hand a feed to its owner", exc_info=True)
        connection.close()
    if _under_test(alias):
        connection.close()  # A test database: the runner drops it, which an open session blocks.


def _committed(chain: "Recorded | Adoption", waiting: Counter[str]) -> None:
    waiting["commits"] -= 1
    if waiting["commits"] == 0:
        _enqueue(chain)


def _enqueue(chain: "Recorded | Adoption") -> None:
    chains = _current().queue
    # Bounded here rather than by Queue(maxsize): the setting may change while the thread runs.
    if chains.qsize() >= feed_setting("FEED_QUEUE_SIZE"):
        counts["dropped"] += 1
        _report("signal_lens: the write queue is full; a chain was dropped")
        return
    chains.put_nowait(chain)
    if chains.qsize() >= feed_setting("FEED_WRITE_BATCH"):
        _hurry()


def flush(timeout: float | None = 10.0) -> bool:
    """Wait until every chain handed to the writer so far is written (or dropped); True if so.

    For tests and shutdown: chains still waiting for a host's commit are not handed over yet.
    """
    writer = _writer
    if writer is None or writer.pid != os.getpid():
        return True
    done = threading.Event()
    writer.queue.put(done)
    _hurry()
    return done.wait(timeout)


def _gather(
    chains: "queue.Queue[Recorded | Adoption | threading.Event]",
    first: "Recorded | Adoption | threading.Event",
    until: float,
) -> tuple[list[Recorded], list[Adoption | threading.Event]]:
    """The next batch: `first`, and what is queued by `until` while other requests are still
    running in this process, unless the writer is hurried."""
    global _hurried
    with _changed:
        if not isinstance(first, threading.Event):
            wait = max(until - time.monotonic(), 0)
            _changed.wait_for(lambda: _hurried or not _others_running(), timeout=wait)
        _hurried = False
    batch: list[Recorded] = []
    # Done after the batch is written, in the order queued: flushes, and adoptions of its chains.
    markers: list[Adoption | threading.Event] = []
    item: Recorded | Adoption | threading.Event | None = first
    while item is not None:
        (markers if isinstance(item, threading.Event | Adoption) else batch).append(item)
        if len(batch) >= feed_setting("FEED_WRITE_BATCH"):
            break
        try:
            item = chains.get_nowait()
        except queue.Empty:
            item = None
    return batch, markers


def _run(chains: "queue.Queue[Recorded | Adoption | threading.Event]") -> None:
    """The writer thread: write what is queued, a batch of chains per transaction.

    A chain is written at once when no other request is running, or after a quiet spell; while
    requests overlap, at most one write per FEED_WRITE_INTERVAL_SECONDS gathers their chains: a
    transaction per request would cost more.
    """
    wrote = -float("inf")
    while True:
        try:
            first = chains.get(timeout=feed_setting("FEED_WRITER_IDLE_SECONDS"))
        except queue.Empty:
            # Idle: let the database go (a test database can be dropped, a server restarted).
            connections.close_all()
            continue
        until = wrote + feed_setting("FEED_WRITE_INTERVAL_SECONDS")
        batch, markers = _gather(chains, first, until)
        wrote = time.monotonic()
        try:
            if batch:
                write(batch)
            release_pooled()
        except Exception:  # write() catches its own; this thread must outlive anything else.
            counts["failed"] += len(batch)
            _report("signal_lens: the writer failed", exc_info=True)
        for marker in markers:
            if isinstance(marker, Adoption):
                adopt_now(marker)
            else:
                marker.set()


class _Statement(NamedTuple):
    """How Event's rows are inserted on one connection, worked out once for that connection."""

    fields: list[Field]
    insert: str  # INSERT INTO table (columns) VALUES, without the rows
    row_sql: str
    adapters: list[tuple[str, Callable[[Any], Any] | None]]
    plain: list[tuple[str, Callable[[Any], Any] | None]]  # the same, the text stored as it is
    text_values: Callable[[dict[str, Any]], tuple[Any, ...]]
    limits: list[int]


_statements: "weakref.WeakKeyDictionary[BaseDatabaseWrapper, _Statement]" = (
    weakref.WeakKeyDictionary()
)


def _statement(connection: BaseDatabaseWrapper) -> _Statement:
    found = _statements.get(connection)
    if found is not None:
        return found
    fields = [field for field in Event._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(Event._meta.db_table)
    adapters = [(field.attname, _adapter(field, connection)) for field in fields]
    texts = [field for field in fields if field.get_internal_type() == "CharField"]
    names = [field.attname for field in texts]
    found = _statements[connection] = _Statement(
        fields=fields,
        insert=f"INSERT INTO {table} ({columns}) VALUES ",
        row_sql=f"({', '.join(['%s'] * len(fields))})",
        adapters=adapters,
        plain=[(name, None if name in names else adapt) for name, adapt in adapters],
        text_values=operator.itemgetter(*names),
        limits=[field.max_length for field in texts],
    )
    return found


def _insert(cursor: CursorWrapper, rows: list[dict[str, Any]]) -> None:
    """INSERT the rows: on SQLite one prepared statement run per row, elsewhere as many rows per
    statement as the database takes.

    Like bulk_create, but without compiling a query per call (for a request's dozen events that
    cost five times the insert itself), and with each value adapted as the field would: the
    database's own adapters, bound once per connection rather than looked up per value. (On
    SQLite, Django rewrites each statement's placeholders with a regular expression: a statement
    of a hundred rows took longer to rewrite than to run.)
    """
    connection = cursor.db
    statement = _statement(connection)
    text_values, limits = statement.text_values, statement.limits
    # Nearly every row's text is short ASCII without NUL: checked at once, it is stored as it is.
    values = [
        [
            adapt(row[name]) if adapt else row[name]
            for name, adapt in (
                statement.plain if _plain_text(text_values(row), limits) else statement.adapters
            )
        ]
        for row in rows
    ]
    if connection.vendor == "sqlite":
        cursor.executemany(statement.insert + statement.row_sql, values)
        return
    batch = max(connection.ops.bulk_batch_size(statement.fields, rows), 1)
    for start in range(0, len(values), batch):
        chunk = values[start : start + batch]
        sql = statement.insert + ", ".join([statement.row_sql] * len(chunk))
        cursor.execute(sql, [value for row in chunk for value in row])


def _plain_text(texts: tuple[Any, ...], limits: list[int]) -> bool:
    """Whether a row's text values are strings of ASCII without NUL, each within its column."""
    try:
        joined = "".join(texts)
    except TypeError:  # Not all text: each value goes through its adapter.
        return False
    return (
        joined.isascii() and "\x00" not in joined and all(map(operator.le, map(len, texts), limits))
    )


def _adapter(field: Field, connection: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
    """How the field's values reach the database, as Field.get_db_prep_save would prepare them,
    made storable: text escaped and cut to its column, JSON escaped where the database refuses."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        return _json_adapter(field, connection)
    if kind == "CharField":
        return functools.partial(storable_text, limit=field.max_length)
    if kind == "DateTimeField":
        # The chain's clock follows USE_TZ already: only the database's own adaptation is left.
        return connection.ops.adapt_datetimefield_value
    if kind == "UUIDField":
        return functools.partial(field.get_db_prep_save, connection=connection)
    return None


def _json_adapter(field: Field, connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    adapt = functools.partial(connection.ops.adapt_json_value, encoder=field.encoder)
    # Most sends have no context and request signals no arguments: adapt those once a write.
    empty = {dict: adapt({}), list: adapt([])}
    if isinstance(empty[dict], str):  # SQLite and others: the JSON text, checked here.

        def adapt_json(value: Any) -> Any:
            if not value and type(value) in empty:
                return empty[type(value)]
            text = adapt(value)
            return text if _storable_json(text) else adapt(escaped(value))

        return adapt_json
    # psycopg's Jsonb dumps its value when the statement runs: the text is checked then.
    dumps = empty[dict].dumps

    def checked_dumps(value: Any) -> str:
        text = dumps(value)
        return text if _storable_json(text) else dumps(escaped(value))

    def adapt_jsonb(value: Any) -> Any:
        if not value and type(value) in empty:
            return empty[type(value)]
        adapted = adapt(value)
        adapted.dumps = checked_dumps
        return adapted

    return adapt_jsonb


# JSON's escapes that PostgreSQL refuses (NUL, a surrogate without its pair), and that would fail
# a page reading them back on any database (a lone surrogate cannot be encoded as UTF-8).
_UNSTORABLE_JSON = re.compile(
    r"\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}",
    re.IGNORECASE,
)


def _storable_json(text: str) -> bool:
    if "\\u" not in text:
        return True  # Nearly always (ASCII text): no regular expression to run.
    return not _UNSTORABLE_JSON.search(text)


def escape_text(text: str) -> str:
    """NUL as `\\x00` and lone surrogates as `\\udc80`: visible, and storable anywhere."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def storable_text(value: Any, limit: int | None) -> Any:
    """A text column's value: escaped if it must be, cut to the column's length."""
    if not isinstance(value, str):
        return value
    if value.isascii():
        if "\x00" in value:
            value = escape_text(value)
    else:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = escape_text(value)
    return value[:limit] if limit else value


def escaped(value: Any) -> Any:
    """A JSON value with every string in it (keys too) escaped."""
    if isinstance(value, str):
        return escape_text(value)
    if isinstance(value, dict):
        return {escaped(key): escaped(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [escaped(item) for item in value]
    return value


def write(batch: list[Recorded]) -> None:
    """Insert chains' rows in one transaction on this thread's connection; never raise.

    A failed write is tried once more on a new connection: a kept connection that died (a
    database restart or failover) is replaced, and a table that migrate changed meanwhile is
    ready. While the table is not migrated yet, chains are dropped quietly. A batch refused twice
    is written chain by chain, each in its own transaction, so only the chain at fault is lost.
    """
    alias = router.db_for_write(Event)
    connection = _writable(alias)
    if connection is None:
        counts["skipped"] += len(batch)
        return
    with muted():
        try:
            chains = [chain.drain() for chain in batch]
        except Exception:
            counts["failed"] += len(batch)
            _report("signal_lens: could not build %d chains", len(batch), exc_info=True)
            return
        try:
            _commit_twice(connection, [row for rows in chains for row in rows])
            written = len(chains)
        except _NotMigrated:
            counts["failed"] += len(batch)
            logger.debug("signal_lens: events table not migrated yet, %d dropped", len(batch))
            return
        except Exception:
            connection.close()  # Reconnect rather than reuse a broken connection.
            if _writable(alias) is None:  # The runner closed or dropped its test database.
                counts["skipped"] += len(batch)
                return
            written = _write_one_by_one(connection, chains)
        counts["written"] += written
        if written and next(_writes) % feed_setting("FEED_PRUNE_EVERY") == 0:
            _prune(alias)
    if _under_test(alias):
        connection.close()  # A test database: the runner drops it, which an open session blocks.
    if written:
        notify.written()


class _NotMigrated(Exception):
    """The events table lacks columns Event writes: migrate has not run (or is running)."""


def _commit_twice(connection: BaseDatabaseWrapper, rows: list[dict[str, Any]]) -> None:
    try:
        _commit(connection, rows)
    except DatabaseError:
        connection.close()
        if not _schema_ready(connection.alias):
            raise _NotMigrated from None
        _commit(connection, rows)


def _write_one_by_one(connection: BaseDatabaseWrapper, chains: list[list[dict[str, Any]]]) -> int:
    """Each chain in its own transaction; how many were written. The failures are counted.

    A database out of reach fails them all alike, and a test database the runner closed or
    dropped meanwhile takes them all as skipped: the rest are dropped without trying.
    """
    written = 0
    for done, rows in enumerate(chains):
        if _writable(connection.alias) is None:
            counts["skipped"] += len(chains) - done
            break
        try:
            _commit(connection, rows)
            written += 1
        except Exception as error:
            connection.close()
            if _dropped(connection.alias, error):
                counts["skipped"] += len(chains) - done
                break
            unreachable = isinstance(error, OperationalError | InterfaceError)
            failed = len(chains) - done if unreachable else 1
            counts["failed"] += failed
            _report("signal_lens: could not write %d chains", failed, exc_info=True)
            if unreachable:
                break
    return written


def _dropped(alias: str, error: Exception) -> bool:
    """Whether the events table is closed to us or gone with its database, not a write at fault:
    the runner's guard refused a test database between two of our checks (pytest-django raises
    RuntimeError, Django's SimpleTestCase an AssertionError), closed it, or dropped it at teardown
    (SQLite then answers "no such table")."""
    if _under_test(alias) and isinstance(error, RuntimeError | AssertionError):
        return True
    if _writable(alias) is None:
        return True
    try:
        return not _schema_ready(alias)
    except Exception:
        return False  # Out of reach, not dropped: the failure is reported.


def _prune(alias: str) -> None:
    try:
        prune(alias)
    except Exception:
        _report("signal_lens: could not prune old events", exc_info=True)
        connections[alias].close()


def _writable(alias: str) -> BaseDatabaseWrapper | None:
    """This thread's connection to the events' database, or None where writing would disturb the
    host: a database with no name yet, an in-memory SQLite one, a test database the runner is
    migrating, has closed to us or dropped, or the real database once a runner made a test one."""
    connection = connections[alias]
    name = connection.settings_dict["NAME"]
    under_test = _under_test(alias)
    if under_test:
        _tested.add(alias)
    elif alias in _tested:
        return None  # A test run's chains, queued as its runner named the real database again.
    if not name or (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        return None
    if connection.connection is not None and _opened_on.get(alias) != name:
        connection.close()  # Opened before the runner renamed the database: it points elsewhere.
    _opened_on[alias] = name
    if under_test and (_migrating.is_set() or not _test_database_open(connection)):
        return None
    return connection


def _under_test(alias: str) -> bool:
    """Whether a test runner has renamed the database to its test database."""
    return connections[alias].settings_dict["NAME"] != CONFIGURED_NAMES.get(alias)


def hold_while_migrating(sender: Any, using: str, **kwargs: Any) -> None:
    """A pre_migrate receiver: nothing is written into a test database until migrate is done,
    and nothing of this process ever into the real one again once a runner has made one.

    Idempotent: migrate sends pre_migrate once per installed app."""
    _migrating.set()
    if _under_test(using):
        _tested.add(using)


def resume_after_migrating(sender: Any, **kwargs: Any) -> None:
    """A post_migrate receiver: migrate sends it once every migration has run.

    Idempotent: migrate and flush send post_migrate once per installed app."""
    _migrating.clear()


def _test_database_open(connection: BaseDatabaseWrapper) -> bool:
    """Whether the runner lets us into its test database now: pytest-django forbids access
    between tests, and the runner drops the database at the end while chains may be queued."""
    if connection.vendor == "sqlite" and not os.path.exists(connection.settings_dict["NAME"]):
        return False  # Connecting would create an empty file where the runner deleted its own.
    try:
        with muted():  # Connecting sends connection_created, which must not record a chain.
            connection.ensure_connection()
    except Exception:
        return False
    return True


class _RealDatabaseAgain(Exception):
    """The runner named the real database again before this write connected: it may be there."""


def _commit(connection: BaseDatabaseWrapper, rows: list[dict[str, Any]]) -> None:
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # Connected now, on the name of this moment: names never turn back into test ones.
        if connection.alias in _tested and not _under_test(connection.alias):
            raise _RealDatabaseAgain
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        _insert(cursor, rows)
        notify.announce(cursor)


def _schema_ready(alias: str) -> bool:
    """Whether the events table has every column Event writes: not yet while migrate runs."""
    connection = connections[alias]
    table = Event._meta.db_table
    with muted(), connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return False
        try:
            described = connection.introspection.get_table_description(cursor, table)
        except KeyError:  # PostgreSQL's introspection, when a column appears while it reads.
            return False
    return {field.column for field in Event._meta.concrete_fields} <= {c.name for c in described}
