"""Combining what the passes found into one When: which day was meant, am or pm, and whether a
time is a point, a lower or upper bound, or a range, in the customer's time zone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date as Date
from datetime import datetime, timedelta, timezone
from datetime import time as Time

from .clock_patterns import AFTER_WORD, BEFORE_WORD, RANGE_GAP, RELATION_BEFORE
from .date_patterns import TARGET_BEFORE
from .result import NOTHING, When
from .vocabulary import MASK, WEEKDAY, lazy_rx
from .scan import Clock, Day, Days, Scan

PARTS: dict[str, tuple[int, int]] = {  # hours [from, to) of each part of the day
    "morning": (8, 12), "noon": (11, 14), "afternoon": (12, 17), "evening": (17, 21), "night": (19, 24),
    "early morning": (8, 10), "late morning": (10, 12), "early afternoon": (12, 14), "late afternoon": (15, 17),
    "early evening": (17, 19), "late evening": (19, 21),
    "after lunch": (13, 21),  # "after lunch", "nach der Mittagspause": from then to the day's end
}
# a weekday said right before a date ("Sunday, Feb 10", "Freitag, der 18. Juli"): both name one day
NAMED_BEFORE = lazy_rx(rf"^(?:\w+\s+)?{WEEKDAY}\s*,?\s*(?:the\s+|der\s+|den\s+|am\s+)?$")
PM_PARTS = {"afternoon", "evening", "night", "early afternoon", "late afternoon", "early evening", "late evening",
            "after lunch"}
# a day the customer cannot come on: "I can't make it today", "heute kann ich nicht", "Freitag geht nicht"
CANT_BEFORE = lazy_rx(r"\b(?:can'?t|cannot|won'?t|couldn'?t)\s+(?:make it|come(?: in)?|be there|do)\s+(?:on\s+)?$"
                      r"|\b(?:missed|forgot)\s+(?:my|our|the)\s+(?:\w+\s+){1,2}$"  # "I missed my haircut this morning"
                      r"|\bcancel\w*\s+(?:(?:my|the|our)\s+)?(?:\w+\s+)?$")  # "cancel today, can we do tomorrow instead?"
# between two days of one list, in the masked text: the first day's words, then "and" or "or" ("Friday, or
# Saturday?" offers the other instead)
LISTED_WITH = lazy_rx(rf"^{MASK}+\s*(?:,\s*(?:and|nor|und)|and|or|nor|und|oder|&)\s*(?:on\s+|am\s+)?$")
CANT_AFTER = lazy_rx(r"\w+\s+(?:\w+\s+){0,2}(?:nicht|doch nicht|doesn'?t work|won'?t work|does not work|is no good|verpasst|vergessen|verschwitzt|absagen|stornieren)\b")


def combine(s: Scan, text: str, now: datetime, tz, hours: tuple[int, int] | None) -> When:
    today = now.date()
    day = pick_day(s, text)
    if day is not None and day.weekday and s.ranges:
        day = in_week(day, s.ranges[0])
    if len(s.ranges) > 1 and s.ranges[0].weekdays:  # placed in the other period said, or that period stands
        placed = days_in_week(s.ranges[0], s.ranges[1])
        s.ranges[0:2] = [placed] if placed is not None else [s.ranges[1]]
    part = day.part if day and day.part else None
    if part is None and s.parts:
        part = s.parts[0].name
    pairs = relations(s, text)
    d = day.day if day else None

    if s.minutes_ahead is not None and not pairs:
        moment = now + timedelta(minutes=s.minutes_ahead)
        if d is None or d == moment.date():  # "in an hour", "today in one hour"
            return When(date=moment.date(), time=Time(moment.hour, moment.minute))

    if pairs:
        kind, c1, c2 = pairs[0]
        h1 = hour24(c1, part, hours)
        t1 = Time(h1 % 24, c1.minute)
        if s.minutes_long and kind in ("at", "after"):  # "4pm for 30 minutes": that stretch of time
            base = d or next_day_for(now, h1, c1.minute)
            start = local(tz, base, h1, c1.minute)
            return When(date=d, time=t1, start=start, end=start + timedelta(minutes=s.minutes_long))
        between = between_hours(c1, c2, part, hours) if kind == "between" and c2 is not None else None
        if d is None and s.ranges and (r := s.ranges[0]).last >= max(r.first, today):
            # "next week after 4", "next week at 3": the week is the period; the hours narrow each day of it
            first = max(r.first, today)
            if kind == "at":
                daily = (t1, clock(h1 * 60 + c1.minute + 1))
            elif kind == "after":
                daily = (t1, Time.max)
            elif between is not None and c2 is not None:
                h1, h2 = between
                daily = (Time(h1 % 24, c1.minute), clock(h2 * 60 + c2.minute)) if h2 > h1 else None
            elif kind == "between":
                daily = None
            else:
                daily = (Time.min, t1)
            return When(time=t1 if kind in ("at", "after") else None, start=local(tz, first, 0),
                        end=local(tz, r.last + timedelta(days=1), 0), daily=daily)
        if kind == "at":
            return When(date=d, time=t1)
        base = d or next_day_for(now, h1, c1.minute)
        if between is not None:
            h1, h2 = between
            if h2 <= h1:
                return When(date=d, time=Time(h1 % 24, c1.minute))
            return When(date=d, start=local(tz, base, h1, c1.minute), end=local(tz, base, h2, c2.minute))
        close = (hours[1] if hours else 24)
        open_ = (hours[0] if hours else 0)
        if kind == "after":
            end_h = close if close * 60 > h1 * 60 + c1.minute else 24
            return When(date=d, time=Time(h1 % 24, c1.minute), start=local(tz, base, h1, c1.minute),
                        end=local(tz, base, end_h))
        if h1 * 60 + c1.minute == 0:  # "bis 0 Uhr", "before midnight": the whole day
            return When(date=d, start=local(tz, base, open_), end=local(tz, base, 24))
        start_h = open_ if open_ * 60 < h1 * 60 + c1.minute else 0
        return When(date=d, start=local(tz, base, start_h), end=local(tz, base, h1, c1.minute))

    if (either := part_of_day_or_the_next(s, text)) is not None:
        first, lo = either  # "Friday afternoon or Saturday": from Friday's afternoon to Saturday's end
        return When(start=local(tz, first, lo), end=local(tz, first + timedelta(days=2), 0))
    if d is not None and part is not None:
        lo, hi = PARTS[part]
        return When(date=d, start=local(tz, d, lo), end=local(tz, d, hi))
    if d is not None:
        return When(date=d)
    if s.ranges:
        r = s.ranges[0]
        first = max(r.first, today)
        if r.last < today:  # wholly past ("last week"): kept as said
            first = r.first
        if part is not None and r.first == r.last:
            lo, hi = PARTS[part]
            return When(start=local(tz, first, lo), end=local(tz, first, hi))
        daily = None
        if part is not None:  # "any afternoon next week": each day of the week, in the afternoon
            lo, hi = PARTS[part]
            daily = (Time(lo), clock(hi * 60))
        return When(start=local(tz, first, 0), end=local(tz, r.last + timedelta(days=1), 0), daily=daily)
    if part is not None:
        lo, hi = PARTS[part]
        base = today if now.hour < hi else today + timedelta(days=1)
        return When(start=local(tz, base, lo), end=local(tz, base, hi))
    return NOTHING


OR_NEXT = lazy_rx(r"^\W*(?:\w+\W+)?(?:or|oder)\W+(?:(?:on|am)\s+)?$")


def part_of_day_or_the_next(s: Scan, text: str) -> tuple[Date, int] | None:
    """"Friday afternoon or Saturday", "Freitagnachmittag oder Samstag": the first day from that part of it, and the
    whole next day (both are fine, so the times from the one to the other), as the day and the hour it starts."""
    if len(s.days) != 2 or len(s.parts) != 1 or s.ranges or s.clocks:
        return None
    a, b = sorted(s.days, key=lambda x: x.pos)
    p = s.parts[0]
    if a.part or b.part or b.day != a.day + timedelta(days=1) or not a.pos < p.pos < b.pos \
            or not OR_NEXT.match(text[p.pos:b.pos]):
        return None
    return a.day, PARTS[p.name][0]


def between_hours(c1: Clock, c2: Clock, part: str | None, hours: tuple[int, int] | None) -> tuple[int, int]:
    """The hours (24-hour, the second up to 24) of "between 2 and 4"; not a span unless the second is the later."""
    h1 = hour24(c1, part, hours)
    h2 = hour24(c2, part if c2.meridiem is None and c1.meridiem is None else None, hours)
    if c2.meridiem and c1.meridiem is None and not c1.exact24 and c1.hour <= 12:
        h1 = c1.hour if c1.hour == 12 else (c1.hour + 12 if c2.meridiem == "pm" and c1.hour + 12 <= h2 else c1.hour)
    if h2 <= h1 and h2 + 12 <= 24 and not c2.exact24:
        h2 += 12
    return h1, h2


def clock(minutes: int) -> Time:
    """The wall time `minutes` after midnight; midnight at the end of the day is the day's last moment."""
    return Time.max if minutes >= 24 * 60 else Time(minutes // 60, minutes % 60)


def in_week(day: Day, r: Days) -> Day:
    """A bare weekday said with a week or a few days ("übernächste Woche Dienstag", "Friday at the end of the
    month"): the one among those days, not the coming one."""
    if (r.last - r.first).days <= 6 and not r.first <= day.day <= r.last:
        for offset in range((r.last - r.first).days + 1):
            if (r.first + timedelta(days=offset)).weekday() == day.day.weekday():
                return replace(day, day=r.first + timedelta(days=offset))
    return day


def days_in_week(joined: Days, period: Days) -> Days | None:
    """"Monday or Tuesday next week": the two weekdays within the week said with them, if they fall in it."""
    span = joined.last - joined.first
    for weeks in range(0, 3):
        first = joined.first + timedelta(days=7 * weeks)
        if period.first <= first and first + span <= period.last:
            return replace(joined, first=first, last=first + span)
    return None


def pick_day(s: Scan, text: str) -> Day | None:
    """The day asked for: the one a move points at ("from Tuesday to Thursday"), else the first."""
    if not s.days:
        return None
    days = sorted(s.days, key=lambda x: x.pos)
    if len(days) > 1:
        # "I can't make it today, can we do tomorrow?", "heute kann ich nicht, geht morgen?": the other day
        kept = [d for d in days if not CANT_BEFORE.search(text[max(0, d.pos - 30):d.pos])
                and not CANT_AFTER.match(text, d.pos)]
        # "I can't do Monday and Wednesday", "Montag und Mittwoch kann ich nicht": the whole list, not one end of it
        for pairs in (zip(days, days[1:]), zip(reversed(days[1:]), reversed(days[:-1]))):
            for ruled_out, listed in pairs:
                if ruled_out not in kept and listed in kept and LISTED_WITH.match(
                        s.w[min(ruled_out.pos, listed.pos):max(ruled_out.pos, listed.pos)]):
                    kept.remove(listed)
        if 0 < len(kept) < len(days):
            days = kept
    if len(days) > 1:
        for d in reversed(days):
            if TARGET_BEFORE.search(text[max(0, d.pos - 20):d.pos]):
                return d
        # "Monday the 6th": the calendar date is the more precise of two words for one day
        exact = [d for d in days if d.exact]
        if exact and len(exact) < len(days):
            named = [d for d in days if not d.exact and NAMED_BEFORE.match(text[d.pos:exact[0].pos])]
            if named and named[0].day.weekday() != exact[0].day.weekday():
                return Day(exact[0].pos, matching_year(exact[0].day, named[0].day.weekday(), s.today), exact[0].part,
                           exact=True)
            return exact[0]
    return days[0]


def matching_year(d: Date, weekday: int, today: Date) -> Date:
    """"Sunday, Feb 10": the year nearest to today in which that date is that weekday, from two weeks ago
    to two years ahead; else the date as read (a weekday that fits no such year is a slip of the pen)."""
    found = []
    for year in range(today.year - 1, today.year + 3):
        try:
            candidate = d.replace(year=year)
        except ValueError:
            continue
        if candidate.weekday() == weekday and -14 <= (candidate - today).days <= 731:
            found.append(candidate)
    return min(found, key=lambda c: abs((c - today).days)) if found else d


def relations(s: Scan, original: str) -> list[tuple[str, Clock, Clock | None]]:
    """Pair the clocks with the words around them: at / after / before / between A and B."""
    out: list[tuple[str, Clock, Clock | None]] = []
    clocks = sorted(s.clocks, key=lambda c: c.pos)
    i = 0
    while i < len(clocks):
        c = clocks[i]
        before_txt = original[max(0, c.pos - 40):c.pos]
        rel_m = RELATION_BEFORE.search(before_txt)
        rel = rel_m.group("rel").lower() if rel_m else "at"
        if i + 1 < len(clocks):
            nxt = clocks[i + 1]
            gap = original[c.end:nxt.pos]
            if s.moving and gap.strip() in ("to", "auf") and rel not in ("between", "zwischen"):
                out.append(("at", nxt, None))  # "move my 2pm to 4", "von 14 auf 16 Uhr": where it goes
                i += 2
                continue
            if RANGE_GAP.match(gap) and (rel in ("between", "zwischen", "from", "von", "at", "um")
                                         or gap.strip() in ("-", "–", "bis")):
                out.append(("between", c, nxt))
                i += 2
                continue
        if AFTER_WORD.match(rel) and rel not in ("von",):
            out.append(("after", c, None))
        elif BEFORE_WORD.match(rel):
            out.append(("before", c, None))
        else:
            out.append(("at", c, None))
        i += 1
    return out


def hour24(c: Clock, part: str | None, hours: tuple[int, int] | None) -> int:
    """The hour on a 24-hour clock: as written, else from am/pm, the part of day or business hours."""
    h = c.hour
    if c.exact24 or h >= 13 or h == 0:
        return h
    if c.meridiem == "pm":
        return h if h == 12 else h + 12
    if c.meridiem == "am":
        return 0 if h == 12 else h
    if part in PM_PARTS:
        return h if h == 12 else h + 12
    if part in ("morning", "early morning", "late morning"):
        return h
    if part == "noon":
        return h if h >= 11 else h + 12
    # ambiguous "at 2": the reading nearer to business hours (or to the day, 8-20)
    lo, hi = hours if hours else (8, 20)
    if h == 12:
        return 12

    def distance(x: int) -> int:
        return 0 if lo <= x <= hi else min(abs(x - lo), abs(x - hi))

    return h if distance(h) <= distance(h + 12) else h + 12


def local(tz, d: Date, h: int, m: int = 0) -> datetime:
    """An aware local time; a wall time that DST skips is moved past the gap."""
    if h >= 24:
        return local(tz, d + timedelta(days=h // 24), h % 24, m)
    naive = datetime(d.year, d.month, d.day, h, m)
    return naive.replace(tzinfo=tz).astimezone(timezone.utc).astimezone(tz)


def next_day_for(now: datetime, hour: int, minute: int) -> Date:
    """The day a time without a date is meant for: today while it is still ahead, else tomorrow."""
    if (hour, minute) > (now.hour, now.minute):
        return now.date()
    return now.date() + timedelta(days=1)
