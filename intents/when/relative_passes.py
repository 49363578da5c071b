"""Passes that find days said relative to today: "tomorrow", "heute abend", "in 3 days",
"next Friday", "Dienstag in zwei Wochen".
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from ..lexicon import WEEKDAYS
from .date_patterns import IN_N, NEXT_DAYS, RELATIVE_WORDS, THIS_TIME, WEEK_WEEKDAY, WEEKDAY_RELATIVE
from .dates import add_months, coming_weekday, week_monday
from .scan import Clock, Days, Scan
from .vocabulary import PART_WORDS, WEEKDAY, lazy_rx, number


# the words IN_N needs (a unit) and RELATIVE_WORDS needs (a day word): most messages have neither
IN_N_UNITS = frozenset("""
day days week weeks fortnight month months hour hours min mins minute minutes tag tagen woche wochen monat monaten
stunde stunden minuten
""".split())
DAY_WORDS = frozenset("""
tomorrow overmorrow übermorgen ueber uebermorgen heute heut today morgen tonight yesterday gestern now jetzt sofort
asap possible möglich schnellstmöglich
""".split())
THIS_PARTS = frozenset("morning evening afternoon arvo".split())
NEXT_WORDS = frozenset("next coming nächsten naechsten kommenden".split())


def read_relative_days(s: Scan, words: frozenset[str] | set[str] | None = None, soon: bool = True) -> None:
    """"tomorrow", "in 3 days", "heute abend"; `words` (the message's) skips the patterns it cannot match."""
    today = s.today

    def relative(m: re.Match[str]) -> bool:
        t = m.group(0).lower()
        pos = m.start()
        part = None
        for word, name in PART_WORDS.items():
            if t.endswith(word):
                part = name
                break
        if "tonight" in t or "heute abend" in t or "heut abend" in t or "heute nacht" in t or "this evening" in t:
            return s.add_day(pos, today, "evening")
        if "after tomorrow" in t or "morrow" in t and "over" in t or "übermorgen" in t or "ueber" in t:
            return s.add_day(pos, today + timedelta(days=2))
        if t.startswith(("heute", "today", "this")) and part:
            return s.add_day(pos, today, part)
        if t.startswith(("morgen", "tomorrow")):
            return s.add_day(pos, today + timedelta(days=1), part)
        if t in ("today", "later today", "heute", "heut"):
            return s.add_day(pos, today)
        if t in ("yesterday", "gestern"):
            # a past day is still what was said: the dialogue answers that it has passed
            return s.add_day(pos, today - timedelta(days=1))
        if "possible" in t or "möglich" in t or t == "asap":
            # "as soon as possible": the coming week, so the earliest free times can be offered
            s.ranges.append(Days(pos, today, today + timedelta(days=6)))
        return True  # now: no particular day

    def in_n(m: re.Match[str]) -> bool:
        t = m.group(0).lower()
        if "tomorrow" in t or "morgen" in t:  # "tomorrow week", "a week tomorrow": a week from tomorrow
            return s.add_day(m.start(), today + timedelta(days=8))
        if "today" in t or "heute" in t:
            return s.add_day(m.start(), today + timedelta(days=7))
        count_txt = m.group(1) or m.group(3)
        unit = (m.group(2) or m.group(4) or "").lower()
        if count_txt is None:
            n = 1
        elif count_txt.strip().lower() in ("a couple of", "couple", "paar", "ein paar"):
            n = 2
        elif count_txt.strip().lower() == "a few":
            n = 3
        else:
            n = number(count_txt) if count_txt.lower() not in ("a", "an") else 1
        if n is None:
            return False
        if unit.startswith(("hour", "stunde")):
            s.minutes_ahead = 60 * n
            return True
        if unit.startswith(("min",)):
            s.minutes_ahead = n
            return True
        if unit.startswith(("fortnight",)):
            return s.add_day(m.start(), today + timedelta(days=14 * n))
        if unit.startswith(("week", "woche")):
            return s.add_day(m.start(), today + timedelta(days=7 * n))
        if unit.startswith(("month", "monat")):
            return s.add_day(m.start(), add_months(today, n))
        return s.add_day(m.start(), today + timedelta(days=n))

    def next_days(m: re.Match[str]) -> bool:
        said = (m.group("n") or m.group("n2") or "").lower()
        unit = (m.group("unit") or m.group("unit2")).lower()
        n = {"": 0, "couple of": 2, "few": 3, "paar": 3}.get(said)
        n = n if n is not None else number(said)
        if n is None:
            return False
        days = (7 * (n or 1)) if unit.startswith(("week", "woche")) else (n or 3)
        s.ranges.append(Days(m.start(), today, today + timedelta(days=days)))
        return True

    if words is None or not words.isdisjoint(IN_N_UNITS):
        if not words or not words.isdisjoint(NEXT_WORDS):
            s.take(NEXT_DAYS, next_days)  # first: "within the next week" is not next week, "the next 3 days" no day
        s.take(IN_N, in_n)  # first: "a week from today" must not leave "today" for the plain words
    if words is None or soon or not words.isdisjoint(DAY_WORDS) or (
            "this" in words and not words.isdisjoint(THIS_PARTS)):
        s.take(RELATIVE_WORDS, relative)


def read_this_time(s: Scan, now: datetime) -> None:
    """"this time tomorrow", "nächste Woche um diese Zeit": that day, at the clock time it is now (to 5 minutes)."""
    def this_time(m: re.Match[str]) -> bool:
        which = (m.group("a") or m.group("b")).lower()
        days = 1 if which in ("tomorrow", "morgen") else 7
        s.add_day(m.start(), s.today + timedelta(days=days))
        s.clocks.append(Clock(m.start(), m.end(), now.hour, now.minute - now.minute % 5, None, True))
        return True

    s.take(THIS_TIME, this_time)


def read_weekdays(s: Scan) -> None:
    today = s.today

    def resolve(pos: int, wd_txt: str, lead: str, week: str) -> bool:
        wd = WEEKDAYS[wd_txt.lower()]
        lead = (lead or "").lower()
        week = (week or "").lower()
        if week in ("next week", "the following week", "nächste woche", "naechste woche", "nächster woche",
                    "kommende woche", "kommender woche", "nächsten woche", "naechsten woche", "kommenden woche"):
            d = week_monday(today) + timedelta(days=7 + wd)
        elif week in ("this week", "diese woche", "dieser woche"):
            d = week_monday(today) + timedelta(days=wd)  # that week's, also when it has passed
        elif week in ("week", "in a week", "in einer woche", "after next", "the week after", "week after next"):
            d = coming_weekday(today, wd, False) + timedelta(days=7)
        elif week in ("in zwei wochen", "in 2 wochen", "in two weeks", "in 2 weeks"):
            d = coming_weekday(today, wd, False) + timedelta(days=14)
        elif lead.startswith(("übernächst", "uebernächst", "a week")):  # "a week on Friday": the Friday after next
            d = coming_weekday(today, wd, False) + timedelta(days=7)
        elif lead in ("this", "diesen", "dieser", "diese", "this coming"):
            d = coming_weekday(today, wd, True)
        else:
            # bare, "on", "next", "coming", "nächsten": the first such day after today
            d = coming_weekday(today, wd, False)
        return s.add_day(pos, d, weekday=not week and lead in ("", "on", "am"))

    s.take(WEEK_WEEKDAY, lambda m: resolve(m.start(), m.group(2), "", m.group(1)))
    s.take(WEEKDAY_RELATIVE, lambda m: resolve(m.start(), m.group(2), m.group(1), m.group(3)))


# "Friday 18", "the one on Friday 18": a weekday and a number that can be no 12-hour time, which a later such
# weekday is the date of
WEEKDAY_AND_DAY = lazy_rx(rf"\b(?P<wd>{WEEKDAY}),?\s+(?:the\s+|den\s+)?(?P<d>1[3-9]|2\d|3[01])(?:st|nd|rd|th|\.)?"
                          r"(?![\d:.]|\s*(?:am|pm|a\.m|p\.m|uhr|h\b|o'?clock|hours?|minutes?|mins?|stunden?|minuten?))")
AHEAD_WEEKS = 9  # weekdays looked at for the date: about two months


def read_weekday_and_day(s: Scan) -> None:
    """ "Friday 18" when the 18th is a Friday after the coming one: that date, not 18:00 on the coming Friday (said
    of the coming Friday itself, or of no Friday at all, the number stays for the clock passes)."""
    def dated(m: re.Match[str]) -> bool:
        wd, day = WEEKDAYS[m.group("wd").lower()], int(m.group("d"))
        first = coming_weekday(s.today, wd, True)
        for weeks in range(1, AHEAD_WEEKS):
            d = first + timedelta(days=7 * weeks)
            if d.day == day:
                s.exact_pass = True
                taken = s.add_day(m.start(), d)
                s.exact_pass = False
                return taken
        return False

    s.take(WEEKDAY_AND_DAY, dated)

