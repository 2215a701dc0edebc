"""Telling readers that events were written: in this process directly, in others by NOTIFY.

The writer calls `announce()` inside its insert's transaction and `written()` after it; the hub
registers what to wake with `on_written()` and runs `listen()` to hear other processes' writes.
"""

import asyncio
from collections.abc import Callable

from django.db import connections
from django.db.backends.utils import CursorWrapper

from signal_lens.conf import feed_setting

CHANNEL = "signal_lab_feed"
_callbacks: list[Callable[[], None]] = []


def on_written(callback: Callable[[], None]) -> None:
    """Call `callback` (from any thread) after each write in this process."""
    if callback not in _callbacks:
        _callbacks.append(callback)


def written() -> None:
    for callback in list(_callbacks):
        callback()


def announce(cursor: CursorWrapper) -> None:
    """NOTIFY other processes; PostgreSQL delivers it when the insert's transaction commits."""
    if cursor.db.vendor == "postgresql":
        cursor.execute("SELECT pg_notify(%s, '')", [CHANNEL])


def _conninfo(alias: str) -> str:
    """Where to LISTEN: the events database, as Django's settings describe it."""
    import psycopg

    given = connections[alias].settings_dict
    params = {
        "dbname": given.get("NAME"),
        "user": given.get("USER"),
        "password": given.get("PASSWORD"),
        "host": given.get("HOST"),
        "port": given.get("PORT"),
    }
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in params.items() if v})


async def listen(alias: str, poke: Callable[[], None], failed: Callable[[Exception], None]) -> None:
    """Call `poke` once listening and on every NOTIFY from any process's writes; when LISTEN
    fails, call `failed` with the error and reconnect (streams are polled for meanwhile)."""
    # Imported here: a project on SQLite or MySQL needs no PostgreSQL driver.
    import psycopg

    while True:
        try:
            async with await psycopg.AsyncConnection.connect(
                _conninfo(alias), autocommit=True
            ) as listening:
                await listening.execute(f"LISTEN {CHANNEL}")
                poke()  # Anything written while we were not listening.
                async for _notify in listening.notifies():
                    poke()
        except psycopg.Error as error:
            failed(error)
            await asyncio.sleep(feed_setting("FEED_POLL_SECONDS") * 5)
