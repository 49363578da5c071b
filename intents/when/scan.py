"""The scan of one message: the days, ranges, clock times and parts of the day found so far.

Each pass masks the words it took, so a later, looser pass cannot read them again ("7th of
March" is not also "the 7th").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date
from typing import Callable

from .vocabulary import MASK, Lazy, case_sensitive, plain


@dataclass
class Day:
    pos: int
    day: Date
    part: str | None = None  # a part of day carried by the word itself ("tonight", "morgen früh")
    exact: bool = False  # said as a calendar date ("the 6th", "7.3."), not a weekday or "tomorrow"
    weekday: bool = False  # said as a weekday ("Tuesday"), which a week said with it may place


@dataclass
class Days:
    pos: int
    first: Date
    last: Date  # inclusive
    weekdays: bool = False  # from two weekdays said together ("Monday or Tuesday"), which a week said with them places


@dataclass
class Clock:
    pos: int
    end: int
    hour: int
    minute: int
    meridiem: str | None  # "am" | "pm" | None
    exact24: bool  # written so that it cannot be a 12-hour time ("14:00", "09:30", "14 Uhr")
    relation: str = "at"  # "at" | "after" | "before"


@dataclass
class Part:
    pos: int
    name: str


class Scan:
    """One pass over a message: finds the mentions and masks what it has read."""

    def __init__(self, text: str, today: Date, lang: str | None):
        self.w = text
        self.today = today
        self.lang = lang
        self.days: list[Day] = []
        self.ranges: list[Days] = []
        self.clocks: list[Clock] = []
        self.parts: list[Part] = []
        self.minutes_ahead: int | None = None
        self.minutes_long: int | None = None  # "for 30 minutes": how long, from the clock time said
        self.exact_pass = False  # set while the calendar-date pass runs
        self.moving = False  # the message moves an appointment: "from 2 to 4" is where it is and where it goes
        self.workdays: int | None = None  # where "on weekdays" was said: the days of a period are Monday to Friday
        self.no_such_day: str | None = None  # a date said that no calendar has ("the 31st of February")
        self.plain = plain(text)  # no capitals: the passes may use their faster case-sensitive patterns

    def take(self, rx: re.Pattern[str] | Lazy, fn: Callable[[re.Match[str]], bool | None]) -> None:
        """Run `fn` on every match; mask the match when `fn` accepts it."""
        if self.plain:  # masking keeps the text plain: the mask is all it writes
            rx = case_sensitive(rx)
        spans = []
        for m in rx.finditer(self.w):
            if fn(m) is not False:
                spans.append(m.span())
        if spans:
            chars = list(self.w)
            for a, b in spans:
                chars[a:b] = MASK * (b - a)
            self.w = "".join(chars)

    def add_date(self, m: re.Match[str], d: Date | None) -> bool:
        """A calendar date said with its month: the day, or, where that month has no such day ("February 30",
        "31.4."), the words kept to be asked about (and taken, so no looser pass reads "the 31st" alone)."""
        if d is None:
            self.no_such_day = self.no_such_day or m.group(0).strip(" ,.")
            return True
        return self.add_day(m.start(), d)

    def add_day(self, pos: int, d: Date | None, part: str | None = None, *, weekday: bool = False) -> bool:
        if d is None:
            return False
        self.days.append(Day(pos, d, part, exact=self.exact_pass, weekday=weekday))
        return True
