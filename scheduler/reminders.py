"""The reminder loop: plan rows from booking changes, claim due rows with a lease, send, mark.

The database rows are the truth; APScheduler only triggers `tick` every few seconds. A
row is claimed (status `sending`, a lease and a token) before it is sent and marked after,
so a process that dies mid-send leaves a row another process claims once the lease expires,
and a healthy peer never sends it twice (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's
`BEGIN IMMEDIATE` serializes claims).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from booking_client import Booking, BookingStatus, NotFound
from bot.app import App
from bot.messages import Reply
from bot.replies import when
from bot.settings import Settings, durations, optional_duration
from bot.state import State
from bot.store import conversations, reminders, scheduler_cursor

from .plan import Planned, QuietHours, Rules, plan_booking, plan_no_show

log = logging.getLogger(__name__)

Sender = Callable[[str, str, Reply, dict[str, str]], Awaitable[Any]]
"""(kind, channel user id, reply, template variables) -> True / a result with `.sent`; raises to retry."""

BATCH = 200
NUDGE_LOOKBACK = timedelta(days=1)


@dataclass(frozen=True)
class Outcome:
    sent: bool
    reason: str | None = None


def _outcome(result: Any) -> Outcome:
    if isinstance(result, bool):
        return Outcome(result, None if result else "the channel refused it")
    if result is None:
        return Outcome(True)
    return Outcome(bool(getattr(result, "sent", True)), getattr(result, "reason", None))


class ReminderScheduler:
    """Plans, claims and sends reminders, follow-ups, no-show follow-ups and nudges."""

    def __init__(self, app: App, senders: Mapping[str, Sender], *, rules: Rules, grace: timedelta,
                 max_attempts: int, lease: timedelta, nudge_after: timedelta | None, batch: int = BATCH) -> None:
        self.app = app
        self.senders = dict(senders)
        self.rules = rules
        self.grace = grace
        self.max_attempts = max_attempts
        self.lease = lease
        self.nudge_after = nudge_after
        self.batch = batch
        self._insert = postgresql.insert if app.engine.dialect.name == "postgresql" else sqlite.insert
        self._job = None

    @classmethod
    def from_settings(cls, app: App, senders: Mapping[str, Sender], settings: Settings | None = None
                      ) -> ReminderScheduler:
        s = settings or app.settings
        rules = Rules(tuple(durations(s.reminder_offsets)), QuietHours.parse(s.quiet_hours),
                      optional_duration(s.follow_up_after), app.business.tz)
        return cls(app, senders, rules=rules, grace=optional_duration(s.reminder_grace) or timedelta(0),
                   max_attempts=s.reminder_max_attempts, lease=optional_duration(s.reminder_lease) or timedelta(minutes=2),
                   nudge_after=optional_duration(s.nudge_after))

    def now(self) -> datetime:
        return self.app.clock.now()

    # --- the loop ----------------------------------------------------------------------------

    async def tick(self) -> int:
        """Plan what changed, then send what is due. Returns how many were sent."""
        await self.sync()
        await self.plan_nudges()
        return await self.send_due()

    def start(self, every_seconds: float) -> None:
        """Run `tick` every few seconds on APScheduler's asyncio scheduler (a trigger only: rows are the store)."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(self._safe_tick, "interval", seconds=every_seconds, max_instances=1, coalesce=True,
                          next_run_time=datetime.now(UTC), id="reminders")
        scheduler.start()
        self._job = scheduler

    async def stop(self) -> None:
        if self._job is not None:
            self._job.shutdown(wait=False)
            self._job = None

    async def _safe_tick(self) -> None:
        try:
            await self.tick()
        except Exception:  # the next tick tries again; a broken row never stops the loop
            log.exception("reminders: tick failed")

    # --- planning ----------------------------------------------------------------------------

    async def sync(self) -> None:
        """Follow the booking engine's change log: plan, move or drop each changed booking's messages."""
        backend = getattr(self.app.backend, "inner", self.app.backend)
        changes_since = getattr(backend, "changes_since", None)
        if changes_since is None:
            return
        async with self.app.engine.connect() as conn:
            row = (await conn.execute(sa.select(scheduler_cursor.c.position)
                                      .where(scheduler_cursor.c.name == "bookings"))).first()
        cursor = row.position if row else 0
        while True:
            changes = await changes_since(cursor)
            if not changes:
                return
            for change in changes:
                try:
                    booking = await backend.get(change.booking_id)
                except NotFound:
                    continue
                await self.replan(booking, change.at)
                cursor = max(cursor, change.cursor)
            await self._save_cursor(cursor)

    async def _save_cursor(self, position: int) -> None:
        stmt = self._insert(scheduler_cursor).values(name="bookings", position=position)
        stmt = stmt.on_conflict_do_update(index_elements=[scheduler_cursor.c.name],
                                          set_={"position": sa.func.max(stmt.excluded.position, scheduler_cursor.c.position)
                                                if self.app.engine.dialect.name == "sqlite"
                                                else sa.func.greatest(stmt.excluded.position, scheduler_cursor.c.position)})
        async with self.app.engine.begin() as conn:
            await conn.execute(stmt)

    async def replan(self, booking: Booking, made_at: datetime | None = None) -> None:
        """Make the rows match the booking as it is now (idempotent)."""
        now = self.now()
        async with self.app.engine.begin() as conn:
            stale = sa.and_(reminders.c.booking_id == booking.id, reminders.c.status == "planned",
                            reminders.c.kind.in_(("reminder", "follow_up")))
            if not booking.status.active:
                why = "booking cancelled" if booking.status is BookingStatus.CANCELLED else f"booking {booking.status.value}"
                if booking.status is not BookingStatus.COMPLETED:
                    await conn.execute(reminders.update().where(stale).values(status="cancelled", note=why))
                for p in plan_no_show(booking, self.rules, now):
                    await self._add(conn, booking, p, now)
                return
            await conn.execute(reminders.update().where(stale, reminders.c.booking_start != booking.start)
                               .values(status="cancelled", note="booking moved"))
            for p in plan_booking(booking, self.rules, now, made_at):
                await self._add(conn, booking, p, now)

    async def _add(self, conn, booking: Booking | None, p: Planned, now: datetime, user_key: str | None = None) -> None:
        stmt = self._insert(reminders).values(
            dedupe=p.dedupe, kind=p.kind, booking_id=booking.id if booking else None,
            user_key=user_key or booking.contact.ref, due_at=p.due_at, not_before=p.due_at, status=p.status,
            note=p.note, booking_start=booking.start if booking else None, created_at=now,
        ).on_conflict_do_nothing(index_elements=[reminders.c.dedupe])
        await conn.execute(stmt)

    async def plan_nudges(self) -> None:
        """One "shall we carry on?" for a booking started and left unfinished (never twice for one silence)."""
        if self.nudge_after is None:
            return
        now = self.now()
        planned_nudge = sa.and_(reminders.c.kind == "nudge", reminders.c.status == "planned")
        async with self.app.engine.connect() as conn:
            # only conversations with a booking under way (an index on flow), and those with a nudge waiting
            waiting = sa.select(reminders.c.user_key).where(planned_nudge)
            rows = (await conn.execute(
                sa.select(conversations.c.key, conversations.c.state, conversations.c.updated_at)
                .where(sa.or_(sa.and_(conversations.c.flow == "book",
                                      conversations.c.updated_at > self._stored_time(now - NUDGE_LOOKBACK)),
                              conversations.c.key.in_(waiting)))
                .order_by(conversations.c.updated_at.desc()).limit(2000))).all()
        candidates, settled = [], []
        for row in rows:
            try:
                state = State.model_validate_json(row.state)
            except ValueError:
                continue
            if not (state.flow == "book" and state.step not in (None, "confirm")):
                settled.append(row.key)
            elif state.nudged_turn != state.turns:
                quiet_at = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=UTC)
                due = quiet_at + self.nudge_after
                if self.rules.quiet and self.rules.quiet.contains(due, self.rules.tz):
                    due = self.rules.quiet.first_allowed_after(due, self.rules.tz)
                candidates.append((row.key, Planned("nudge", f"nudge:{row.key}:{state.turns}", due, "planned")))
        if not candidates and not settled:
            return
        async with self.app.engine.begin() as conn:
            # a nudge planned for an earlier silence, or for a flow that has ended, is simply dropped
            if settled:
                await conn.execute(reminders.delete().where(planned_nudge, reminders.c.user_key.in_(settled)))
            for key, p in candidates:
                await conn.execute(reminders.delete().where(planned_nudge, reminders.c.user_key == key,
                                                            reminders.c.dedupe != p.dedupe))
                await self._add(conn, None, p, now, user_key=key)

    def _stored_time(self, moment: datetime) -> datetime:
        """The conversations table keeps UTC; SQLite stores it without a zone."""
        return moment.astimezone(UTC).replace(tzinfo=None) if self.app.engine.dialect.name == "sqlite" else moment

    # --- sending -----------------------------------------------------------------------------

    async def next_due(self) -> datetime | None:
        """When the next planned row falls due (the console walks the clock through these)."""
        async with self.app.engine.connect() as conn:
            return (await conn.execute(sa.select(sa.func.min(reminders.c.not_before))
                                       .where(reminders.c.status == "planned"))).scalar_one_or_none()

    async def claim(self, limit: int | None = None) -> tuple[str, list[Any]]:
        """Take up to `limit` due rows for this process: lease them, then hand them out in due order."""
        now, token = self.now(), uuid.uuid4().hex
        r = reminders
        lapsed = sa.or_(r.c.status == "planned", sa.and_(r.c.status == "sending", r.c.lease_until < now))
        async with self.app.engine.begin() as conn:
            # too late to be useful: the process was down past the grace period
            await conn.execute(r.update().where(lapsed, r.c.not_before < now - self.grace)
                               .values(status="missed", note="came due while the bot was not running", lease_token=None))
            ids = (await conn.execute(
                sa.select(r.c.id).where(lapsed, r.c.not_before <= now).order_by(r.c.not_before, r.c.id)
                .limit(limit or self.batch).with_for_update(skip_locked=True))).scalars().all()
            if not ids:
                return token, []
            await conn.execute(r.update().where(r.c.id.in_(ids)).values(
                status="sending", lease_until=now + self.lease, lease_token=token, attempts=r.c.attempts + 1))
            rows = (await conn.execute(sa.select(r).where(r.c.id.in_(ids)).order_by(r.c.not_before, r.c.id))).all()
        return token, list(rows)

    async def send_due(self) -> int:
        sent = 0
        while True:
            token, rows = await self.claim()
            if not rows:
                return sent
            # stop before the lease runs out: a peer may claim the rest then, and must not resend
            deadline = rows[0].lease_until - self.lease / 4
            for i, row in enumerate(rows):
                if self.now() >= deadline:
                    await self._release(rows[i:], token)
                    break
                sent += await self._send(row, token)
            if len(rows) < self.batch:
                return sent

    async def _release(self, rows: list[Any], token: str) -> None:
        """Hand back claimed rows that were not tried (the try is not counted)."""
        async with self.app.engine.begin() as conn:
            await conn.execute(reminders.update().where(reminders.c.id.in_([r.id for r in rows]),
                                                        reminders.c.lease_token == token)
                               .values(status="planned", lease_token=None, lease_until=None,
                                       attempts=reminders.c.attempts - 1))

    async def _send(self, row: Any, token: str) -> int:
        booking = None
        if row.booking_id:
            try:
                booking = await self.app.backend.get(row.booking_id)
            except NotFound:
                return await self._mark(row, token, "cancelled", "booking no longer exists")
            why_not = _still_wanted(row, booking)
            if why_not:
                return await self._mark(row, token, "cancelled", why_not)
        elif row.kind == "nudge":
            state = await self.app.store.load(row.user_key)
            if state.flow != "book" or f"nudge:{row.user_key}:{state.turns}" != row.dedupe:
                return await self._mark(row, token, "cancelled", "the customer carried on or stopped")
        channel, _, user = row.user_key.partition(":")
        sender = self.senders.get(channel)
        if sender is None:
            return await self._mark(row, token, "failed", f"no {channel} channel is running")
        reply = await self.app.dialogue.notice(row.user_key, row.kind, booking)
        try:
            outcome = _outcome(await sender(row.kind, user, reply, self._variables(booking)))
        except Exception as exc:  # network or server trouble: try again later
            return await self._retry(row, token, f"{type(exc).__name__}: {exc}")
        if outcome.sent:
            return await self._mark(row, token, "sent", None)
        return await self._mark(row, token, "failed", outcome.reason)

    def _variables(self, booking: Booking | None) -> dict[str, str]:
        """Template variables for WhatsApp outside the 24-hour window: 1 name, 2 service, 3 time."""
        if booking is None:
            return {"1": ""}
        biz = self.app.business
        return {"1": booking.contact.name or "", "2": biz.service(booking.service).display("en"),
                "3": when(booking.start.astimezone(biz.tz), "en")}

    async def _mark(self, row: Any, token: str, status: str, note: str | None) -> int:
        values: dict[str, Any] = {"status": status, "note": note[:300] if note else row.note, "lease_token": None}
        if status == "sent":
            values["sent_at"] = self.now()
        async with self.app.engine.begin() as conn:
            result = await conn.execute(reminders.update()
                                        .where(reminders.c.id == row.id, reminders.c.lease_token == token)
                                        .values(**values))
        if result.rowcount != 1:  # the lease was lost meanwhile: another process owns the row now
            log.warning("reminders: %s for %s was %s after its lease ran out", row.kind, row.user_key, status)
            return 0
        if status != "sent":
            log.info("reminders: %s %s for %s: %s", row.kind, status, row.user_key, note)
        return int(status == "sent")

    async def _retry(self, row: Any, token: str, error: str) -> int:
        if row.attempts >= self.max_attempts:  # `attempts` already counts this try
            log.warning("reminders: %s for %s failed for good after %d tries: %s", row.kind, row.user_key,
                        row.attempts, error)
            return await self._mark(row, token, "failed", f"gave up after {row.attempts} tries: {error}")
        backoff = min(timedelta(seconds=30) * 2 ** (row.attempts - 1), timedelta(minutes=30))
        async with self.app.engine.begin() as conn:
            await conn.execute(reminders.update().where(reminders.c.id == row.id, reminders.c.lease_token == token)
                               .values(status="planned", not_before=self.now() + backoff, lease_token=None,
                                       note=f"try {row.attempts} failed: {error}"[:300]))
        return 0

    # --- the operator's view ---------------------------------------------------------------------

    async def listing(self) -> list[Any]:
        async with self.app.engine.connect() as conn:
            return list((await conn.execute(sa.select(reminders).order_by(reminders.c.due_at, reminders.c.id))).all())


def _still_wanted(row: Any, booking: Booking) -> str | None:
    """Why a planned message should not go out any more, or None."""
    if row.kind == "reminder":
        if not booking.status.active:
            return f"booking {booking.status.value}"
        if row.booking_start is not None and booking.start != row.booking_start:
            return "booking moved"
    if row.kind == "follow_up" and booking.status in (BookingStatus.CANCELLED, BookingStatus.NO_SHOW):
        return f"booking {booking.status.value}"
    if row.kind == "no_show" and booking.status is not BookingStatus.NO_SHOW:
        return "no longer marked as a no-show"
    return None
