"""Work that one process at a time is enough for, across several processes on one PostgreSQL database."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

ALONE_LOCKS = 0x616C6F6E  # "alon": the first key of pg_try_advisory_xact_lock(int, int) for `alone`


@contextlib.asynccontextmanager
async def alone(engine: AsyncEngine, name: str) -> AsyncIterator[bool]:
    """True inside the block for the one process doing `name` now, False for the others meanwhile (they skip
    it: the one doing it does it for all). On PostgreSQL a transaction-level advisory lock on a connection of its
    own, released when the block ends, or when the process dies; SQLite serves one process: always True."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    async with engine.begin() as conn:
        key = sa.func.hashtext(name)
        yield bool((await conn.execute(sa.select(sa.func.pg_try_advisory_xact_lock(ALONE_LOCKS, key)))).scalar_one())
