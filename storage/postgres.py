"""PostgreSQL's prebuilt statements on asyncpg directly, each prepared: reads, a turn's per-customer lock, changes.

Through SQLAlchemy's async layer a one-row read in autocommit costs some 390 µs of CPU; on asyncpg connections of
its own, where asyncpg prepares each statement once per connection and keeps it, 150 µs (bench/RESULTS.md,
"PostgreSQL's reads and the turn's lock on asyncpg directly"), and 75 µs since they are handed out by `pgpool`
rather than asyncpg's pool. A turn on PostgreSQL reads its waiting messages, their place in the
rate window, its contact, its conversation and the booking engine's change log (`fetch`). Each read is one statement
in autocommit, as `storage.reads` gives them, so it sees what is committed and nothing else, as before.

The lock a turn holds so that one process at a time works through a customer's messages (`storage.in_turn`) is a
transaction on a connection of the same pool (`locked`): BEGIN with the advisory lock in one round trip, then COMMIT,
without SQLAlchemy's layer. A turn's writes (`storage.Change`) run on the asyncpg connection of SQLAlchemy's own
transaction (`change`); a change that needs no transaction to share (the webhooks' rows) runs on the pool as one
atomic batch (`fetch_many`).

The pool connects as the engine does (its URL and `connect_args`: the schema's search_path, a timeout), opens at
the first read and closes with the engine's `dispose`. A read (or a lock) that finds its connection gone (the server
restarted) has every connection of the pool replaced and is tried once more; every failure is raised as SQLAlchemy's
error, without the parameters.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import weakref
from collections.abc import AsyncIterator, Sequence
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from . import pgpool

MAX_CONNECTIONS = 15
"""Connections of the pool at most: a read holds one for a single round trip, a turn's lock for the turn (five
turns at once, `bot.inbox.PARALLEL_TURNS`)."""

_LOCK = "BEGIN; SELECT pg_advisory_xact_lock({namespace}, hashtext({name}))"
"""The turn's lock, begun with its transaction in one round trip (a simple query: its values are written into it,
`_literal`); BEGIN on its own, then the lock, was a round trip more for every turn."""

_pools: weakref.WeakKeyDictionary[Any, ReadPool] = weakref.WeakKeyDictionary()


class ReadPool:
    """The connections (`pgpool.Pool`) for one engine's prebuilt reads, turn locks and changes committed on their own,
    opened at first use."""

    def __init__(self, connect: dict[str, Any]) -> None:
        self.connect = connect
        self._pool: pgpool.Pool | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def get(self) -> pgpool.Pool:
        loop = asyncio.get_running_loop()
        if self._pool is None or self._loop is not loop:  # an engine outliving its event loop gets a new pool
            self._pool, self._loop = pgpool.Pool(self.connect, MAX_CONNECTIONS), loop
        return self._pool

    def terminate(self) -> None:
        """Close the connections at once, without waiting (the engine is gone, maybe its event loop too)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None and self._loop is asyncio.get_running_loop():
            await pool.close()


def register(engine: AsyncEngine, connect_args: dict[str, Any]) -> None:
    """Let `Query` read `engine`'s PostgreSQL database on asyncpg directly (called by `make_engine`)."""
    import asyncpg

    _, params = engine.dialect.create_connect_args(engine.url)
    # SQLAlchemy's own options (a statement cache size) stay out
    accepted = inspect.signature(asyncpg.connect).parameters
    connect = {k: v for k, v in {**params, **connect_args}.items() if k in accepted}
    pool = _pools[engine.sync_engine] = ReadPool(connect)
    weakref.finalize(engine.sync_engine, pool.terminate)  # an engine dropped without dispose() leaves no connection


def pool_of(engine: AsyncEngine) -> ReadPool | None:
    """The read pool of `engine` (or of the engine it was derived from with options), if it has one."""
    sync = engine.sync_engine
    return _pools.get(getattr(sync, "_proxied", sync))


async def close(engine: AsyncEngine) -> None:
    """Close `engine`'s read pool, if it has one (its `dispose`)."""
    pool = _pools.get(engine.sync_engine)
    if pool is not None:
        await pool.close()


async def fetch(pool: ReadPool, sql: str, args: Sequence[Any]) -> list[Any]:
    """The rows of one prepared read; SQLAlchemy's errors, and one more try on fresh connections if the one it had
    was gone."""
    for attempt in (1, 2):
        connections = pool.get()
        try:
            return await connections.fetch(sql, *args)
        except Exception as exc:
            if isinstance(exc, _gone()) and attempt == 1:
                connections.expire()  # the server restarted: every connection it had is gone
                continue
            _raise_translated(sql, exc)
    raise AssertionError("unreachable")


def _raise_translated(sql: str, exc: BaseException) -> NoReturn:
    """Raise asyncpg's error (being handled) as SQLAlchemy's: a lost or refused connection an OperationalError, the
    server's refusal a DBAPIError, neither with the parameters; anything else as it is."""
    import asyncpg

    if isinstance(exc, (*_gone(), OSError)):
        raise sa.exc.OperationalError(sql, None, exc, hide_parameters=True) from exc
    if isinstance(exc, asyncpg.PostgresError):
        raise sa.exc.DBAPIError(sql, None, exc, hide_parameters=True) from exc
    raise exc


def _gone() -> tuple[type[BaseException], ...]:
    """asyncpg's errors for a connection that no longer exists or no longer works (the server restarted, a proxy
    dropped it): worth one more try on another."""
    import asyncpg

    return (asyncpg.ConnectionDoesNotExistError, asyncpg.CannotConnectNowError, asyncpg.AdminShutdownError,
            asyncpg.InterfaceError, asyncpg.InternalClientError, ConnectionError)


async def fetch_many(pool: ReadPool, sql: str, bound: Sequence[Sequence[Any]]) -> list[Any]:
    """One prepared change run for each set of parameters as a single atomic batch in autocommit (asyncpg pipelines
    it, committed as one implicit transaction): the rows RETURNING gives. Not tried again on a lost connection, since
    it may have committed before the connection went."""
    connections = pool.get()
    try:
        async with connections.connection() as conn:
            return await conn.fetchmany(sql, bound)
    except Exception as exc:
        _raise_translated(sql, exc)


async def execute_once(engine: AsyncEngine, sql: str, args: Sequence[Any]) -> list[Any]:
    """One prepared statement in autocommit on `engine`'s pool, atomic on its own; the records it returns. Not tried
    again on a lost connection, since it may have committed before the connection went. Its error is raised as one
    through SQLAlchemy would be (an IntegrityError for a unique key taken), without the parameters."""
    pool = pool_of(engine)
    assert pool is not None, "only for an engine with a pool of its own (PostgreSQL)"
    connections = pool.get()
    try:
        return await connections.fetch(sql, *args)
    except Exception as exc:
        if isinstance(exc, (*_gone(), OSError)):  # the connection, not the statement: an OperationalError
            _raise_translated(sql, exc)
        from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection as adapter

        dbapi = engine.sync_engine.dialect.loaded_dbapi
        try:
            adapter._handle_exception_no_connection(dbapi, exc)  # raises it as the adapter's DB-API error
        except dbapi.Error as translated:
            raise sa.exc.DBAPIError.instance(sql, None, translated, dbapi.Error, hide_parameters=True) from exc


@contextlib.asynccontextmanager
async def locked(pool: ReadPool, namespace: int, name: str) -> AsyncIterator[None]:
    """Inside the block, the transaction-level advisory lock (`namespace`, hashtext(`name`)): other holders of it,
    in any process, wait. It ends with the block (a COMMIT of nothing) or with the connection."""
    import asyncpg

    statement = _LOCK.format(namespace=int(namespace), name=_literal(name))
    for attempt in (1, 2):
        connections = pool.get()
        conn = None
        try:
            conn = await connections.acquire()
            await conn.execute(statement)
            break
        except BaseException as exc:
            if conn is not None:
                connections.drop(conn)  # whatever it was in the middle of, it holds nothing now
            if isinstance(exc, _gone()) and attempt == 1:
                connections.expire()  # the server restarted: the others are gone too
                continue  # once more, on a new connection
            _raise_translated(_LOCK, exc)
    try:
        yield
    finally:
        try:
            # nothing was written in it: however it ends, the lock ends too
            await conn.execute("COMMIT")
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            connections.drop(conn)  # the lock ends with the connection
        except BaseException:
            connections.drop(conn)
            raise
        else:
            connections.release(conn)


def _literal(text: str) -> str:
    """`text` as a PostgreSQL string constant, dollar-quoted: nothing inside it is escaped or special, and its tag is
    one that does not occur in it (PostgreSQL's text holds no NUL, the only character that could not be quoted)."""
    tag = "k"
    while f"${tag}$" in text or text.endswith(f"${tag}"):
        tag += "k"
    return f"${tag}${text}${tag}$"


@functools.cache
def adapter_known() -> bool:
    """Whether SQLAlchemy's asyncpg adapter has the parts `change` and `execute_once` rely on (they are not its public
    API: a version without them leaves the changes to SQLAlchemy, as before)."""
    from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection as adapter

    slots = {name for cls in adapter.__mro__ for name in getattr(cls, "__slots__", ())}
    return all(hasattr(adapter, name) for name in ("_start_transaction", "_handle_exception",
                                                    "_handle_exception_no_connection")) and \
        {"_execute_mutex", "_transaction", "_connection"} <= slots


async def change(conn: AsyncConnection, sql: str, bound: Sequence[Sequence[Any]], *, rows_wanted: bool = True
                 ) -> list[Any]:
    """One prepared change for each set of bound parameters, on the asyncpg connection of the caller's transaction:
    under the adapter's own lock, and after it has begun the transaction it begins at its first statement (BEGIN
    only then), exactly as a statement through SQLAlchemy would. Without `rows_wanted` (a change returning none) the
    sets go in one round trip (asyncpg's `executemany`), not one each. An error is raised as SQLAlchemy raises it."""
    adapted = conn.sync_connection.connection.dbapi_connection  # SQLAlchemy's asyncpg adapter
    rows: list[Any] = []
    async with adapted._execute_mutex:
        try:
            if adapted._transaction is None:
                await adapted._start_transaction()  # a no-op in autocommit, as for SQLAlchemy's own statements
            if not rows_wanted and len(bound) > 1:
                await adapted._connection.executemany(sql, bound)
            else:
                for args in bound:
                    rows.extend(await adapted._connection.fetch(sql, *args))
        except Exception as exc:
            dbapi = conn.sync_engine.dialect.loaded_dbapi
            try:
                adapted._handle_exception(exc)  # raises the driver's error as the adapter's DB-API error
            except dbapi.Error as translated:
                raise sa.exc.DBAPIError.instance(sql, None, translated, dbapi.Error, hide_parameters=True) from exc
            raise
    return rows
