"""When a staff member can start a service: opening windows, step-aligned starts and the booking rules.

Pure functions of the business file and the clock, so availability and the check before
a booking share one definition of "bookable" and cannot disagree.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from operator import attrgetter

from ..business import Business, Service, Staff

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Window:
    """One opening span of one staff member on one local day, as UTC instants."""

    staff: str
    day: date
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Busy:
    """Time a staff member is blocked by an existing booking: [start, until)."""

    start: datetime
    until: datetime


def local_instant(business: Business, day: date, wall: time) -> datetime:
    """The UTC instant of a local wall time; zoneinfo resolves DST gaps and repeats (fold=0)."""
    return datetime.combine(day, wall, tzinfo=business.tz).astimezone(UTC)


def working_day(business: Business, person: Staff, day: date) -> str | None:
    """Why `person` does not work on local `day` (closure or day off), or None when they do."""
    closure = business.closed_on(day)
    if closure is not None:
        return f"the business is closed on {_day(day)}" + (f" ({closure.reason_in('en')})" if closure.reason else "")
    off = next((c for c in person.days_off if c.covers(day)), None)
    if off is not None:
        return f"{person.name} is not working on {_day(day)}" + (f" ({off.reason})" if off.reason else "")
    return None


def windows(business: Business, person: Staff, day: date) -> list[Window]:
    """The staff member's opening windows on local `day` (none on closures and days off)."""
    if working_day(business, person, day) is not None:
        return []
    return [
        Window(person.id, day, local_instant(business, day, opens), local_instant(business, day, closes))
        for opens, closes in business.hours_for(person.id).spans(day.weekday())
    ]


def starts(window: Window, service: Service, step: timedelta) -> Iterator[datetime]:
    """Step-aligned starts in the window at which the service ends by closing time.

    Steps count in real (UTC) time from the window's opening, so a window that spans a
    DST change keeps evenly spaced appointments. The buffer may run past closing: it is
    clean-up time, not customer time.
    """
    moment, last = window.start, window.end - service.duration
    while moment <= last:
        yield moment
        moment += step


def overlaps(start: datetime, service: Service, busy: Iterable[Busy]) -> bool:
    """True when [start, end + buffer) meets any busy interval."""
    until = start + service.duration + service.buffer_after
    return any(start < b.until and b.start < until for b in busy)


_start = attrgetter("start")


class BusyTimes:
    """One staff member's busy intervals, sorted, so each "is this start free?" is a binary search.

    Availability asks this for every candidate start; a linear scan per start made a 60-day
    question on a full calendar quadratic.
    """

    def __init__(self, busy: Iterable[Busy]) -> None:
        ordered = sorted(busy, key=_start)
        self._starts = [b.start for b in ordered]
        self._ends = [b.until for b in ordered]
        self._reach: list[datetime] = list(accumulate(self._ends, max))  # the latest end up to each index

    def add(self, busy: Busy) -> None:
        """One more interval, kept in order (a booking made: no sorting of all of them again)."""
        i = bisect_right(self._starts, busy.start)
        self._starts.insert(i, busy.start)
        self._ends.insert(i, busy.until)
        reach = self._reach
        latest = busy.until if not i or busy.until > reach[i - 1] else reach[i - 1]
        reach.insert(i, latest)
        j = i + 1
        while j < len(reach) and reach[j] < latest:  # the later ones' latest end, up to where it already is later
            reach[j] = latest
            j += 1

    def remove(self, busy: Busy) -> None:
        """One interval less (a booking cancelled or moved away); one that is not there is ignored."""
        i = bisect_left(self._starts, busy.start)
        while i < len(self._starts) and self._starts[i] == busy.start:
            if self._ends[i] == busy.until:
                del self._starts[i], self._ends[i], self._reach[i]
                reach, ends = self._reach, self._ends
                for j in range(i, len(reach)):  # the latest ends again, up to where they come out as they were
                    latest = ends[j] if not j or ends[j] > reach[j - 1] else reach[j - 1]
                    if reach[j] == latest:
                        break
                    reach[j] = latest
                return
            i += 1

    def blocks(self, start: datetime, until: datetime) -> bool:
        """True when [start, until) meets any of the intervals."""
        k = bisect_left(self._starts, until)  # the intervals that start before `until`
        return k > 0 and self._reach[k - 1] > start


def days_between(business: Business, start: datetime, end: datetime) -> Iterator[date]:
    """Every local day touched by [start, end]."""
    day, last = business.local(start).date(), business.local(end).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


def bookable_range(business: Business, now: datetime) -> tuple[datetime, datetime]:
    """Earliest and latest allowed start (both inclusive): minimum notice and horizon from `now`."""
    return now + business.min_notice, now + business.horizon


def rule_violation(business: Business, service: Service, person: Staff, start: datetime, now: datetime) -> str | None:
    """Why `person` cannot start `service` at `start` by the business's rules, or None if they can.

    Free-or-taken is not judged here; that needs the bookings (see `overlaps`).
    """
    if start.tzinfo is None:
        return "the start time needs a time zone"
    earliest, latest = bookable_range(business, now)
    if start < now:
        return "that time has already passed"
    if start < earliest:
        return f"bookings need at least {_minutes(business.min_notice)} notice"
    if start > latest:
        return f"bookings can be made at most {business.horizon_days} days ahead"
    local = business.local(start)
    reason = working_day(business, person, local.date())
    if reason is not None:
        return reason
    day_windows = windows(business, person, local.date())
    if not day_windows:
        who = f"{person.name} does not work" if person.hours is not None else "the business is closed"
        return f"{who} on {WEEKDAY_NAMES[local.weekday()]}s"
    window = next((w for w in day_windows if w.start <= start and start + service.duration <= w.end), None)
    if window is None:
        return (
            f"{service.display('en')} at {local:%H:%M} does not fit {person.name}'s hours on "
            f"{WEEKDAY_NAMES[local.weekday()]} ({_spans(business, day_windows)})"
        )
    if (start - window.start) % business.slot_step:
        opens = business.local(window.start)
        return f"appointments start every {_minutes(business.slot_step)} from {opens:%H:%M}"
    return None


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _day(day: date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.isoformat()}"


def _spans(business: Business, day_windows: list[Window]) -> str:
    return ", ".join(f"{business.local(w.start):%H:%M}-{business.local(w.end):%H:%M}" for w in day_windows)
