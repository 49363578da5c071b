"""A small pool of asyncpg connections for the statements every turn sends: handed out and back without a round trip
of the event loop.

asyncpg's own pool costs some 55 µs of CPU on every use on top of the statement's 70 µs (one read, measured side by
side on this machine): it hands a connection back through `asyncio.shield`, a task of its own, and wraps every
connection in a proxy. A PostgreSQL turn takes a connection five to six times (its reads, its lock, its writes, its
reply's mark), a sixth of its CPU. Here a connection is taken from a list and put back in it; what asyncpg's pool
does besides, this one does only where its callers need it:

- a connection that is closed, left in a transaction, or was in use when a statement failed for another reason than
  the server's answer (a cancelled caller, a lost connection), is closed instead of put back, and its place freed;
- `expire` (the server restarted) closes the idle ones and those in use as they come back;
- a connection idle for longer than `IDLE_FOR` is closed rather than used (a proxy or the server may have dropped
  it without a word).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

IDLE_FOR = 300.0
"""Seconds a connection may sit idle and still be handed out (asyncpg's pool: the same)."""


class Pool:
    """Up to `size` connections opened with `connect` (asyncpg.connect's arguments), opened when first needed; each
    used by one caller at a time. Callers beyond `size` wait, first come first served."""

    def __init__(self, connect: dict[str, Any], size: int) -> None:
        self._connect = connect
        self._size = size
        self._idle: deque[tuple[Any, float]] = deque()  # (connection, when it came back); the newest on the right
        self._open: dict[Any, int] = {}  # every open connection, idle or in use: the generation it was opened in
        self._opening = 0
        self._waiting: deque[asyncio.Future[Any]] = deque()
        self._generation = 0
        self._closed = False

    async def acquire(self) -> Any:
        """A connection of the pool, for the caller alone until `release`."""
        if self._closed:
            raise _closed()
        now = asyncio.get_running_loop().time()
        while self._idle:
            conn, since = self._idle.pop()
            if conn.is_closed() or now - since > IDLE_FOR:
                self._drop(conn)
                continue
            return conn
        if len(self._open) + self._opening < self._size:
            return await self._new()
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            conn = await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.result() is not None:
                self.release(waiter.result())  # handed over just as the caller went away: the next one gets it
            elif waiter in self._waiting:
                self._waiting.remove(waiter)
            else:  # woken to open one, gone instead: the place goes to the next
                self._wake()
            raise
        return conn if conn is not None else await self._new()  # None: a place is free, open one

    def release(self, conn: Any) -> None:
        """Hand `conn` back: to the first caller waiting, else to the idle ones; or close it, if it cannot be used as it
        is (closed, in a transaction, from before `expire`, the pool closed)."""
        if (self._closed or conn.is_closed() or conn.is_in_transaction()
                or self._open.get(conn) != self._generation):
            self._drop(conn)
            return
        if self._hand_over(conn):
            return
        loop = asyncio.get_running_loop()
        self._idle.append((conn, loop.time()))
        oldest, since = self._idle[0]
        if loop.time() - since > IDLE_FOR:  # the one idle longest: nobody needed it for a while
            self._idle.popleft()
            self._drop(oldest)

    def drop(self, conn: Any) -> None:
        """Close `conn` instead of handing it back (it was in use when something other than the server's answer went
        wrong: it may be half-way through a statement)."""
        self._drop(conn)

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """A connection for the block; closed afterwards if the block failed for another reason than the server's
        answer."""
        conn = await self.acquire()
        try:
            yield conn
        except BaseException as exc:
            (self.release if answered(exc) else self.drop)(conn)
            raise
        self.release(conn)

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        """The records of one statement on a connection of the pool (in autocommit)."""
        conn = await self.acquire()
        try:
            records = await conn.fetch(sql, *args)
        except BaseException as exc:
            (self.release if answered(exc) else self.drop)(conn)
            raise
        self.release(conn)
        return records

    def expire(self) -> None:
        """The server restarted: close the idle connections now, and those in use when they come back."""
        self._generation += 1
        while self._idle:
            self._drop(self._idle.pop()[0])

    async def close(self) -> None:
        """Close the idle connections gracefully, and those in use when they come back; nothing is handed out after."""
        self._closed = True
        idle = [conn for conn, _ in self._idle]
        self._idle.clear()
        for conn in idle:
            self._open.pop(conn, None)
        for waiter in self._waiting:
            if not waiter.done():
                waiter.set_exception(_closed())
        self._waiting.clear()
        for conn in idle:
            try:
                await asyncio.wait_for(conn.close(), 5)
            except Exception:
                conn.terminate()

    def terminate(self) -> None:
        """Close every connection at once, in use or not, without waiting."""
        self._closed = True
        conns, self._open = list(self._open), {}
        self._idle.clear()
        for conn in conns:
            with contextlib.suppress(RuntimeError):  # its event loop is closed: so is its transport
                conn.terminate()

    async def _new(self) -> Any:
        import asyncpg

        self._opening += 1
        try:
            conn = await asyncpg.connect(**self._connect)
        except BaseException:
            self._opening -= 1
            self._wake()  # the place is free again: someone waiting may try
            raise
        self._opening -= 1
        if self._closed:
            conn.terminate()
            raise _closed()
        self._open[conn] = self._generation
        return conn

    def _drop(self, conn: Any) -> None:
        self._open.pop(conn, None)
        with contextlib.suppress(RuntimeError):  # its event loop is closed: so is its transport
            conn.terminate()
        self._wake()

    def _wake(self) -> None:
        """A place became free: the first caller waiting opens a connection in it."""
        if len(self._open) + self._opening < self._size:
            self._hand_over(None)

    def _hand_over(self, conn: Any) -> bool:
        """Give `conn` (None: a free place to open one in) to the first caller still waiting; False if none is."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return True
        return False


def answered(exc: BaseException) -> bool:
    """Whether `exc` is the server's answer to a statement (an error it reported), after which the connection is as
    usable as before; anything else (a cancelled caller, a lost connection) may leave it half-way through one."""
    import asyncpg

    return isinstance(exc, asyncpg.PostgresError)


def _closed() -> Exception:
    import asyncpg

    return asyncpg.InterfaceError("the connection pool is closed")
