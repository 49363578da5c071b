"""The inbox's table: each channel message recorded once, fetched in order, finished, forgotten.

Channels call `Inbox.record` before they acknowledge a message (answer Telegram's or
Twilio's HTTP request, or confirm a polled update). The insert itself is the
de-duplication: a unique key on (channel, message id) means a redelivery finds the
row already there, however many copies race in at once — no check-then-mark window.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import storage

from ..clock import Clock

VERSION_TABLE = "inbox_version"
metadata = sa.MetaData()

PENDING = sa.literal_column("'pending'")
"""The status of a message not handled yet, written into the statement: a query of the pending rows is then one the
planner can answer from the partial index of them (a bound parameter would not tell it, on either database)."""

# Every inbound channel message, recorded once (unique per channel + message id) before it is
# acknowledged; its payload is kept until it has been handled, then cleared.
inbound_messages = sa.Table(
    "inbound_messages",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("message_id", sa.String(100), nullable=False),
    sa.Column("user_key", sa.String(200), nullable=False),
    sa.Column("payload", sa.Text(), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),  # pending | done | limited | failed | ignored
    sa.Column("received_at", storage.UTCDateTime(), nullable=False),
    sa.Column("finished_at", storage.UTCDateTime(), nullable=True),
    sa.UniqueConstraint("channel", "message_id", name="uq_inbound_channel_message"),
    # the backlog only: a few pages that the messages arriving together share (an index of every row puts each one
    # at a random place in seven days of messages, a page to write back at nearly every commit)
    sa.Index("ix_inbound_pending", "user_key", "id", sqlite_where=sa.text("status = 'pending'"),
             postgresql_where=sa.text("status = 'pending'")),
    sa.Index("ix_inbound_user_received", "user_key", "received_at"),
)


async def migrate(engine: AsyncEngine) -> None:
    """Bring the inbox's table up to date."""
    await storage.migrate(engine, Path(__file__).with_name("migrations"), VERSION_TABLE, metadata)

KEEP_FINISHED = timedelta(days=7)
"""How long a handled message's key is kept for de-duplication (Telegram keeps updates 24 h)."""

_LOCK_NAMESPACE = 0x626F74  # "bot": first key of pg_advisory_xact_lock(int, int)

GROUP_MAX = 500
"""Most messages written in one insert (well inside every driver's limit on parameters)."""

INSERTS_AT_ONCE = 1
"""PostgreSQL: inserts of arriving messages under way at one time. The messages that arrive meanwhile wait for it
and go together in the next (group commit): many to a round trip in a burst, instead of one insert of their own
each, which cost the server and the bot a round trip per message."""

WAITING_MAX = 20
"""Most of one customer's waiting messages fetched at once (the rest in the next round)."""

ARRIVALS_FIRST = 0.02
"""Seconds a turn waits, at most, for the webhooks being stored at that moment: in a burst the platforms hear
their answers first (Twilio and Telegram give up after 15 s, and Twilio never delivers again after a 200), and
the turns follow, many to a transaction. Bounded, so turns still go on while a burst lasts."""

PARALLEL_TURNS = 5
"""Customers handled at the same moment (per process), on SQLite while webhooks are being stored, so that their
answers keep their share of the event loop. On PostgreSQL each holds one pooled connection for its lock and uses
another for a moment for each read and change, well inside the pool (`storage.postgres.MAX_CONNECTIONS`)."""

PARALLEL_TURNS_QUIET_SQLITE = 10
"""On SQLite, customers handled at the same moment while no webhook is being stored. A turn there spends much of
its time waiting for the commit it shares with the other writes of that moment (one writer): with more turns under
way, more share each commit, and a few costlier steps (a booking, a cancel) hold up fewer of the others. While
webhooks are being stored it is `PARALLEL_TURNS` again. Not on PostgreSQL: ten turns at once there gave floods 5-15 %
more turns a second while a booking held its staff member's row lock across its round trips, but cost a steady
rate's bookings of one person a queue for it (p99 at 420 msgs/s 266-350 ms against 63-80, `bench/RESULTS.md`,
fourteenth round); with a booking one statement (`booking_client.local.single`) they gave no more (500 -> 507
turns/s in alternating floods, fifteenth round)."""


def _place_in_window() -> sa.Label[int]:
    """For PostgreSQL's read of the waiting messages: how many messages the customer sent within the rate window
    up to each one (`Inbox._place`), counted in the same statement."""
    c, earlier = inbound_messages.c, inbound_messages.alias("earlier")
    window = sa.bindparam("window", type_=sa.Interval())
    return (sa.select(sa.func.count()).select_from(earlier)
            .where(earlier.c.user_key == c.user_key, earlier.c.received_at > c.received_at - window,
                   earlier.c.id <= c.id)
            .scalar_subquery().label("place"))


@dataclass(frozen=True)
class Entry:
    """One recorded inbound message."""

    id: int
    channel: str
    message_id: str
    user_key: str
    payload: dict[str, Any]
    received_at: datetime
    position: int = 1  # how many messages this customer sent within the rate-limit window, this one included


@dataclass(frozen=True)
class RateLimit:
    """At most `messages` per customer within `seconds`; the first one over gets a polite answer."""

    messages: int = 20
    seconds: int = 60


class Inbox:
    """The `inbound_messages` table: record, fetch in order, finish, forget."""

    def __init__(self, engine: AsyncEngine, clock: Clock, limit: RateLimit | None = None,
                 parallel: int | None = None, max_backlog: int = 0) -> None:
        self.engine = engine
        self.max_backlog = max_backlog  # messages waiting to be handled before new ones are turned away (0: never)
        self.backlog = 0  # messages recorded (or found pending at start) and not handled yet by this process
        self._room = asyncio.Event()
        self._room.set()
        self.reads = storage.reads(engine)  # reads never wait for the write lock
        self.clock = clock
        self.limit = limit or RateLimit()
        self._insert = storage.insert_for(engine)
        # built once: every message is recorded, fetched, placed in its rate window and finished (an insert or
        # update takes its columns' values from the parameters it is run with)
        c = inbound_messages.c
        self._record = storage.Change(engine, self._insert(inbound_messages)
                                      .on_conflict_do_nothing(index_elements=["channel", "message_id"])
                                      .returning(c.channel, c.message_id))
        waiting = (sa.select(c.id, c.channel, c.message_id, c.user_key, c.payload, c.received_at)
                   .where(c.user_key == sa.bindparam("customer"), c.status == PENDING)
                   .order_by(c.id).limit(sa.bindparam("most", type_=sa.Integer())))
        # on PostgreSQL each message's place in the rate window comes with it (a round trip fewer a message)
        self._places_too = engine.dialect.name == "postgresql"
        self._waiting_for = storage.Query(engine, waiting.add_columns(_place_in_window()) if self._places_too
                                          else waiting)
        self._position = storage.Query(engine, sa.select(sa.func.count()).select_from(inbound_messages)
                                       .where(c.user_key == sa.bindparam("customer"),
                                              c.received_at > sa.bindparam("since"), c.id <= sa.bindparam("upto")))
        self._finishing = storage.Change(engine, sa.update(inbound_messages).where(c.id == sa.bindparam("row"))
                                         .values(payload="{}"))
        # customers handled at the same moment while webhooks are being stored, and while none is (`places`)
        quiet = PARALLEL_TURNS_QUIET_SQLITE if engine.dialect.name == "sqlite" else PARALLEL_TURNS
        self.parallel = PARALLEL_TURNS if parallel is None else parallel
        self.parallel_quiet = quiet if parallel is None else parallel
        self._slots = asyncio.Semaphore(self.parallel_quiet)  # shared by every channel's conveyor
        self._waiting: list[tuple[dict[str, Any], asyncio.Future[bool]]] = []  # rows for the next insert
        self._submitted = False  # an insert of the waiting rows is in the group commit's queue
        self._on_new: dict[str, Callable[[str], None]] = {}  # channel -> its conveyor's kick
        self.arriving = 0  # messages being recorded right now: handed to the group commit, not committed yet
        self.arrivals_first = ARRIVALS_FIRST  # seconds a turn gives way to them at most
        self._quiet = asyncio.Event()  # set while none is
        self._quiet.set()
        self._alone: set[asyncio.Task[None]] = set()  # inserts on their own under way (PostgreSQL), kept referenced
        self._held = False  # rows wait for the insert under way to end (`INSERTS_AT_ONCE`)
        # callers of `record` with a patience, oldest first (each deadline later than the one before, for one patience)
        self._deadlines: deque[tuple[float, asyncio.Future[bool]]] = deque()
        self._watchdog: asyncio.TimerHandle | None = None

    async def record(self, channel: str, message_id: str, user_key: str, payload: dict[str, Any], *,
                     patience: float | None = None) -> bool:
        """Store a new message durably; False if this (channel, message id) was seen before. With `patience`,
        `TimeoutError` once that many seconds passed without an answer (the row may still be stored later: a
        platform then delivers it again and hears it was there).

        The webhook waits for this and nothing else. Messages arriving together are written in one batch: on
        SQLite in the transaction the turns finishing at that moment commit in too (`storage.group`), on PostgreSQL
        as one atomic batch of its own (a round trip, `storage.Change.run_alone`). Each caller is answered only once
        its row has committed, so an acknowledged message is never lost. Where the message stands in the customer's
        rate window is worked out when it is handled (`waiting_for`).
        """
        row = {"channel": channel, "message_id": message_id, "user_key": user_key, "payload": json.dumps(payload),
               "status": "pending", "received_at": self.clock.now()}
        stored = asyncio.get_running_loop().create_future()
        self._waiting.append((row, stored))
        if not self._submitted:
            self._submit()
        self.arriving += 1  # until its insert has committed or failed (`_landed`)
        self._quiet.clear()
        if patience is not None:
            self._expect(stored, patience)
        new = await stored  # a caller that goes away cancels only this future: the insert goes on for the others
        if new:
            self._grew(1)
        return new

    def _expect(self, stored: asyncio.Future[bool], patience: float) -> None:
        """Give up on `stored` after `patience` seconds: one timer for every caller waiting, the oldest deadline's, not
        one per webhook (each armed and cancelled in the event loop's heap: a tenth of an acknowledgement's CPU)."""
        deadlines = self._deadlines
        while deadlines and deadlines[0][1].done():  # answered: most of them, in order
            deadlines.popleft()
        loop = stored.get_loop()
        deadlines.append((loop.time() + patience, stored))
        if self._watchdog is None:
            self._watchdog = loop.call_at(deadlines[0][0], self._expire, loop)

    def _expire(self, loop: asyncio.AbstractEventLoop) -> None:
        """The oldest deadline has come: every caller whose deadline passed and who is still waiting hears it."""
        deadlines, now = self._deadlines, loop.time()
        while deadlines and (deadlines[0][0] <= now or deadlines[0][1].done()):
            _, stored = deadlines.popleft()
            if not stored.done():
                stored.set_exception(TimeoutError())
        self._watchdog = loop.call_at(deadlines[0][0], self._expire, loop) if deadlines else None

    def _landed(self, rows: int) -> None:
        """`rows` messages being recorded are committed (or failed): turns waiting for them may go once none is left.
        Counted here, not when each webhook's coroutine resumes, so the turn a commit kicks off does not wait for the
        very webhook that brought its message."""
        self.arriving = max(0, self.arriving - rows)
        if not self.arriving:
            self._quiet.set()

    @property
    def places(self) -> int:
        """Customers to handle at the same moment now: fewer while webhooks are being stored."""
        return self.parallel if self.arriving else self.parallel_quiet

    async def after_arrivals(self) -> None:
        """Let the messages being recorded now go first: return once none is, or after `arrivals_first` seconds."""
        if self.arriving:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.arrivals_first):
                    await self._quiet.wait()

    def when_new(self, channel: str, kick: Callable[[str], None]) -> None:
        """Call `kick(user_key)` for each new message of `channel` once it is stored (its conveyor's `kick`)."""
        self._on_new[channel] = kick

    @property
    def full(self) -> bool:
        """True while the backlog is at its limit: a channel then turns new messages away for the platform
        to deliver again later (a webhook's 503, a getUpdates not made) instead of letting the queue grow."""
        return bool(self.max_backlog) and self.backlog >= self.max_backlog

    async def room(self) -> None:
        """Wait until the backlog is below its limit."""
        await self._room.wait()

    def handled(self) -> None:
        """One message of the backlog has been handled."""
        self._grew(-1)

    def _grew(self, by: int) -> None:
        self.backlog = max(0, self.backlog + by)
        if self.full:
            self._room.clear()
        else:
            self._room.set()

    async def count_backlog(self) -> int:
        """Start counting the backlog with the messages recorded before this start and not handled yet."""
        c = inbound_messages.c
        async with self.reads.connect() as conn:
            pending = (await conn.execute(sa.select(sa.func.count()).where(c.status == PENDING))).scalar_one()
        self._grew(pending)
        return pending

    def _submit(self) -> None:
        """Queue one insert for the group commit; when it runs it takes the rows waiting by then (at most
        `GROUP_MAX`: the rest go in an insert of their own), and if it runs again after a rollback, the same ones."""
        taken: list[tuple[dict[str, Any], asyncio.Future[bool]]] = []

        def take() -> None:
            taken.extend(self._waiting[:GROUP_MAX])
            del self._waiting[:len(taken)]
            self._submitted = False
            if self._waiting:
                self._submit()

        async def write(conn: AsyncConnection) -> storage.AfterCommit:
            if not taken:
                take()
            new = await self._insert_rows(conn, [row for row, _ in taken])
            return lambda: self._stored(taken, new)

        def ended(done: asyncio.Future[None]) -> None:
            failure = asyncio.CancelledError() if done.cancelled() else done.exception()
            if failure is None:
                return
            if not taken:  # the transaction never began: the rows it was for hear why
                take()
            for _, stored in taken:  # the database refused: every caller of these rows hears it
                if not stored.done():
                    stored.set_exception(failure)
            self._landed(len(taken))

        async def alone() -> None:
            take()
            new = await self._insert_rows(None, [row for row, _ in taken])
            self._stored(taken, new)

        self._submitted = True
        if self._record.stands_alone:  # PostgreSQL: the rows as one batch committed on its own, a round trip
            if len(self._alone) >= INSERTS_AT_ONCE:
                self._held = True  # `_submitted` stays set: the insert under way, once it ends, starts theirs
                return
            task = asyncio.get_running_loop().create_task(alone())
            self._alone.add(task)
            task.add_done_callback(ended)
            task.add_done_callback(self._alone_ended)
            return
        storage.submit(self.engine, [write]).add_done_callback(ended)

    def _alone_ended(self, task: asyncio.Task[None]) -> None:
        """An insert on its own has ended: the rows that arrived meanwhile go in the next one, all together."""
        self._alone.discard(task)
        if self._held:
            self._held = self._submitted = False
            if self._waiting:
                self._submit()

    def _stored(self, rows: list[tuple[dict[str, Any], asyncio.Future[bool]]], new: set[tuple[str, str]]) -> None:
        """The rows are committed: answer their callers first, so their webhooks are answered before the turns this
        starts or lets go run, then hand the new ones to their channels' conveyors."""
        fresh = []
        for row, stored in rows:
            ident = (row["channel"], row["message_id"])
            if not stored.done():
                stored.set_result(ident in new)
            if ident in new:
                fresh.append(row)
                new.discard(ident)  # a second copy in the same batch was seen before
        for row in fresh:
            if (kick := self._on_new.get(row["channel"])) is not None:
                kick(row["user_key"])  # even if the webhook that brought it stopped waiting
        self._landed(len(rows))

    async def _insert_rows(self, conn: AsyncConnection | None, rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
        """Insert the rows not there yet (in `conn`'s transaction, or without one: committed on their own); the
        (channel, message id) of those that were new."""
        inserted = await (self._record.run(conn, rows) if conn is not None else self._record.run_alone(rows))
        return {(r.channel, r.message_id) for r in inserted}

    async def can_record(self) -> None:
        """Raises if a message could not be stored now (a database that is read-only, locked or gone): a row
        is inserted as `record` would and rolled back, so nothing is left behind."""
        probe = {"channel": "probe", "message_id": "probe", "user_key": "probe", "payload": "{}",
                 "status": "done", "received_at": self.clock.now()}
        async with self.engine.connect() as conn:
            transaction = await conn.begin()
            try:
                await conn.execute(self._insert(inbound_messages).values(probe)
                                   .on_conflict_do_nothing(index_elements=["channel", "message_id"]))
            finally:
                await transaction.rollback()

    async def next_for(self, user_key: str) -> Entry | None:
        """The customer's oldest message not handled yet."""
        entries = await self.waiting_for(user_key, 1)
        return entries[0] if entries else None

    async def waiting_for(self, user_key: str, most: int = WAITING_MAX) -> list[Entry]:
        """The customer's messages not handled yet, oldest first (at most `most`), in one read; on PostgreSQL
        with each one's place in the rate window in the same round trip."""
        entries, _ = await self.waiting_with(user_key, (), most)
        return entries

    async def waiting_with(self, user_key: str, reads: Sequence[storage.Read] = (), most: int = WAITING_MAX
                           ) -> tuple[list[Entry], storage.Brought]:
        """`waiting_for`, and on PostgreSQL in the same round trip the rows of `reads` (what the customer's turn reads
        next, of other components' tables), for `storage.serving`."""
        params: dict[str, Any] = {"customer": user_key, "most": most}
        if self._places_too:
            params["window"] = timedelta(seconds=self.limit.seconds)
        rows, brought = await self._waiting_for.all_along(params, reads)
        places = [row.place for row in rows] if self._places_too else [await self._place(row) for row in rows]
        return [Entry(row.id, row.channel, row.message_id, row.user_key, json.loads(row.payload), row.received_at,
                      place) for row, place in zip(rows, places)], brought

    async def _place(self, row: Any) -> int:
        """How many messages the customer sent within the rate window up to this one, this one included (the rows
        up to it were all there when it was read)."""
        since = row.received_at - timedelta(seconds=self.limit.seconds)
        return await self._position.scalar({"customer": row.user_key, "since": since, "upto": row.id})

    async def finish(self, entry: Entry, status: str = "done") -> None:
        """Mark a message handled and drop its payload (the key stays, for de-duplication)."""
        await storage.commit(self.engine, [self.finishing(entry, status)])

    def finishing(self, entry: Entry, status: str = "done") -> storage.Write:
        """`finish`, as part of a turn's own transaction (with its new state and its replies)."""

        return storage.Statement(self._finishing, {"row": entry.id, "status": status, "finished_at": self.clock.now()})

    async def waiting_users(self, channel: str) -> list[str]:
        """Customers with messages recorded but not handled (e.g. the process stopped mid-turn)."""
        c = inbound_messages.c
        async with self.reads.connect() as conn:
            rows = await conn.execute(
                sa.select(c.user_key).where(c.channel == channel, c.status == PENDING).group_by(c.user_key)
                .order_by(sa.func.min(c.id))
            )
            return [r.user_key for r in rows]

    async def forget_old(self, older_than: timedelta = KEEP_FINISHED) -> int:
        """Delete handled messages older than `older_than`; returns how many."""
        c = inbound_messages.c
        async with self.engine.begin() as conn:
            result = await conn.execute(
                sa.delete(inbound_messages).where(c.status != "pending",
                                                  c.received_at < self.clock.now() - older_than)
            )
        return result.rowcount or 0

    @contextlib.asynccontextmanager
    async def user_lock(self, user_key: str) -> AsyncIterator[None]:
        """A turn slot, and across processes on PostgreSQL one worker per customer at a time
        (a transaction-level advisory lock, released when the transaction ends)."""
        async with self._slots, storage.in_turn(self.engine, _LOCK_NAMESPACE, user_key):
            yield
