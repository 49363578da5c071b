"""A day counted inside a month: "the first Tuesday of October", "last Friday in March 2014",
"der dritte Tag im Oktober", "the last day of the month", "second Monday of last month".
"""

from __future__ import annotations

import re
from datetime import date as Date

from ..lexicon import WEEKDAYS
from .dates import add_months, month_last, nth_weekday, safe_date
from .scan import Scan
from .vocabulary import MONTH, MONTHS, WEEKDAY, lazy_rx

COUNTS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5,
    "last": -1, "final": -1,
    "erste": 1, "erster": 1, "ersten": 1, "zweite": 2, "zweiter": 2, "zweiten": 2, "dritte": 3, "dritter": 3,
    "dritten": 3, "vierte": 4, "vierter": 4, "vierten": 4, "fünfte": 5, "fünfter": 5, "fünften": 5,
    "letzte": -1, "letzter": -1, "letzten": -1,
}
_COUNT = "(?:" + "|".join(sorted(COUNTS, key=len, reverse=True)) + ")"
_WHICH_MONTH = (r"(this|the|next|last|previous|the next|the last|the previous|coming|dieses|des|diesen|nächsten|naechsten"
                r"|kommenden|letzten|vorigen|vergangenen)\s+(?:month|monats?)")
NTH_IN_MONTH = lazy_rx(
    rf"\b(?:the\s+|der\s+|den\s+|am\s+)?({_COUNT})\.?\s+({WEEKDAY}|day|tag)\s+(?:of|in|im|des|in the|from)\s+"
    rf"(?:{_WHICH_MONTH}|(month|monats?)|({MONTH})\.?(?:\s+(\d{{4}}))?)\b")
GATE = frozenset(w for w in COUNTS if w.isalpha())


def read_nth_in_month(s: Scan) -> None:
    today = s.today

    def nth(m: re.Match[str]) -> bool:
        n = COUNTS[m.group(1).lower()]
        what = m.group(2).lower()
        which, month_txt, year_txt = (m.group(3) or "").lower(), m.group(5), m.group(6)  # group 4: "im Monat"
        if month_txt:
            month = MONTHS[month_txt.lower()]
            years = [int(year_txt)] if year_txt else [today.year, today.year + 1]
        else:
            shift = 1 if which.endswith(("next", "nächsten", "naechsten", "kommenden")) else \
                -1 if which.endswith(("last", "previous", "letzten", "vorigen", "vergangenen")) else 0
            first = add_months(today.replace(day=1), shift)
            month, years = first.month, [first.year]
        for year in years:
            if what in ("day", "tag"):
                d = month_last(Date(year, month, 1)) if n < 0 else safe_date(year, month, n)
            else:
                d = nth_weekday(year, month, WEEKDAYS[what], n)
                if d.month != month:
                    return False  # there is no fifth Monday that month
            if d is not None and (d >= today or len(years) == 1):
                return s.add_day(m.start(), d)
        return False

    s.take(NTH_IN_MONTH, nth)
