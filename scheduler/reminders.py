"""The reminder loop: plan rows from booking changes, claim due rows with a lease, send, mark.

The database rows are the truth (`store.ReminderStore`); APScheduler only triggers `tick`
every few seconds. A row is claimed before it is sent and marked after, so a process that
dies mid-send leaves a row another process claims once the lease expires, and a healthy
peer never sends it twice. Everything else comes in through narrow ports: the backend's
change feed, the conversations' progress, the dialogue's notices, the channels' senders.

A claimed batch costs a few round trips, not a few per message: its bookings are read a few
at a time, its conversations read and saved together with the notices' offers, its messages
sent several at once (each customer's one after another), and every row's result written
in one transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import storage
from booking_client import (
    Booking,
    BookingBackend,
    BookingStatus,
    Business,
    NotFound,
    change_feed,
    lists_all,
    read_bookings,
)
from bot.clock import Clock
from bot.formats import formats_for
from bot.messages import Reply

from .leases import IN_DOUBT, Finished, backoff
from .plan import Planned, Rules, plan_booking, plan_no_show
from .ports import Conversations, Notices, Sender, SentCheck, Ticking
from .store import ReminderStore

log = logging.getLogger(__name__)

BATCH = 200
REPLAN_LOT = 50
"""Changed bookings replanned in one transaction: on SQLite it runs on the event loop's thread, so a page of
hundreds would hold up the turns for its whole length."""
RECONCILE_LIMIT = 200
NUDGE_LOOKBACK = timedelta(days=1)
NUDGE_SLACK = timedelta(minutes=1)  # a turn saved while the last tick read is seen by the next one
NUDGE_CHANGES = 10_000  # conversations read per tick at most (a few seconds' changes never come near it)
SENDS_AT_ONCE = 4
"""Messages of a batch on their way at once, so a channel's latency overlaps instead of adding up; a few,
as the platforms take only so many a second (Telegram about 30) and answer more with "retry later"."""
READS_AT_ONCE = 4
"""Bookings of a batch read from the booking system at once."""

T = TypeVar("T")
Going = tuple[Any, Booking | None, Reply]  # a claimed row that goes out, its booking, its notice


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


@dataclass(frozen=True)
class Timing:
    """How the loop treats time: grace after downtime, tries, lease, when to nudge."""

    rules: Rules
    grace: timedelta = timedelta(hours=1)
    max_attempts: int = 5
    lease: timedelta = timedelta(minutes=2)
    nudge_after: timedelta | None = None
    batch: int = BATCH
    reconcile_every: timedelta | None = None  # for booking systems whose changes may be missed (lost webhooks)
    reconcile_days: int = 14  # how far ahead a reconciliation looks for bookings made elsewhere
    sends_at_once: int = SENDS_AT_ONCE


STOP_TIMEOUT = 10.0
"""How long stopping waits for a tick under way (a batch of sends) before cancelling it."""


class ReminderScheduler:
    """Plans, claims and sends reminders, follow-ups, no-show follow-ups and nudges."""

    def __init__(self, store: ReminderStore, backend: BookingBackend, conversations: Conversations,
                 notices: Notices, senders: Mapping[str, Sender], clock: Clock, business: Business,
                 timing: Timing, *,
                 also: Sequence[Ticking] = (), checks: Mapping[str, SentCheck] | None = None) -> None:
        self.store = store
        self.checks = dict(checks or {})  # channel name -> whether a message already went out (WhatsApp)
        self.backend = backend
        self.feed = change_feed(backend)
        self.conversations = conversations
        self.notices = notices
        self.senders = dict(senders)
        self.clock = clock
        self.business = business
        self.en = formats_for("en", business.locales)  # the WhatsApp templates' time, parsed once
        self.rules = timing.rules
        self.grace = timing.grace
        self.max_attempts = timing.max_attempts
        self.lease = timing.lease
        self.nudge_after = timing.nudge_after
        self.batch = timing.batch
        self.sends_at_once = timing.sends_at_once
        self.timing = timing
        self._reconciled_at: datetime | None = None
        self._nudges_checked_at: datetime | None = None  # the moment the last tick planned nudges up to
        # customer -> the nudge the last ticks planned (or SETTLED: none) for the conversation as they read it;
        # a conversation read again unchanged (the next tick's look back overlaps) is not planned again
        self._nudge_plans: dict[str, object] = {}
        self._job = None
        self._ticking = asyncio.Lock()  # held while a tick runs, so stopping can wait for it
        self._stopping = False
        self.also = list(also)  # other loops on the same trigger (the notifications)

    def now(self) -> datetime:
        return self.clock.now()

    # --- the loop ----------------------------------------------------------------------------

    async def tick(self) -> int:
        """Plan what changed, then send what is due; then the other loops on this trigger. Returns how
        many reminders were sent."""
        try:
            every = self.timing.reconcile_every
            if every is not None and (self._reconciled_at is None or self.now() - self._reconciled_at >= every):
                await self.reconcile()
            await self.sync()
            await self.plan_nudges()
            return await self.send_due()
        finally:
            for other in self.also:  # one loop's trouble never stops the other
                try:
                    await other.tick()
                except Exception:
                    log.exception("reminders: %s tick failed", type(other).__name__)

    def start(self, every_seconds: float) -> None:
        """Run `tick` every few seconds on APScheduler's asyncio scheduler (a trigger only: rows are the store)."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(self._safe_tick, "interval", seconds=every_seconds, max_instances=1, coalesce=True,
                          next_run_time=datetime.now(UTC), id="reminders")
        scheduler.start()
        self._job = scheduler

    async def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """No new tick starts; the one under way finishes (what it sent is marked sent) before the trigger
        stops, so the database is never closed under it. APScheduler's own shutdown would cancel it mid-send."""
        if self._job is None:
            return
        self._stopping = True
        try:
            async with asyncio.timeout(timeout):
                async with self._ticking:
                    pass
        except TimeoutError:
            log.warning("reminders: the tick under way did not finish within %.0fs; it is stopped", timeout)
        self._job.shutdown(wait=False)
        self._job = None

    async def _safe_tick(self) -> None:
        async with self._ticking:
            if self._stopping:
                return
            try:
                await self.tick()
            except Exception:  # the next tick tries again; a broken row never stops the loop
                log.exception("reminders: tick failed")
            except asyncio.CancelledError:  # stopped after STOP_TIMEOUT: leases let the next start resend
                log.info("reminders: a tick was stopped at shutdown")

    # --- planning ----------------------------------------------------------------------------

    async def sync(self) -> None:
        """Follow the backend's change feed: plan, move or drop each changed booking's messages.
        A backend without a feed has its bookings planned only as the chat makes them (nothing here)."""
        if self.feed is None:
            return
        async with storage.alone(self.store.engine, "reminders: booking feed") as mine:
            if mine:  # else another process is following the feed right now, for every process
                await self._follow_feed()

    async def _follow_feed(self) -> None:
        """Each page of changes a lot at a time: the lot's bookings in one read, replanned in one transaction (the
        turns go on between two lots)."""
        cursor = await self.store.cursor()
        while True:
            changes = await self.feed.changes_since(cursor)
            if not changes:
                return
            for lot in range(0, len(changes), REPLAN_LOT):
                await storage.give_way(self.store.engine)  # turns go on in between
                some = changes[lot:lot + REPLAN_LOT]
                bookings = await self._bookings(some)
                replans = []
                for change in some:
                    cursor = max(cursor, change.cursor)  # past it even if the booking is gone: else read again forever
                    booking = bookings.get(change.booking_id)
                    if booking is not None:  # else nothing to plan; its rows, if any, are dropped by `reconcile`
                        replans.append(self._replan_of(booking, change.at))
                await storage.commit(self.store.engine, [self.store.replanning_lot(replans, self.now())])
            await self.store.save_cursor(cursor)

    async def replan(self, booking: Booking, made_at: datetime | None = None) -> None:
        """Make the rows match the booking as it is now (idempotent)."""
        await storage.commit(self.store.engine, [self.store.replanning_lot([self._replan_of(booking, made_at)],
                                                                          self.now())])

    def _replan_of(self, booking: Booking, made_at: datetime | None = None
                   ) -> tuple[Booking, list[Planned], str | None, bool]:
        """What the booking's rows should be now: (booking, the messages to plan, why the others go, moved)."""
        now = self.now()
        made_at = made_at or booking.updated_at or booking.created_at
        if booking.status.active:
            return booking, plan_booking(booking, self.rules, now, made_at), None, True
        why = "booking cancelled" if booking.status is BookingStatus.CANCELLED else f"booking {booking.status.value}"
        drop = None if booking.status is BookingStatus.COMPLETED else why
        return booking, plan_no_show(booking, self.rules, now), drop, False

    async def reconcile(self, limit: int = RECONCILE_LIMIT) -> int:
        """Repair what a lost webhook missed: re-read the bookings that have messages planned, and the
        upcoming ones of the business where the backend can list them. Bounded; returns how many were read."""
        self._reconciled_at = self.now()
        seen = 0
        for booking_id in await self.store.planned_bookings(limit):
            await storage.give_way(self.store.engine)  # turns go on in between
            try:
                booking = await self.backend.get(booking_id)
            except NotFound:
                await self.store.drop(booking_id, "booking no longer exists")
                continue
            await self.replan(booking)
            seen += 1
        listing = lists_all(self.backend)
        if listing is not None:
            start = self.now()
            upcoming = await listing.list_all(start, start + timedelta(days=self.timing.reconcile_days))
            for booking in upcoming[:limit]:
                if booking.contact.ref.partition(":")[0] in self.senders:
                    await self.replan(booking)
                    seen += 1
        return seen

    async def plan_nudges(self) -> None:
        """One "shall we carry on?" for a booking started and left unfinished (never twice for one silence).

        The first tick looks at the last day and at every nudge still planned; later ticks only at the
        conversations touched since the tick before (a conversation nobody touched keeps its plan), so a tick
        costs what changed, not how many customers are mid-booking."""
        after = self.nudge_after
        if after is None:
            return
        now = self.now()
        checked = self._nudges_checked_at
        settled: list[str] = []
        planned = self._nudge_plans
        if checked is None or now < checked:  # the first tick, or a clock set back (the console)
            planned = {}
            progress = await self.conversations.progress_of(now - NUDGE_LOOKBACK, also=await self.store.nudge_keys(),
                                                             limit=NUDGE_CHANGES)
        else:
            # the conversations out of a booking are only named: nothing in their states is worth a nudge, so
            # they are not read and decoded
            progress = await self.conversations.progress_of(checked - NUDGE_SLACK, limit=NUDGE_CHANGES)
            settled = await self.conversations.without_booking_since(checked - NUDGE_SLACK, limit=NUDGE_CHANGES)
            if max(len(progress), len(settled)) >= NUDGE_CHANGES:
                log.warning("reminders: over %d conversations changed since the last tick; looking again next tick",
                            NUDGE_CHANGES)
                now = checked  # not marked as checked: the next tick reads this stretch again
        wanted = []
        for p in progress:
            if not p.unfinished_booking:
                settled.append(p.key)
            elif p.nudged_turn != p.turns:
                due = p.quiet_since + after
                if self.rules.quiet and self.rules.quiet.contains(due, self.rules.tz):
                    due = self.rules.quiet.first_allowed_after(due, self.rules.tz)
                wanted.append((p.key, Planned("nudge", _nudge_dedupe(p.key, p.turns), due, "planned")))
        # what this tick read is what the next one's look back can read again (the rest has aged out of it)
        now_planned: dict[str, object] = {key: SETTLED for key in settled}
        now_planned.update(wanted)
        wanted = [(key, nudge) for key, nudge in wanted if planned.get(key) != nudge]
        settled = [key for key in settled if planned.get(key) is not SETTLED]
        if wanted or settled:
            await self.store.plan_nudges(wanted, settled, self.now())
        self._nudge_plans = now_planned
        self._nudges_checked_at = now

    # --- sending -----------------------------------------------------------------------------

    async def next_due(self) -> datetime | None:
        """When the next planned row falls due (the console walks the clock through these)."""
        return await self.store.next_due()

    async def claim(self, limit: int | None = None) -> tuple[str, list[Any]]:
        """Take up to `limit` due rows for this process, leased; those past the grace period are marked missed."""
        return await self.store.claim(self.now(), grace=self.grace, lease=self.lease, limit=limit or self.batch)

    async def send_due(self) -> int:
        """Send what is due, batch by batch (`_send_batch`); returns how many were sent."""
        return await self.store.send_batches(self.now, self._send_batch, lease=self.lease, limit=self.batch,
                                             grace=self.grace)

    async def _send_batch(self, rows: Sequence[Any], token: str, stop_at: datetime) -> int:
        """Read what the batch needs, send what still goes out, then write every row's result in one
        transaction — also when the tick is stopped halfway, so what went out is never sent again."""
        results: dict[int, Finished] = {}
        try:
            await self._deliver(await self._prepare(rows, results), stop_at, results)
        finally:
            sent = await asyncio.shield(self._finish(token, rows, results))
        return sent

    async def _prepare(self, rows: Sequence[Any], results: dict[int, Finished]) -> list[Going]:
        """The rows that go out, each with its booking and its notice (the dialogue makes the batch's notices
        together); the result of each row held back goes into `results`."""
        bookings = await self._bookings(rows)
        going = []
        for row in rows:
            booking = bookings[row.booking_id] if row.booking_id else None
            held = await self._held_back(row, booking)
            if held is None:
                going.append((row, booking))
            else:
                results[row.id] = held
        replies = await self._notices([(row.user_key, row.kind, booking) for row, booking in going])
        return [(row, booking, reply) for (row, booking), reply in zip(going, replies, strict=True)]

    async def _bookings(self, rows: Sequence[Any]) -> dict[str, Booking | None]:
        """The bookings the batch (or the page of changes) is about, a few read at once (None: gone from the
        booking system)."""
        ids = list(dict.fromkeys(row.booking_id for row in rows if row.booking_id))
        found = await read_bookings(self.backend, ids, at_once=READS_AT_ONCE)
        return {i: found.get(i) for i in ids}

    async def _held_back(self, row: Any, booking: Booking | None) -> Finished | None:
        """Why a row does not go out, as its result — its booking is gone or changed, the customer carried on
        before a nudge, its channel is not running — or None."""
        if row.booking_id:
            why_not = "booking no longer exists" if booking is None else _still_wanted(row, booking)
            if why_not:
                return Finished(row.id, "cancelled", why_not)
        elif row.kind == "nudge":
            progress = await self.conversations.progress(row.user_key)
            if not progress.unfinished_booking or _nudge_dedupe(row.user_key, progress.turns) != row.dedupe:
                return Finished(row.id, "cancelled", "the customer carried on or stopped")
        channel = row.user_key.partition(":")[0]
        if channel not in self.senders:
            return Finished(row.id, "failed", f"no {channel} channel is running")
        return None

    async def _notices(self, wanted: list[tuple[str, str, Booking | None]]) -> list[Reply]:
        """The messages' texts and quick actions, each made the conversation's offer, all in one go."""
        return await self.notices.notice_many(wanted) if wanted else []

    async def _deliver(self, going: Sequence[Going], stop_at: datetime, results: dict[int, Finished]) -> None:
        """Send at most `sends_at_once` at a time; each customer's messages one after another, in due order,
        so a customer's two reminders never race. Results go into `results` as they come."""
        gate = asyncio.Semaphore(self.sends_at_once)
        customers: dict[str, list[Going]] = {}
        for item in going:
            customers.setdefault(item[0].user_key, []).append(item)

        async def in_order(items: list[Going]) -> None:
            for row, booking, reply in items:
                async with gate:
                    results[row.id] = await self._deliver_one(row, booking, reply, stop_at)

        await _at_most(len(customers) or 1, [lambda items=items: in_order(items) for items in customers.values()])

    async def _deliver_one(self, row: Any, booking: Booking | None, reply: Reply, stop_at: datetime) -> Finished:
        """Send one message: sent, refused (failed, with the channel's reason), or to be tried again later;
        handed back untried once the lease is running out (a peer may claim it then)."""
        if self.now() >= stop_at:
            return Finished.release(row.id)
        channel, _, user = row.user_key.partition(":")
        if row.note == IN_DOUBT and (check := self.checks.get(channel)) is not None:
            try:  # the send under way when the process died may have gone out: not twice
                if await check(row.user_key, reply, row.not_before - timedelta(seconds=5)) is not None:
                    return Finished(row.id, "sent", "had gone out before the lease ran out", sent_at=self.now())
            except Exception as exc:  # cannot tell: try again later rather than send it twice
                return self._retry(row, f"could not check whether it went out: {type(exc).__name__}")
        try:
            outcome = _outcome(await self.senders[channel](row.kind, user, reply, self._variables(booking)))
        except Exception as exc:  # network or server trouble: try again later
            return self._retry(row, f"{type(exc).__name__}: {exc}")
        if outcome.sent:
            checked = "sent after a restart: it had not gone out" if row.note == IN_DOUBT else None
            return Finished(row.id, "sent", checked, sent_at=self.now())
        return Finished(row.id, "failed", outcome.reason)

    def _variables(self, booking: Booking | None) -> dict[str, str]:
        """Template variables for WhatsApp outside the 24-hour window: 1 name, 2 service, 3 time."""
        if booking is None:
            return {"1": ""}
        biz = self.business
        return {"1": booking.contact.name or "", "2": biz.service(booking.service).display("en"),
                "3": self.en.when(booking.start.astimezone(biz.tz))}

    def _retry(self, row: Any, error: str) -> Finished:
        """Try a failed send again after a backoff, or give up after `max_attempts` tries."""
        if row.attempts >= self.max_attempts:  # `attempts` already counts this try
            log.warning("reminders: %s for %s failed for good after %d tries: %s", row.kind, row.user_key,
                        row.attempts, error)
            return Finished(row.id, "failed", f"gave up after {row.attempts} tries: {error}")
        return Finished.retry(row.id, self.now() + backoff(row.attempts), f"try {row.attempts} failed: {error}")

    async def _finish(self, token: str, rows: Sequence[Any], results: dict[int, Finished]) -> int:
        """Write the batch's results in one transaction and say what did not go out; returns how many were sent.
        A row without a result (its send was under way when the tick was stopped) stays leased."""
        written = await self.store.finish(token, list(results.values()))
        for row in rows:
            result = results.get(row.id)
            if result is None or result.untried:
                continue
            if row.id not in written:
                log.warning("reminders: %s for %s was %s after its lease ran out", row.kind, row.user_key,
                            result.status)
            elif result.status not in ("sent", "planned"):
                log.info("reminders: %s %s for %s: %s", row.kind, result.status, row.user_key, result.note)
        return sum(r.status == "sent" and r.row_id in written for r in results.values())

    # --- the operator's view ---------------------------------------------------------------------

    async def listing(self) -> list[Any]:
        return await self.store.listing()


async def _at_most(limit: int, calls: Iterable[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run the calls, at most `limit` at once; their results in order. The first error cancels the rest."""
    gate = asyncio.Semaphore(limit)

    async def one(call: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await call()

    tasks = [asyncio.ensure_future(one(call)) for call in calls]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        for task in tasks:
            task.cancel()


SETTLED = object()
"""A customer with no booking under way: no nudge planned."""


def _nudge_dedupe(key: str, turns: int) -> str:
    return f"nudge:{key}:{turns}"


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
