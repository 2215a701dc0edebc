"""The feed's own threads borrow pooled database connections only while they use them.

Django hands a request's connection back to the pool when the request ends; the feed's writer
and reader threads never end a request, so they hand theirs back after each write or read.
Without a pool (SQLite, CONN_MAX_AGE) they keep their connection, as a reconnect costs more.
"""

from django.db import connections


def release_pooled() -> None:
    """Return this thread's pooled connections to their pool (PostgreSQL's OPTIONS["pool"])."""
    for connection in connections.all(initialized_only=True):
        if getattr(connection, "pool", None) is not None:
            connection.close()
