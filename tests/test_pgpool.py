"""The connections every PostgreSQL turn takes and hands back (`storage.pgpool`), against the real server: at most
as many as allowed, first come first served, none handed out that cannot be used."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from storage import pgpool, postgres


@pytest.fixture
def connect(pg_engine) -> dict:
    """asyncpg.connect's arguments for the test database, as its engine connects."""
    return postgres.pool_of(pg_engine).connect


@contextlib.asynccontextmanager
async def _pool(connect: dict, size: int) -> AsyncIterator[pgpool.Pool]:
    pool = pgpool.Pool(connect, size=size)
    try:
        yield pool
    finally:
        await pool.close()


async def _backend(pool: pgpool.Pool) -> int:
    return (await pool.fetch("SELECT pg_backend_pid() AS pid"))[0]["pid"]


async def test_a_connection_handed_back_is_the_next_one_handed_out(connect):
    async with _pool(connect, 3) as pool:
        first = await _backend(pool)
        assert await _backend(pool) == first  # the same server process: no new connection per statement


async def test_callers_beyond_the_size_wait_and_are_served_in_order(connect):
    async with _pool(connect, 2) as pool:
        held = [await pool.acquire(), await pool.acquire()]
        order: list[str] = []

        async def later(name: str) -> None:
            conn = await pool.acquire()
            order.append(name)
            pool.release(conn)

        waiting = [asyncio.create_task(later("first")), asyncio.create_task(later("second"))]
        await asyncio.sleep(0)  # both are waiting now
        assert order == [] and not any(task.done() for task in waiting)
        pool.release(held.pop())
        await asyncio.wait_for(asyncio.gather(*waiting), 5)
        assert order == ["first", "second"]
        pool.release(held.pop())
        # handed back, a connection is used again: reads one at a time need only one
        assert len({await _backend(pool) for _ in range(5)}) == 1


async def test_a_caller_that_stops_waiting_gives_its_turn_to_the_next(connect):
    async with _pool(connect, 1) as pool:
        held = await pool.acquire()
        gone = asyncio.create_task(pool.acquire())
        next_one = asyncio.create_task(_backend(pool))
        await asyncio.sleep(0)
        gone.cancel()
        pool.release(held)
        assert await asyncio.wait_for(next_one, 5) > 0
        assert gone.cancelled()


async def test_an_error_of_the_server_keeps_the_connection_anything_else_closes_it(connect):
    import asyncpg

    async with _pool(connect, 1) as pool:
        before = await _backend(pool)
        with pytest.raises(asyncpg.UndefinedTableError):
            await pool.fetch("SELECT * FROM no_such_table")
        assert await _backend(pool) == before  # the server answered: the connection is as good as before

        slow = asyncio.create_task(pool.fetch("SELECT pg_sleep(10)"))
        await asyncio.sleep(0)  # it has sent its statement and waits for the answer
        slow.cancel()  # a caller gone half-way through a statement
        with pytest.raises(asyncio.CancelledError):
            await slow
        after = await asyncio.wait_for(_backend(pool), 5)
        assert after != before  # a new connection: the old one may still have been busy


async def test_a_connection_left_in_a_transaction_is_not_handed_out_again(connect):
    async with _pool(connect, 1) as pool:
        conn = await pool.acquire()
        before = (await conn.fetchrow("SELECT pg_backend_pid() AS pid"))["pid"]
        await conn.execute("BEGIN")
        pool.release(conn)
        conn = await pool.acquire()
        assert not conn.is_in_transaction()
        assert (await conn.fetchrow("SELECT pg_backend_pid() AS pid"))["pid"] != before
        pool.release(conn)


async def test_connections_of_a_restarted_server_are_replaced(connect):
    import asyncpg

    async with _pool(connect, 2) as pool:
        in_use = await pool.acquire()
        idle = await _backend(pool)
        killer = await asyncpg.connect(**connect)
        try:
            await killer.execute(f"SELECT pg_terminate_backend({idle})")
        finally:
            await killer.close()
        pool.expire()
        pool.release(in_use)  # from before the restart: closed as it comes back
        assert in_use.is_closed()
        assert await asyncio.wait_for(_backend(pool), 5) != idle


async def test_a_closed_pool_hands_out_nothing_and_closes_what_comes_back(connect):
    import asyncpg

    pool = pgpool.Pool(connect, size=2)
    conn = await pool.acquire()
    await pool.close()
    with pytest.raises(asyncpg.InterfaceError, match="closed"):
        await pool.acquire()
    pool.release(conn)
    assert conn.is_closed()
