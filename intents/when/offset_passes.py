"""Days and moments said as an offset from now, forward or back: "in half an hour", "in 2.5 Stunden",
"7 days hence", "3 years from today", "a week ago", "vor zwei Wochen", "2 Thursdays back",
"3 Fridays from now", "last Tuesday", "Sonntag der letzten Woche", "vorgestern".

Past days are kept as said (the dialogue answers that they have passed). This pass runs before the
calendar-date pass, so "in 1/2 h" is not read as the 2nd of January.
"""

from __future__ import annotations

import re
from datetime import timedelta

from ..lexicon import WEEKDAYS
from .dates import add_months, coming_weekday, week_monday
from .scan import Scan
from .vocabulary import NUMBER_WORD, WEEKDAY, lazy_rx, number

_COUNT = rf"(?:\d{{1,3}}|{NUMBER_WORD}|a couple of|couple of|a few|ein paar|paar|an?|one|eine[mnr]?|einem)"
_UNIT = (r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|fortnights?|months?|years?"
         r"|sekunden?|minuten?|stunden?|tagen?|wochen?|monaten?|monate|jahren?|jahre)")
# "in half an hour", "in 1/4h", "in 2.5 hours", "in zwei ein halb Stunden", "in einer Viertelstunde"
FRACTION_OF_HOUR = lazy_rx(
    r"\b(?:in|within|innerhalb von|innerhalb)\s+(?:about\s+|around\s+|approximately\s+|roughly\s+|zirka\s+|circa\s+|ca\.?\s+|etwa\s+)?"
    r"(?:(a quarter of an hour|a quarter hour|1/4\s*h(?:ours?)?\b|einer viertelstunde|einer viertel stunde)"
    r"|(half an hour|a half hour|1/2\s*h(?:ours?)?\b|einer halben stunde|einer halbe stunde)"
    r"|(three[- ]quarters? of an hour|3/4\s*h(?:ours?)?\b|einer dreiviertelstunde|dreiviertel stunden?)"
    r"|(an hour and a half|one and a half hours?|1 and a half hours?|anderthalb stunden|eineinhalb stunden|einer stunde und einer halben)"
    r"|(\d{1,2})(?:[.,](\d))\s*(?:hours?|h\b|stunden?)"
    rf"|(\d{{1,2}}|{NUMBER_WORD})\s+(?:and\s+an?\s+half|and\s+a\s+half|ein\s*halb|einhalb|und\s+eine?\s+halbe?)\s+(?:hours?|stunden?)"
    r"|(a sec(?:ond)?|a moment|one second|1\s*\"|einer sekunde|einem moment)"
    r"|(\d{1,3})\s*'(?!\w)"
    r"|(\d{1,3})\s*h\b(?!\s*\d))")
# "7 days hence", "2 minutes from now", "3 years from today", "in 2 more minutes"
AHEAD = lazy_rx(
    rf"\b({_COUNT})\s+(?:more\s+)?({_UNIT})\s+(?:hence|from now|from right now|from today|later|from this moment|(from tomorrow))\b"
    rf"|\bin\s+({_COUNT})\s+more\s+({_UNIT})\b"
    rf"|\b(?:in|within)\s+(\d{{1,2}}|{NUMBER_WORD})\s+(years?|jahren?)\b")  # "in a year" is mostly "per year"
AGO = lazy_rx(rf"\b({_COUNT})\s+({_UNIT})\s+(?:ago|back|earlier|before now|before today)\b"
         rf"|\bvor\s+({_COUNT})\s+({_UNIT})\b(?!\s*(?:uhr|\d))")
# counted from another day: "two weeks from Friday", "morgen in einer Woche", "a week from tomorrow"
FROM_DAY = lazy_rx(
    rf"\b({_COUNT})\s+(days?|weeks?)\s+(?:from|after)\s+(?:next\s+|this\s+)?({WEEKDAY})\b"
    rf"|\b(today|tomorrow|heute|morgen|übermorgen)\s+in\s+({_COUNT})\s+(tagen|wochen?|days?|weeks?)\b")
# "3 Fridays from now", "2 Thursdays back"
WEEKDAYS_AWAY = lazy_rx(rf"\b({_COUNT})\s+({WEEKDAY})s?\s+(from now|from today|hence|ago|back|before)\b")
# "Mittwoch in 2 Wochen", "Wednesday two weeks ago", "Mittwoch vor zwei Wochen", "in two weeks on Wednesday"
WEEKDAY_WEEKS = lazy_rx(rf"\b({WEEKDAY})\s+(?:(in|vor)\s+({_COUNT})\s+(?:wochen|woche|weeks?)\b"
                   rf"|({_COUNT})\s+weeks?\s+(ago|from now|hence)\b)"
                   rf"|\bin\s+({_COUNT})\s+(?:wochen|woche|weeks?)\s*,?\s+(?:on|am)\s+({WEEKDAY})\b")
# "last Tuesday", "letzten Sonntag", "Sunday from last week", "last week's Sunday", "Sonntag der letzten Woche"
LAST_WEEKDAY = lazy_rx(
    rf"\b(?:last|past|previous|letzten|letzter|letzte|vergangenen|vorigen)\s+({WEEKDAY})\b(?!\s+(?:of|in|im)\b)"
    rf"|\b({WEEKDAY})\s*,?\s+(?:from\s+|of\s+|in\s+|der\s+|in der\s+)?(?:the\s+)?"
    rf"(?:last|past|previous|letzten|letzte|vergangenen|vorigen|vergangene)\s+(?:week|woche)\b"
    rf"|\b(?:last|past|previous) week'?s\s+({WEEKDAY})\b")
BEFORE_YESTERDAY = lazy_rx(r"\b(?:the\s+)?day before yesterday\b|\b(vor)?vorgestern\b")
GATE = frozenset("""
in within innerhalb hence from later ago back earlier before vor vorgestern vorvorgestern last past previous letzten
letzter letzte vergangenen vorigen vergangene yesterday
""".split())
# the words each pattern needs, checked first: most messages need none of the patterns
_IN = frozenset("in within innerhalb".split())
_AHEAD = frozenset("hence from later more years year jahren jahre jahr after".split())
# the words "in half an hour", "in 1/4h", "in 2.5 hours", "in 15'", "in a sec" need (digits are in "h", "hours")
_PARTS_OF_HOURS = frozenset("""
half quarter quarters three h hour hours hr hrs stunde stunden viertelstunde dreiviertelstunde halben anderthalb
eineinhalb sec second seconds sekunde moment
""".split())
_BASE_DAYS = frozenset("today tomorrow heute morgen übermorgen".split())
_AGO = frozenset("ago back earlier before vor".split())
_WEEKS = frozenset("week weeks woche wochen".split())
_LAST = frozenset("last past previous letzten letzter letzte vergangenen vorigen vergangene".split())
_YESTERDAY = frozenset("yesterday vorgestern vorvorgestern".split())
_WEEKDAY_WORDS = frozenset(WEEKDAYS) | frozenset(w + "s" for w in WEEKDAYS)


def _count(text: str) -> int | None:
    t = text.strip().lower()
    if t in ("a", "an", "one", "eine", "einer", "einem", "einen"):
        return 1
    if t in ("a couple of", "couple of", "ein paar", "paar"):
        return 2
    if t == "a few":
        return 3
    return number(t)


def wanted(words: frozenset[str] | set[str], has_digit: bool) -> tuple[bool, ...]:
    """Which of the patterns below can match at all, from the words of the message."""
    has_in, has_ahead, has_ago = not words.isdisjoint(_IN), not words.isdisjoint(_AHEAD), not words.isdisjoint(_AGO)
    has_weekday = not words.isdisjoint(_WEEKDAY_WORDS)
    return (
        has_in and (has_digit or not words.isdisjoint(_PARTS_OF_HOURS)),
        (has_weekday and has_ahead) or (has_in and not words.isdisjoint(_BASE_DAYS)),
        has_weekday and (has_ahead or has_ago),
        has_weekday and (has_in or has_ahead or has_ago) and not words.isdisjoint(_WEEKS),
        has_ahead,
        has_ago,
        has_weekday and not words.isdisjoint(_LAST),
        not words.isdisjoint(_YESTERDAY),
    )


def read_offsets(s: Scan, words: frozenset[str] | set[str], has_digit: bool = True) -> None:
    run = wanted(words, has_digit)
    if any(run):
        _read_offsets(s, run)


def _read_offsets(s: Scan, run: tuple[bool, ...]) -> None:
    today = s.today

    def fraction(m: re.Match[str]) -> bool:
        g = m.groups()
        if g[0]:
            minutes = 15
        elif g[1]:
            minutes = 30
        elif g[2]:
            minutes = 45
        elif g[3]:
            minutes = 90
        elif g[4]:
            minutes = int(g[4]) * 60 + int(g[5]) * 6
        elif g[6]:
            n = number(g[6])
            if n is None:
                return False
            minutes = n * 60 + 30
        elif g[7]:
            minutes = 0
        elif g[8]:
            minutes = int(g[8])
        else:
            minutes = int(g[9]) * 60
        s.minutes_ahead = minutes
        return True

    def moved(n: int, unit: str, sign: int, pos: int) -> bool:
        unit = unit.lower()
        if unit.startswith(("sec", "sek")):
            s.minutes_ahead = 0 if sign > 0 else None
            return sign > 0
        if unit.startswith("min"):
            if sign < 0:
                return False
            s.minutes_ahead = n
            return True
        if unit.startswith(("hour", "hr", "stunde")):
            s.minutes_ahead = sign * 60 * n  # "vor 2 Stunden" is kept as said, like a past day
            return True
        if unit.startswith(("day", "tag")):
            return s.add_day(pos, today + timedelta(days=sign * n))
        if unit.startswith("fortnight"):
            return s.add_day(pos, today + timedelta(days=sign * 14 * n))
        if unit.startswith(("week", "woche")):
            return s.add_day(pos, today + timedelta(days=sign * 7 * n))
        if unit.startswith(("month", "monat")):
            return s.add_day(pos, add_months(today, sign * n))
        return s.add_day(pos, add_months(today, sign * 12 * n))  # years

    def ahead(m: re.Match[str]) -> bool:
        count, unit = (m.group(1), m.group(2)) if m.group(1) else \
            (m.group(4), m.group(5)) if m.group(4) else (m.group(6), m.group(7))
        n = _count(count)
        if n is None:
            return False
        if m.group(3):  # "3 weeks from tomorrow": counted from tomorrow
            return unit.lower().startswith(("day", "week", "fortnight")) and moved(
                n * (7 if unit.lower().startswith("week") else 14 if unit.lower().startswith("fort") else 1) + 1,
                "days", 1, m.start())
        return moved(n, unit, 1, m.start())

    def ago(m: re.Match[str]) -> bool:
        count, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        n = _count(count)
        return n is not None and moved(n, unit, -1, m.start())

    def from_day(m: re.Match[str]) -> bool:
        if m.group(1):
            n, unit, base = _count(m.group(1)), m.group(2), coming_weekday(today, WEEKDAYS[m.group(3).lower()], False)
        else:
            shift = {"today": 0, "heute": 0, "tomorrow": 1, "morgen": 1, "übermorgen": 2}[m.group(4).lower()]
            n, unit, base = _count(m.group(5)), m.group(6), today + timedelta(days=shift)
        if n is None:
            return False
        return s.add_day(m.start(), base + timedelta(days=n * (7 if unit.lower().startswith(("week", "woche")) else 1)))

    def weekdays_away(m: re.Match[str]) -> bool:
        n = _count(m.group(1))
        if n is None or n < 1:
            return False
        wd = WEEKDAYS[m.group(2).lower()]
        if m.group(3).lower() in ("from now", "from today", "hence"):
            return s.add_day(m.start(), coming_weekday(today, wd, False) + timedelta(days=7 * (n - 1)))
        back = (today.weekday() - wd) % 7 or 7
        return s.add_day(m.start(), today - timedelta(days=back + 7 * (n - 1)))

    def weekday_weeks(m: re.Match[str]) -> bool:
        wd = WEEKDAYS[(m.group(1) or m.group(7)).lower()]
        n = _count(m.group(3) or m.group(4) or m.group(6))
        if n is None:
            return False
        if (m.group(2) or "").lower() == "vor" or (m.group(5) or "").lower() == "ago":
            back = (today.weekday() - wd) % 7 or 7
            return s.add_day(m.start(), today - timedelta(days=back + 7 * (n - 1)))
        return s.add_day(m.start(), coming_weekday(today, wd, False) + timedelta(days=7 * n))

    def last_weekday(m: re.Match[str]) -> bool:
        if m.group(1):
            wd = WEEKDAYS[m.group(1).lower()]
            back = (today.weekday() - wd) % 7 or 7
            return s.add_day(m.start(), today - timedelta(days=back))
        wd = WEEKDAYS[(m.group(2) or m.group(3)).lower()]
        return s.add_day(m.start(), week_monday(today) - timedelta(days=7) + timedelta(days=wd))

    def before_yesterday(m: re.Match[str]) -> bool:
        return s.add_day(m.start(), today - timedelta(days=3 if m.group(1) else 2))

    handlers = (fraction, from_day, weekdays_away, weekday_weeks, ahead, ago, last_weekday, before_yesterday)
    patterns = (FRACTION_OF_HOUR, FROM_DAY, WEEKDAYS_AWAY, WEEKDAY_WEEKS, AHEAD, AGO, LAST_WEEKDAY, BEFORE_YESTERDAY)
    for needed, rx, handler in zip(run, patterns, handlers):
        if needed:
            s.take(rx, handler)
