"""Group commit: the writes of callers that commit at the same moment share one transaction.

Under load many turns finish at once: each wants its new state, its replies and its message marked handled
committed, and each sent reply wants its mark. One transaction apiece costs a BEGIN and a COMMIT each (on
PostgreSQL two round trips and a flush of the log; through SQLAlchemy's async layer some 80 µs of CPU on
SQLite): a fifth of a turn. Here the first caller of a moment starts a batch, callers that arrive before it
runs join it, and every one of them is answered only once the transaction holding its writes has committed,
so nothing is reported done that could still be lost.

A caller's writes never fail because of another's: when a batch's transaction fails, each caller's writes
are run again alone, in a transaction of their own, and only the one that fails alone hears the error. That
is why a `Write` must be safe to run again after a rollback (it changes nothing outside the transaction; what
it keeps in memory waits for its `AfterCommit`).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from . import along, postgres
from .direct import Folded, folded, folded_together, inline_writes, transaction
from .unit import AfterCommit, Write, committed, writing

BATCH_MAX = 100
"""Callers in one transaction at most: a long one would hold the write lock (and the first caller) too long."""


class _Caller:
    __slots__ = ("writes", "done")

    def __init__(self, writes: list[Write], done: asyncio.Future[None]) -> None:
        self.writes = writes
        self.done = done


class Group:
    """The group commit of one engine (`group_of`)."""

    def __init__(self, engine: AsyncEngine) -> None:
        # the engine only while a batch runs: kept for good, it would keep its own entry in `_groups` alive
        self._engine = weakref.ref(engine)
        self._waiting: list[_Caller] = []
        self._task: asyncio.Task[None] | None = None
        # a SQLite file, whose statements run on this thread without waiting (`storage.inline`): a caller alone at
        # its moment commits in its own coroutine (`_at_once`)
        self._inline = inline_writes(engine)
        self._at_once_running = False
        self._at_once_ended: asyncio.Event | None = None  # made only when `idle` waits for one under way

    def submit(self, writes: Iterable[Write]) -> asyncio.Future[None]:
        """`commit` without waiting for it: the future ends once the writes are committed, or with their error."""
        return self._add(writes).done

    async def commit(self, writes: Iterable[Write]) -> None:
        """Run `writes` in one transaction (shared with other callers'); return once it has committed."""
        if self._inline and self._task is None and not self._at_once_running and _alone_now():
            await self._at_once(writes)
            return
        caller = self._add(writes)
        try:
            await asyncio.shield(caller.done)  # a caller that goes away does not take the others' batch with it
        except asyncio.CancelledError:
            if caller in self._waiting:  # not begun yet: it is not written at all
                self._waiting.remove(caller)
            else:  # its batch goes on; nobody is left to hear how it ended
                caller.done.add_done_callback(lambda done: done.cancelled() or done.exception())
            raise

    async def _at_once(self, writes: Iterable[Write]) -> None:
        """The writes of a caller alone at its moment (no batch begun or waiting), in a transaction of their own run
        by the caller itself. On a SQLite file nothing in it waits (its statements run at once on this thread), so
        no other caller could have joined it: a batch's task, and the futures it answers its callers through, cost
        three turns of the event loop and some 50 µs of CPU a transaction. Where something does wait (the file
        locked by another process), callers arriving meanwhile gather into a batch behind it."""
        engine = self._engine()
        assert engine is not None, "a group commit outlived its engine"
        self._at_once_running = True
        try:
            async with transaction(engine) as conn:
                after = await writing(conn, writes)
        finally:
            self._at_once_running = False
            if self._at_once_ended is not None:
                self._at_once_ended.set()
                self._at_once_ended = None
        committed(after)

    def _add(self, writes: Iterable[Write]) -> _Caller:
        caller = _Caller(list(writes), asyncio.get_running_loop().create_future())
        self._waiting.append(caller)
        if self._task is None:
            engine = self._engine()
            assert engine is not None, "a group commit outlived its engine"
            self._task = asyncio.create_task(self._run(engine), name="group-commit")
        return caller

    async def idle(self) -> None:
        """Wait until every batch begun, and a lone caller's transaction under way, has ended (before the engine is
        disposed)."""
        while self._task is not None or self._at_once_running:
            if self._task is not None:
                await asyncio.shield(self._task)
            else:  # it waits for the file (another process holds it): only then can anyone else run meanwhile
                if self._at_once_ended is None:
                    self._at_once_ended = asyncio.Event()
                await self._at_once_ended.wait()

    async def _run(self, engine: AsyncEngine) -> None:
        try:
            while self._waiting:
                batch: list[_Caller] = []
                try:
                    async with transaction(engine) as conn:
                        # taken once the transaction has begun: whoever came while it waited for the writer joins
                        batch = self._take()
                        after = [await writing(conn, caller.writes) for caller in batch]
                except Exception as exc:
                    if not batch:  # no transaction to be had: the callers it was for hear why
                        for caller in self._take():
                            _fail(caller, exc)
                    elif len(batch) == 1:
                        _fail(batch[0], exc)
                    else:
                        await self._alone(engine, batch)
                    continue
                if self._inline:
                    # Once committed, the event loop serves what else waits before the callers hear it: on SQLite a
                    # transaction never pauses by itself, and the turns it answers would otherwise go on at once,
                    # ahead of the webhooks waiting to be read (in floods, acknowledgements 0.47 of the bare
                    # handler's without this pause, 0.50-0.53 with it).
                    await asyncio.sleep(0)
                for caller, then in zip(batch, after, strict=True):
                    _done(caller, then)
        finally:
            self._task = None

    def _take(self) -> list[_Caller]:
        batch, self._waiting = self._waiting[:BATCH_MAX], self._waiting[BATCH_MAX:]
        return batch

    async def _alone(self, engine: AsyncEngine, batch: list[_Caller]) -> None:
        """Each caller's writes in a transaction of their own: only those that fail by themselves fail."""
        for caller in batch:
            try:
                async with transaction(engine) as conn:
                    after = await writing(conn, caller.writes)
            except Exception as exc:
                _fail(caller, exc)
            else:
                _done(caller, after)


def _alone_now() -> bool:
    """Whether nothing else is ready to run on the event loop at this moment: no other caller can be about to join
    a batch. (asyncio's own loop keeps its ready callbacks in `_ready`; another loop is taken to be busy.)"""
    ready = getattr(asyncio.get_running_loop(), "_ready", None)
    return ready is not None and not ready


def _done(caller: _Caller | _Fold, after: list[AfterCommit]) -> None:
    try:
        committed(after)
    except Exception as exc:  # committed, but what was to follow in memory failed: its caller hears it
        _fail(caller, exc)
        return
    if not caller.done.done():
        caller.done.set_result(None)


def _fail(caller: _Caller | _Fold, exc: BaseException) -> None:
    if not caller.done.done():
        caller.done.set_exception(exc)


_groups: weakref.WeakKeyDictionary[Any, Group] = weakref.WeakKeyDictionary()


def group_of(engine: AsyncEngine) -> Group:
    """The one group commit of `engine`."""
    group = _groups.get(engine.sync_engine)
    if group is None:
        group = _groups[engine.sync_engine] = Group(engine)
    return group


FOLDS_MAX = 16
"""Callers' folded statements run as one at most (`Folds`)."""


class _Fold:
    __slots__ = ("together", "apart", "done")

    def __init__(self, together: Folded, apart: str, done: asyncio.Future[None]) -> None:
        self.together = together
        self.apart = apart
        self.done = done


class Folds:
    """The group commit of folded statements (`folds_of`): those of callers that commit while one is under way run
    next as one statement, a round trip for all of them. Only callers that said whose rows they write (`apart`: a
    customer's) are folded together, one per such key in a statement: two callers' parts changing one row would
    change it once. If the statement fails, each caller's own runs alone, and only one that fails alone hears it."""

    def __init__(self) -> None:
        self._waiting: list[_Fold] = []
        self._task: asyncio.Task[None] | None = None

    def add(self, together: Folded, apart: str) -> asyncio.Future[None]:
        fold = _Fold(together, apart, asyncio.get_running_loop().create_future())
        self._waiting.append(fold)
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="folded-commit")
        return fold.done

    async def idle(self) -> None:
        while self._task is not None:
            await asyncio.shield(self._task)

    async def _run(self) -> None:
        try:
            while self._waiting:
                batch = self._take()
                combined = folded_together([fold.together for fold in batch]) if len(batch) > 1 else None
                if combined is not None:
                    try:
                        await postgres.execute_once(combined.engine, combined.sql, combined.args)
                    except Exception:
                        pass  # each on its own, below: only the one that fails alone hears it
                    else:
                        for fold in batch:
                            _done(fold, [])  # (parts that return no rows have nothing to follow the commit)
                        continue
                for fold in batch:
                    try:
                        await _commit_folded(fold.together)
                    except Exception as exc:
                        _fail(fold, exc)
                    else:
                        _done(fold, [])
        finally:
            self._task = None

    def _take(self) -> list[_Fold]:
        """The oldest callers, one per key, up to `FOLDS_MAX`; the others wait for the next statement."""
        batch: list[_Fold] = []
        keys: set[str] = set()
        rest: list[_Fold] = []
        for fold in self._waiting:
            if len(batch) < FOLDS_MAX and fold.apart not in keys:
                keys.add(fold.apart)
                batch.append(fold)
            else:
                rest.append(fold)
        self._waiting = rest
        return batch


_folds: weakref.WeakKeyDictionary[Any, Folds] = weakref.WeakKeyDictionary()


def folds_of(engine: AsyncEngine) -> Folds:
    """The one group commit of folded statements of `engine`."""
    found = _folds.get(engine.sync_engine)
    if found is None:
        found = _folds[engine.sync_engine] = Folds()
    return found


async def commit(engine: AsyncEngine, writes: Iterable[Write], *, apart: str | None = None) -> None:
    """Run every write in one transaction: all of them happen, or none; the transaction may hold other
    callers' writes too (each caller's all or none). On PostgreSQL, prebuilt statements that can be one statement
    (`direct.folded`: a turn's changes, a reply's mark and its delivery record) are run as one, in a round trip of
    their own, or, given `apart` (whose rows the writes are: no other caller with another key writes any of them)
    and returning no rows, with other such callers' of the same moment (`Folds`)."""
    along.forget()  # what a turn's first read brought along may change now
    writes = list(writes)
    together = folded(writes)
    if together is None:
        await group_of(engine).commit(writes)
        return
    if apart is not None and together.returning is None:
        running = folds_of(engine).add(together, apart)
    else:
        running = asyncio.ensure_future(_commit_folded(together))
    try:
        await asyncio.shield(running)  # as in a batch: a caller that goes away leaves its statement to finish
    except asyncio.CancelledError:
        running.add_done_callback(lambda done: done.cancelled() or done.exception())
        raise


async def _commit_folded(together: Folded) -> None:
    """The folded statement, then what its writes want done once it committed (as a batch does for its callers,
    whether or not they are still waiting)."""
    records = await postgres.execute_once(together.engine, together.sql, together.args)
    committed(together.after(records))


def submit(engine: AsyncEngine, writes: Iterable[Write]) -> asyncio.Future[None]:
    """`commit` without waiting: the future ends once the writes are committed, or with their error."""
    along.forget()
    return group_of(engine).submit(writes)


async def give_way(engine: AsyncEngine) -> None:
    """A pause of background work between two lots of it (a tick's): what is ready to run goes first, and the
    writes committing at that moment (a turn's) are committed and answered before it goes on. On SQLite nothing
    else pauses such work: its statements never suspend a coroutine."""
    await asyncio.sleep(0)
    group = _groups.get(engine.sync_engine)
    batch = group._task if group is not None else None
    if batch is not None:  # that batch only: under a steady stream of turns there is always a next one
        await asyncio.wait([batch])
        await asyncio.sleep(0)  # the callers it answered resume first


async def idle(engine: AsyncEngine) -> None:
    """Wait for `engine`'s group commit to finish what it has begun."""
    group = _groups.get(engine.sync_engine)
    if group is not None:
        await group.idle()
    found = _folds.get(engine.sync_engine)
    if found is not None:
        await found.idle()
