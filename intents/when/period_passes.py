"""Passes that find periods of several days: weeks, weekends, "end of the month", "Anfang April",
"in December". Each becomes a range of days, never one that has already passed.
"""

from __future__ import annotations

import re
from datetime import date as Date
from datetime import timedelta

from ..lexicon import DE_MONTHS
from .date_patterns import IN_MONTH, MONTH_PART, PERIODS, WEEK_OF_MONTH
from .dates import add_months, month_last, week_monday
from .scan import Days, Scan
from .vocabulary import MONTHS, lazy_rx

# "Januarwoche": the word the week of a month is said in German, one word
MONTH_WEEKS = frozenset(month + "woche" for month in DE_MONTHS)
WEEK_NUMBERS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
                "erste": 1, "zweite": 2, "dritte": 3, "vierte": 4}


def read_periods(s: Scan, months: bool = True) -> None:
    """Weeks, weekends, the edges of a week or month; with `months` (a month is named) a week of a month too."""
    today = s.today
    monday = week_monday(today)

    def period(m: re.Match[str]) -> bool:
        g = [x.lower() if x else "" for x in m.groups()]
        pos = m.start()
        if g[0]:  # week after next
            first = monday + timedelta(days=14)
            s.ranges.append(Days(pos, first, first + timedelta(days=6)))
        elif g[2]:  # (next|this) week
            which = g[1]
            if which in ("next", "coming", "nächste", "naechste", "kommende", "nächsten", "following", "the following",
                         "upcoming"):
                first = monday + timedelta(days=7)
                s.ranges.append(Days(pos, first, first + timedelta(days=6)))
            elif which in ("this", "diese", "dieser", "diesen", "the"):
                s.ranges.append(Days(pos, today, monday + timedelta(days=6)))
            elif which:  # last week: kept as said, the dialogue answers that it has passed
                s.ranges.append(Days(pos, monday - timedelta(days=7), monday - timedelta(days=1)))
            else:
                return False  # "a week", "per week": no period
        elif g[4]:  # weekend
            nxt = g[3] in ("next", "nächstes", "naechstes", "kommendes")
            sat = monday + timedelta(days=5)
            if today.weekday() == 6:
                first, last = (sat + timedelta(days=7), sat + timedelta(days=8)) if nxt else (today, today)
            elif nxt and today.weekday() == 5:
                first, last = sat + timedelta(days=7), sat + timedelta(days=8)
            else:
                first, last = sat, sat + timedelta(days=1)
            s.ranges.append(Days(pos, max(first, today), last))
        elif g[5] or g[8] or g[11]:  # end/beginning of month/week
            edge = g[5] or g[8] or ("end" if g[11] == "monatsende" else "beginning")
            nxt = bool(g[6] or g[9])
            unit = g[7] or g[10] or "month"
            edge_range(s, pos, edge, nxt, unit)
        elif g[12]:  # early/late next week/month
            edge_range(s, pos, "beginning" if g[12] == "early" else "end", g[13] == "next", g[14])
        elif g[15]:  # next/this month
            if g[15] in ("this", "diesen"):
                s.ranges.append(Days(pos, today, month_last(today)))
            else:
                first = add_months(today.replace(day=1), 1)
                s.ranges.append(Days(pos, first, month_last(first)))
        else:
            return False
        return True

    if months:
        s.take(WEEK_OF_MONTH, lambda m: week_of_month(s, m))  # first: "the last week of March" is not last week
    s.take(PERIODS, period)


WORKDAY_WORDS = frozenset("""
weekday weekdays workday workdays working werktags wochentags werktag werktagen wochentag wochentagen during unter
""".split())
WORKDAYS = lazy_rx(
    r"\b(?:on |any |a )?(?:weekdays?|week-days?|workdays?|working days?)\b|\bduring the week\b(?! of\b)"
    r"|\bunter der woche\b|\b(?:werktags|wochentags)\b|\ban (?:einem |allen )?(?:werktag|wochentag)(?:en)?\b")


def read_workdays(s: Scan) -> None:
    """"On weekdays", "unter der Woche": noted (and masked, so "the week" in it is no period) for `keep_workdays`."""

    def workdays(m: re.Match[str]) -> bool:
        s.workdays = m.start()
        return True

    s.take(WORKDAYS, workdays)


def keep_workdays(s: Scan) -> None:
    """Weekdays said with a period keep its Monday to Friday ("any weekday next week"); said without a day, they are
    the rest of this week's, or next week's from Friday on ("weekday mornings")."""
    if s.workdays is None or s.days:
        return
    for r in s.ranges:
        first, last = r.first, r.last
        while first.weekday() > 4 and first < last:
            first += timedelta(days=1)
        while last.weekday() > 4 and last > first:
            last -= timedelta(days=1)
        if first.weekday() <= 4:
            r.first, r.last = first, last
    if not s.ranges:
        today = s.today
        first = today if today.weekday() <= 3 else week_monday(today) + timedelta(days=7)
        s.ranges.append(Days(s.workdays, first, first + timedelta(days=4 - first.weekday())))


def week_of_month(s: Scan, m: re.Match[str]) -> bool:
    """"the second week of January": its days 8 to 14; "the last week": its last seven days."""
    which, month = m.group(1).lower(), MONTHS[(m.group(2) or m.group(3)).lower()]
    n = WEEK_NUMBERS.get(which.rstrip("nrs") if which.startswith(("erst", "zweit", "dritt", "viert")) else which)
    for year in (s.today.year, s.today.year + 1):
        last_day = month_last(Date(year, month, 1))
        first, last = (last_day - timedelta(days=6), last_day) if n is None else \
            (Date(year, month, 7 * n - 6), Date(year, month, 7 * n))
        if last >= s.today:
            s.ranges.append(Days(m.start(), max(first, s.today), last))
            return True
    return False


def read_months(s: Scan) -> None:
    """A named month with a cue: "end of March", "Anfang April", "in December"."""
    today = s.today

    def month_part(m: re.Match[str]) -> bool:
        edge, month = m.group(1).lower(), MONTHS[m.group(2).lower()]
        first = Date(today.year, month, 1)
        if month_last(first) < today:
            first = Date(today.year + 1, month, 1)  # "end of March" said in April is next year's
        edge_range(s, m.start(), edge, False, "month", first=first)
        return True

    s.take(MONTH_PART, month_part)

    def whole_month(m: re.Match[str]) -> bool:
        first = Date(today.year, MONTHS[m.group(1).lower()], 1)
        if month_last(first) < today:
            first = Date(today.year + 1, first.month, 1)
        s.ranges.append(Days(m.start(), max(first, today), month_last(first)))
        return True

    s.take(IN_MONTH, whole_month)


def edge_range(s: Scan, pos: int, edge: str, nxt: bool, unit: str, first: Date | None = None) -> None:
    """The days at the start, middle or end of a week or month ("end of next month")."""
    today = s.today
    if first is not None:  # a named month
        last = month_last(first)
        span = 6
    elif unit.startswith(("week", "woche")):
        first = week_monday(today) + timedelta(days=7 if nxt else 0)
        last = first + timedelta(days=6)
        span = 2
    else:
        first = add_months(today.replace(day=1), 1) if nxt else today.replace(day=1)
        last = month_last(first)
        span = 6
    if edge in ("end", "ende", "late", "ausgang"):
        lo, hi = last - timedelta(days=span), last
    elif edge in ("middle", "mid", "mitte"):
        mid = first + (last - first) / 2
        lo, hi = mid - timedelta(days=span // 2 + 1), mid + timedelta(days=span // 2 + 1)
    else:
        lo, hi = first, first + timedelta(days=span)
    lo = max(lo, today)
    if hi >= lo:
        s.ranges.append(Days(pos, lo, hi))
