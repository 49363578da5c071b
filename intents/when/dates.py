"""Calendar arithmetic for days said without a year or a month, always looking forward:
"March 7th" is the coming one, "the 14th" this month's unless it has passed.
"""

from __future__ import annotations

import calendar
from datetime import date as Date
from datetime import timedelta


def safe_date(year: int, month: int, day: int) -> Date | None:
    try:
        return Date(year, month, day)
    except ValueError:
        return None


def future_day_month(today: Date, month: int, day: int) -> Date | None:
    """Day and month without a year: this year's if not past, else the next year that has it."""
    for year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        d = safe_date(year, month, day)
        if d is not None and d >= today:
            return d
    return None


def future_day_of_month(today: Date, day: int) -> Date | None:
    """'the 14th': this month's if not past, else the next month that has that day."""
    year, month = today.year, today.month
    for _ in range(13):
        d = safe_date(year, month, day)
        if d is not None and d >= today:
            return d
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return None


def add_months(d: Date, months: int) -> Date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return Date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def month_last(d: Date) -> Date:
    return Date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def coming_weekday(today: Date, weekday: int, include_today: bool) -> Date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and not include_today:
        ahead = 7
    return today + timedelta(days=ahead)


def week_monday(d: Date) -> Date:
    return d - timedelta(days=d.weekday())


def full_year(text: str | None, default: int) -> int:
    """A year as written ("2019", "19"), or `default` when none was."""
    if not text:
        return default
    y = int(text)
    return y + 2000 if y < 100 else y


def nth_weekday(year: int, month: int, weekday: int, n: int) -> Date:
    """The n-th given weekday of a month (n = -1: the last one): "the first Tuesday of October"."""
    if n < 0:
        last = month_last(Date(year, month, 1))
        return last - timedelta(days=(last.weekday() - weekday) % 7) + timedelta(days=7 * (n + 1))
    first = Date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
