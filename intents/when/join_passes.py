"""Two days said together as the days from one to the other: "between Monday and Wednesday", "Friday or
Saturday", "from Christmas to New Year", "Montag bis Mittwoch", and "zwischen den Jahren".

Runs after every pass that finds days, on what they masked, so it joins any two of them whatever form each
was said in. A change of an appointment "from Tuesday to Thursday" names where it is and where it goes: with
a word for moving in the message, only "between" joins.
"""

from __future__ import annotations

import re
from datetime import date as Date
from datetime import timedelta

from .scan import Day, Days, Scan
from .vocabulary import MASK, lazy_rx

# the words that may join two days; a message with two days and none of them (nor a dash) is left alone
WORDS = frozenset("between zwischen from von to till until through thru bis or oder and und auf".split())
JOINED = lazy_rx(
    rf"(?:\b(?P<lead>between|zwischen|from|von)\s+)?(?P<a>{MASK}+)\s*"
    rf"(?P<join>and|und|or|oder|to|till|until|through|thru|bis|auf|-|–)\s*(?P<b>{MASK}+)")
MOVING = re.compile(
    r"\b(?:move|moving|moved|re-?schedul\w*|postpon\w*|shift\w*|push\w*|chang\w*|switch\w*|swap\w*|bring\w* forward"
    r"|verschieb\w*|verleg\w*|umbuch\w*|änder\w*|aender\w*|tausch\w*)\b")
BETWEEN_YEARS = lazy_rx(r"\bzwischen den jahren\b")
LONGEST = 62  # days a joined span may cover; more is not one request


def read_between_years(s: Scan) -> None:
    """"zwischen den Jahren": the working days between Christmas and New Year (27 to 30 December)."""
    def between(m: re.Match[str]) -> bool:
        year = s.today.year if s.today <= Date(s.today.year, 12, 30) else s.today.year + 1
        s.ranges.append(Days(m.start(), max(Date(year, 12, 27), s.today), Date(year, 12, 30)))
        return True

    s.take(BETWEEN_YEARS, between)


def join_days(s: Scan, text: str) -> None:
    """Replace two days joined by "between … and", "… to …", "… or …" with the range from the first to the last."""
    moving = MOVING.search(text) is not None

    def join(m: re.Match[str]) -> bool:
        a, b = _day_in(s, m.start("a"), m.end("a")), _day_in(s, m.start("b"), m.end("b"))
        if a is None or b is None or a.part or b.part:
            return False
        lead, word = (m.group("lead") or "").lower(), m.group("join").lower()
        between = lead in ("between", "zwischen")
        alternatives = word in ("or", "oder", "and", "und") and not between
        if moving and not between and not alternatives:
            # "move it from Tuesday to Thursday": where it is, and where it goes, the Thursday after that Tuesday
            if b.weekday and a.day <= b.day + timedelta(days=6) and b.day < a.day:
                b.day += timedelta(days=7)
            return False
        if word == "auf":
            return False  # "von Dienstag auf Donnerstag": a move (above), or a night ("von Montag auf Dienstag")
        if between and word not in ("and", "und", "to", "bis", "-", "–"):
            return False
        first, last = _in_order(a, b)
        if last is None or (last - first).days > LONGEST:
            return False
        if alternatives and (last - first).days != 1:
            return False  # "Monday or Thursday": not the days between them (the first is read, as before)
        s.days.remove(a)
        s.days.remove(b)
        s.ranges.append(Days(a.pos, first, last))
        return True

    s.take(JOINED, join)


def _day_in(s: Scan, start: int, end: int) -> Day | None:
    """The one day read from the masked words at [start, end), if exactly one was."""
    found = [d for d in s.days if start <= d.pos < end]
    if len(found) != 1 or any(start <= r.pos < end for r in s.ranges):
        return None
    return found[0]


def _in_order(a: Day, b: Day) -> tuple[Date, Date | None]:
    """The first and last day of "a to b": a weekday said bare is the one on or after the other day it is said
    with ("Friday to Monday"; "Monday to Wednesday next week" is that week's Monday)."""
    first, last = a.day, b.day
    if last < first and b.weekday:
        last += timedelta(days=7 * -(-(first - last).days // 7))
    elif a.weekday and not b.exact and 7 <= (last - first).days < 14:
        first += timedelta(days=7)
    return first, (last if last >= first else None)
