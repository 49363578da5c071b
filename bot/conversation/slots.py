"""Finding times: the asked time or period in the backend's availability, and the nearest free alternatives.

Every time offered comes from the backend. These functions only look and describe; the flow
that asked (a new booking or a move) decides what to ask next with what they return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from booking_client import Slot

from ..messages import Option
from .hours import day_spans, week_hours
from .payloads import SlotChoice
from .state import Draft
from .turn import Turn

MAX_OPTIONS = 6  # free times listed for a period
ALTERNATIVES = 3  # nearest free times offered when the asked one is not free
SEARCH_DAYS = 7
Daily = tuple[time, time]
"""The hours each day of a period is narrowed to, from..before ("any morning next week": 08:00..12:00)."""


@dataclass(frozen=True)
class Wanted:
    """What is looked for: a service, with one staff member or anyone (None)."""

    service: str
    staff: str | None
    not_days: tuple[int, ...] = ()  # weekdays ruled out ("any day but Monday"), 0 is Monday


@dataclass(frozen=True)
class Free:
    """The exact time asked for is free."""

    slot: Slot


@dataclass(frozen=True)
class Offer:
    """Times to pick from, with what to say above them."""

    lines: tuple[str, ...]
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class Nothing:
    """Nothing to offer: say why, then ask for another time."""

    lines: tuple[str, ...]


Found = Free | Offer | Nothing


async def search(turn: Turn, d: Draft) -> Found:
    """The asked time, or free times in the asked day or period, for the draft's service (and staff)."""
    if d.service is None:
        raise ValueError("a search needs the service")
    want = Wanted(d.service, d.staff, tuple(d.not_days))
    asked = asked_time(turn, d)
    if isinstance(asked, datetime):
        return await _exact(turn, want, asked)
    return await _period(turn, want, *asked, earliest=d.earliest, latest=d.latest, daily=d.daily)


def asked_time(turn: Turn, d: Draft) -> datetime | tuple[datetime, datetime]:
    """What the draft asks for: one moment ("at 3": today, or tomorrow once today's is too soon), or a period."""
    now, tz = turn.now(), turn.business.tz
    if d.time and not d.start:
        day = d.date or turn.local(now).date()
        exact = at(day, d.time, tz)
        if d.date is None and exact < now + turn.business.min_notice:
            exact = at(day + timedelta(days=1), d.time, tz)
        return exact
    if d.start and d.end:
        return d.start, d.end
    if d.date is not None:
        return at(d.date, time(0), tz), at(d.date + timedelta(days=1), time(0), tz)
    raise ValueError("a search needs a day, a time or a period")


async def _exact(turn: Turn, want: Wanted, exact: datetime) -> Found:
    problem = guard_time(turn, exact)
    if problem:
        return Nothing((problem,))
    local_day = turn.local(exact).date()
    # only the slots starting at that very moment (every backend answers "starts in [start, end)"): a whole day's
    # would be built and thrown away
    match = [s for s in await turn.backend.availability(exact, exact + timedelta(minutes=1), want.service, want.staff)
             if s.start == exact]
    if match:
        return Free(match[0])
    return await alternatives(turn, want, exact, why=why_not(turn, want, exact, local_day))


async def _period(turn: Turn, want: Wanted, start: datetime, end: datetime, *, earliest: bool = False,
                  latest: bool = False, daily: Daily | None = None) -> Found:
    problem = guard_time(turn, start, end)
    if problem:
        return Nothing((problem,))
    every = _one_per_start(await turn.backend.availability(max(start, turn.now()), end, want.service, want.staff),
                           want.staff)
    if want.not_days:  # "any day but Monday"
        every = [s for s in every if on_a_day_asked(turn, s.start, want.not_days)]
    slots = every if daily is None else [s for s in every if in_daily(turn, s.start, daily)]
    # "the earliest": the first ones; "the latest": the last ones of the day, or each day's last
    slots = slots[:ALTERNATIVES] if earliest else _last_of_days(turn, slots) if latest else _spread(slots, MAX_OPTIONS)
    names = dict(service=turn.service_name(want.service), with_staff=with_staff(turn, want.staff),
                 period=period_text(turn, start, end, daily, want.not_days))
    if slots:
        heading = "earliest_times" if earliest else "latest_times" if latest else "free_times"
        return Offer((turn.t(heading, **names), turn.t("pick_one")), tuple(slots))
    if daily is not None and every:  # free times, none at those hours: the ones nearest them, in the same period
        why = outside_daily(turn, want, start, end, daily) or turn.t("no_free_times", **names)
        return Offer((why, turn.t("alternatives"), turn.t("pick_one")), tuple(_nearest_daily(turn, every, daily)))
    local_day = turn.local(start).date()
    biz = turn.business
    one_day = turn.local(end - timedelta(seconds=1)).date() == local_day
    if one_day and (biz.closed_on(local_day) or not biz.hours.spans(local_day.weekday())):
        return await alternatives(turn, want, end, why=why_not(turn, want, start, local_day))
    if one_day and (closed := closed_part_of_day(turn, want, start, end)):
        return await alternatives(turn, want, near_closed_part(turn, start, end), why=closed)
    return await alternatives(turn, want, end, why=turn.t("no_free_times", **names))


async def alternatives(turn: Turn, want: Wanted, target: datetime, *, why: str) -> Offer | Nothing:
    """The nearest free times to `target`, after saying why the asked one won't do."""
    slots = await nearest(turn, target, want.service, want.staff, skip=want.not_days)
    if not slots:
        return Nothing((why, turn.t("none_near")))
    return Offer((why, turn.t("alternatives"), turn.t("pick_one")), tuple(slots))


def guard_time(turn: Turn, start: datetime, end: datetime | None = None) -> str | None:
    """Why nothing in [start, end) could ever be booked (past, beyond the horizon), or None."""
    now = turn.now()
    if (end or start) <= now:
        return turn.t("past")
    if start > now + turn.business.horizon:
        return turn.t("too_far", days=turn.business.horizon_days)
    return None


def why_not(turn: Turn, want: Wanted, exact: datetime, local_day: date) -> str:
    """Why the asked time is not free: closed that day, too short notice, or simply taken."""
    biz = turn.business
    closure = biz.closed_on(local_day)
    if closure or not biz.hours.spans(local_day.weekday()):
        reason = f" ({closure.reason_in(turn.lang)})" if closure and closure.reason else ""
        return turn.t("closed_day", day=turn.formats.day(local_day), reason=reason)
    outside = outside_hours(turn, want, exact, local_day)
    if outside:
        return outside
    if exact < turn.now() + biz.min_notice:
        return turn.t("too_soon", notice=turn.formats.duration(biz.min_notice))
    return turn.t("unavailable", when=turn.when(exact), service=turn.service_name(want.service),
                  with_staff=with_staff(turn, want.staff))


def outside_hours(turn: Turn, want: Wanted, exact: datetime, local_day: date) -> str | None:
    """Why a time outside the opening hours won't do, with that day's hours ("we close at 14:00"), or None."""
    biz = turn.business
    spans = (biz.hours_for(want.staff) if want.staff else biz.hours).spans(local_day.weekday())
    service = biz.service(want.service)
    start = turn.local(exact).replace(tzinfo=None)
    end = start + service.duration
    day_start = datetime.combine(local_day, time(0))
    if not spans or any(day_start.replace(hour=a.hour, minute=a.minute) <= start
                        and end <= day_start.replace(hour=b.hour, minute=b.minute) for a, b in spans):
        return None
    fmt = turn.formats
    names = dict(day=fmt.day(local_day), time=fmt.clock_time(exact.astimezone(biz.tz)),
                 hours=fmt.spans(spans),
                 service=turn.service_name(want.service))
    first, last = spans[0][0], spans[-1][1]
    if start.time() < first:
        return turn.t("out_of_hours_early", open=fmt.clock_time(first), **names)
    if end > day_start.replace(hour=last.hour, minute=last.minute):
        return turn.t("out_of_hours_late", close=fmt.clock_time(last), **names)
    return turn.t("out_of_hours", **names)


def outside_daily(turn: Turn, want: Wanted, start: datetime, end: datetime, daily: Daily) -> str | None:
    """Why hours asked of every day of a period ("after 18:00 next week") find nothing: no day the business opens in
    it has a start at those hours that ends by closing time. Then the week's opening hours; else None."""
    biz = turn.business
    length = biz.service(want.service).duration
    first, last = turn.local(start).date(), turn.local(end - timedelta(seconds=1)).date()
    open_days = 0
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        spans = day_spans(turn, day)
        open_days += bool(spans)
        for a, b in spans:
            begin = at(day, max(a, daily[0]), biz.tz)
            if max(a, daily[0]) < daily[1] and begin + length <= at(day, b, biz.tz):
                return None
    if not open_days:
        return None
    return turn.t("out_of_hours_daily", hours=week_hours(turn), daily=daily_text(turn, daily))


def closed_part_of_day(turn: Turn, want: Wanted, start: datetime, end: datetime) -> str | None:
    """Why a part of one day the business is not open then ("today after 6pm") finds nothing: that day's hours,
    "on Saturday we close at 14:00" (a part from later on) or "we only open at 10:00" (one before); else None."""
    until = turn.local(end).time()
    if not outside_daily(turn, want, start, end, (turn.local(start).time(), time.max if until == time(0) else until)):
        return None
    day = turn.local(start).date()
    spans, fmt = day_spans(turn, day), turn.formats
    names = dict(day=fmt.day(day), hours=fmt.spans(spans))
    if turn.local(start).time() > spans[0][0]:
        return turn.t("out_of_hours_closes", close=fmt.clock_time(spans[-1][1]), **names)
    return turn.t("out_of_hours_early", open=fmt.clock_time(spans[0][0]), **names)


def near_closed_part(turn: Turn, start: datetime, end: datetime) -> datetime:
    """Where to look for the times nearest a part of one day that `closed_part_of_day` refused: all of it after
    closing or before opening ("today after 6pm"), its own edge, 18:00; a part that leaves too little before closing
    ("anything later?" after the day's last time), the next day's, as for any period."""
    spans, until = day_spans(turn, turn.local(start).date()), turn.local(end).time()
    return start if turn.local(start).time() >= spans[-1][1] or time(0) < until <= spans[0][0] else end


def from_daily(turn: Turn, moment: datetime, daily: Daily) -> int:
    """How many minutes a start lies outside the hours asked of each day (0 inside them)."""
    local = turn.local(moment)
    minute, lo, hi = (t.hour * 60 + t.minute for t in (local, *daily))
    return lo - minute if minute < lo else max(0, minute - hi + 1)


def _nearest_daily(turn: Turn, slots: Sequence[Slot], daily: Daily) -> list[Slot]:
    """Of a period's free slots, the one nearest the asked hours on each day, and of those the nearest three (the
    earlier day first where they are as near), in time order."""
    best: dict[date, Slot] = {}
    for s in sorted(slots, key=lambda s: (from_daily(turn, s.start, daily), s.start)):
        best.setdefault(turn.local(s.start).date(), s)
    picked = sorted(best.values(), key=lambda s: (from_daily(turn, s.start, daily), s.start))[:ALTERNATIVES]
    return sorted(picked, key=lambda s: s.start)


async def nearest(turn: Turn, target: datetime, service: str, staff: str | None,
                  skip: tuple[int, ...] = ()) -> list[Slot]:
    """Up to three free slots near `target`, in time order, on none of the weekdays in `skip`.

    First the closest ones on the asked day (at least half an hour apart, so they are
    real choices), then the same time of day on the following days, then earlier days.
    Each of those three is asked of the backend only while places are left: the asked day
    usually fills them, and a fortnight's free times cost a turn on a busy calendar seven
    times what the day's do (bench/RESULTS.md).
    """
    tz = turn.business.tz
    day = turn.local(target).date()
    day_start, day_end = at(day, time(0), tz), at(day + timedelta(days=1), time(0), tz)
    picked: list[Slot] = []
    for s in _closest([] if day.weekday() in skip else await _free(turn, day_start, day_end, service, staff), target):
        if len(picked) == ALTERNATIVES:
            break
        if all(abs((s.start - p.start).total_seconds()) >= 1800 for p in picked):
            picked.append(s)
    wall = turn.local(target).timetz().replace(tzinfo=None)
    later = (day_end, at(day + timedelta(days=SEARCH_DAYS + 1), time(0), tz), False)
    earlier = (at(day - timedelta(days=SEARCH_DAYS), time(0), tz), day_start, True)
    for start, end, backwards in (later, earlier):
        if len(picked) == ALTERNATIVES:  # full: the backend is not asked about more days
            break
        by_day: dict[date, list[Slot]] = {}
        for s in await _free(turn, start, end, service, staff):
            if (local := turn.local(s.start).date()).weekday() not in skip:
                by_day.setdefault(local, []).append(s)
        for other in sorted(by_day, reverse=backwards)[:ALTERNATIVES - len(picked)]:  # the closest days first
            picked.append(_closest(by_day[other], datetime.combine(other, wall, tzinfo=tz))[0])
    return sorted(picked, key=lambda s: s.start)


async def _free(turn: Turn, start: datetime, end: datetime, service: str, staff: str | None) -> list[Slot]:
    """The backend's free slots in [start, end) from now on, one per start (none asked for a past range)."""
    start = max(start, turn.now())
    if start >= end:
        return []
    return _one_per_start(await turn.backend.availability(start, end, service, staff), staff)


def _closest(slots: list[Slot], moment: datetime) -> list[Slot]:
    return sorted(slots, key=lambda s: (abs((s.start - moment).total_seconds()), s.start))


def slot_options(turn: Turn, slots: Sequence[Slot], fixed_staff: str | None) -> list[Option]:
    """One option per slot; the staff member's name is shown unless it is fixed already."""
    return [
        SlotChoice(start=s.start, staff=s.staff).option(
            turn.when(s.start) + ("" if fixed_staff or not s.staff else f" ({turn.staff_name(s.staff)})"))
        for s in slots
    ]


def with_staff(turn: Turn, staff: str | None) -> str:
    if not staff:
        return ""
    return (" with " if turn.lang == "en" else " bei ") + turn.staff_name(staff)


def in_daily(turn: Turn, moment: datetime, daily: Daily) -> bool:
    """Whether a start is within the hours each day of the period is narrowed to ("mornings")."""
    return daily[0] <= turn.local(moment).time() < daily[1]


def on_a_day_asked(turn: Turn, moment: datetime, not_days: tuple[int, ...]) -> bool:
    """Whether a start falls on none of the weekdays ruled out ("any day but Monday")."""
    return turn.local(moment).weekday() not in not_days


def period_text(turn: Turn, start: datetime, end: datetime, daily: Daily | None = None,
                not_days: tuple[int, ...] = ()) -> str:
    """ "on Tuesday 24 November", "before 11:00 on ..." (a day up to a time), "after 11:00 on ...", "on Tuesday 24
    November, 12:00–17:00" (hours of one day), or a range
    ("Mon 14 – Sun 20 Dec", with the hours of each day where they are narrowed: ", 08:00–12:00")."""
    first, last = turn.local(start).date(), turn.local(end - timedelta(seconds=1)).date()
    if first != last:
        if daily and daily[0] != time.min and daily[1] != time.max:  # "mornings next week": as far as it is open
            daily = _within_opening(turn, [first + timedelta(days=n) for n in range((last - first).days + 1)], *daily)
        within = sorted({(first + timedelta(days=n)).weekday() for n in range(min((last - first).days + 1, 7))}
                        & set(not_days))  # ("next week but not Monday" starts on Tuesday: nothing left to say)
        return turn.formats.days(first, last) + (", " + daily_text(turn, daily) if daily else "") + (
            ", " + turn.t("not_on_days", days=turn.formats.names([turn.formats.weekday_name(d) for d in within],
                                                                  either=True)) if within else "")
    day = ("on " if turn.lang == "en" else "am ") + turn.formats.day(first)
    from_midnight, to_midnight = turn.local(start).time() == time(0), turn.local(end).time() == time(0)
    if from_midnight and not to_midnight:  # "anything earlier?"
        return f"before {turn.formats.clock_time(turn.local(end))} {day}" if turn.lang == "en" else \
            f"{day} vor {turn.formats.clock_time(turn.local(end))}"
    if to_midnight and not from_midnight and start > turn.now():  # "something later?"
        return f"after {turn.formats.clock_time(turn.local(start))} {day}" if turn.lang == "en" else \
            f"{day} nach {turn.formats.clock_time(turn.local(start))}"
    if not from_midnight and not to_midnight:  # "tomorrow before 10" (from opening), "Monday afternoon"
        hours = _within_opening(turn, [first], turn.local(start).time(), turn.local(end).time())
        return f"{day}, {turn.formats.spans([hours])}"
    return day


def _within_opening(turn: Turn, days: list[date], lo: time, hi: time) -> tuple[time, time]:
    """The hours asked for as far as the business is open those days: "Saturday morning" where it opens at 10 is
    10:00–12:00, not 08:00–12:00; "mornings next week" where it opens at 9 on weekdays and 10 on Saturday,
    09:00–12:00 (the hours as asked where they do not meet)."""
    spans = [span for day in days for span in day_spans(turn, day)]
    if not spans:
        return lo, hi
    opens, closes = min(a for a, _ in spans), max(b for _, b in spans)
    return (max(lo, opens), min(hi, closes)) if max(lo, opens) < min(hi, closes) else (lo, hi)


def _last_of_days(turn: Turn, slots: list[Slot]) -> list[Slot]:
    """The last free times: of one day, its last few; of several, each day's last (as many days as are shown)."""
    by_day: dict[date, list[Slot]] = {}
    for slot in slots:
        by_day.setdefault(turn.local(slot.start).date(), []).append(slot)
    if len(by_day) == 1:
        return slots[-ALTERNATIVES:]
    return [day[-1] for day in list(by_day.values())[:MAX_OPTIONS]]


def daily_text(turn: Turn, daily: Daily) -> str:
    """ "08:00–12:00", "after 16:00", "before 11:00", "at 15:00" (German: "nach", "vor", "um")."""
    fmt, de = turn.formats, turn.lang == "de"
    lo, hi = daily
    if hi == time.max:
        return ("nach " if de else "after ") + fmt.clock_time(lo)
    if lo == time.min:
        return ("vor " if de else "before ") + fmt.clock_time(hi)
    if (hi.hour * 60 + hi.minute) - (lo.hour * 60 + lo.minute) <= 1:
        return ("um " if de else "at ") + fmt.clock_time(lo)
    return fmt.spans([daily])


# --- small pure helpers -------------------------------------------------------------------------


def at(day: date, wall: time, tz: tzinfo) -> datetime:
    """A local wall time as an aware datetime (zoneinfo resolves DST gaps and folds)."""
    return datetime.combine(day, wall, tzinfo=tz)


def _one_per_start(slots: list[Slot], staff: str | None) -> list[Slot]:
    seen: dict[datetime, Slot] = {}
    for s in sorted(slots, key=lambda s: s.start):
        if staff and s.staff != staff:
            continue
        seen.setdefault(s.start, s)
    return list(seen.values())


def _spread(slots: list[Slot], most: int) -> list[Slot]:
    """At most `most` slots, evenly spread over the list so the whole period is represented."""
    if len(slots) <= most:
        return slots
    step = (len(slots) - 1) / (most - 1)
    return [slots[round(i * step)] for i in range(most)]

