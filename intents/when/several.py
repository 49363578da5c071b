"""More days said in one breath, each for an appointment of its own: "Monday and Wednesday at 3", "Friday at 10 and
Saturday at 2", "next Friday and the Friday after", "Montag um 10 und Mittwoch um 15 Uhr".

The first day is the reading's own (`combine`); the others come as `When.also`, in the order said, each with its
time: the one said with it, or the one time said for them all. Only days listed with "and" count ("Monday or
Wednesday" is a choice, "between Monday and Wednesday" a period, both joined earlier), and only when every time
said can be placed: two times for three days, or "after 3", leave the list out rather than guess.
"""

from __future__ import annotations

import re
from datetime import date as Date
from datetime import time as Time
from datetime import timedelta

from .combine import hour24, relations
from .result import When
from .scan import Day, Scan
from .vocabulary import MASK

MOST = 3
"""Days besides the first, at most: a longer list is not a few appointments but a series, which the chat does not
book."""

# what may stand between two days of a list, in the masked text: the first day's own words and time ("§§§ at §§"),
# then a comma or "and", then the next day's lead words ("and also on the", "und am")
_GAP = re.compile(
    rf"^{MASK}+(?:\s+(?:at|um|@|around|gegen)?\s*{MASK}+)*\s*"
    r"(?P<join>,|,?\s*(?:and|und|&|as well as|sowie|plus))\s*"
    r"(?:(?:also|auch|then|dann|again|nochmal|noch einmal)\s+)?(?:(?:on|am|for|für)\s+)?(?:(?:the|den)\s+)?$")
# "the Friday after", "den Freitag danach": the same weekday a week on from the day before it in the list
_AFTER = re.compile(rf"^{MASK}+\s*(?:after|afterwards|after that|danach|darauf)\b")


def also(s: Scan, text: str, found: When, hours: tuple[int, int] | None) -> tuple[tuple[Date, Time | None], ...]:
    """The other days of a list whose first day `found` is, with their times; () when there is no such list."""
    days = sorted(s.days, key=lambda d: d.pos)
    if found.date is None or len(days) < 2 or len(days) > MOST + 1 or s.ranges or days[0].day != found.date:
        return ()
    if any(d.part for d in days) or (found.start is not None and found.time is None):
        return ()  # "Monday morning and Wednesday": a period each, which the list does not carry
    joins = []
    for a, b in zip(days, days[1:]):
        gap = _GAP.match(s.w[a.pos:b.pos])
        if gap is None:
            return ()
        joins.append(gap.group("join").strip())
    if not any(j != "," for j in joins):
        return ()  # "Friday, the 18th": one day said twice, not a list
    times = _times(s, text, days, found, hours)
    if times is None or times[0] != found.time:
        return ()
    listed: list[tuple[Date, Time | None]] = []
    previous = days[0].day
    for day, at in zip(days[1:], times[1:]):
        when = day.day
        if day.weekday and when <= previous:  # "Friday and Monday", "Friday and the Friday after": the one after
            when += timedelta(days=7 * ((previous - when).days // 7 + 1))
        elif _AFTER.match(s.w, day.pos) and day.weekday:
            when = previous + timedelta(days=(when.weekday() - previous.weekday()) % 7 or 7)
        listed.append((when, at))
        previous = when
    return tuple(listed)


def _times(s: Scan, text: str, days: list[Day], found: When, hours: tuple[int, int] | None
           ) -> list[Time | None] | None:
    """Each day's time: none said, one for all (after the last day, or the first's), or one after each day."""
    pairs = relations(s, text)
    if any(kind != "at" for kind, _, _ in pairs):
        return None  # "after 3", "between 2 and 4": a period, which the list does not carry
    clocks = [c for _, c, _ in pairs]
    if not clocks:
        return [None] * len(days)
    if len(clocks) == 1:
        return [found.time] * len(days)
    if len(clocks) != len(days):
        return None
    ends = [d.pos for d in days[1:]] + [len(s.w)]
    if any(not (day.pos < c.pos < end) for day, c, end in zip(days, clocks, ends)):
        return None
    return [Time(hour24(c, None, hours) % 24, c.minute) for c in clocks]
