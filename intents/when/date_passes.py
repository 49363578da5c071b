"""Passes that find days said as calendar dates: holidays, "7.3.", "March 7th", "the 14th",
"am dritten November", and ranges of them ("from the 3rd to the 5th"). They run before the others.
"""

from __future__ import annotations

import re
from datetime import date as Date

from ..lexicon import DE_ORDINAL_WORDS, WEEKDAYS
from .date_patterns import (
    DAY_MONTH, DAY_RANGE, DE_DAY, DE_ORDINAL_DATE, DOTTED_FULL, DOTTED_ON, HOLIDAY_DAYS, HOLIDAYS, ISO, MONTH_DAY,
    OF_MONTH, ORDINAL_DAY, SLASHED, WEEKDAY_RANGE,
)
from .dates import add_months, coming_weekday, full_year, future_day_month, future_day_of_month, safe_date
from .scan import Days, Scan
from .vocabulary import MONTHS, ordinal


def read_holidays(s: Scan) -> None:
    today = s.today

    def holiday(m: re.Match[str]) -> bool:
        month, day = next(md for md, rx in HOLIDAY_DAYS if rx.fullmatch(m.group(0).lower()))
        when = Date(today.year, month, day)
        return s.add_day(m.start(), when if when >= today else Date(today.year + 1, month, day))

    s.take(HOLIDAYS, holiday)


def read_german_ordinals(s: Scan) -> None:
    """"am dritten November": a German ordinal word and a month."""
    today = s.today

    def german_ordinal(m: re.Match[str]) -> bool:
        day, month = DE_ORDINAL_WORDS[m.group(1).lower()], MONTHS[m.group(2).lower()]
        when = safe_date(today.year, month, day)
        if when is not None and when < today:
            when = safe_date(today.year + 1, month, day)
        return s.add_day(m.start(), when)

    s.take(DE_ORDINAL_DATE, german_ordinal)


def read_dates(s: Scan) -> None:
    today = s.today

    def iso(m: re.Match[str]) -> bool:
        return s.add_day(m.start(), safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))))

    def dotted(m: re.Match[str]) -> bool:
        d, mo = int(m.group(1)), int(m.group(2))
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            return False
        year = m.group(3) if m.re.groups >= 3 else None
        if year:
            return s.add_day(m.start(), safe_date(full_year(year, today.year), mo, d))
        return s.add_day(m.start(), future_day_month(today, mo, d))

    def slashed(m: re.Match[str]) -> bool:
        a, b = int(m.group(1)), int(m.group(2))
        month, day = (a, b) if s.lang != "de" else (b, a)
        if month > 12 and day <= 12:
            month, day = day, month
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return False
        if m.group(3):
            return s.add_day(m.start(), safe_date(full_year(m.group(3), today.year), month, day))
        return s.add_day(m.start(), future_day_month(today, month, day))

    def day_range(m: re.Match[str]) -> bool:
        d1, d2 = ordinal(m.group(1)), ordinal(m.group(3))
        month_txt = m.group(4) or m.group(2)
        said = m.group(0).lower()
        if not month_txt and not re.search(r"\d(?:st|nd|rd|th|\.)|\b(?:the|dem)\b", said):
            return False  # "between 2 and 4" is a time range
        if re.match(r"\s*(?:uhr|h\b|:|am\b|pm\b|o'?clock)", s.w[m.end():]):
            return False
        if d1 is None or d2 is None or not (1 <= d1 <= 31 and 1 <= d2 <= 31) or d2 < d1:
            return False
        if month_txt:
            first = future_day_month(today, MONTHS[month_txt.lower()], d1)
            last = first and safe_date(first.year, first.month, d2)
        else:
            first = future_day_of_month(today, d1)
            last = first and safe_date(first.year, first.month, d2)
        if not first or not last:
            return False
        s.ranges.append(Days(m.start(), first, last))
        return True

    def weekday_range(m: re.Match[str]) -> bool:
        a = coming_weekday(today, WEEKDAYS[m.group(1).lower()], True)
        b = coming_weekday(a, WEEKDAYS[m.group(2).lower()], True)
        s.ranges.append(Days(m.start(), a, b))
        return True

    def day_month(m: re.Match[str]) -> bool:
        d = ordinal(m.group(1))
        month = MONTHS[m.group(2).lower()]
        if d is None or not 1 <= d <= 31:
            return False
        if m.group(3):
            return s.add_day(m.start(), safe_date(int(m.group(3)), month, d))
        return s.add_day(m.start(), future_day_month(today, month, d))

    def month_day(m: re.Match[str]) -> bool:
        month_txt = m.group(1).lower()
        d = ordinal(m.group(2))
        if d is None or not 1 <= d <= 31:
            return False
        month = MONTHS[month_txt]
        if m.group(3):
            return s.add_day(m.start(), safe_date(int(m.group(3)), month, d))
        return s.add_day(m.start(), future_day_month(today, month, d))

    def of_month(m: re.Match[str]) -> bool:
        d = ordinal(m.group(1))
        which = m.group(2).lower()
        if d is None or not 1 <= d <= 31:
            return False
        base = today if which in ("this", "the", "dieses", "des") else add_months(today.replace(day=1), 1)
        found = safe_date(base.year, base.month, d)
        if found is not None and found < today:
            found = future_day_of_month(today, d)  # already past this month: the next one that has it
        return s.add_day(m.start(), found)

    def ordinal_day(m: re.Match[str]) -> bool:
        token = m.group(1) or m.group(2)
        d = ordinal(token)
        if d is None or not 1 <= d <= 31:
            return False
        return s.add_day(m.start(), future_day_of_month(today, d))

    s.take(ISO, iso)
    s.take(DAY_RANGE, day_range)
    s.take(WEEKDAY_RANGE, weekday_range)
    s.take(DOTTED_FULL, dotted)
    s.take(DOTTED_ON, dotted)
    s.take(SLASHED, slashed)
    s.take(OF_MONTH, of_month)
    s.take(DAY_MONTH, day_month)
    s.take(MONTH_DAY, month_day)
    s.take(ORDINAL_DAY, ordinal_day)
    s.take(DE_DAY, lambda m: s.add_day(m.start(), future_day_of_month(today, int(m.group(1)))))
