"""Passes that find days said as calendar dates: holidays, "7.3.", "March 7th", "the 14th",
"am dritten November", and ranges of them ("from the 3rd to the 5th"). They run before the others.
"""

from __future__ import annotations

import re
from datetime import timedelta

from .date_patterns import (
    DAY_DAY_MONTH, DAY_MONTH, DAY_RANGE, DE_DAY, DE_ORDINAL_DATE, DE_ORDINALS, DOTTED_FULL, DOTTED_ON, DOTTED_RANGE, ISO,
    MONTH_DAY, MONTH_DAY_RANGE, OF_MONTH, ORDINAL_DAY, ORDINAL_RANGE, SLASHED, SLASHED_RANGE, WEEK_OF,
)
from .dates import (
    add_months, full_year, future_day_month, future_day_of_month, safe_date, week_monday,
)
from .holidays import HOLIDAY, holiday_day
from .scan import Days, Scan
from .vocabulary import MONTHS, ordinal


# words before a holiday that make it something else: a day counted from it ("nach Ostern"), a wish
# ("happy Easter", "frohe Ostern", "have a good Friday")
NOT_THE_DAY = re.compile(
    r"\b(?:since|seit|happy|merry|frohe[sn]?|fröhliche[sn]?|schöne[sn]?|gesegnete[sn]?)\s+(?:the\s+|dem\s+)?$")
# "have a good Friday", "a black Friday deal": an article before a name that starts as a plain adjective
ARTICLE = re.compile(r"\b(?:a|an|einen|ein)\s+$")
ADJECTIVE_NAMES = ("good", "black", "fat", "holy", "white", "new")


def read_holidays(s: Scan) -> None:
    """"Easter Monday", "Pfingsten 2018", "last Thanksgiving": the day of that holiday."""
    today = s.today

    def holiday(m: re.Match[str]) -> bool:
        if NOT_THE_DAY.search(s.w, max(0, m.start() - 12), m.start()) or (
                m.group(2).startswith(ADJECTIVE_NAMES) and ARTICLE.search(s.w, max(0, m.start() - 6), m.start())):
            return False  # "happy Easter" is a wish; "since Easter" looks back ("nach Ostern" is a bound, read later)
        return s.add_day(m.start(), holiday_day(m.group(2), m.group(1), m.group(3), m.group(4), today))

    s.take(HOLIDAY, holiday)


def read_german_ordinals(s: Scan) -> None:
    """"am dritten November": a German ordinal word and a month."""
    today = s.today

    def german_ordinal(m: re.Match[str]) -> bool:
        day, month = DE_ORDINALS[m.group(1).lower()], MONTHS[m.group(2).lower()]
        when = safe_date(today.year, month, day)
        if when is not None and when < today:
            when = safe_date(today.year + 1, month, day)
        return s.add_day(m.start(), when)

    s.take(DE_ORDINAL_DATE, german_ordinal)


def read_dates(s: Scan, month_ranges: bool = True, dotted_ranges: bool = True) -> None:
    """Calendar dates; the flags say whether ranges of them ("July 3-5", "3.-5.7.") can be in the text."""
    today = s.today

    def iso(m: re.Match[str]) -> bool:
        if not (1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31):
            return False
        return s.add_date(m, safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))))

    def dotted(m: re.Match[str]) -> bool:
        d, mo = int(m.group(1)), int(m.group(2))
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            return False
        year = m.group(3) if m.re.groups >= 3 else None
        if year:
            return s.add_date(m, safe_date(full_year(year, today.year), mo, d))
        return s.add_date(m, future_day_month(today, mo, d))

    def slashed(m: re.Match[str]) -> bool:
        a, b = int(m.group(1)), int(m.group(2))
        month, day = (a, b) if s.lang != "de" else (b, a)
        if month > 12 and day <= 12:
            month, day = day, month
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return False
        if m.group(3):
            return s.add_date(m, safe_date(full_year(m.group(3), today.year), month, day))
        return s.add_date(m, future_day_month(today, month, day))

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

    def day_month(m: re.Match[str]) -> bool:
        d = ordinal(m.group(1))
        month = MONTHS[m.group(2).lower()]
        if d is None or not 1 <= d <= 31:
            return False
        if m.group(3):
            return s.add_date(m, safe_date(int(m.group(3)), month, d))
        return s.add_date(m, future_day_month(today, month, d))

    def month_day(m: re.Match[str]) -> bool:
        month_txt = m.group(1).lower()
        d = ordinal(m.group(2))
        if d is None or not 1 <= d <= 31:
            return False
        month = MONTHS[month_txt]
        if m.group(3):
            return s.add_date(m, safe_date(int(m.group(3)), month, d))
        return s.add_date(m, future_day_month(today, month, d))

    def of_month(m: re.Match[str]) -> bool:
        d = ordinal(m.group(1))
        which = m.group(2).lower()
        if d is None or not 1 <= d <= 31:
            return False
        back = which.endswith(("previous", "last", "letzten", "vorigen"))
        base = today if which in ("this", "the", "dieses", "des") else add_months(today.replace(day=1), -1 if back else 1)
        found = safe_date(base.year, base.month, d)
        if found is not None and found < today and not back:
            found = future_day_of_month(today, d)  # already past this month: the next one that has it
        return s.add_day(m.start(), found)

    def ordinal_day(m: re.Match[str]) -> bool:
        token = m.group(1) or m.group(2)
        d = ordinal(token)
        if d is None or not 1 <= d <= 31:
            return False
        return s.add_day(m.start(), future_day_of_month(today, d))

    def days(m: re.Match[str], d1: int | None, m1: int | None, d2: int | None, m2: int | None,
             year_txt: str | None) -> bool:
        """A range of days with its months (the first one defaulting to the second) and a year."""
        m1 = m1 or m2
        if d1 is None or d2 is None or not m1 or not m2 or not (1 <= m1 <= 12 and 1 <= m2 <= 12):
            return False
        if year_txt:
            year = full_year(year_txt, today.year)
            first, last = safe_date(year if m1 <= m2 else year - 1, m1, d1), safe_date(year, m2, d2)
        else:
            first = future_day_month(today, m1, d1)
            last = first and safe_date(first.year if (m2, d2) >= (m1, d1) else first.year + 1, m2, d2)
        if not first or not last or not first <= last or (last - first).days > 62:
            return False
        s.ranges.append(Days(m.start(), first, last))
        return True

    def month_day_range(m: re.Match[str]) -> bool:
        m2 = MONTHS[m.group(3).lower()] if m.group(3) else MONTHS[m.group(1).lower()]
        return days(m, ordinal(m.group(2)), MONTHS[m.group(1).lower()], ordinal(m.group(4)), m2, m.group(5))

    def day_day_month(m: re.Match[str]) -> bool:
        return days(m, ordinal(m.group(1)), None, ordinal(m.group(2)), MONTHS[m.group(3).lower()], m.group(4))

    def dotted_range(m: re.Match[str]) -> bool:
        return days(m, int(m.group(1)), int(m.group(2)) if m.group(2) else None, int(m.group(3)), int(m.group(4)),
                    m.group(5))

    def slashed_range(m: re.Match[str]) -> bool:
        a, b, c, d = (int(m.group(i)) for i in (1, 2, 3, 4))
        (m1, d1), (m2, d2) = ((b, a), (d, c)) if s.lang == "de" else ((a, b), (c, d))
        return days(m, d1, m1, d2, m2, m.group(5))

    s.take(ISO, iso)
    if month_ranges:
        s.take(MONTH_DAY_RANGE, month_day_range)
        s.take(DAY_DAY_MONTH, day_day_month)
    if dotted_ranges and "." in s.w:
        s.take(DOTTED_RANGE, dotted_range)
    if dotted_ranges and "/" in s.w:
        s.take(SLASHED_RANGE, slashed_range)
    s.take(DAY_RANGE, day_range)
    if dotted_ranges:
        s.take(ORDINAL_RANGE, day_range)
    s.take(DOTTED_FULL, dotted)
    s.take(DOTTED_ON, dotted)
    s.take(SLASHED, slashed)
    s.take(OF_MONTH, of_month)
    s.take(DAY_MONTH, day_month)
    s.take(MONTH_DAY, month_day)
    s.take(ORDINAL_DAY, ordinal_day)
    s.take(DE_DAY, lambda m: s.add_day(m.start(), future_day_of_month(today, int(m.group(1)))))
    if "week of" in s.w or "woche vom" in s.w or "woche des" in s.w:
        s.take(WEEK_OF, lambda m: week_of(s, m.end()))


def week_of(s: Scan, pos: int) -> bool:
    """"the week of June 22": the day read right after the words becomes its week, Monday to Sunday."""
    day = next((d for d in s.days if d.pos == pos), None)
    if day is None:
        return False
    s.days.remove(day)
    monday = week_monday(day.day)
    s.ranges.append(Days(pos, monday, monday + timedelta(days=6)))
    return True
