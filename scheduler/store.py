"""The scheduler's own tables: one row per message the bot starts, and the change-log cursor.

Rows are planned idempotently (`dedupe` is unique: the same booking, kind, offset and
start are planned once), claimed with a lease before they are sent (`FOR UPDATE SKIP
LOCKED` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` serializes claims), then marked. A
row whose lease ran out is claimable again, so a process that dies mid-send leaves it
for another. Own Alembic history: `scheduler/migrations`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import storage
from booking_client import Booking

from .leases import LeasedRows
from .plan import Planned

VERSION_TABLE = "scheduler_version"
metadata = sa.MetaData()

reminders = sa.Table(
    "reminders",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("dedupe", sa.String(300), nullable=False, unique=True),
    sa.Column("kind", sa.String(20), nullable=False),  # reminder | follow_up | no_show | nudge
    sa.Column("booking_id", sa.String(64), nullable=True),
    sa.Column("user_key", sa.String(200), nullable=False),
    sa.Column("due_at", storage.UTCDateTime(), nullable=False),  # when it was meant for (after quiet hours)
    sa.Column("not_before", storage.UTCDateTime(), nullable=False),  # due_at, or later after a failed try
    # planned | sending | sent | skipped | missed | cancelled | failed
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("lease_until", storage.UTCDateTime(), nullable=True),
    sa.Column("lease_token", sa.String(40), nullable=True),
    sa.Column("note", sa.String(300), nullable=True),  # why skipped, moved, missed or failed
    sa.Column("booking_start", storage.UTCDateTime(), nullable=True),
    sa.Column("created_at", storage.UTCDateTime(), nullable=False),
    sa.Column("sent_at", storage.UTCDateTime(), nullable=True),
    sa.Index("ix_reminders_status_not_before", "status", "not_before"),
    sa.Index("ix_reminders_booking", "booking_id"),
    sa.Index("ix_reminders_kind_status_user", "kind", "status", "user_key"),  # a customer's planned nudge
)

# How far the scheduler has read the booking backend's change feed.
scheduler_cursor = sa.Table(
    "scheduler_cursor",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("position", sa.Integer(), nullable=False),
)

_FEED = "bookings"
_PLANNED_NUDGE = sa.and_(reminders.c.kind == "nudge", reminders.c.status == "planned")

NUDGE_LOT = 100
"""Customers whose nudges are planned in one transaction."""

T = TypeVar("T")


def _lots(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


async def migrate(engine: AsyncEngine) -> None:
    """Bring the scheduler's tables up to date."""
    await storage.migrate(engine, Path(__file__).with_name("migrations"), VERSION_TABLE, metadata)


async def read_cursor(engine: AsyncEngine, name: str) -> int | None:
    """How far the feed `name` has been read (None: never)."""
    async with engine.connect() as conn:
        row = (await conn.execute(sa.select(scheduler_cursor.c.position)
                                  .where(scheduler_cursor.c.name == name))).first()
    return row.position if row else None


async def save_cursor(engine: AsyncEngine, name: str, position: int, *, only_if_new: bool = False) -> None:
    """Move a cursor forward (never back, whichever process gets there first); `only_if_new`: set it
    only if it has never been set."""
    stmt = storage.insert_for(engine)(scheduler_cursor).values(name=name, position=position)
    if only_if_new:
        stmt = stmt.on_conflict_do_nothing(index_elements=[scheduler_cursor.c.name])
    else:
        stmt = stmt.on_conflict_do_update(
            index_elements=[scheduler_cursor.c.name],
            set_={"position": storage.greatest(engine, stmt.excluded.position, scheduler_cursor.c.position)})
    async with engine.begin() as conn:
        await conn.execute(stmt)


class ReminderStore(LeasedRows):
    """Plan, claim with a lease, mark, retry and release the rows of messages the bot starts."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, reminders)
        r = reminders.c
        # built once: a tick may plan hundreds of nudges, each dropping the customer's nudge for an earlier silence
        self._drop_other_nudge = reminders.delete().where(_PLANNED_NUDGE, r.user_key == sa.bindparam("customer"),
                                                          r.dedupe != sa.bindparam("keep"))
        self._add_planned = self._insert(reminders).on_conflict_do_nothing(index_elements=[r.dedupe])
        # every booking made, moved or cancelled replans its reminders: on the driver, inside its transaction
        stale = sa.and_(r.booking_id == sa.bindparam("booking"), r.status == "planned",
                        sa.or_(r.kind == "reminder", r.kind == "follow_up"))
        self._drop_stale = storage.Change(engine, reminders.update().where(stale))
        self._drop_moved = storage.Change(engine, reminders.update().where(
            stale, r.booking_start != sa.bindparam("start")))
        self._plan_one = storage.Change(engine, self._add_planned)

    # --- the change-feed cursor -------------------------------------------------------------

    async def cursor(self) -> int:
        return await read_cursor(self.engine, _FEED) or 0

    async def save_cursor(self, position: int) -> None:
        await save_cursor(self.engine, _FEED, position)

    # --- planning ------------------------------------------------------------------------------

    async def replan(self, booking: Booking, planned: Iterable[Planned], now: datetime, *,
                     drop_why: str | None = None, moved: bool = False) -> None:
        """In one transaction: drop the booking's planned reminders and follow-ups (`drop_why`), or only
        those for another start (`moved`), then add `planned` (rows already there stay as they are)."""
        await storage.commit(self.engine, [self.replanning(booking, planned, now, drop_why=drop_why, moved=moved)])

    def replanning(self, booking: Booking, planned: Iterable[Planned], now: datetime, *,
                   drop_why: str | None = None, moved: bool = False) -> storage.Write:
        """`replan` as a write of a transaction shared with others."""
        return self.replanning_lot([(booking, list(planned), drop_why, moved)], now)

    def replanning_lot(self, lot: Sequence[tuple[Booking, Sequence[Planned], str | None, bool]],
                       now: datetime) -> storage.Write:
        """`replan` for each (booking, planned, drop_why, moved) of a lot (the bookings of a page of the change feed),
        as one write: each kind of statement once with every booking's parameters, not four statements a booking
        (the drops come first: each only touches its own booking's rows, so the order between bookings is free)."""
        stale = [{"booking": booking.id, "status": "cancelled", "note": why} for booking, _, why, _ in lot
                 if why is not None]
        moved = [{"booking": booking.id, "start": booking.start, "status": "cancelled", "note": "booking moved"}
                 for booking, _, why, move in lot if why is None and move]
        rows = [self._row(p, now, booking.contact.ref, booking) for booking, planned, _, _ in lot for p in planned]

        async def write(conn: AsyncConnection) -> None:
            if stale:
                await self._drop_stale.run(conn, stale)
            if moved:
                await self._drop_moved.run(conn, moved)
            if rows:
                await self._plan_one.run(conn, rows)

        return write

    async def planned_bookings(self, limit: int) -> list[str]:
        """Bookings with a reminder or follow-up still to send, soonest first."""
        r = reminders.c
        query = (sa.select(r.booking_id).where(r.status == "planned", r.kind.in_(("reminder", "follow_up")),
                                               r.booking_id.is_not(None))
                 .group_by(r.booking_id).order_by(sa.func.min(r.not_before)).limit(limit))
        async with self.reads.connect() as conn:
            return list((await conn.execute(query)).scalars())

    async def drop(self, booking_id: str, why: str) -> None:
        """Cancel every planned message of a booking."""
        async with self.engine.begin() as conn:
            await conn.execute(reminders.update().where(reminders.c.booking_id == booking_id,
                                                        reminders.c.status == "planned")
                               .values(status="cancelled", note=why))

    async def nudge_keys(self) -> list[str]:
        """Customers with a nudge planned and not yet sent."""
        async with self.reads.connect() as conn:
            return list((await conn.execute(sa.select(reminders.c.user_key).where(_PLANNED_NUDGE))).scalars())

    async def plan_nudges(self, wanted: Sequence[tuple[str, Planned]], settled: Sequence[str], now: datetime) -> None:
        """One planned nudge per customer in `wanted` (replacing one for an earlier silence); none for `settled`.

        A hundred customers at a time, each lot in a transaction of its own with a pause between them: on
        SQLite a transaction runs on the event loop's thread, and one for a busy tick's thousand conversations
        would hold up every turn (and the write lock) for its whole length."""
        r = reminders.c
        for lot in _lots(settled, NUDGE_LOT * 5):
            async with self.engine.begin() as conn:
                await conn.execute(reminders.delete().where(_PLANNED_NUDGE, r.user_key.in_(lot)))
            await storage.give_way(self.engine)
        for lot in _lots(wanted, NUDGE_LOT):
            async with self.engine.begin() as conn:
                await conn.execute(self._drop_other_nudge, [{"customer": key, "keep": p.dedupe} for key, p in lot])
                await conn.execute(self._add_planned, [self._row(p, now, key) for key, p in lot])
            await storage.give_way(self.engine)

    @staticmethod
    def _row(p: Planned, now: datetime, user_key: str, booking: Booking | None = None) -> dict[str, Any]:
        return {"dedupe": p.dedupe, "kind": p.kind, "booking_id": booking.id if booking else None,
                "user_key": user_key, "due_at": p.due_at, "not_before": p.due_at, "status": p.status, "note": p.note,
                "booking_start": booking.start if booking else None, "created_at": now}

    # --- the operator's view -------------------------------------------------------------------

    async def listing(self) -> list[Any]:
        async with self.reads.connect() as conn:
            return list((await conn.execute(sa.select(reminders).order_by(reminders.c.due_at, reminders.c.id))).all())
