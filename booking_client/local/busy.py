"""Every staff member's busy times, kept in memory and brought up to date from the change log.

Availability over a busy horizon used to read every coming booking (14,000 rows for 10 staff over 60
days) on every question. The cache reads them once; after that a question costs one look at the
newest change-log entry, and when something changed, the log entries since the last look and the
few bookings they name. Every write of the engine, in any process sharing the database, appends to
the log in the same transaction as the booking, so a booking made by another process is seen by the
next question after it commits.

Why reading the log in order misses nothing: on PostgreSQL writers hold a lock from before taking their
entry's number until commit, so entries become visible in number order (see single.py);
on SQLite one writer at a time commits them in number order. The booking rows are read after the log
entries, so what is kept is never older than the entries already applied; a row read newer than that
(changed again meanwhile) is read once more when its next entry is. So catching up on a few entries
needs no transaction: prepared reads of the entries and of each booking they name (`storage.Query`).

The cache decides only what is offered. Booking and moving are still checked by the database (on
PostgreSQL its exclusion constraint, on SQLite the one writer's check), so a stale cache could at
worst offer a taken time, never double-book it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage import Query

from ..types import BookingStatus
from .models import BookingEventRow, BookingRow
from .schedule import Busy, BusyTimes

ACTIVE = tuple(s.value for s in BookingStatus if s.active)

MAX_CHANGES = 200
"""More log entries than this since the last look: read everything again rather than booking by booking."""

RELOAD_AFTER = timedelta(days=1)
"""Read everything again once the kept bookings start this far in the past: drops bookings that have
ended, and bounds how long a change that bypassed the engine (a restore, a hand edit) goes unnoticed."""

Reader = Callable[[], AbstractAsyncContextManager[AsyncConnection]]

_NEWEST = select(func.coalesce(func.max(BookingEventRow.seq), 0))  # read before the bookings, in their transaction


class BusyCache:
    """Active bookings blocking time from `floor` on, per staff member, as of change-log entry `seq`."""

    def __init__(self, engine: AsyncEngine) -> None:
        e, b = BookingEventRow.__table__.c, BookingRow.__table__.c
        self._entries_after = Query(engine, select(e.seq, e.booking_id).where(e.seq > bindparam("after"))
                                    .order_by(e.seq).limit(MAX_CHANGES + 1))
        self._booking = Query(engine, select(b.id, b.staff, b.start_at, b.blocked_until, b.status)
                              .where(b.id == bindparam("booking")))
        self._seq: int | None = None  # the last log entry applied; None until the first load
        self._floor: datetime | None = None  # bookings that ended by then were left out
        self._busy: dict[str, dict[str, Busy]] = {}  # staff -> booking id -> blocked time
        self._staff_of: dict[str, str] = {}  # booking id -> staff
        self._times: dict[str, BusyTimes] = {}  # built from `_busy` when first asked after a change
        self._lock = asyncio.Lock()  # one refresh at a time: two interleaved could apply an older row last

    async def busy_times(self, read: Reader, staff: Iterable[str], since: datetime,
                         newest: Callable[[], Awaitable[int]]) -> dict[str, BusyTimes]:
        """Each staff member's busy times as of now, correct for any time from `since` on. `newest`: the newest
        log entry's number by a read of its own (a prepared one), which settles the usual case, nothing
        changed, without a transaction; a few changes are caught up on booking by booking, and anything else
        reads every booking again in a transaction of `read`."""
        async with self._lock:
            seq = await newest()
            if not self._current(seq, since) and not await self._caught_up(seq, since):
                async with read() as conn:
                    await self._load(conn, await conn.scalar(_NEWEST), since)
            return {person: self._times_for(person) for person in staff}

    async def _caught_up(self, newest: int, since: datetime) -> bool:
        """Apply the log entries up to `newest` booking by booking, with prepared reads; False where everything
        must be read again instead (nothing kept yet, the log went back, the clock moved, too many changes)."""
        if self._seq is None or self._floor is None or newest < self._seq or not (
            self._floor <= since < self._floor + RELOAD_AFTER
        ):
            return False
        entries = await self._entries_after.all({"after": self._seq})
        if len(entries) > MAX_CHANGES:
            return False
        changed = list(dict.fromkeys(entry.booking_id for entry in entries))
        rows = [row for booking in changed if (row := await self._booking.first({"booking": booking})) is not None]
        self._replace(set(changed), rows)
        self._seq = max([newest, *(entry.seq for entry in entries)])
        return True

    def _current(self, newest: int, since: datetime) -> bool:
        """True if what is kept is as of log entry `newest` and covers `since`."""
        return self._seq is not None and self._floor is not None and newest == self._seq and \
            self._floor <= since < self._floor + RELOAD_AFTER

    def clear(self) -> None:
        """Forget everything: the next question reads all bookings again."""
        self._seq = None

    async def _load(self, conn: AsyncConnection, seq: int, floor: datetime) -> None:
        """Read every active booking that blocks time after `floor`; `seq` must have been read before."""
        query = select(BookingRow.id, BookingRow.staff, BookingRow.start_at, BookingRow.blocked_until).where(
            BookingRow.status.in_(ACTIVE), BookingRow.blocked_until > floor
        )
        self._seq = None  # stays unusable if the read fails half-way
        self._busy, self._staff_of, self._times = {}, {}, {}
        for booking, staff, start, until in await conn.execute(query):
            self._busy.setdefault(staff, {})[booking] = Busy(start, until)
            self._staff_of[booking] = staff
        self._seq, self._floor = seq, floor

    def _replace(self, bookings: set[str], rows: Iterable[Any]) -> None:
        """Forget what was kept for `bookings`; keep `rows` (id, staff, start, until, status) that are active. The
        staff members' sorted busy times already built are updated in place, not built again."""
        for booking in bookings:
            staff = self._staff_of.pop(booking, None)
            if staff is not None:
                gone = self._busy[staff].pop(booking, None)
                if gone is not None and (times := self._times.get(staff)) is not None:
                    times.remove(gone)
        for booking, staff, start, until, status in rows:
            if status in ACTIVE:
                busy = self._busy.setdefault(staff, {})[booking] = Busy(start, until)
                self._staff_of[booking] = staff
                if (times := self._times.get(staff)) is not None:
                    times.add(busy)

    def _times_for(self, staff: str) -> BusyTimes:
        times = self._times.get(staff)
        if times is None:
            times = self._times[staff] = BusyTimes(self._busy.get(staff, {}).values())
        return times
