"""One async engine for the whole process, configured so concurrent writers queue instead of failing.

On a SQLite file, writes go through ONE connection: writers of this process wait their turn in
the pool's queue (woken the moment the previous transaction ends) instead of each holding a
connection and sleeping in SQLite's busy handler with back-off while the lock sits free.
Transactions that only read (`reads`) have a pool of their own and, under WAL, never wait for
the writer. SQLite's statements run on the event loop's thread (`storage.inline`), not on a thread
per connection; the WAL is checkpointed on a thread of its own (`storage.checkpoint`).
"""

from __future__ import annotations

import time
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from . import direct, inline, postgres, writer
from .readers import READ_ONLY, read_engines, reads
from .checkpoint import BACKSTOP_PAGES, Checkpointer

BUSY_TIMEOUT_MS = 10_000
"""How long a SQLite writer waits for another process's write to finish before giving up: below the
15 s after which Twilio and Telegram stop waiting for a webhook's answer."""

WRITER_WAIT_S = 10.0
"""How long a write waits for this process's one SQLite writer connection (the same patience)."""

_checkpointers: weakref.WeakKeyDictionary[Any, Checkpointer] = weakref.WeakKeyDictionary()


def make_engine(url: str, *, schema: str | None = None, **kwargs: Any) -> AsyncEngine:
    """Create the engine for `url`: SQLite (file or :memory:) or PostgreSQL via asyncpg.

    `schema` (PostgreSQL only) becomes the connection's search_path, so a test run or a
    tenant can live in its own schema. Extra keyword arguments go to `create_async_engine`.
    """
    parsed = make_url(url)
    # an error's text never carries a statement's parameters: they hold customers' messages and names
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        if schema is not None:
            raise ValueError("SQLite has no schemas; leave `schema` unset")
        return _sqlite_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "postgresql":
        return _postgres_engine(parsed, schema, **kwargs)
    raise ValueError(f"unsupported database URL {parsed.render_as_string()!r}; use sqlite+aiosqlite or postgresql+asyncpg")


def is_memory(url: URL) -> bool:
    """True for a private in-memory SQLite database."""
    return url.database in (None, "", ":memory:")


class _SQLiteEngine(AsyncEngine):
    """An engine whose transactions that only read have a pool of their own (`reads`); disposing it
    disposes both."""

    __slots__ = ()
    _connection_cls = writer.KeptConnection  # its one writer connection is kept, not checked out every time

    async def dispose(self, close: bool = True) -> None:
        reader = read_engines.get(self.sync_engine)
        checkpointer = _checkpointers.get(self.sync_engine)
        kept = writer.writer_of(self.sync_engine)
        if kept is not None:
            await kept.close()
        await super().dispose(close)
        if reader is not None:
            await reader.dispose(close)
        if checkpointer is not None and close:
            checkpointer.stop()
        direct.close(self)


def _sqlite_engine(url: URL, **kwargs: Any) -> AsyncEngine:
    [database], options = SQLiteDialect_pysqlite().create_connect_args(url)  # the URL's file, uri=, ...
    options.update(kwargs.pop("connect_args", {}))
    patience = options.pop("timeout", BUSY_TIMEOUT_MS / 1000)
    kwargs["async_creator"] = inline.connector(database, options, patience)
    if is_memory(url):
        # Every checkout must reach the same in-memory database. SQLAlchemy's default
        # StaticPool hands ONE connection to every coroutine at once, so two concurrent
        # transactions would share (and roll back) each other's work. A pool of exactly
        # one connection keeps the same database but makes coroutines wait their turn.
        kwargs.setdefault("poolclass", AsyncAdaptedQueuePool)
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        engine = create_async_engine(url, **kwargs)
        _serialize_sqlite_writers(engine, wal=False)
        return engine
    writer_options = {"poolclass": AsyncAdaptedQueuePool, "pool_size": 1, "max_overflow": 0,
                      "pool_timeout": WRITER_WAIT_S, **kwargs}
    engine = _SQLiteEngine(create_async_engine(url, **writer_options).sync_engine)
    writer.register(engine.sync_engine, WRITER_WAIT_S)
    checkpointer = Checkpointer(database, options)
    _checkpointers[engine.sync_engine] = checkpointer
    weakref.finalize(engine.sync_engine, checkpointer.stop_soon)  # an engine dropped without dispose()
    direct.register(engine, database, options, patience)  # the statements every turn runs, straight on the driver
    _serialize_sqlite_writers(engine, wal=True, checkpointer=checkpointer)
    reader = create_async_engine(url, **kwargs)
    _serialize_sqlite_writers(reader, wal=True, read_only=True)
    read_engines[engine.sync_engine] = reader
    return engine


def _serialize_sqlite_writers(engine: AsyncEngine, *, wal: bool, read_only: bool = False,
                              checkpointer: Checkpointer | None = None) -> None:
    """The SQLAlchemy-documented recipe: we issue BEGIN IMMEDIATE ourselves.

    pysqlite's own deferred BEGIN lets two writers both read, then fail with
    "database is locked" when one upgrades to a write lock; BEGIN IMMEDIATE takes the
    write lock up front, so a second writer waits (busy timeout) and then sees the
    first one's rows — which is what makes a booking's re-check-then-insert atomic.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # opened without the driver's own BEGIN, and without SQLite's busy handler, which would stop the
        # event loop: storage.inline waits for a busy database with asyncio.sleep instead
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        if wal:
            # Readers do not block the writer and vice versa; NORMAL is safe under WAL.
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        if checkpointer is not None:  # the writer: its commits leave checkpoints to the thread
            cursor.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES}")
            checkpointer.start()
        if read_only:
            cursor.execute("PRAGMA query_only = ON")  # a write through `reads` fails at once, loudly
        cursor.close()

    if wal:
        # A file's writer and readers are engines of their own, so each dialect begins every transaction its one way.
        # (A "begin" event would do the same, but any such event makes SQLAlchemy dispatch events around every
        # statement of the engine, a twentieth of a turn's CPU.)
        statement = "BEGIN" if read_only else "BEGIN IMMEDIATE"
        engine.sync_engine.dialect.do_begin = lambda dbapi_connection: _begin(dbapi_connection, statement)
        return

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # in memory, one connection: a read-only view (`reads`) is only an option of the connection's
        _begin(conn.connection, "BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def _begin(dbapi_connection: Any, statement: str) -> None:
    """Start a transaction: a read-only one takes a snapshot without the write lock (under WAL it never waits for
    a writer). Straight on the driver when the lock is free (a statement through SQLAlchemy costs a sixth of a short
    transaction); otherwise through the adapter's cursor, which waits for a busy database (SQLAlchemy reports its
    errors as its own)."""
    if not inline.begin_now(dbapi_connection.driver_connection, statement):
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(statement)
        finally:
            cursor.close()


def _postgres_engine(url: URL, schema: str | None, **kwargs: Any) -> AsyncEngine:
    connect_args = kwargs.pop("connect_args", {})
    if schema is not None:
        settings = dict(connect_args.get("server_settings", {}))
        settings["search_path"] = _quote_ident(schema)
        connect_args["server_settings"] = settings
    engine = _PostgresEngine(create_async_engine(url, connect_args=connect_args, **kwargs).sync_engine)
    _ping_after_idle(engine)
    postgres.register(engine, connect_args)  # the reads every turn makes, prepared on asyncpg directly
    return engine


class _PostgresEngine(AsyncEngine):
    """An engine whose prebuilt reads have an asyncpg pool of their own (`storage.postgres`); disposing it closes
    that too."""

    __slots__ = ()

    async def dispose(self, close: bool = True) -> None:
        await super().dispose(close)
        if close:
            await postgres.close(self)


IDLE_PING_S = 0.5
"""A pooled PostgreSQL connection unused for this long is pinged before it is handed out again."""


def _ping_after_idle(engine: AsyncEngine) -> None:
    """Survive a database restart between requests without a round trip on every check-out (`pool_pre_ping`
    was half of a turn's transactions): a connection that sat idle is pinged first, and one that fails the ping
    is replaced. One in busy use has just shown that it works; a request under way when the server goes away
    fails, with pre-ping or without."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_S:
            return
        try:
            dbapi_connection.ping()
        except Exception as exc:  # the pool throws this connection away and checks out another
            raise DisconnectionError("a pooled connection failed its ping after sitting idle") from exc


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
