"""The feed's settings, each with a default: a project sets only what it changes."""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Off switch: with False the recorder is never installed and the feed shows nothing new.
    "FEED_ENABLED": True,
    # Retention: events older than FEED_MAX_AGE_SECONDS go; beyond FEED_MAX_EVENTS the oldest go,
    # except each returning visitor's newest FEED_VISITOR_EVENTS and its first and last chain of
    # each signal (its walkthrough progress), unless those alone overflow the table.
    "FEED_MAX_EVENTS": 50_000,
    "FEED_MAX_AGE_SECONDS": 24 * 3600,
    "FEED_VISITOR_EVENTS": 200,
    # Prune after this many writes in a process (and on the first write).
    "FEED_PRUNE_EVERY": 200,
    # The writer: chains waiting at most (beyond it new ones are dropped and counted), chains per
    # transaction, seconds idle before it closes its connection, and seconds between repeated
    # failure logs.
    "FEED_QUEUE_SIZE": 1000,
    "FEED_WRITE_BATCH": 50,
    # While requests overlap, the writer writes at most once per this many seconds, gathering
    # their chains; a chain with no other request running is written at once.
    "FEED_WRITE_INTERVAL_SECONDS": 0.1,
    "FEED_WRITER_IDLE_SECONDS": 5.0,
    "FEED_LOG_EVERY_SECONDS": 60.0,
    # How long a finishing process (a management command) waits for its last events to be written.
    "FEED_EXIT_FLUSH_SECONDS": 2.0,
    # The live stream: idle heartbeat, safety-net poll of the table, and reconnect after this
    # long so permissions are re-checked and every connection exercises Last-Event-ID.
    "FEED_HEARTBEAT_SECONDS": 15.0,
    "FEED_POLL_SECONDS": 1.0,
    "FEED_STREAM_MAX_SECONDS": 600.0,
    # Open streams per visitor in each worker process: browsers allow about 6 connections per
    # host, so a fifth tab polls instead (429) and pages still load.
    "FEED_STREAMS_PER_VISITOR": 4,
    # Chains a stream may have waiting for a slow client before it closes; the browser resumes.
    "FEED_STREAM_BACKLOG": 100,
    # The feed's own cookie: a browser keeps its feed across login and logout.
    "FEED_COOKIE_NAME": "signal_lab_feed",
    "FEED_COOKIE_MAX_AGE": 365 * 24 * 3600,
    # Path prefixes of other apps' pages that only read the feed: recording their requests would
    # make new events, which refresh them, which would make new events, forever.
    "FEED_QUIET_PATHS": (),
    # Per receiver: distinct SQL statements kept (all are counted), each cut to this length, and
    # how often one receiver may run one statement in a chain before it is flagged (N+1).
    "FEED_SQL_STATEMENTS": 20,
    "FEED_SQL_LENGTH": 500,
    "FEED_REPEATED_QUERIES": 3,
    # Count each receiver's queries (insight/query_counts.py, fed by insight/execute_wrapper.py).
    "FEED_COUNT_QUERIES": True,
    # Off switches for the two stand-ins the feed puts in Django's way to see what it hides:
    # on_commit callbacks queued by receivers (their fate), and QuerySet.update()/bulk_create()/
    # bulk_update() with Model.save_base, which tell apart the writes that skip save receivers
    # (those three, and INSERT or UPDATE written by hand) from save()'s own.
    "FEED_WATCH_ON_COMMIT": True,
    "FEED_WATCH_SKIPS": True,
    # The layout the feed's pages extend: its own by default, or the host's, with `title`,
    # `content` and `aside` blocks, loading signal_lens/feed.css and feed.js (docs/install.md).
    "FEED_BASE_TEMPLATE": "signal_lens/base.html",
    # How many recent requests the sidebar shows, and each page of the feed's history. Six keep
    # a signed-in home page under 30 KB; the panel links to the history for the rest.
    "FEED_PANEL_CHAINS": 6,
    "FEED_PAGE_CHAINS": 20,
    # The cookie that keeps a visitor's "show Django's internals" choice (anonymous visitors too).
    "FEED_INTERNALS_COOKIE": "signal_lab_internals",
    # Models whose rows' names are public, with the naming field: pk_set shows them beside ids.
    "FEED_NAMED_MODELS": {},
}

# Fixed by the schema or the protocol, not tunable: what the recorder cuts stored texts to
# (models.Event's columns use the same constants), and how the stream pages and retries.
ERROR_LENGTH = 300
SUMMARY_LENGTH = 200
SENDER_LENGTH = 100
PATH_LENGTH = 150
LABEL_LENGTH = 40  # A view's name for its request: origin holds method, path and label.
ARGUMENT_LENGTH = 60
NAME_LENGTH = 40  # An email's local part or a login name in a summary.
MAX_PKS = 20  # Primary keys kept per m2m_changed send.
STREAM_BATCH = 20  # Chains per read of the live stream (and of a poll).
STREAM_RETRY_MS = 2000  # SSE `retry:` after a dropped connection.


def stored_ms(milliseconds: float) -> float:
    """A time as the feed stores it: milliseconds to the microsecond. Rounded as an integer:
    round(x, 3) goes through the float's decimal text, several times the cost."""
    return round(milliseconds * 1000) / 1000


def feed_setting(name: str) -> Any:
    """The project's value of a FEED_* setting, or the feed's default."""
    return getattr(settings, name, DEFAULTS[name])
