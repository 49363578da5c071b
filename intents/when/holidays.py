"""Holidays people name instead of a date, in English and German: fixed days ("Halloween",
"Tag der Deutschen Einheit"), days counted from Easter ("Karfreitag", "Pentecost") and US days
counted by weekday ("Thanksgiving" is the fourth Thursday of November).
"""

from __future__ import annotations

import re
from datetime import date as Date
from datetime import timedelta
from typing import Callable

from .dates import nth_weekday
from .vocabulary import lazy_rx


def easter(year: int) -> Date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month, day = divmod(h + ll - 7 * m + 114, 31)
    return Date(year, month, day + 1)


def _fixed(month: int, day: int) -> Callable[[int], Date]:
    return lambda year: Date(year, month, day)


def _from_easter(days: int) -> Callable[[int], Date]:
    return lambda year: easter(year) + timedelta(days=days)


def _nth(month: int, weekday: int, n: int, shift: int = 0) -> Callable[[int], Date]:
    return lambda year: nth_weekday(year, month, weekday, n) + timedelta(days=shift)


def _advent(n: int) -> Callable[[int], Date]:
    """The n-th Sunday of Advent: the fourth is the last Sunday before Christmas Day."""
    def day(year: int) -> Date:
        christmas = Date(year, 12, 25)
        fourth = christmas - timedelta(days=(christmas.weekday() - 6) % 7 or 7)
        return fourth - timedelta(days=7 * (4 - n))
    return day


# name pattern (on the normalised text, where "thu" is already "thursday") -> the day in a given year
_DAYS: list[tuple[str, Callable[[int], Date]]] = [
    (r"christmas eve(?:ning)?|heilig(?:er)? ?abend", _fixed(12, 24)),
    (r"boxing day|(?:zweiter|2\.) weihnachts(?:feier)?tag|stephanstag", _fixed(12, 26)),
    (r"christmas(?: day)?|xmas|weihnachten|(?:erster|1\.) weihnachts(?:feier)?tag|weihnachts(?:feier)?tag",
     _fixed(12, 25)),
    (r"new year'?s eve(?:ning)?|new years eve(?:ning)?|silvester", _fixed(12, 31)),
    (r"new year'?s(?: day)?|new years(?: day)?|new year|neujahr(?:stag)?", _fixed(1, 1)),
    (r"valentine'?s?(?: day)?|valentinstag", _fixed(2, 14)),
    (r"(?:st\.?|saint) (?:patrick|paddy)'?s?(?: day)?", _fixed(3, 17)),
    (r"halloween", _fixed(10, 31)),
    (r"all saints'?(?: day)?|allerheiligen", _fixed(11, 1)),
    (r"world vegan day", _fixed(11, 1)),
    (r"tag der deutschen einheit", _fixed(10, 3)),
    (r"nikolaus(?:tag)?|st\.? nicholas'? day", _fixed(12, 6)),
    (r"reformationstag|reformation day", _fixed(10, 31)),
    (r"heilige drei könige|heilige drei koenige|dreikönigstag|epiphany", _fixed(1, 6)),
    (r"mariä himmelfahrt|maria himmelfahrt|assumption day", _fixed(8, 15)),
    (r"(?:1\.|erste[rn]?|first) advent(?:ssonntag)?|advent sunday", _advent(1)),
    (r"(?:2\.|zweite[rn]?|second) advent(?:ssonntag)?", _advent(2)),
    (r"(?:3\.|dritte[rn]?|third) advent(?:ssonntag)?", _advent(3)),
    (r"(?:4\.|vierte[rn]?|fourth) advent(?:ssonntag)?", _advent(4)),
    (r"independence day", _fixed(7, 4)),
    (r"tag der arbeit|maifeiertag", _fixed(5, 1)),
    # counted from Easter
    (r"easter monday|easter mon|ostermontag", _from_easter(1)),
    (r"easter(?: sunday)?|ostersonntag|ostern", _from_easter(0)),
    (r"good friday|holy friday|karfreitag|stiller freitag|hoher freitag", _from_easter(-2)),
    (r"holy saturday|easter saturday|karsamstag|karsonnabend|stiller samstag", _from_easter(-1)),
    (r"maundy thursday|holy thursday|covenant thursday|thursday of mysteries|gründonnerstag|gruendonnerstag"
     r"|hoher donnerstag|heiliger donnerstag|weißer donnerstag|weisser donnerstag|palmdonnerstag", _from_easter(-3)),
    (r"palm sunday|branch sunday|palmsonntag", _from_easter(-7)),
    (r"ash wednesday|aschermittwoch|aschertag|aschetag", _from_easter(-46)),
    (r"mardi gras|pancake day|shrove tuesday|fat tuesday|fastnachtsdienstag|faschingsdienstag|veilchendienstag",
     _from_easter(-47)),
    (r"rosenmontag", _from_easter(-48)),
    (r"ascension(?: day| thursday)?|(?:christi )?himmelfahrt(?:stag)?", _from_easter(39)),
    (r"whit ?monday|monday of the holy spirit|pentecost monday|pentecost montag|pfingstmontag", _from_easter(50)),
    (r"pentecost|whit ?sunday|white sunday|pfingsten|pfingstsonntag", _from_easter(49)),
    (r"trinity sunday|dreifaltigkeitssonntag|dreifaltigkeitsfest|trinitatis", _from_easter(56)),
    (r"corpus christi|fronleichnam", _from_easter(60)),
    # counted by weekday
    (r"black friday", _nth(11, 3, 4, shift=1)),
    (r"thanksgiving(?: day)?", _nth(11, 3, 4)),
    (r"(?:martin luther king'?s?(?: jr\.?)?|mlk(?: jr\.?)?)(?: day)?", _nth(1, 0, 3)),
    (r"presidents'? day|washington'?s birthday", _nth(2, 0, 3)),
    (r"memorial day", _nth(5, 0, -1)),
    (r"labou?r day", _nth(9, 0, 1)),
    (r"mother'?s day|muttertag", _nth(5, 6, 2)),
    (r"father'?s day", _nth(6, 6, 3)),
]
_NAMES: list[tuple[re.Pattern[str], Callable[[int], Date]]] = []  # compiled on first use
# a holiday, with what says which year: "next easter", "Pfingsten 2018", "thanksgiving of next year"
HOLIDAY = lazy_rx(
    r"\b(?:(this|next|last|coming|the next|the last|previous|nächste[ns]?|naechste[ns]?|kommende[ns]?|letzte[ns]?|diese[ns]?)\s+)?"
    r"(" + "|".join(p for p, _ in _DAYS) + r")(?![\w'])"
    r"(?:\s*,?\s*(?:(?:of\s+|in\s+)?(this|next|last) year|(\d{4})\b))?")
# Words that make the pass worth running: one that names a holiday on its own ("Easter", "Pfingsten"), or
# a common first word ("good", "black", "new") together with the word that ends the name ("Friday", "day").
STRONG = frozenset("""
christmas xmas weihnachten heiligabend weihnachtstag weihnachtsfeiertag silvester neujahr neujahrstag valentine
valentine's valentines valentinstag patrick patrick's patricks paddy paddy's paddys halloween allerheiligen einheit
nikolaus nikolaustag easter ostermontag ostersonntag ostern karfreitag karsamstag karsonnabend maundy gründonnerstag
gruendonnerstag palmdonnerstag palmsonntag aschermittwoch aschertag aschetag mardi pancake shrove fastnachtsdienstag
faschingsdienstag veilchendienstag rosenmontag ascension himmelfahrt himmelfahrtstag whitmonday whitsunday pentecost
pfingstmontag pfingsten pfingstsonntag trinity dreifaltigkeitssonntag dreifaltigkeitsfest trinitatis corpus
fronleichnam thanksgiving mlk muttertag boxing maifeiertag stephanstag reformationstag epiphany dreikönigstag
advent adventssonntag
""".split())
WEAK = frozenset("""
new good holy black white palm branch ash fat covenant mysteries stiller hoher heiliger heilig weißer weisser whit
spirit all saints world vegan independence arbeit memorial labor labour mother's mothers father's fathers presidents
washington's luther st saint nicholas reformation drei mariä maria assumption
""".split())
TAILS = frozenset("""
day year years eve evening monday tuesday wednesday thursday friday saturday sunday montag dienstag mittwoch
donnerstag freitag samstag sonntag abend tag spirit mysteries könige koenige himmelfahrt
""".split())


def holiday_day(name: str, lead: str | None, which_year: str | None, year: str | None, today: Date) -> Date | None:
    """The day a holiday name means: the year said, else the coming one (the last one after "last")."""
    if not _NAMES:
        _NAMES.extend((re.compile(pattern), day) for pattern, day in _DAYS)
    day_of = next((fn for rx, fn in _NAMES if rx.fullmatch(name.lower())), None)
    if day_of is None:
        return None
    if year:
        return day_of(int(year))
    if which_year:
        return day_of(today.year + {"this": 0, "next": 1, "last": -1}[which_year])
    lead = (lead or "").lower()
    if lead in ("last", "the last", "previous", "letzte", "letzten", "letztes"):
        d = day_of(today.year)
        return d if d < today else day_of(today.year - 1)
    d = day_of(today.year)
    return d if d >= today else day_of(today.year + 1)
