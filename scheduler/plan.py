"""Which messages a booking should get, and when: pure rules, no I/O.

Reminders go out before the start (moved earlier out of quiet hours), a follow-up after
the end (moved later out of quiet hours), a no-show follow-up when a booking is marked so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from booking_client import Booking, BookingStatus


@dataclass(frozen=True)
class QuietHours:
    """A nightly span in local time when nothing is sent, e.g. 21:00-08:00."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        if not text.strip():
            return None
        a, b = (part.strip() for part in text.split("-"))
        return cls(time.fromisoformat(a.zfill(5)), time.fromisoformat(b.zfill(5)))

    def contains(self, moment: datetime, tz: tzinfo) -> bool:
        t = moment.astimezone(tz).time()
        if self.start <= self.end:
            return self.start < t < self.end
        return t > self.start or t < self.end

    def last_allowed_before(self, moment: datetime, tz: tzinfo) -> datetime:
        """The quiet span's start on the evening before `moment` (or the same evening)."""
        local = moment.astimezone(tz)
        day = local.date() if local.time() > self.start else local.date() - timedelta(days=1)
        return datetime.combine(day, self.start, tzinfo=tz)

    def first_allowed_after(self, moment: datetime, tz: tzinfo) -> datetime:
        """The quiet span's end on the morning after `moment` (or the same morning)."""
        local = moment.astimezone(tz)
        day = local.date() if local.time() < self.end else local.date() + timedelta(days=1)
        return datetime.combine(day, self.end, tzinfo=tz)


@dataclass(frozen=True)
class Rules:
    """The reminder settings, parsed."""

    offsets: tuple[timedelta, ...]
    quiet: QuietHours | None
    follow_up_after: timedelta | None
    tz: tzinfo


@dataclass(frozen=True)
class Planned:
    """One message to plan; `status` is planned, or skipped with the reason in `note`."""

    kind: str
    dedupe: str
    due_at: datetime
    status: str
    note: str | None = None


def _label(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60}h{minutes % 60:02d}" if minutes % 60 else f"{minutes // 60}h"


def _before(start: datetime, offset: timedelta, tz: tzinfo) -> datetime:
    """Whole days count on the wall clock (a day before 10:00 is 10:00, across a DST change);
    anything else is absolute time."""
    if offset % timedelta(days=1):
        return start - offset
    local = start.astimezone(tz)
    return datetime.combine(local.date() - offset, local.timetz().replace(tzinfo=None), tzinfo=tz)


def plan_booking(booking: Booking, rules: Rules, now: datetime, made_at: datetime | None) -> list[Planned]:
    """Everything an active booking should get. `made_at`: when the booking was made (or changed).
    A booking still waiting for the business to accept it gets nothing yet."""
    if not booking.status.active or booking.status is BookingStatus.PENDING:
        return []
    made_at = made_at or now
    start_key = booking.start.isoformat()
    out: list[Planned] = []
    for offset in rules.offsets:
        dedupe = f"{booking.id}:reminder:{_label(offset)}:{start_key}"
        due = _before(booking.start, offset, rules.tz)
        note = None
        if rules.quiet and rules.quiet.contains(due, rules.tz):
            moved = rules.quiet.last_allowed_before(due, rules.tz)
            if moved < made_at:
                out.append(Planned("reminder", dedupe, due, "skipped",
                                   "falls in quiet hours and the booking was made after the last allowed time"))
                continue
            note = f"moved out of quiet hours from {due.astimezone(rules.tz):%a %H:%M}"
            due = moved
        if due <= max(now, made_at):
            out.append(Planned("reminder", dedupe, due, "skipped", "already past when planned"))
            continue
        if due - made_at < offset / 4:
            # booked 25 hours ahead: a "tomorrow" reminder an hour later tells the customer nothing new
            out.append(Planned("reminder", dedupe, due, "skipped", "booked too recently to need it"))
            continue
        out.append(Planned("reminder", dedupe, due, "planned", note))
    if rules.follow_up_after is not None:
        due = booking.end + rules.follow_up_after
        if rules.quiet and rules.quiet.contains(due, rules.tz):
            due = rules.quiet.first_allowed_after(due, rules.tz)
        status = "planned" if due > now else "skipped"
        out.append(Planned("follow_up", f"{booking.id}:follow_up:{start_key}", due, status,
                           None if status == "planned" else "already past when planned"))
    return out


def plan_no_show(booking: Booking, rules: Rules, now: datetime) -> list[Planned]:
    """A no-show follow-up, as soon as quiet hours allow."""
    if booking.status is not BookingStatus.NO_SHOW:
        return []
    due = now
    if rules.quiet and rules.quiet.contains(due, rules.tz):
        due = rules.quiet.first_allowed_after(due, rules.tz)
    return [Planned("no_show", f"{booking.id}:no_show:{booking.start.isoformat()}", due, "planned")]
