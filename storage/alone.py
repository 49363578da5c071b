"""Work that one process at a time is enough for, or must take turns at, across several processes on one
PostgreSQL database."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from . import postgres

ALONE_LOCKS = 0x616C6F6E  # "alon": the first key of pg_try_advisory_lock(int, int) for `alone`


@contextlib.asynccontextmanager
async def alone(engine: AsyncEngine, name: str) -> AsyncIterator[bool]:
    """True inside the block for the one process doing `name` now, False for the others meanwhile (they skip
    it: the one doing it does it for all). On PostgreSQL a session-level advisory lock on a connection of its
    own, released when the block ends, or when the process dies; SQLite serves one process: always True.

    The connection holds no transaction meanwhile: an open one would keep every row version the turns write
    from being cleaned up for as long as the work lasts (turns slowed by hundreds of milliseconds under load)."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = sa.func.hashtext(name)
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        mine = bool((await conn.execute(sa.select(sa.func.pg_try_advisory_lock(ALONE_LOCKS, key)))).scalar_one())
        try:
            yield mine
        finally:
            if mine:
                try:
                    await conn.execute(sa.select(sa.func.pg_advisory_unlock(ALONE_LOCKS, key)))
                except BaseException:
                    await conn.invalidate()  # never back into the pool still holding the lock
                    raise


@contextlib.asynccontextmanager
async def in_turn(engine: AsyncEngine, namespace: int, name: str) -> AsyncIterator[None]:
    """Inside the block, the one holder of `name` (in `namespace`) across the processes on this database; the
    others wait for it. On PostgreSQL a transaction-level advisory lock, on asyncpg directly where the engine has
    a pool for that (`storage.postgres`), else through SQLAlchemy; SQLite serves one process: nothing to wait for."""
    if engine.dialect.name != "postgresql":
        yield
        return
    pool = postgres.pool_of(engine)
    if pool is not None:
        async with postgres.locked(pool, namespace, name):
            yield
        return
    async with engine.begin() as conn:
        await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(namespace, sa.func.hashtext(name))))
        yield
