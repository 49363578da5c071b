"""SQLite on the event loop's own thread, behind the interface SQLAlchemy's aiosqlite dialect expects.

aiosqlite runs every call on a worker thread and wakes the event loop to hand back each result: one
statement costs a queue put, a thread wake-up, a self-pipe write and a loop iteration, about 1 ms of CPU
for a one-row transaction, against some 60 µs for the statement itself. Under WAL with
`synchronous=NORMAL` a statement of ours never waits on the disk (only checkpoints do), so running it
right where it is awaited is cheaper than any hand-off (bench/RESULTS.md, "turns").

The one wait SQLite can impose is another connection's write lock. SQLite's own busy handler would sleep
with the whole event loop stopped, so the connection is opened without one (timeout 0) and a statement
that finds the database busy is tried again after an `asyncio.sleep`, with back-off, until the patience
given at connect runs out: the loop goes on serving webhooks meanwhile, and a second engine of the same
process holding the lock can finish its transaction.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

SQLITE_BUSY = 5
FIRST_PAUSE_S = 0.001
LONGEST_PAUSE_S = 0.05


class Cursor:
    """An awaitable view of one `sqlite3.Cursor` (what aiosqlite's cursor offers SQLAlchemy)."""

    __slots__ = ("_connection", "_cursor")

    def __init__(self, connection: Connection, cursor: sqlite3.Cursor) -> None:
        self._connection = connection
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        await self._connection.patiently(self._cursor.execute, sql, () if parameters is None else parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> Cursor:
        await self._connection.patiently(self._cursor.executemany, sql, list(parameters))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class _Inline:
    """Where the dialect hands aiosqlite's worker a function to run (setting the isolation level): run it now."""

    __slots__ = ()

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # the dialect awaits the future and raises it there
            future.set_exception(error)


class Connection:
    """An awaitable view of one `sqlite3.Connection` whose calls run at once on the calling thread."""

    _tx = _Inline()

    def __init__(self, connection: sqlite3.Connection, patience: float) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection  # the dialect checks it before commit/rollback
        self.patience = patience

    async def patiently(self, call: Callable[..., Any], *args: Any) -> Any:
        """`call(*args)`; while the database is busy (another connection's write lock), try again after a pause."""
        pause, deadline = FIRST_PAUSE_S, None
        while True:
            try:
                return call(*args)
            except sqlite3.OperationalError as error:
                if getattr(error, "sqlite_errorcode", None) is None or error.sqlite_errorcode & 0xFF != SQLITE_BUSY:
                    raise
                now = asyncio.get_running_loop().time()
                deadline = now + self.patience if deadline is None else deadline
                if now >= deadline:
                    raise
                await asyncio.sleep(min(pause, deadline - now))
                pause = min(pause * 2, LONGEST_PAUSE_S)

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open on the driver."""
        return self._connection is not None and self._conn.in_transaction

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> Cursor:
        return Cursor(self, self._conn.cursor())

    async def commit(self) -> None:
        await self.patiently(self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close at once (what the dialect calls to terminate a connection, e.g. one left to the garbage collector)."""
        if self._connection is not None:
            self._connection = None
            self._conn.close()


def begin_now(connection: Any, statement: str) -> bool:
    """Start a transaction with `statement` right on the driver if the database lets it at once (no other
    connection holds the lock it needs); False if not, or if `connection` is not one of ours."""
    if not isinstance(connection, Connection) or connection._connection is None:
        return False
    if connection._conn.in_transaction:  # begun on the driver (`storage.direct.transaction`): SQLAlchemy joins it
        return True
    try:
        connection._conn.execute(statement)
    except sqlite3.Error:
        return False
    return True


def open_sqlite(database: str, options: Mapping[str, Any]) -> sqlite3.Connection:
    """`database` opened with the dialect's `options` (uri, ...), without SQLite's busy handler (which would stop
    the event loop) and without the driver's own BEGIN, usable from any thread: how every connection of ours opens."""
    return sqlite3.connect(database, **{**options, "timeout": 0, "isolation_level": None, "check_same_thread": False})


def connector(database: str, options: dict[str, Any], patience: float) -> Callable[[], Awaitable[Connection]]:
    """The `async_creator` for an engine: opens `database` (`open_sqlite`); waits for a busy database up to
    `patience` s."""

    async def connect() -> Connection:
        return Connection(open_sqlite(database, options), patience)

    return connect
