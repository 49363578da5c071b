"""A SQLite file's one writer connection, kept open between transactions and handed out in turn.

Checking SQLAlchemy's connection out of its pool of one and back in for every write transaction builds a
`Connection` and costs two greenlet hand-offs, the pool's events and its reset: 73 µs of CPU of a one-row
transaction's 131 µs (bench/RESULTS.md, "The writer kept"). So the writer engine's connections (`engine.connect()`,
`engine.begin()`, `storage.transaction`) are all the same `Connection`, checked out from the first use to `dispose`,
one holder at a time, in the order they asked, as in the pool's queue; a holder that waits longer than the pool
would let it hears the pool's `TimeoutError`. Whatever a holder leaves begun is rolled back when it lets go, as the
pool's reset would, and a connection SQLAlchemy found broken is replaced for the next holder.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.util.concurrency import greenlet_spawn

from . import inline


class Writer:
    """The kept connection of one engine and the queue of those waiting for it."""

    def __init__(self, wait_s: float) -> None:
        self.wait_s = wait_s
        self.lock = asyncio.Lock()
        self.kept: Connection | None = None

    async def take(self, sync_engine: Any) -> Connection:
        """Wait for the writer (at most `wait_s`), then the kept connection, opened at the first use."""
        lock = self.lock
        if lock.locked() or getattr(lock, "_waiters", None):  # held, or promised to the next in line: wait
            try:
                async with asyncio.timeout(self.wait_s):
                    await lock.acquire()
            except TimeoutError:
                raise exc.TimeoutError(f"the database's writer was busy for {self.wait_s:g} s") from None
        else:  # free: taken at once, without arming a timer (most transactions find it so)
            await lock.acquire()
        try:
            kept = self.kept
            if kept is None or kept.closed or kept.invalidated:
                if kept is not None:
                    await greenlet_spawn(kept.close)
                kept = self.kept = await greenlet_spawn(sync_engine.connect)
            return kept
        except BaseException:
            self.lock.release()
            raise

    def nothing_left(self, connection: Connection) -> bool:
        """Whether `connection` can go to the next holder as it is: sound, with nothing begun on it."""
        if connection.invalidated or connection.in_transaction() or connection.in_nested_transaction():
            return False
        driver = connection.connection.driver_connection
        return not (isinstance(driver, inline.Connection) and driver.in_transaction)

    async def give_back(self, connection: Connection) -> None:
        """End what the holder left begun (as the pool's reset would), then let the next one have it. (Execution
        options a holder sets on it would stay: none is set on a writer.)"""
        try:
            if connection.invalidated:  # SQLAlchemy found it broken: the next holder gets a new one
                self.kept = None
                await greenlet_spawn(connection.close)
                return
            if connection.in_transaction() or connection.in_nested_transaction():
                await greenlet_spawn(connection.rollback)
            driver = connection.connection.driver_connection  # begun on the driver (`storage.transaction`) and left
            if isinstance(driver, inline.Connection) and driver.in_transaction:
                await driver.rollback()
        except BaseException:
            self.kept = None  # in an unknown state: the next holder gets a new one
            await greenlet_spawn(connection.invalidate)
            raise
        finally:
            self.lock.release()

    async def close(self) -> None:
        kept, self.kept = self.kept, None
        if kept is not None and not kept.closed:
            await greenlet_spawn(kept.close)


_writers: weakref.WeakKeyDictionary[Any, Writer] = weakref.WeakKeyDictionary()


def register(sync_engine: Any, wait_s: float) -> None:
    """Hand `sync_engine`'s connections out as the kept one (the writer of a SQLite file)."""
    _writers[sync_engine] = Writer(wait_s)


def writer_of(sync_engine: Any) -> Writer | None:
    return _writers.get(getattr(sync_engine, "_proxied", sync_engine))


class KeptConnection(AsyncConnection):
    """`engine.connect()` of a SQLite file's writer engine: the kept connection for the block's length."""

    __slots__ = ()

    async def start(self, is_ctxmanager: bool = False) -> AsyncConnection:
        if self.sync_connection:
            raise exc.InvalidRequestError("connection is already started")
        writer = writer_of(self.sync_engine)
        if writer is None:  # not a writer: as SQLAlchemy does it
            return await super().start(is_ctxmanager)
        self.sync_connection = self._assign_proxied(await writer.take(self.sync_engine))
        return self

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        # SQLAlchemy closes in a task of its own, so that a cancelled holder cannot leave it half done: two turns of
        # the event loop a transaction. A writer with nothing left begun on it is handed on without waiting for
        # anything, so nothing can interrupt that: done here.
        connection, writer = self.sync_connection, writer_of(self.sync_engine)
        if connection is not None and writer is not None and connection is writer.kept \
                and writer.nothing_left(connection):
            self.sync_connection = None
            writer.lock.release()
            return
        await super().__aexit__(type_, value, traceback)

    async def close(self) -> None:
        connection, writer = self.sync_connection, writer_of(self.sync_engine)
        if connection is None or writer is None or connection is not writer.kept:
            await super().close()
            return
        self.sync_connection = None
        await writer.give_back(connection)
