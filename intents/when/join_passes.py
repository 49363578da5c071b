"""Days said together or as bounds: "between Monday and Wednesday", "Friday or Saturday", "from Christmas to New
Year", "Montag bis Mittwoch", "zwischen den Jahren"; "after Christmas", "ab Montag", "before the 20th".

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
# a move whose bare "to 4" is a time: a verb that moves appointments, or "change" said of one ("change it to 4",
# not "change the volume to 4")
MOVING_TO = re.compile(
    r"\b(?:move|moving|moved|re-?schedul\w*|postpon\w*|shift\w*|push\w*|bring\w* (?:it )?forward|verschieb\w*|verleg\w*"
    r"|umbuch\w*|(?:chang\w*|switch\w*|änder\w*|aender\w*) (?:it|that|this|mine|my \w+|the (?:appointment|booking|time)"
    r"|(?:den|meinen) termin|ihn|es|das))\b"
    r"|^(?=.*\b(?:termin\w*|ihn|es)\b).*\b(?:änder|aender)\w*")  # "kannst du es auf 10 ändern"
BETWEEN_YEARS = lazy_rx(r"\bzwischen den jahren\b")
# a day said as a bound: "after Christmas", "ab Montag", "before the 20th", "bis Freitag"
BOUND_WORDS = frozenset("after nach ab from starting beginning before vor until till bis".split())
BOUNDED = lazy_rx(
    r"\b(?:(?P<count>the|a|one|\d{1,2}|two|three|four|five|six|seven|am|einen|ein|der|die|zwei|drei|vier|fünf|sechs|sieben)"
    r"\s+(?P<unit>days?|tage?n?|weeks?|wochen?)\s+)?"
    rf"(?P<word>after|nach|ab|from|starting(?: from| on)?|beginning|before|vor|until|till|bis(?: zum| zur)?)"
    rf"\s+(?:the\s+|dem\s+|den\s+)?(?P<a>{MASK}+)")
AHEAD = 6  # days after the first one a bound looks at: "after Christmas" is the week after it
COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5,
          "sechs": 6, "sieben": 7}
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
        s.ranges.insert(0, Days(a.pos, first, last, weekdays=a.weekday and b.weekday))  # before a week said with it
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


def read_bounds(s: Scan, text: str) -> None:
    """A day said as a bound becomes the days on that side of it: "after Christmas" the week after it, "ab Montag"
    the week from Monday, "before the 20th" and "bis Freitag" the days from today. With a word for moving, "from"
    and "nach" name where the appointment is or goes, not a bound."""
    moving = MOVING.search(text) is not None

    def bound(m: re.Match[str]) -> bool:
        day = _day_in(s, m.start("a"), m.end("a"))
        word = m.group("word").lower().split()[0]
        if day is None or day.part or moving and word in ("from", "ab", "nach", "starting", "beginning"):
            return False
        if m.group("count"):  # "the day after Labor Day", "zwei Tage vor Weihnachten": that one day
            count = m.group("count").lower()
            n = int(count) if count.isdigit() else COUNTS.get(count, 1)
            if word not in ("after", "nach", "before", "vor") or n < 1:
                return False
            if m.group("unit").startswith(("week", "woch")):  # "the week before Christmas": the seven days before it
                first, last = (day.day + timedelta(days=1), day.day + timedelta(days=7 * n)) if word in ("after", "nach") \
                    else (day.day - timedelta(days=7 * n), day.day - timedelta(days=1))
                if last < s.today:
                    return False
                s.days.remove(day)
                s.ranges.append(Days(day.pos, max(first, s.today), last))
                return True
            day.day += timedelta(days=n if word in ("after", "nach") else -n)
            day.exact = True
            return True
        if word in ("after", "nach"):
            first, last = day.day + timedelta(days=1), day.day + timedelta(days=1 + AHEAD)
        elif word in ("ab", "from", "starting", "beginning"):
            first, last = day.day, day.day + timedelta(days=AHEAD)
        elif word in ("before", "vor"):
            first, last = s.today, day.day - timedelta(days=1)
        else:  # until, till, bis ("by Tuesday" is most often that Tuesday)
            first, last = s.today, day.day
        if last < max(first, s.today):
            return False
        first = max(first, s.today)
        s.days.remove(day)
        s.ranges.append(Days(day.pos, first, min(last, first + timedelta(days=LONGEST))))  # "bis Ostern": the next weeks
        return True

    s.take(BOUNDED, bound)
