"""The embedded booking engine: the BookingBackend protocol on our own SQLite or PostgreSQL tables."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage import Change, Query, reads, transaction

from ..backend import Now
from ..business import Business, Service, Staff
from ..errors import InvalidRequest, NotFound, SlotTaken
from ..lookup import known_person, known_service, utc_now
from ..types import Booking, BookingRequest, BookingStatus, Capability, Contact, Slot
from . import schedule
from .busy import BusyCache
from .changes import BookingChange, ChangeKind
from .errors import map_exceptions
from .models import BookingEventRow, BookingRow
from .single import OVERLAP, Writes, refused_as

ACTIVE = tuple(s.value for s in BookingStatus if s.active)
OPERATOR_MARKS = frozenset({BookingStatus.COMPLETED, BookingStatus.NO_SHOW})
BOOKINGS = BookingRow.__table__


class LocalBackend:
    """Bookings kept in our own database, with the business file's hours and rules.

    Two customers can never get the same slot: on PostgreSQL the table refuses a staff member's overlapping active
    bookings (an exclusion constraint), and each write is one statement (single.py); on SQLite writes happen one at
    a time (an IMMEDIATE transaction), each re-checking the time is free before it commits.

    Availability answers from busy times kept in memory, brought up to date from the change log
    before every answer (busy.py): every write, from any process on the database, goes into the
    log in the booking's own transaction. So bookings must only ever be written through the engine.
    """

    name = "local"
    # a yes books at once (no holds); nothing outside the process to check
    capabilities: frozenset[Capability] = frozenset(Capability) - {Capability.SLOT_HOLD, Capability.SELF_CHECK}

    def __init__(self, business: Business, engine: AsyncEngine, now: Now) -> None:
        self.business = business
        self._engine = engine
        self._now = now
        # built once, and run on the driver inside the write's transaction (storage.Change): every booking adds its
        # row and a change-log entry after reading the staff member's busy times under the writer's lock; a cancel
        # or a move reads the booking's row locked and updates it
        b = BOOKINGS.c
        self._add_event = Change(engine, insert(BookingEventRow.__table__))
        self._by_id = Change(engine, select(BOOKINGS).where(b.id == bindparam("booking")))
        self._by_idempotency_key = Change(engine, select(BOOKINGS).where(b.idempotency_key == bindparam("key")))
        blocking = select(b.id, b.idempotency_key, b.start_at, b.blocked_until).where(
            b.staff == bindparam("staff"), or_(*(b.status == status for status in ACTIVE)),
            b.start_at < bindparam("end"), b.blocked_until > bindparam("start"))
        self._blocking = Change(engine, blocking)
        self._blocking_others = Change(engine, blocking.where(b.id != bindparam("exclude")))
        self._reads = reads(engine)  # never waits for a writer
        self._get = Query(engine, select(BOOKINGS).where(BOOKINGS.c.id == bindparam("booking")))  # the feeds' read
        # a contact's bookings: read in most conversations (status by equalities: a prepared read takes no IN list)
        theirs = select(BOOKINGS).where(b.contact_ref == bindparam("contact")).order_by(b.start_at, b.id)
        self._theirs = Query(engine, theirs)
        self._theirs_ahead = Query(engine, theirs.where(or_(*(b.status == status for status in ACTIVE)),
                                                        b.end_at > bindparam("now")))
        self._newest = Query(engine, select(func.coalesce(func.max(BookingEventRow.seq), 0)))  # availability's look
        # on PostgreSQL every write is one statement that the table's constraints check (single.py)
        self._single = Writes(engine) if engine.dialect.name == "postgresql" else None
        self._add_booking = Change(engine, insert(BOOKINGS))
        self._update = Change(engine, update(BOOKINGS).where(b.id == bindparam("booking")))
        self._busy_times = BusyCache(engine)

    # --- the protocol -----------------------------------------------------------

    async def availability(self, start: datetime, end: datetime, service: str, staff: str | None = None) -> list[Slot]:
        """Free slots whose start lies in [start, end), by start then staff; clipped to notice and horizon."""
        svc = self._service(service)
        people = [self._person(staff, svc)] if staff is not None else self.business.staff_for(svc.id)
        _require_aware(start, "start")
        _require_aware(end, "end")
        now = self._clock()
        earliest, latest = schedule.bookable_range(self.business, now)
        lo, hi = max(start, earliest), min(end, latest)  # starts before `end` and no later than `latest`
        if lo > hi or not people:
            return []
        # kept in memory and brought up to date from the change log, so no call re-reads every booking (busy.py)
        with map_exceptions():
            taken = await self._busy_times.busy_times(self._read, [p.id for p in people], min(lo, now),
                                                      self._newest.scalar)
        duration = svc.duration
        span = duration + svc.buffer_after  # what a start blocks: the service and the clean-up after it
        step = self.business.slot_step
        days = list(schedule.days_between(self.business, lo, hi))
        slots = []
        for person in people:
            blocks = taken[person.id].blocks
            for day in days:
                for window in schedule.windows(self.business, person, day):
                    slots.extend(
                        Slot(moment, moment + duration, svc.id, person.id)
                        for moment in schedule.starts(window, svc, step)
                        if lo <= moment < end and moment <= latest and not blocks(moment, moment + span)
                    )
        return sorted(slots, key=lambda s: (s.start, s.staff))

    async def create(self, request: BookingRequest, idempotency_key: str) -> Booking:
        """Book the slot; the same key again (even concurrently) returns the first booking."""
        svc = self._service(request.service)
        person = self._person(request.staff, svc)
        key = idempotency_key or None
        with map_exceptions():
            try:
                if self._single is not None:
                    values = self._new_row(request, svc, self._bookable(svc, person, request.start), key)
                    await self._single.book(values)
                    return _booking(values)
                async with transaction(self._engine) as conn:
                    start = await self._check_bookable(conn, svc, person, request.start, key=key)
                    values = self._new_row(request, svc, start, key)
                    await self._add_booking.run(conn, values)
                    await self._log(conn, values["id"], ChangeKind.CREATED)
                    return _booking(values)
            except _Again as again:  # the same request again: the booking it made
                return _booking(again.row._mapping)
            except IntegrityError as refused:
                # The same request again, made at once or after the first (its key is taken), returns the booking
                # the first one made, whichever constraint stopped it; else the time was taken meanwhile.
                row = None
                if key is not None:
                    async with self._read() as conn:
                        row = await self._by_key(conn, key)
                if row is not None:
                    return _booking(row._mapping)
                if refused_as(refused) == OVERLAP:
                    raise self._taken(person, request.start) from None
                raise

    async def get(self, booking_id: str) -> Booking:
        """One booking by id; NotFound for an unknown id."""
        with map_exceptions():
            row = await self._get.first({"booking": booking_id})
        if row is None:
            raise NotFound(f"no booking with id {booking_id!r}")
        return _booking(row._mapping)

    async def get_many(self, booking_ids: Sequence[str]) -> dict[str, Booking]:
        """The bookings with these ids, by id, in one read per 500 ids; unknown ids are missing."""
        ids = list(dict.fromkeys(booking_ids))
        found: dict[str, Booking] = {}
        async with self._read() as conn:
            for at in range(0, len(ids), 500):
                rows = await conn.execute(select(BOOKINGS).where(BOOKINGS.c.id.in_(ids[at:at + 500])))
                found.update((row.id, _booking(row._mapping)) for row in rows)
        return found

    async def list_for_contact(self, contact: Contact, *, include_past: bool = False) -> list[Booking]:
        """The contact's bookings, earliest first; by default only active ones that have not ended."""
        with map_exceptions():
            if include_past:
                rows = await self._theirs.all({"contact": contact.ref})
            else:
                rows = await self._theirs_ahead.all({"contact": contact.ref, "now": self._clock()})
        return [_booking(row._mapping) for row in rows]

    async def cancel(self, booking_id: str, reason: str | None = None) -> Booking:
        """Cancel an active booking; its time frees up at once."""
        if self._single is not None:
            values = {"status": BookingStatus.CANCELLED.value, "cancel_reason": reason, "updated_at": self._clock()}
            with map_exceptions():
                row = await self._single.cancel(booking_id, values)
            return await self._written(booking_id, row, "cancelled")
        async with self._transaction() as conn:
            row = await self._row(conn, booking_id)
            if not BookingStatus(row.status).active:
                raise InvalidRequest(f"booking {booking_id} is {_status_text(row.status)} and cannot be cancelled")
            return await self._change(conn, row, ChangeKind.CANCELLED, status=BookingStatus.CANCELLED.value,
                                      cancel_reason=reason)

    async def reschedule(self, booking_id: str, new_start: datetime) -> Booking:
        """Move an active booking (same id, same staff) to a free, bookable new start."""
        if self._single is not None:
            return await self._move_single(booking_id, new_start)
        async with self._transaction() as conn:
            row = await self._row(conn, booking_id)
            if not BookingStatus(row.status).active:
                raise InvalidRequest(f"booking {booking_id} is {_status_text(row.status)} and cannot be moved")
            svc = self._service(row.service)
            person = self._person(row.staff, svc)
            start = await self._check_bookable(conn, svc, person, new_start, moving=row.id)
            return await self._change(conn, row, ChangeKind.RESCHEDULED, start_at=start, end_at=start + svc.duration,
                                      blocked_until=start + svc.duration + svc.buffer_after,
                                      status=BookingStatus.RESCHEDULED.value)

    async def aclose(self) -> None:
        """Nothing to release: the engine is shared with the bot's store, and its owner disposes it."""

    # --- operator extras --------------------------------------------------------

    async def mark(self, booking_id: str, status: BookingStatus) -> Booking:
        """Record that a booking was completed or was a no-show (operator use)."""
        status = BookingStatus(status)
        if status not in OPERATOR_MARKS:
            raise InvalidRequest(f"a booking can only be marked completed or no_show, not {status.value}")
        if self._single is not None:
            with map_exceptions():
                row = await self._single.mark(booking_id, {"status": status.value, "updated_at": self._clock()})
            return await self._written(booking_id, row, f"marked {status.value}")
        async with self._transaction() as conn:
            row = await self._row(conn, booking_id)
            if row.status == BookingStatus.CANCELLED.value:
                raise InvalidRequest(f"booking {booking_id} is cancelled and cannot be marked {status.value}")
            return await self._change(conn, row, ChangeKind.STATUS, status=status.value)

    async def list_all(self, start: datetime | None = None, end: datetime | None = None) -> list[Booking]:
        """Every booking (any status) starting in [start, end), by start then staff: the operator's view."""
        b = BOOKINGS.c
        query = select(BOOKINGS)
        if start is not None:
            query = query.where(b.start_at >= _require_aware(start, "start"))
        if end is not None:
            query = query.where(b.start_at < _require_aware(end, "end"))
        async with self._read() as conn:
            rows = await conn.execute(query.order_by(b.start_at, b.staff, b.id))
            return [_booking(row._mapping) for row in rows]

    async def changes_since(self, cursor: int = 0, limit: int = 500) -> list[BookingChange]:
        """Change-log entries after `cursor`, oldest first; continue from the last one's cursor."""
        e = BookingEventRow.__table__.c
        query = select(e.seq, e.booking_id, e.kind, e.at).where(e.seq > cursor).order_by(e.seq).limit(limit)
        async with self._read() as conn:
            rows = await conn.execute(query)
            return [BookingChange(r.seq, r.booking_id, ChangeKind(r.kind), r.at) for r in rows]

    # --- inside -----------------------------------------------------------------

    def _clock(self) -> datetime:
        return utc_now(self._now)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncConnection]:
        with map_exceptions():
            async with transaction(self._engine) as conn:
                yield conn

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        """A transaction that only reads, on the tables themselves (rows, not ORM objects: a read is the most
        frequent thing the engine does); on SQLite it takes no write lock."""
        with map_exceptions():
            async with self._reads.connect() as conn:
                yield conn

    async def _move_single(self, booking_id: str, new_start: datetime) -> Booking:
        """`reschedule` on PostgreSQL: the booking read, its new times checked against the rules, and one statement
        that moves it if it is still active and the table finds the staff member free then."""
        row = await self.get(booking_id)
        if not row.status.active:
            raise InvalidRequest(f"booking {booking_id} is {_status_text(row.status.value)} and cannot be moved")
        svc = self._service(row.service)
        person = self._person(row.staff, svc)
        start = self._bookable(svc, person, new_start)
        values = {"start_at": start, "end_at": start + svc.duration,
                  "blocked_until": start + svc.duration + svc.buffer_after,
                  "status": BookingStatus.RESCHEDULED.value, "updated_at": self._clock()}
        assert self._single is not None
        with map_exceptions():
            try:
                moved = await self._single.move(booking_id, values)
            except IntegrityError as refused:
                if refused_as(refused) == OVERLAP:
                    raise self._taken(person, start) from None
                raise
        return await self._written(booking_id, moved, "moved")

    async def _written(self, booking_id: str, row: Row[Any] | None, done: str) -> Booking:
        """The booking a single statement wrote; when it wrote none, why: unknown, or not in a state for it."""
        if row is not None:
            return _booking(row._mapping)
        status = (await self.get(booking_id)).status.value  # NotFound for an unknown id
        raise InvalidRequest(f"booking {booking_id} is {_status_text(status)} and cannot be {done}")

    def _bookable(self, svc: Service, person: Staff, start: datetime) -> datetime:
        """The UTC start if the business's rules let `person` take `svc` then (whether they are free is the
        database's to say)."""
        problem = schedule.rule_violation(self.business, svc, person, start, self._clock())
        if problem is not None:
            raise InvalidRequest(problem)
        return start.astimezone(UTC)

    def _taken(self, person: Staff, start: datetime) -> SlotTaken:
        return SlotTaken(f"{person.name} is already booked at {self.business.local(start):%Y-%m-%d %H:%M}")

    def _service(self, service_id: str) -> Service:
        return known_service(self.business, service_id)

    def _person(self, staff_id: str, service: Service) -> Staff:
        return known_person(self.business, staff_id, service)

    async def _check_bookable(
        self, conn: AsyncConnection, svc: Service, person: Staff, start: datetime, *, moving: str | None = None,
        key: str | None = None,
    ) -> datetime:
        """The UTC start if `person` may take `svc` then and is free; the booking being moved does not count. A
        booking in the way that the same request (`key`) made raises `_Again` with its row."""
        start = self._bookable(svc, person, start)
        rows = await self._busy(conn, person.id, start, start + svc.duration + svc.buffer_after, exclude=moving)
        if key is not None and (mine := next((r for r in rows if r.idempotency_key == key), None)) is not None:
            raise _Again(await self._row(conn, mine.id))
        busy = [schedule.Busy(row.start_at, row.blocked_until) for row in rows]
        if schedule.overlaps(start, svc, busy):
            raise self._taken(person, start)
        return start

    async def _busy(
        self, conn: AsyncConnection, staff: str, start: datetime, end: datetime, *, exclude: str | None = None
    ) -> list[Row[Any]]:
        """The staff member's active bookings that block any time in [start, end), as the transaction sees them: id,
        idempotency key, start and end of what they block."""
        params = {"staff": staff, "start": start, "end": end}
        if exclude is None:
            return await self._blocking.run(conn, params)
        return await self._blocking_others.run(conn, {**params, "exclude": exclude})

    async def _row(self, conn: AsyncConnection, booking_id: str) -> Row[Any]:
        """The booking's row as the write's transaction sees it (on SQLite the one writer's: nobody changes it
        meanwhile)."""
        rows = await self._by_id.run(conn, {"booking": booking_id})
        if not rows:
            raise NotFound(f"no booking with id {booking_id!r}")
        return rows[0]

    async def _by_key(self, conn: AsyncConnection, key: str) -> Row[Any] | None:
        rows = await self._by_idempotency_key.run(conn, {"key": key})
        return rows[0] if rows else None

    def _new_row(self, request: BookingRequest, svc: Service, start: datetime, key: str | None) -> dict[str, Any]:
        now = self._clock()
        contact = request.contact
        return {"id": str(uuid.uuid4()), "service": svc.id, "staff": request.staff, "start_at": start,
                "end_at": start + svc.duration, "blocked_until": start + svc.duration + svc.buffer_after,
                "status": BookingStatus.CONFIRMED.value, "contact_ref": contact.ref, "contact_name": contact.name,
                "contact_email": contact.email, "contact_phone": contact.phone, "channel": request.channel,
                "notes": request.notes, "cancel_reason": None, "idempotency_key": key, "created_at": now,
                "updated_at": now}

    async def _change(self, conn: AsyncConnection, row: Row[Any], kind: ChangeKind, **values: Any) -> Booking:
        """Write `values` into the booking's row (and the time of the change), log it; the booking as it is now."""
        values["updated_at"] = self._clock()
        await self._update.run(conn, {**values, "booking": row.id})
        await self._log(conn, row.id, kind)
        return _booking({**row._mapping, **values})

    async def _log(self, conn: AsyncConnection, booking_id: str, kind: ChangeKind) -> None:
        """Append to the change log as the transaction's last write (SQLite's one writer commits the entries in the
        order they are numbered; PostgreSQL's writes log themselves, single.py)."""
        await self._add_event.run(conn, {"booking_id": booking_id, "kind": kind.value, "at": self._clock()})


class _Again(Exception):
    """A booking request made again (its idempotency key) finds the booking it made in its way."""

    def __init__(self, row: Row[Any]) -> None:
        super().__init__("booked already")
        self.row = row


def _require_aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None:
        raise InvalidRequest(f"{what} needs a time zone")
    return moment


def _status_text(status: str) -> str:
    return "already cancelled" if status == BookingStatus.CANCELLED.value else status.replace("_", "-")


def _booking(row: Mapping[str, Any]) -> Booking:
    """The booking a row of the table holds (its columns by name)."""
    return Booking(
        id=row["id"],
        service=row["service"],
        staff=row["staff"],
        start=row["start_at"],
        end=row["end_at"],
        status=BookingStatus(row["status"]),
        contact=Contact(row["contact_ref"], row["contact_name"], row["contact_email"], row["contact_phone"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        cancel_reason=row["cancel_reason"],
        notes=row["notes"],
        extra={"channel": row["channel"], "blocked_until": row["blocked_until"]},
    )
