"""The embedded engine's writes on PostgreSQL: each booking, move, cancel or mark one statement, committed on its own.

A staff member's bookings may not overlap: the table's exclusion constraint (`ex_bookings_staff_time`, migration
0002) refuses an active booking whose time meets another active one of the same person. So a write holds no lock
across round trips (a row lock held from a check to its commit made every booking for a busy person wait for the
round trips of the one before it), and the change log's entry is written by the same statement: the statement takes
the log's lock before it writes the booking, so before the entry takes its number, and holds it only until its own
commit: entries commit in number order (`busy.py` relies on that), and bookings of one time never wait for each
other's rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import BigInteger, Row, bindparam, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import Change

from ..types import BookingStatus
from .changes import ChangeKind
from .models import BookingEventRow, BookingRow

BOOKINGS = BookingRow.__table__
EVENTS = BookingEventRow.__table__
ACTIVE = tuple(s.value for s in BookingStatus if s.active)

LOG_LOCK = 0x6576656E  # "even": the change log's transaction-level advisory lock
"""Held from a booking's write until its commit, so change-log entries commit in the order they are numbered."""

OVERLAP = "23P01"  # exclusion_violation: the staff member is booked then
UNIQUE = "23505"  # unique_violation: the idempotency key was used already


def refused_as(error: IntegrityError) -> str | None:
    """The SQLSTATE of the constraint that refused a write (`OVERLAP`, `UNIQUE`, …), if the driver tells."""
    return getattr(error.orig, "sqlstate", None)


class Writes:
    """The four writes, each a prepared statement run alone (`storage.Change.run_alone`): the booking's row as it is
    afterwards comes back, or no row when the booking was not in a state to be changed so."""

    def __init__(self, engine: AsyncEngine) -> None:
        b = BOOKINGS.c
        lock = _log_lock()
        columns = [c.name for c in BOOKINGS.c]
        book = insert(BOOKINGS).from_select(
            columns, select(*(bindparam(f"v_{c.name}", type_=c.type) for c in BOOKINGS.c)).where(lock.c.held))
        self._book = Change(engine, _logged(book, ChangeKind.CREATED))
        active = or_(*(b.status == status for status in ACTIVE))
        self._move = Change(engine, _logged(_update(lock, active, "start_at", "end_at", "blocked_until", "status",
                                                    "updated_at"), ChangeKind.RESCHEDULED))
        self._cancel = Change(engine, _logged(_update(lock, active, "status", "cancel_reason", "updated_at"),
                                              ChangeKind.CANCELLED))
        not_cancelled = b.status != BookingStatus.CANCELLED.value
        self._mark = Change(engine, _logged(_update(lock, not_cancelled, "status", "updated_at"), ChangeKind.STATUS))

    async def book(self, values: Mapping[str, Any]) -> None:
        """Add the booking `values` (a row of the table); an IntegrityError if its time or key is taken."""
        await self._book.run_alone([_params(values, values["created_at"])])

    async def move(self, booking_id: str, values: Mapping[str, Any]) -> Row[Any] | None:
        """Give an active booking new times (`values`: start_at, end_at, blocked_until, status, updated_at)."""
        return await _one(self._move, booking_id, values)

    async def cancel(self, booking_id: str, values: Mapping[str, Any]) -> Row[Any] | None:
        """Cancel an active booking (`values`: status, cancel_reason, updated_at)."""
        return await _one(self._cancel, booking_id, values)

    async def mark(self, booking_id: str, values: Mapping[str, Any]) -> Row[Any] | None:
        """Mark a booking that was not cancelled (`values`: status, updated_at)."""
        return await _one(self._mark, booking_id, values)


async def _one(change: Change, booking_id: str, values: Mapping[str, Any]) -> Row[Any] | None:
    rows = await change.run_alone([{**_params(values, values["updated_at"]), "booking": booking_id}])
    return rows[0] if rows else None


def _params(values: Mapping[str, Any], at: Any) -> dict[str, Any]:
    return {**{f"v_{name}": value for name, value in values.items()}, "log_key": LOG_LOCK, "at": at}


def _log_lock() -> Any:
    """The change log's lock, as a row to write from: the write waits for it before it writes anything. Taken after
    the write instead, two bookings of one time could each find the other's row, not yet committed, in their way,
    and wait for each other (PostgreSQL breaks such a deadlock only after a second)."""
    return select(func.pg_advisory_xact_lock(bindparam("log_key", type_=BigInteger)).is_not(None).label("held")
                  ).cte("log_lock")


def _update(lock: Any, allowed: Any, *names: str) -> Any:
    """An UPDATE of one booking (`booking`), if `allowed`, setting the columns `names` from parameters `v_<name>`."""
    b = BOOKINGS.c
    return update(BOOKINGS).where(lock.c.held, b.id == bindparam("booking"), allowed).values(
        {name: bindparam(f"v_{name}", type_=b[name].type) for name in names})


def _logged(write: Any, kind: ChangeKind) -> Any:
    """`write` (an INSERT or UPDATE of one booking, under the log's lock) and its change-log entry in one statement,
    returning the booking's row as written. The entry reads the write's rows: its number is drawn after the lock."""
    written = write.returning(*BOOKINGS.c).cte("written")
    entry = insert(EVENTS).from_select(
        ["booking_id", "kind", "at"],
        select(written.c.id, literal(kind.value), bindparam("at", type_=EVENTS.c.at.type)),
    ).cte("entry")
    return select(*(written.c[c.name] for c in BOOKINGS.c)).add_cte(entry)
