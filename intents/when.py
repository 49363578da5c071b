"""Dates, times and periods in English and German text, resolved against a local `now`.

The resolver works on the normalised text in passes, most specific first; each pass masks what it
took so a later, looser pass cannot read the same words again ("7th of March" is not also "the 7th",
"viertel nach drei" is not also "nach drei"). Everything resolves into the future: a weekday is the
coming one, a date already past this year is next year's.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime, timedelta, timezone
from datetime import time as Time
from typing import Callable

from .lexicon import (
    DE_MONTHS, DE_ORDINAL_WORDS, EN_MONTHS, NUMBER_WORDS, ORDINAL_WORDS, WEEKDAYS, alternation,
)

# --- result types ------------------------------------------------------------------------------


@dataclass(frozen=True)
class When:
    """What the text says about time: a point (date and/or time) and/or a period [start, end)."""

    date: Date | None = None
    time: Time | None = None
    start: datetime | None = None
    end: datetime | None = None


NOTHING = When()


@dataclass
class _Day:
    pos: int
    day: Date
    part: str | None = None  # a part of day carried by the word itself ("tonight", "morgen früh")
    exact: bool = False  # said as a calendar date ("the 6th", "7.3."), not a weekday or "tomorrow"


@dataclass
class _Days:
    pos: int
    first: Date
    last: Date  # inclusive


@dataclass
class _Clock:
    pos: int
    end: int
    hour: int
    minute: int
    meridiem: str | None  # "am" | "pm" | None
    exact24: bool  # written so that it cannot be a 12-hour time ("14:00", "09:30", "14 Uhr")
    relation: str = "at"  # "at" | "after" | "before"


@dataclass
class _Part:
    pos: int
    name: str


PARTS: dict[str, tuple[int, int]] = {  # hours [from, to) of each part of the day
    "morning": (8, 12), "noon": (11, 14), "afternoon": (12, 17), "evening": (17, 21), "night": (19, 24),
}
_PM_PARTS = {"afternoon", "evening", "night"}

# --- pattern pieces ----------------------------------------------------------------------------

_MONTHS: dict[str, int] = {**EN_MONTHS, **DE_MONTHS}
_MONTH = alternation(_MONTHS)
_WEEKDAY = alternation(WEEKDAYS)
_NUMW = alternation(NUMBER_WORDS)
_ORDW = alternation(ORDINAL_WORDS)
_H = r"(?:[01]?\d|2[0-4])"
_HOUR = rf"(?:{_H}|{_NUMW})"
_AMPM = (r"(?:a\.\s?m\.?|p\.\s?m\.?|pm\b|am\b(?!\s+(?:" + _WEEKDAY +
         r"|\d|ende|wochenende|nachmittag|vormittag|abend|morgen|mittag|dem|den|tag|sonntag)))")
_ORD_SUFFIX = r"(?:st|nd|rd|th|ten|sten|ter)"
_DAYNUM = rf"(?:(?:[0-2]?\d|3[01]){_ORD_SUFFIX}?|{_ORDW})"

_PART_WORDS = {
    "morning": "morning", "mornings": "morning", "morgens": "morning", "vormittag": "morning",
    "vormittags": "morning", "früh": "morning", "frueh": "morning", "fruh": "morning",
    "afternoon": "afternoon", "afternoons": "afternoon", "nachmittag": "afternoon", "nachmittags": "afternoon",
    "evening": "evening", "evenings": "evening", "abend": "evening", "abends": "evening",
    "night": "night", "nacht": "night", "nachts": "night",
    "noon": "noon", "lunch": "noon", "lunchtime": "noon", "mittag": "noon", "mittags": "noon",
    "mittagszeit": "noon", "mittagspause": "noon",
}
_PART = alternation(_PART_WORDS)

# How a clock time relates to what the user wants, read from the words just before it.
_AFTER = r"(?:after|later than|no earlier than|not before|from|starting(?: at)?|anytime after|any time after|ab|nach|später als|frühestens|fruehestens|fruhestens|nicht vor|von)"
_BEFORE = r"(?:before|until|till|til|by|no later than|not after|earlier than|latest|at the latest|bis|vor|spätestens|spaetestens|spatestens|nicht nach|früher als)"
_AT = r"(?:at|@|um|gegen|around|about|approx\.?|approximately|circa|ca\.?|for|like|maybe|say|sometime around|so um|so gegen|etwa)"

_MASK = "§"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# --- small helpers -----------------------------------------------------------------------------


def _num(token: str) -> int | None:
    token = token.strip().rstrip(".").lower()
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token)


def _ordinal(token: str) -> int | None:
    token = token.strip().rstrip(".").lower()
    if token in ORDINAL_WORDS:
        return ORDINAL_WORDS[token]
    m = re.match(r"(\d{1,2})", token)
    return int(m.group(1)) if m else None


def _safe_date(year: int, month: int, day: int) -> Date | None:
    try:
        return Date(year, month, day)
    except ValueError:
        return None


def _future_day_month(today: Date, month: int, day: int) -> Date | None:
    """Day and month without a year: this year's if not past, else the next year that has it."""
    for year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        d = _safe_date(year, month, day)
        if d is not None and d >= today:
            return d
    return None


def _future_day_of_month(today: Date, day: int) -> Date | None:
    """'the 14th': this month's if not past, else the next month that has that day."""
    year, month = today.year, today.month
    for _ in range(13):
        d = _safe_date(year, month, day)
        if d is not None and d >= today:
            return d
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return None


def _add_months(d: Date, months: int) -> Date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return Date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _month_last(d: Date) -> Date:
    return Date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def _coming_weekday(today: Date, weekday: int, include_today: bool) -> Date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and not include_today:
        ahead = 7
    return today + timedelta(days=ahead)


def _week_monday(d: Date) -> Date:
    return d - timedelta(days=d.weekday())


def _year(text: str | None, default: int) -> int:
    if not text:
        return default
    y = int(text)
    return y + 2000 if y < 100 else y


# --- the scanner -------------------------------------------------------------------------------


class _Scan:
    """One pass over a message: finds the mentions and masks what it has read."""

    def __init__(self, text: str, today: Date, lang: str | None):
        self.w = text
        self.today = today
        self.lang = lang
        self.days: list[_Day] = []
        self.ranges: list[_Days] = []
        self.clocks: list[_Clock] = []
        self.parts: list[_Part] = []
        self.minutes_ahead: int | None = None
        self.exact_pass = False  # set while the calendar-date pass runs

    def take(self, rx: re.Pattern[str], fn: Callable[[re.Match[str]], bool | None]) -> None:
        """Run `fn` on every match; mask the match when `fn` accepts it."""
        spans = []
        for m in rx.finditer(self.w):
            if fn(m) is not False:
                spans.append(m.span())
        if spans:
            chars = list(self.w)
            for a, b in spans:
                chars[a:b] = _MASK * (b - a)
            self.w = "".join(chars)

    def add_day(self, pos: int, d: Date | None, part: str | None = None) -> bool:
        if d is None:
            return False
        self.days.append(_Day(pos, d, part, exact=self.exact_pass))
        return True


# Noise that looks like a date or time but is not one ("that's all today", "24/7", "2 people").
_NOISE = _rx(r"\b(?:(?:that'?s|that is|is|be|for) all(?: for)? today|all for today|for (?:your |the )?help today"
             r"|help (?:me )?today|24/7|24 ?h\b|365 days|guten morgen|good morning|good afternoon|good evening"
             r"|good night|gute nacht|guten abend|guten tag|schönen (?:tag|abend)|nice (?:day|evening)"
             r"|have a (?:good|great|nice|lovely) (?:day|evening|night|weekend|one)|schönes wochenende"
             r"|nice weekend|good weekend|in a minute|in einer minute|one moment|einen moment"
             r"|(?:this|that|the) one|(?:first|second|third) (?:one|option)"
             r"|\d+\s*(?:people|persons|personen|leute|kids|kinder|children|years?|jahre?n?|euros?|dollars?|bucks)\b)")

# Absolute dates
_ISO = _rx(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DOTTED_FULL = _rx(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})?(?![\d:])")
_DOTTED_ON = _rx(r"\b(?:am|den|on|vom|zum|ab|bis|für|fuer|for)\s+(\d{1,2})\.(\d{1,2})\b(?![.:]?\d)(?!\s*uhr)")
_SLASHED = _rx(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])")
_DAY_RANGE = _rx(
    rf"\b(?:between|from|zwischen dem|zwischen|vom|von)\s+(?:the\s+|dem\s+)?({_DAYNUM})\.?"
    rf"(?:\s+(?:of\s+)?({_MONTH})\.?)?\s*(?:and|to|till|until|through|thru|-|bis(?: zum)?|und dem|und)\s+"
    rf"(?:the\s+|dem\s+)?({_DAYNUM})\.?(?:\s+(?:of\s+)?({_MONTH})\b)?")
_WEEKDAY_RANGE = _rx(
    rf"\b(?:between|from|zwischen|von)\s+({_WEEKDAY})\s+(?:and|to|till|until|through|thru|-|bis|und)\s+({_WEEKDAY})\b")
_DAY_MONTH = _rx(
    rf"\b(?:the\s+|am\s+|den\s+|dem\s+)?({_DAYNUM})\.?\s*(?:of\s+|-)?({_MONTH})\b\.?(?:,?\s*(\d{{4}}))?")
_MONTH_DAY = _rx(
    rf"\b({_MONTH})\.?\s*(?:the\s+)?({_DAYNUM})(?![:\d])(?!\s*(?:{_AMPM}|uhr|o'?clock|h\b|hours?|mins?|minutes?))"
    rf"(?:,?\s*(\d{{4}}))?\b")
_OF_MONTH = _rx(
    rf"\b(?:the\s+|am\s+|den\s+)?({_DAYNUM})\.?\s+(?:of\s+)?(this|the|next|the next|coming|dieses|des|nächsten|naechsten|kommenden)\s+"
    rf"(?:month|monats)\b")
_ORDINAL_DAY = _rx(rf"\b(?:on|for|by|until|till|from)\s+the\s+({_ORDW})\b(?!\s*(?:one|option|choice|slot|time|of|floor))"
                   rf"|\b(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)\b(?!\s*(?:one|option|choice|slot|time|floor))")
_DE_DAY = _rx(r"\b(?:am|den|zum|bis zum|ab dem|ab|vom)\s+(\d{1,2})\.(?!\d)(?!\s*(?:uhr|\d))")

# Relative days
_REL_WORDS = _rx(
    r"\b(?:the\s+)?day after tomorrow\b|\bovermorrow\b|\bübermorgen\b|\bueber ?morgen\b"
    r"|\b(?:heute|today)\s+(?:morgen|früh|frueh|morning)\b|\bthis morning\b"
    r"|\bmorgen\s+(?:früh|frueh|fruh|vormittag|nachmittag|abend|mittag)\b"
    r"|\b(?:tomorrow|morgen)\s+(?:morning|afternoon|evening|night)\b"
    r"|\b(?:tonight|heute\s+abend|heute\s+nacht|this evening|heut abend)\b"
    r"|\b(?:this|today)\s+(?:afternoon|arvo)\b|\bheute\s+(?:nachmittag|mittag|vormittag)\b"
    r"|\b(?:later\s+)?today\b|\bheute\b|\bheut\b|\btomorrow\b|\bmorgen\b(?!s)|\byesterday\b|\bgestern\b"
    r"|\b(?:right )?now\b|\bjetzt\b|\bsofort\b|\basap\b|\bas soon as possible\b|\bso bald wie möglich\b"
    r"|\bschnellstmöglich\b|\bso schnell wie möglich\b|\bnächstmöglich\w*\b")
_IN_N = _rx(
    rf"\b(?:in|within|innerhalb von)\s+(?:a\s+|an\s+|one\s+|einer\s+|einem\s+|1\s+)?(\d{{1,3}}|{_NUMW}|a couple of|a few|couple|paar|ein paar)?\s*"
    r"(days?|weeks?|fortnight|months?|hours?|mins?|minutes?|tag|tagen|woche|wochen|monat|monaten|stunden?|minuten?)\b"
    r"|\b(\d{1,3}|a|an|one|two|three|four|five|six)\s+(days?|weeks?)\s+(?:from\s+(?:now|today)|later)\b"
    r"|\b(?:a\s+)?week\s+(?:from\s+)?today\b|\bheute\s+in\s+(?:einer|1)\s+woche\b")

# Weekdays and weeks
_NEXT = r"(?:next|coming|the coming|the next|upcoming|nächsten|nächster|nächste|naechsten|kommenden|kommender|kommende)"
_THIS = r"(?:this|diesen|dieser|diese|this coming)"
_WEEKDAY_REL = _rx(
    rf"\b(?:(on|am|this|{_THIS}|{_NEXT}|übernächsten|uebernächsten)\s+)?({_WEEKDAY})s?\b"
    rf"(?:\s*,?\s*(?:(?:of|in|der)\s+)?(next week|the week after|the following week|this week|week after next|week|nächste woche"
    rf"|naechste woche|nächster woche|kommende woche|kommender woche|diese woche|dieser woche|in einer woche|in zwei wochen"
    rf"|in 2 wochen|in two weeks|in a week|after next|in 2 weeks)\b)?")
_WEEK_WEEKDAY = _rx(
    rf"\b(next week|nächste woche|naechste woche|kommende woche|this week|diese woche)\s*,?\s*(?:on\s+|am\s+)?({_WEEKDAY})\b")
# "end of March", "early April", "Mitte Mai", "Anfang April"
_MONTH_PART = _rx(rf"\b(end|beginning|start|middle|mid|early|late|ende|anfang|mitte)\s*(?:of\s+|-\s*)?({_MONTH})\b")
_DE_ORD_DATE = _rx(rf"\b({alternation(DE_ORDINAL_WORDS)})\s+({_MONTH})\b")
# Fixed-date holidays people book around ("eve" was already repaired to "evening" by then).
_HOLIDAY_DAYS = [
    ((12, 24), re.compile(r"christmas eve(?:ning)?|heilig(?:er)? ?abend")),
    ((12, 26), re.compile(r"boxing day|(?:zweiter|2\.) weihnachts(?:feier)?tag")),
    ((12, 25), re.compile(r"christmas(?: day)?|xmas|weihnachten|(?:erster|1\.) weihnachts(?:feier)?tag")),
    ((12, 31), re.compile(r"new year'?s eve(?:ning)?|silvester")),
    ((1, 1), re.compile(r"new year'?s(?: day)?|new year|neujahr")),
]
_HOLIDAYS = _rx(r"\b(?:" + "|".join(rx.pattern for _, rx in _HOLIDAY_DAYS) + r")\b")
# "in December", "im Dezember": the whole month (a day in it is read by the date pass first)
_IN_MONTH = _rx(rf"\b(?:in|im|during|for|sometime in|irgendwann im)\s+({_MONTH})\b(?!\s*\d)")
_PERIODS = _rx(
    r"\b(?:the\s+)?(week after next|übernächste woche|uebernächste woche)\b"
    r"|\b(next|this|coming|the|nächste|naechste|kommende|diese|dieser|nächsten|diesen)?\s*(week|woche)\b"
    r"|\b(?:(next|this|coming|nächstes|naechstes|kommendes|dieses|am|übers|ueber(?:s| das)|on the|over the)\s+)?(weekend|wochenende)\b"
    r"|\b(?:(?:at|by|towards|around|to)\s+)?(?:the\s+)?(end|beginning|start|middle|mid)\s+of\s+(?:the\s+|this\s+)?(next\s+)?(month|week)\b"
    r"|\b(ende|anfang|mitte)\s+(?:des\s+|dieses\s+|der\s+)?(nächsten\s+|naechsten\s+|kommenden\s+)?(monats|monat|woche)\b"
    r"|\b(monatsende|monatsanfang|wochenende)\b"
    r"|\b(early|late|later)\s+(next|this)\s+(week|month)\b"
    r"|\b(next|this|nächsten|naechsten|diesen|kommenden)\s+(month|monat)\b")

# Clock times
_RANGE_SEP = r"\s*(?:-|–|to|till|until|and|bis|und|or|oder)\s*"
_CLOCK_CORE = (
    rf"(?:(?P<hm_h>{_H})[:.](?P<hm_m>[0-5]\d)(?:\s*(?P<hm_ap>{_AMPM}))?(?:\s*(?P<hm_uhr>uhr|h\b))?"
    rf"|(?P<hh_h>{_H})h(?P<hh_m>[0-5]\d)\b"
    rf"|(?P<ap_h>{_HOUR})\s*(?P<ap_ap>{_AMPM})"
    rf"|(?P<uhr_h>{_HOUR})\s*uhr(?:\s*(?P<uhr_m>[0-5]\d)\b)?"
    rf"|(?P<h_h>{_H})\s*h\b"
    rf"|(?P<oc_h>{_HOUR})\s*o\s?['\"]?\s?clock\b"
    rf"|\b(?P<noon>noon|midday|mittag|12 mittags|midnight|mitternacht)\b)")
_FRACTION_EN = _rx(
    # "ten to four" is 15:50, but "from 2 to 4" is a range: a bare number counts as minutes only
    # when it is a usual one (5, 10, 20, 25) or says "minutes", and never right after from/between
    rf"(?<!from )(?<!between )\b(?:a\s+)?(quarter|half|twenty[- ]five|twenty|ten|five|5|10|20|25|\d{{1,2}}(?=\s+min))"
    rf"\s+(?:minutes?\s+)?(past|after|to|before|til|till)\s+({_HOUR}|noon|midday)\b"
    rf"|\bhalf\s+({_HOUR})\b(?!\s+(?:an?\s+)?(?:hour|day|stunde))")
_FRACTION_DE = _rx(
    rf"\b(?:(viertel|\d{{1,2}}|fünf|zehn|zwanzig)\s+(?:minuten\s+)?(nach|vor)\s+(halb\s+)?|(halb|viertel|dreiviertel|drei viertel)\s+)({_HOUR})\b(?!\s*(?:tage|tagen|wochen))")
_CLOCK = _rx(rf"(?<![\d.:/])\b(?:{_CLOCK_CORE})(?![\d:])(?!\s*(?:€|eur\b|euro|dollars?|\$|%|stars?|sterne))")
# the other end of a range whose first end is a bare number: "between 2 and 4", "14-16 Uhr"
_RANGE_TAIL = _rx(rf"{_MASK}\s*(?:-|–|to|till|until|and|bis|und)\s*(?P<h>{_H}|{_NUMW})(?::(?P<m>[0-5]\d))?\b(?![.:]\d)"
                  r"(?!\s*(?:st|nd|rd|th|days?|tage|people|personen))")
_RANGE_HEAD = _rx(rf"\b(?P<h>{_H})(?::(?P<m>[0-5]\d))?\s*(?:-|–|bis)\s*{_MASK}")
_TRIGGERED = _rx(
    rf"\b(?P<trig>{_AT}|{_AFTER}|{_BEFORE}|between|zwischen)\s+(?:the\s+|ca\.?\s+)?(?P<h>{_H}|{_NUMW})(?![\d.:/]\d)(?!\.\d)"
    r"(?!\s*(?:st|nd|rd|th|days?|weeks?|tage?n?|wochen?|monate?n?|months?|minutes?|mins?|minuten|hours?|stunden?"
    r"|%|€|\$|x\b|\.\s*(?:[a-zäöü]|\d))|\s*[.]?\s*(?:of|de[sn]?)\s)")
_PART_NUMBER = _rx(
    rf"\b(?P<part>{_PART})\s+(?:at\s+|um\s+|around\s+|gegen\s+)?(?P<h>{_H}|{_NUMW})(?::(?P<m>[0-5]\d))?\b(?![.:]\d)(?!\s*(?:st|nd|rd|th|days?|tage))"
    rf"|\b(?P<h2>{_H}|{_NUMW})(?::(?P<m2>[0-5]\d))?\s+(?:in the|in der|am|at|this|heute|in)?\s*(?P<part2>{_PART})\b")
_AFTER_DATE = _rx(rf"{_MASK}+\s*,?\s*(?:at\s+|um\s+)?(?P<h>{_H})(?::(?P<m>[0-5]\d))?(?![\d.:/])(?!\s*(?:st|nd|rd|th|days?|tage|people|personen))")
_PART_ALONE = _rx(rf"\b(?:in the\s+|am\s+|in der\s+|the\s+|this\s+|at\s+|zur\s+)?({_PART})\b")
_BARE_TIME = _rx(rf"^\s*(?:{_AT}\s+)?(?P<h>{_H}|{_NUMW})(?::(?P<m>[0-5]\d))?\s*[.!?]*\s*$")
_REL_BEFORE = re.compile(rf"(?:^|\s)(?P<rel>{_AFTER}|{_BEFORE}|between|zwischen|{_AT})\s*$", re.IGNORECASE)
_RANGE_GAP = re.compile(rf"^{_RANGE_SEP}$", re.IGNORECASE)
_AFTER_SET = re.compile(rf"^{_AFTER}$", re.IGNORECASE)
_BEFORE_SET = re.compile(rf"^{_BEFORE}$", re.IGNORECASE)


# --- passes ------------------------------------------------------------------------------------


def _pass_holidays(s: _Scan) -> None:
    today = s.today

    def holiday(m: re.Match[str]) -> bool:
        month, day = next(md for md, rx in _HOLIDAY_DAYS if rx.fullmatch(m.group(0).lower()))
        when = Date(today.year, month, day)
        return s.add_day(m.start(), when if when >= today else Date(today.year + 1, month, day))

    s.take(_HOLIDAYS, holiday)


def _pass_de_ordinals(s: _Scan) -> None:
    """"am dritten November": a German ordinal word and a month."""
    today = s.today

    def ordinal(m: re.Match[str]) -> bool:
        day, month = DE_ORDINAL_WORDS[m.group(1).lower()], _MONTHS[m.group(2).lower()]
        when = _safe_date(today.year, month, day)
        if when is not None and when < today:
            when = _safe_date(today.year + 1, month, day)
        return s.add_day(m.start(), when)

    s.take(_DE_ORD_DATE, ordinal)


def _pass_dates(s: _Scan) -> None:
    today = s.today

    def iso(m: re.Match[str]) -> bool:
        return s.add_day(m.start(), _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))))

    def dotted(m: re.Match[str]) -> bool:
        d, mo = int(m.group(1)), int(m.group(2))
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            return False
        year = m.group(3) if m.re.groups >= 3 else None
        if year:
            return s.add_day(m.start(), _safe_date(_year(year, today.year), mo, d))
        return s.add_day(m.start(), _future_day_month(today, mo, d))

    def slashed(m: re.Match[str]) -> bool:
        a, b = int(m.group(1)), int(m.group(2))
        month, day = (a, b) if s.lang != "de" else (b, a)
        if month > 12 and day <= 12:
            month, day = day, month
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return False
        if m.group(3):
            return s.add_day(m.start(), _safe_date(_year(m.group(3), today.year), month, day))
        return s.add_day(m.start(), _future_day_month(today, month, day))

    def day_range(m: re.Match[str]) -> bool:
        d1, d2 = _ordinal(m.group(1)), _ordinal(m.group(3))
        month_txt = m.group(4) or m.group(2)
        said = m.group(0).lower()
        if not month_txt and not re.search(r"\d(?:st|nd|rd|th|\.)|\b(?:the|dem)\b", said):
            return False  # "between 2 and 4" is a time range
        if re.match(r"\s*(?:uhr|h\b|:|am\b|pm\b|o'?clock)", s.w[m.end():]):
            return False
        if d1 is None or d2 is None or not (1 <= d1 <= 31 and 1 <= d2 <= 31) or d2 < d1:
            return False
        if month_txt:
            first = _future_day_month(today, _MONTHS[month_txt.lower()], d1)
            last = first and _safe_date(first.year, first.month, d2)
        else:
            first = _future_day_of_month(today, d1)
            last = first and _safe_date(first.year, first.month, d2)
        if not first or not last:
            return False
        s.ranges.append(_Days(m.start(), first, last))
        return True

    def weekday_range(m: re.Match[str]) -> bool:
        a = _coming_weekday(today, WEEKDAYS[m.group(1).lower()], True)
        b = _coming_weekday(a, WEEKDAYS[m.group(2).lower()], True)
        s.ranges.append(_Days(m.start(), a, b))
        return True

    def day_month(m: re.Match[str]) -> bool:
        d = _ordinal(m.group(1))
        month = _MONTHS[m.group(2).lower()]
        if d is None or not 1 <= d <= 31:
            return False
        if m.group(3):
            return s.add_day(m.start(), _safe_date(int(m.group(3)), month, d))
        return s.add_day(m.start(), _future_day_month(today, month, d))

    def month_day(m: re.Match[str]) -> bool:
        month_txt = m.group(1).lower()
        d = _ordinal(m.group(2))
        if d is None or not 1 <= d <= 31:
            return False
        month = _MONTHS[month_txt]
        if m.group(3):
            return s.add_day(m.start(), _safe_date(int(m.group(3)), month, d))
        return s.add_day(m.start(), _future_day_month(today, month, d))

    def of_month(m: re.Match[str]) -> bool:
        d = _ordinal(m.group(1))
        which = m.group(2).lower()
        if d is None or not 1 <= d <= 31:
            return False
        base = today if which in ("this", "the", "dieses", "des") else _add_months(today.replace(day=1), 1)
        found = _safe_date(base.year, base.month, d)
        if found is not None and found < today:
            found = _future_day_of_month(today, d)  # already past this month: the next one that has it
        return s.add_day(m.start(), found)

    def ordinal_day(m: re.Match[str]) -> bool:
        token = m.group(1) or m.group(2)
        d = _ordinal(token)
        if d is None or not 1 <= d <= 31:
            return False
        return s.add_day(m.start(), _future_day_of_month(today, d))

    s.take(_ISO, iso)
    s.take(_DAY_RANGE, day_range)
    s.take(_WEEKDAY_RANGE, weekday_range)
    s.take(_DOTTED_FULL, dotted)
    s.take(_DOTTED_ON, dotted)
    s.take(_SLASHED, slashed)
    s.take(_OF_MONTH, of_month)
    s.take(_DAY_MONTH, day_month)
    s.take(_MONTH_DAY, month_day)
    s.take(_ORDINAL_DAY, ordinal_day)
    s.take(_DE_DAY, lambda m: s.add_day(m.start(), _future_day_of_month(today, int(m.group(1)))))


def _pass_relative(s: _Scan) -> None:
    today = s.today

    def rel(m: re.Match[str]) -> bool:
        t = m.group(0).lower()
        pos = m.start()
        part = None
        for word, name in _PART_WORDS.items():
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
            s.ranges.append(_Days(pos, today, today + timedelta(days=6)))
        return True  # now: no particular day

    def in_n(m: re.Match[str]) -> bool:
        t = m.group(0).lower()
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
            n = _num(count_txt) if count_txt.lower() not in ("a", "an") else 1
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
            return s.add_day(m.start(), _add_months(today, n))
        return s.add_day(m.start(), today + timedelta(days=n))

    s.take(_IN_N, in_n)  # first: "a week from today" must not leave "today" for the plain words
    s.take(_REL_WORDS, rel)


def _pass_weekdays(s: _Scan) -> None:
    today = s.today

    def resolve(pos: int, wd_txt: str, lead: str, week: str) -> bool:
        wd = WEEKDAYS[wd_txt.lower()]
        lead = (lead or "").lower()
        week = (week or "").lower()
        if week in ("next week", "the following week", "nächste woche", "naechste woche", "nächster woche",
                    "kommende woche", "kommender woche"):
            d = _week_monday(today) + timedelta(days=7 + wd)
        elif week in ("this week", "diese woche", "dieser woche"):
            d = _week_monday(today) + timedelta(days=wd)
            if d < today:
                d += timedelta(days=7)
        elif week in ("week", "in a week", "in einer woche", "after next", "the week after", "week after next"):
            d = _coming_weekday(today, wd, False) + timedelta(days=7)
        elif week in ("in zwei wochen", "in 2 wochen", "in two weeks", "in 2 weeks"):
            d = _coming_weekday(today, wd, False) + timedelta(days=14)
        elif lead.startswith(("übernächst", "uebernächst")):
            d = _coming_weekday(today, wd, False) + timedelta(days=7)
        elif lead in ("this", "diesen", "dieser", "diese", "this coming"):
            d = _coming_weekday(today, wd, True)
        else:
            # bare, "on", "next", "coming", "nächsten": the first such day after today
            d = _coming_weekday(today, wd, False)
        return s.add_day(pos, d)

    s.take(_WEEK_WEEKDAY, lambda m: resolve(m.start(), m.group(2), "", m.group(1)))
    s.take(_WEEKDAY_REL, lambda m: resolve(m.start(), m.group(2), m.group(1), m.group(3)))


def _pass_periods(s: _Scan) -> None:
    today = s.today
    monday = _week_monday(today)

    def period(m: re.Match[str]) -> bool:
        g = [x.lower() if x else "" for x in m.groups()]
        pos = m.start()
        if g[0]:  # week after next
            first = monday + timedelta(days=14)
            s.ranges.append(_Days(pos, first, first + timedelta(days=6)))
        elif g[2]:  # (next|this) week
            which = g[1]
            if which in ("next", "coming", "nächste", "naechste", "kommende", "nächsten"):
                first = monday + timedelta(days=7)
                s.ranges.append(_Days(pos, first, first + timedelta(days=6)))
            elif which in ("this", "diese", "dieser", "diesen", "the"):
                s.ranges.append(_Days(pos, today, monday + timedelta(days=6)))
            else:
                return False  # "a week", "per week": no period
        elif g[4]:  # weekend
            nxt = g[3] in ("next", "nächstes", "naechstes", "kommendes")
            sat = monday + timedelta(days=5)
            if today.weekday() == 6:
                first, last = (sat + timedelta(days=7), sat + timedelta(days=8)) if nxt else (today, today)
            elif nxt and today.weekday() == 5:
                first, last = sat + timedelta(days=7), sat + timedelta(days=8)
            else:
                first, last = sat, sat + timedelta(days=1)
            s.ranges.append(_Days(pos, max(first, today), last))
        elif g[5] or g[8] or g[11]:  # end/beginning of month/week
            edge = g[5] or g[8] or ("end" if g[11] == "monatsende" else "beginning")
            nxt = bool(g[6] or g[9])
            unit = g[7] or g[10] or "month"
            _edge_range(s, pos, edge, nxt, unit)
        elif g[12]:  # early/late next week/month
            _edge_range(s, pos, "beginning" if g[12] == "early" else "end", g[13] == "next", g[14])
        elif g[15]:  # next/this month
            if g[15] in ("this", "diesen"):
                s.ranges.append(_Days(pos, today, _month_last(today)))
            else:
                first = _add_months(today.replace(day=1), 1)
                s.ranges.append(_Days(pos, first, _month_last(first)))
        else:
            return False
        return True

    s.take(_PERIODS, period)


def _pass_months(s: _Scan) -> None:
    """A named month with a cue: "end of March", "Anfang April", "in December"."""
    today = s.today

    def month_part(m: re.Match[str]) -> bool:
        edge, month = m.group(1).lower(), _MONTHS[m.group(2).lower()]
        first = Date(today.year, month, 1)
        if _month_last(first) < today:
            first = Date(today.year + 1, month, 1)  # "end of March" said in April is next year's
        _edge_range(s, m.start(), edge, False, "month", first=first)
        return True

    s.take(_MONTH_PART, month_part)

    def whole_month(m: re.Match[str]) -> bool:
        first = Date(today.year, _MONTHS[m.group(1).lower()], 1)
        if _month_last(first) < today:
            first = Date(today.year + 1, first.month, 1)
        s.ranges.append(_Days(m.start(), max(first, today), _month_last(first)))
        return True

    s.take(_IN_MONTH, whole_month)


def _edge_range(s: _Scan, pos: int, edge: str, nxt: bool, unit: str, first: Date | None = None) -> None:
    today = s.today
    if first is not None:  # a named month
        last = _month_last(first)
        span = 6
    elif unit.startswith(("week", "woche")):
        first = _week_monday(today) + timedelta(days=7 if nxt else 0)
        last = first + timedelta(days=6)
        span = 2
    else:
        first = _add_months(today.replace(day=1), 1) if nxt else today.replace(day=1)
        last = _month_last(first)
        span = 6
    if edge in ("end", "ende", "late", "ausgang"):
        lo, hi = last - timedelta(days=span), last
    elif edge in ("middle", "mid", "mitte"):
        mid = first + (last - first) / 2
        lo, hi = mid - timedelta(days=span // 2 + 1), mid + timedelta(days=span // 2 + 1)
    else:
        lo, hi = first, first + timedelta(days=span)
    lo = max(lo, today)
    if hi >= lo:
        s.ranges.append(_Days(pos, lo, hi))


def _clock_from_groups(m: re.Match[str]) -> tuple[int, int, str | None, bool] | None:
    g = m.groupdict()
    if g.get("noon"):
        word = g["noon"].lower()
        return (0, 0, None, True) if word in ("midnight", "mitternacht") else (12, 0, None, True)
    if g.get("hm_h") is not None:
        h_txt = g["hm_h"]
        h, mi = int(h_txt), int(g["hm_m"])
        ap = _meridiem(g.get("hm_ap"))
        exact = h_txt.startswith("0") or h >= 13 or (g.get("hm_uhr") is not None and h >= 10 and ap is None)
        return h, mi, ap, exact
    if g.get("hh_h") is not None:
        return int(g["hh_h"]), int(g["hh_m"]), None, True
    if g.get("ap_h") is not None:
        h = _num(g["ap_h"])
        return (h, 0, _meridiem(g["ap_ap"]), False) if h is not None else None
    if g.get("uhr_h") is not None:
        h = _num(g["uhr_h"])
        if h is None:
            return None
        return h, int(g["uhr_m"] or 0), None, h >= 13 or g["uhr_h"].startswith("0")
    if g.get("h_h") is not None:
        return int(g["h_h"]), 0, None, True
    if g.get("oc_h") is not None:
        h = _num(g["oc_h"])
        return (h, 0, None, False) if h is not None else None
    return None


def _meridiem(text: str | None) -> str | None:
    if not text:
        return None
    return "pm" if text.lower().startswith("p") else "am"


def _pass_clocks(s: _Scan) -> None:
    def add(m: re.Match[str], h: int | None, mi: int, ap: str | None, exact: bool) -> bool:
        if h is None or not (0 <= h <= 24 and 0 <= mi <= 59):
            return False
        if h == 24:
            h, exact = 0, True
        if ap and h > 12:
            ap = None  # "14 pm": the 24-hour number wins
        s.clocks.append(_Clock(m.start(), m.end(), h, mi, ap, exact))
        return True

    def fraction_en(m: re.Match[str]) -> bool:
        if m.group(4):  # "half 3" (British) = 3:30
            h = _num(m.group(4))
            return add(m, h, 30, None, False)
        amount, direction, hour_txt = m.group(1).lower(), m.group(2).lower(), m.group(3).lower()
        h = 12 if hour_txt in ("noon", "midday") else _num(hour_txt)
        if h is None:
            return False
        mins = {"quarter": 15, "half": 30, "twenty": 20, "ten": 10, "five": 5}.get(amount.replace("-", " ").split()[0], None)
        if amount.replace("-", " ") == "twenty five":
            mins = 25
        if mins is None:
            mins = int(amount) if amount.isdigit() else None
        if mins is None or mins >= 60:
            return False
        if direction in ("past", "after"):
            return add(m, h, mins, None, h >= 13)
        h2 = (h - 1) % 24 if h != 0 else 23
        return add(m, h2 if h2 != 0 else 12, 60 - mins, None, h >= 13)

    def fraction_de(m: re.Match[str]) -> bool:
        h = _num(m.group(5))
        if h is None:
            return False
        if m.group(4):
            word = m.group(4).lower()
            if word == "halb":
                return add(m, (h - 1) if h > 1 else 12, 30, None, h >= 13)
            if word == "viertel":
                return add(m, (h - 1) if h > 1 else 12, 15, None, h >= 13)
            return add(m, (h - 1) if h > 1 else 12, 45, None, h >= 13)  # dreiviertel
        amount_txt, direction, half = m.group(1).lower(), m.group(2).lower(), m.group(3)
        mins = 15 if amount_txt == "viertel" else _num(amount_txt)
        if mins is None or mins >= 60:
            return False
        base_h, base_m = ((h - 1) if h > 1 else 12, 30) if half else (h, 0)
        total = base_h * 60 + base_m + (mins if direction == "nach" else -mins)
        total %= 24 * 60
        hh, mm = divmod(total, 60)
        return add(m, hh if hh else 12, mm, None, h >= 13)

    def clock(m: re.Match[str]) -> bool:
        got = _clock_from_groups(m)
        if got is None:
            return False
        return add(m, *got)

    def part_number(m: re.Match[str]) -> bool:
        h_txt = m.group("h") or m.group("h2")
        mi = m.group("m") or m.group("m2")
        part = _PART_WORDS[(m.group("part") or m.group("part2")).lower()]
        h = _num(h_txt)
        if h is None:
            return False
        ok = add(m, h, int(mi or 0), None, h >= 13 or h_txt.startswith("0"))
        if ok:
            s.parts.append(_Part(m.start(), part))
        return ok

    def triggered(m: re.Match[str]) -> bool:
        h = _num(m.group("h"))
        if h is None or h > 24:
            return False
        start = m.start("h")
        s.clocks.append(_Clock(start, m.end(), h % 24, 0, None, h >= 13))
        return True

    s.take(_FRACTION_EN, fraction_en)
    s.take(_FRACTION_DE, fraction_de)
    s.take(_CLOCK, clock)
    s.take(_PART_NUMBER, part_number)
    s.take(_TRIGGERED, triggered)
    for rx in (_RANGE_TAIL, _RANGE_HEAD):
        s.take(rx, lambda m: _add_bare(s, m))
    # a bare number right after a date ("tomorrow 3", "morgen 10") is a time
    s.take(_AFTER_DATE, lambda m: add(m, int(m.group("h")), int(m.group("m") or 0), None,
                                      int(m.group("h")) >= 13 or m.group("h").startswith("0")))


def _add_bare(s: _Scan, m: re.Match[str]) -> bool:
    h = _num(m.group("h"))
    if h is None or h > 24:
        return False
    s.clocks.append(_Clock(m.start("h"), m.end("h") if m.group("m") is None else m.end("m"), h % 24,
                           int(m.group("m") or 0), None, h >= 13 or m.group("h").startswith("0")))
    return True


def _pass_parts(s: _Scan) -> None:
    def part(m: re.Match[str]) -> bool:
        s.parts.append(_Part(m.start(), _PART_WORDS[m.group(1).lower()]))
        return True

    s.take(_PART_ALONE, part)


def _relations(s: _Scan, original: str) -> list[tuple[str, _Clock, _Clock | None]]:
    """Pair the clocks with the words around them: at / after / before / between A and B."""
    out: list[tuple[str, _Clock, _Clock | None]] = []
    clocks = sorted(s.clocks, key=lambda c: c.pos)
    i = 0
    while i < len(clocks):
        c = clocks[i]
        before_txt = original[max(0, c.pos - 40):c.pos]
        rel_m = _REL_BEFORE.search(before_txt)
        rel = rel_m.group("rel").lower() if rel_m else "at"
        if i + 1 < len(clocks):
            nxt = clocks[i + 1]
            gap = original[c.end:nxt.pos]
            if _RANGE_GAP.match(gap) and (rel in ("between", "zwischen", "from", "von", "at", "um")
                                          or gap.strip() in ("-", "–", "bis")):
                out.append(("between", c, nxt))
                i += 2
                continue
        if _AFTER_SET.match(rel) and rel not in ("von",):
            out.append(("after", c, None))
        elif _BEFORE_SET.match(rel):
            out.append(("before", c, None))
        else:
            out.append(("at", c, None))
        i += 1
    return out


# --- resolving ---------------------------------------------------------------------------------


def _hour24(c: _Clock, part: str | None, hours: tuple[int, int] | None) -> int:
    h = c.hour
    if c.exact24 or h >= 13 or h == 0:
        return h
    if c.meridiem == "pm":
        return h if h == 12 else h + 12
    if c.meridiem == "am":
        return 0 if h == 12 else h
    if part in _PM_PARTS:
        return h if h == 12 else h + 12
    if part in ("morning",):
        return h
    if part == "noon":
        return h if h >= 11 else h + 12
    # ambiguous "at 2": the reading nearer to business hours (or to the day, 8-20)
    lo, hi = hours if hours else (8, 20)
    if h == 12:
        return 12

    def distance(x: int) -> int:
        return 0 if lo <= x <= hi else min(abs(x - lo), abs(x - hi))

    return h if distance(h) <= distance(h + 12) else h + 12


def _local(tz, d: Date, h: int, m: int = 0) -> datetime:
    """An aware local time; a wall time that DST skips is moved past the gap."""
    if h >= 24:
        return _local(tz, d + timedelta(days=h // 24), h % 24, m)
    naive = datetime(d.year, d.month, d.day, h, m)
    return naive.replace(tzinfo=tz).astimezone(timezone.utc).astimezone(tz)


def resolve(text: str, now: datetime, lang: str | None = None,
            opening_hours: tuple[int, int] | None = None, bare_number_is_time: bool = False) -> When:
    """Read the date, time and period in `text` (already normalised), relative to aware `now`."""
    if not text:
        return NOTHING
    has_digit = _DIGIT.search(text) is not None
    words = set(_TOKENS.findall(text))
    if not has_digit and words.isdisjoint(_GATE_ANY) and not _SOON_WORD.search(text):
        return NOTHING
    tz = now.tzinfo
    today = now.date()
    s = _Scan(text, today, lang)
    s.take(_NOISE, lambda m: True)
    if bare_number_is_time:
        m = _BARE_TIME.match(s.w)
        if m:
            h = _num(m.group("h"))
            if h is not None and 0 <= h <= 24:
                s.clocks.append(_Clock(m.start("h"), m.end(), h % 24, int(m.group("m") or 0), None, h >= 13))
                s.w = _MASK * len(s.w)
    # each pass only when a word it needs is there: most chat has no dates at all
    if not words.isdisjoint(_GATE_HOLIDAYS):
        s.exact_pass = True
        _pass_holidays(s)
    if not words.isdisjoint(DE_ORDINAL_WORDS) and not words.isdisjoint(_GATE_MONTHS):
        s.exact_pass = True
        _pass_de_ordinals(s)
    if has_digit or not words.isdisjoint(_GATE_DATES):
        s.exact_pass = True
        _pass_dates(s)
        s.exact_pass = False
    if not words.isdisjoint(_GATE_RELATIVE) or _SOON_WORD.search(text):
        _pass_relative(s)
    if not words.isdisjoint(_GATE_WEEKDAY):
        _pass_weekdays(s)
    if not words.isdisjoint(_GATE_PERIODS):
        _pass_periods(s)
    if not words.isdisjoint(_GATE_MONTHS) and not words.isdisjoint(_GATE_MONTH_CUES):
        _pass_months(s)
    if has_digit or not words.isdisjoint(_GATE_CLOCKS):
        _pass_clocks(s)
    if not words.isdisjoint(_GATE_PARTS):
        _pass_parts(s)
    return _combine(s, text, now, tz, opening_hours)


# Words that make a pass worth running, checked as a set of tokens (far cheaper than a regex).
_GATE_DATES = frozenset(_MONTHS) | frozenset(w for k in ORDINAL_WORDS for w in k.replace("-", " ").split())
_GATE_HOLIDAYS = frozenset(
    "christmas xmas weihnachten heiligabend heilig heiliger boxing weihnachtstag weihnachtsfeiertag silvester neujahr "
    "year".split())
_GATE_RELATIVE = frozenset("""
in within innerhalb from later week weeks woche today tonight tomorrow heute heut morgen übermorgen ueber uebermorgen
overmorrow yesterday gestern now jetzt sofort asap possible möglich evening afternoon morning night abend nacht
nachmittag vormittag mittag früh frueh fruh arvo this
""".split())
_GATE_WEEKDAY = frozenset(WEEKDAYS) | frozenset(w + "s" for w in WEEKDAYS)
_GATE_PERIODS = frozenset("""
week weeks woche wochen weekend wochenende month monat monats monatsende monatsanfang ende anfang mitte übernächste
uebernächste
""".split())
_GATE_MONTHS = frozenset(_MONTHS)
_GATE_MONTH_CUES = frozenset("""
in im during for sometime irgendwann end beginning start middle mid early late ende anfang mitte
""".split())
_GATE_CLOCKS = frozenset(NUMBER_WORDS) | frozenset(
    "noon midday mittag midnight mitternacht quarter half halb viertel dreiviertel am pm uhr clock".split())
_GATE_PARTS = frozenset(_PART_WORDS)
_GATE_ANY = _GATE_DATES | _GATE_RELATIVE | _GATE_WEEKDAY | _GATE_PERIODS | _GATE_CLOCKS | _GATE_PARTS | _GATE_HOLIDAYS
_TOKENS = re.compile(r"[a-zäöüß]+")
_DIGIT = re.compile(r"\d")
_SOON_WORD = re.compile(r"nächstmöglich|naechstmöglich|schnellstmöglich")


def _combine(s: _Scan, text: str, now: datetime, tz, hours: tuple[int, int] | None) -> When:
    today = now.date()
    day = _pick_day(s, text)
    part = day.part if day and day.part else None
    if part is None and s.parts:
        part = s.parts[0].name
    relations = _relations(s, text)
    d = day.day if day else None

    if s.minutes_ahead is not None and not relations and d is None:
        moment = now + timedelta(minutes=s.minutes_ahead)
        return When(date=moment.date(), time=Time(moment.hour, moment.minute))

    if relations:
        kind, c1, c2 = relations[0]
        h1 = _hour24(c1, part, hours)
        t1 = Time(h1 % 24, c1.minute)
        if kind == "at":
            return When(date=d, time=t1)
        if d is None and s.ranges:
            # "next week after 4": the week is the period; the hour only narrows each day of it
            r = s.ranges[0]
            first = max(r.first, today)
            if r.last >= first:
                return When(time=t1 if kind == "after" else None, start=_local(tz, first, 0),
                            end=_local(tz, r.last + timedelta(days=1), 0))
        base = d or _next_day_for(now, h1, c1.minute)
        if kind == "between" and c2 is not None:
            h2 = _hour24(c2, part if c2.meridiem is None and c1.meridiem is None else None, hours)
            if c2.meridiem and c1.meridiem is None and not c1.exact24 and c1.hour <= 12:
                h1 = c1.hour if c1.hour == 12 else (c1.hour + 12 if c2.meridiem == "pm" and c1.hour + 12 <= h2 else c1.hour)
            if h2 <= h1 and h2 + 12 <= 24 and not c2.exact24:
                h2 += 12
            if h2 <= h1:
                return When(date=d, time=Time(h1 % 24, c1.minute))
            return When(date=d, start=_local(tz, base, h1, c1.minute), end=_local(tz, base, h2, c2.minute))
        close = (hours[1] if hours else 24)
        open_ = (hours[0] if hours else 0)
        if kind == "after":
            end_h = close if close * 60 > h1 * 60 + c1.minute else 24
            return When(date=d, time=Time(h1 % 24, c1.minute), start=_local(tz, base, h1, c1.minute),
                        end=_local(tz, base, end_h))
        start_h = open_ if open_ * 60 < h1 * 60 + c1.minute else 0
        return When(date=d, start=_local(tz, base, start_h), end=_local(tz, base, h1, c1.minute))

    if d is not None and part is not None:
        lo, hi = PARTS[part]
        return When(date=d, start=_local(tz, d, lo), end=_local(tz, d, hi))
    if d is not None:
        return When(date=d)
    if s.ranges:
        r = s.ranges[0]
        first = max(r.first, today)
        if r.last < first:
            return NOTHING
        if part is not None and r.first == r.last:
            lo, hi = PARTS[part]
            return When(start=_local(tz, first, lo), end=_local(tz, first, hi))
        return When(start=_local(tz, first, 0), end=_local(tz, r.last + timedelta(days=1), 0))
    if part is not None:
        lo, hi = PARTS[part]
        base = today if now.hour < hi else today + timedelta(days=1)
        return When(start=_local(tz, base, lo), end=_local(tz, base, hi))
    return NOTHING


def _next_day_for(now: datetime, hour: int, minute: int) -> Date:
    """The day a time without a date is meant for: today while it is still ahead, else tomorrow."""
    if (hour, minute) > (now.hour, now.minute):
        return now.date()
    return now.date() + timedelta(days=1)


_TARGET_BEFORE = re.compile(r"(?:\bto|\bauf|\binstead|\brather|\bfor|\bmake it|\bzum|\bnach)\s*(?:the\s+|den\s+|dem\s+|on\s+|am\s+)?$")


def _pick_day(s: _Scan, text: str) -> _Day | None:
    """The day asked for: the one a move points at ("from Tuesday to Thursday"), else the first."""
    if not s.days:
        return None
    days = sorted(s.days, key=lambda x: x.pos)
    if len(days) > 1:
        for d in reversed(days):
            if _TARGET_BEFORE.search(text[max(0, d.pos - 20):d.pos]):
                return d
        # "Monday the 6th": the calendar date is the more precise of two words for one day
        exact = [d for d in days if d.exact]
        if exact and len(exact) < len(days):
            return exact[0]
    return days[0]
