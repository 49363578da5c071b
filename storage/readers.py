"""Which engine a component reads through: on a SQLite file, connections of their own that never take the write
lock (registered by `make_engine`); elsewhere the engine itself, marked read-only."""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

read_engines: weakref.WeakKeyDictionary[Any, AsyncEngine] = weakref.WeakKeyDictionary()
"""A SQLite file's writer engine (its sync engine) -> the engine its reads go through."""

READ_ONLY = "booking_bot_read_only"


def reads(engine: AsyncEngine) -> AsyncEngine:
    """The engine for transactions that only read. On a SQLite file: connections of their own that start
    without taking the write lock (and refuse to write), so a turn's reads never queue behind another
    turn's writes; in memory: the one connection, without the write lock. On PostgreSQL: the engine itself, each
    statement on its own (autocommit)."""
    sync = engine.sync_engine
    reader = read_engines.get(getattr(sync, "_proxied", sync))  # an engine with options shares its root's pools
    if reader is not None:
        return reader
    if engine.dialect.name == "postgresql":
        # one statement, one round trip: without the BEGIN and ROLLBACK around it (under READ COMMITTED each
        # statement of a transaction sees the database afresh anyway, so a read loses nothing by it)
        return engine.execution_options(**{READ_ONLY: True}, isolation_level="AUTOCOMMIT")
    return engine.execution_options(**{READ_ONLY: True})
