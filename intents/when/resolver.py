"""`resolve`: runs the passes a message needs, most specific first, and combines what they found.

Most chat has no dates at all, so each pass runs only when a word it needs is in the message
(checked as a set of tokens, far cheaper than a regex).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date as Date, datetime, time as Time, timedelta

from ..lexicon import NUMBER_WORDS, ORDINAL_WORDS, WEEKDAYS, any_of
from .clock_passes import read_clocks, read_move_target, read_parts
from .clock_patterns import BARE_TIME, EDGE_WORDS, MINUTE_WORDS
from .combine import combine
from .date_passes import read_dates, read_german_ordinals, read_holidays
from .date_patterns import DE_ORDINALS, NOISE, PEOPLE, PEOPLE_WORDS
from .day_typos import dayish, repair_weekdays
from .holidays import STRONG as HOLIDAY_NAMES
from .holidays import TAILS as HOLIDAY_TAILS
from .holidays import WEAK as HOLIDAY_FIRST_WORDS
from .nth_passes import GATE as NTH_WORDS
from .nth_passes import read_nth_in_month
from .join_passes import BOUND_WORDS, MOVING, MOVING_TO, join_days, read_between_years, read_bounds
from .join_passes import WORDS as JOIN_WORDS
from .offset_passes import GATE as OFFSET_WORDS
from .offset_passes import read_offsets
from .period_passes import MONTH_WEEKS, WORKDAY_WORDS, keep_workdays, read_months, read_periods, read_workdays
from .relative_passes import read_relative_days, read_this_time, read_weekday_and_day, read_weekdays
from .result import NOTHING, When
from . import several
from .scan import Clock, Scan
from .vocabulary import MASK, MONTHS, PART_WORDS, WEEKDAY, lazy_rx, number

# Words that make a pass worth running.
GATE_DATES = frozenset(MONTHS) | frozenset(w for k in ORDINAL_WORDS for w in k.replace("-", " ").split())
GATE_HOLIDAYS = HOLIDAY_NAMES | {"year"}
GATE_RELATIVE = frozenset("""
in within innerhalb from later week weeks woche days tagen today tonight tomorrow heute heut morgen übermorgen ueber uebermorgen
overmorrow yesterday gestern now jetzt sofort asap possible möglich evening afternoon morning night abend nacht
nachmittag vormittag mittag früh frueh fruh arvo this
""".split())
GATE_WEEKDAY = frozenset(WEEKDAYS) | frozenset(w + "s" for w in WEEKDAYS)
GATE_PERIODS = frozenset("""
week weeks woche wochen weekend wochenende month monat monats monatsende monatsanfang ende anfang mitte übernächste
uebernächste
""".split())
GATE_MONTHS = frozenset(MONTHS)
# an offset needs a count ("in 3 days", "in half an hour") or a word that looks back ("last Tuesday")
OFFSET_COUNTS = frozenset(NUMBER_WORDS) | frozenset(
    "a an half quarter quarters sec second moment eine einer einem halben viertelstunde dreiviertelstunde couple few paar "
    "anderthalb eineinhalb".split())
OFFSET_ALONE = frozenset(
    "last past previous letzten letzter letzte vergangenen vorigen vergangene vorgestern vorvorgestern yesterday".split())
GATE_MONTH_WORDS = GATE_MONTHS | frozenset("month monat monats".split())
GATE_MONTH_CUES = frozenset("""
in im during for sometime irgendwann end beginning start middle mid early late ende anfang mitte
""".split())
GATE_CLOCKS = frozenset(NUMBER_WORDS) | frozenset(
    "noon midday mid mittag midnight mitternacht quarter half halb viertel dreiviertel am pm uhr clock".split())
GATE_PARTS = frozenset(PART_WORDS) | {"work", "arbeit"}  # "after work", "nach der Arbeit"
OFFSET_ANY = frozenset("ago hence vorgestern vorvorgestern fortnight tagen monaten jahren".split())
GATE_ANY = WORKDAY_WORDS | OFFSET_ANY | MONTH_WEEKS | EDGE_WORDS | GATE_DATES | GATE_RELATIVE | GATE_WEEKDAY | GATE_PERIODS | GATE_CLOCKS | GATE_PARTS | GATE_HOLIDAYS
# a word every NOISE phrase contains (or a digit): most messages need not be searched for them at all
NOISE_CUE = any_of(("all", "help", "gute", "good", "schön", "nice", "have", "minute", "moment", "one", "option"))
PEOPLE_WORD = any_of(PEOPLE_WORDS)
DAY_ABBREVIATIONS = {
    "mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday", "thu": "thursday", "thur": "thursday",
    "thurs": "thursday", "fri": "friday", "sat": "saturday", "sun": "sunday",
    "mo": "montag", "di": "dienstag", "mi": "mittwoch", "do": "donnerstag", "fr": "freitag", "sa": "samstag",
    "so": "sonntag",
}
# "do" and "so" are everyday words too: on their own they are days only with the dot of an abbreviation
DAY_ABBREVIATION = lazy_rx(r"^\s*(mon|tues?|wed|thu|thurs?|fri|sat|sun|mo|di|mi|fr|sa|do(?=\.)|so(?=\.))\.?\s*$")
RANGE_WORDS = frozenset("to till until thru through bis auf".split())
MOVE_TO_WORDS = frozenset(("to", "auf"))  # "move it to 10", "from 2 to 4": where the appointment goes
MINUTE_TOKENS = frozenset(MINUTE_WORDS) | {"oh", "o"}
MERIDIEM_TOKENS = frozenset("am pm a p m morning afternoon evening night".split())
THREE_DIGITS = re.compile(r"\d{3}")  # "330 pm", "at 1545"
TOKENS = re.compile(r"[a-zäöüß]+")
DIGIT = re.compile(r"\d")
LIST_WORDS = frozenset("and und well sowie plus".split())  # days listed for appointments of their own (`several`)
SOON_WORD = re.compile(r"nächstmöglich|naechstmöglich|schnellstmöglich")


def resolve(text: str, now: datetime, lang: str | None = None,
            opening_hours: tuple[int, int] | None = None, bare_number_is_time: bool = False) -> When:
    """Read the date, time and period in `text` (already normalised), relative to aware `now`."""
    if not text:
        return NOTHING
    if len(text) <= 6:
        alone = DAY_ABBREVIATION.match(text)  # "sat", "Mo.": a day on its own
        if alone:
            text = DAY_ABBREVIATIONS[alone.group(1)]
    words = set(TOKENS.findall(text))
    unclear_day = None
    if dayish(text, words):  # "wendsday": corrected when only one day fits
        text, unclear_day = repair_weekdays(text)
        words = set(TOKENS.findall(text))
    has_digit = DIGIT.search(text) is not None
    holiday = not words.isdisjoint(HOLIDAY_NAMES) or (
        not words.isdisjoint(HOLIDAY_FIRST_WORDS) and not words.isdisjoint(HOLIDAY_TAILS))
    soon = "möglich" in text and SOON_WORD.search(text) is not None  # each of the words has it
    if not has_digit and not holiday and words.isdisjoint(GATE_ANY) and not soon:
        return When(unclear=unclear_day) if unclear_day else NOTHING
    tz = now.tzinfo
    today = now.date()
    s = Scan(text, today, lang)
    if has_digit or NOISE_CUE.search(text):
        s.take(NOISE, lambda m: True)
    if PEOPLE_WORD.search(text):
        s.take(PEOPLE, lambda m: True)
    if bare_number_is_time:
        m = BARE_TIME.match(s.w)
        if m:
            h = number(m.group("h"))
            if h is not None and 0 <= h <= 24:
                s.clocks.append(Clock(m.start("h"), m.end(), h % 24, int(m.group("m") or 0), None, h >= 13))
                s.w = MASK * len(s.w)
    if "this time" in text or "diese zeit" in text:
        read_this_time(s, now)
    if holiday:
        s.exact_pass = True
        read_holidays(s)
    if not words.isdisjoint(NTH_WORDS) and not words.isdisjoint(GATE_MONTH_WORDS):
        s.exact_pass = True
        read_nth_in_month(s)
    if not words.isdisjoint(OFFSET_WORDS) and (has_digit or not words.isdisjoint(OFFSET_COUNTS)
                                               or not words.isdisjoint(OFFSET_ALONE)):
        s.exact_pass = False
        read_offsets(s, words, has_digit)
    if not words.isdisjoint(DE_ORDINALS) and not words.isdisjoint(GATE_MONTHS):
        s.exact_pass = True
        read_german_ordinals(s)
    if has_digit or not words.isdisjoint(GATE_DATES):
        s.exact_pass = True
        joined = not words.isdisjoint(RANGE_WORDS) or "-" in text or "–" in text
        read_dates(s, month_ranges=joined and not words.isdisjoint(GATE_MONTHS), dotted_ranges=joined or "/" in text)
        s.exact_pass = False
    if not words.isdisjoint(GATE_RELATIVE) or soon:
        read_relative_days(s, words, soon)
    excluded: tuple[int, ...] = ()
    if not words.isdisjoint(GATE_WEEKDAY):
        if not words.isdisjoint(NOT_WORDS):
            excluded = _take_excluded_day(s)  # "next week, but not Monday": no day of its own
        if has_digit:
            read_weekday_and_day(s)  # "Friday 18": the 18th, where that is a later Friday
        read_weekdays(s)
    workdays = not words.isdisjoint(WORKDAY_WORDS)
    if workdays:
        read_workdays(s)
    if not words.isdisjoint(GATE_PERIODS) or not words.isdisjoint(MONTH_WEEKS):
        read_periods(s, months=not words.isdisjoint(GATE_MONTHS) or not words.isdisjoint(MONTH_WEEKS))
    if not words.isdisjoint(GATE_MONTHS) and not words.isdisjoint(GATE_MONTH_CUES):
        read_months(s)
    if "jahren" in words and "zwischen" in words:
        read_between_years(s)
    if len(s.days) > 1 and (not words.isdisjoint(JOIN_WORDS) or "-" in text or "–" in text):
        join_days(s, text)
    if s.days and not words.isdisjoint(BOUND_WORDS):
        read_bounds(s, text)
    if workdays:
        keep_workdays(s)
    if has_digit or not words.isdisjoint(GATE_CLOCKS):
        minute_words = not words.isdisjoint(MINUTE_TOKENS)
        read_clocks(s, words=minute_words and not words.isdisjoint(MERIDIEM_TOKENS),
                    words_after_at=minute_words and "at" in words,
                    compact=THREE_DIGITS.search(text) is not None, durations=has_digit and "for" in words)
        s.moving = has_digit and not words.isdisjoint(MOVE_TO_WORDS) and MOVING.search(text) is not None
        if s.moving and not s.clocks and MOVING_TO.search(text):
            read_move_target(s)
    if not words.isdisjoint(GATE_PARTS) or not words.isdisjoint(EDGE_WORDS):
        read_parts(s, edges=not words.isdisjoint(EDGE_WORDS))
    unclear_day = unclear_day or (s.no_such_day if not s.days and not s.ranges else None)  # ask, never guess
    if unclear_day and not s.days and not s.ranges:
        # "thuesday at 3": Tuesday or Thursday? No day is read, so the dialogue asks rather than taking today;
        # the time said with it stays, for the day the answer names
        found = combine(s, text, now, tz, opening_hours) if s.clocks else NOTHING
        return When(time=found.time if found.date is None and found.start is None else None, unclear=unclear_day)
    found = combine(s, text, now, tz, opening_hours)
    if len(s.days) > 1 and (not words.isdisjoint(LIST_WORDS) or "&" in text):
        found = replace(found, also=several.also(s, text, found, opening_hours))
    return _without_day(found, excluded, today, tz)


NOT_WORDS = frozenset(("not", "except", "excluding", "außer", "ausser", "nicht", "other", "apart", "but"))
_EXCLUDED_DAY = lazy_rx(
    rf"\b(?:(?:but |aber |nur |bloß |bloss |lieber |möglichst )?(?:not|except(?: for)?|excluding|außer|ausser|nicht)"
    rf"|other than|apart from|(?:any ?(?:day|time|thing)|whenever) but(?: not)?) (?:on |am |the |a |an )?"
    rf"(?P<day>{WEEKDAY})s?(?P<more>(?:, (?:on |am |the )?{WEEKDAY}s?)*,? (?:or|and|nor|oder|und) (?:on |am |the )?"
    rf"{WEEKDAY}s?)?\b")
_DAY_NAME = lazy_rx(rf"{WEEKDAY}")
WEEK = timedelta(days=7)


def _take_excluded_day(s: Scan) -> tuple[int, ...]:
    """The weekdays a message rules out ("but not Monday", "außer Freitag", "any day but Monday or Tuesday"), taken
    so that none is read as the day asked for."""
    found: list[int] = []

    def excluded(m: re.Match[str]) -> bool:
        found.append(WEEKDAYS[m.group("day")])
        found.extend(WEEKDAYS[d.group(0)] for d in _DAY_NAME.finditer(m.group("more") or ""))
        return True

    s.take(_EXCLUDED_DAY, excluded)
    return tuple(sorted(set(found)))


def _without_day(when: When, weekdays: tuple[int, ...], today: Date, tz) -> When:
    """What was asked, without the weekdays ruled out: a period starts and ends on a day that is not one of them
    ("next week but not Monday" starts on Tuesday), and the days in it are left out of the times offered
    (`not_days`). With no day or period of its own ("any day but Monday"), the week from today."""
    if not weekdays or when.date is not None or when.also:
        return when
    if when.start is None or when.end is None:
        first = datetime.combine(today, datetime.min.time(), tzinfo=tz)
        daily = when.daily or ((when.time, _minute_after(when.time)) if when.time is not None else None)
        return replace(when, start=first, end=first + WEEK, daily=daily, not_days=weekdays)
    start, end = when.start, when.end
    while (end - start).days >= 2 and start.weekday() in weekdays and start.time() == datetime.min.time():
        start += timedelta(days=1)
    while (end - start).days >= 2 and (end - timedelta(days=1)).weekday() in weekdays \
            and end.time() == datetime.min.time():
        end -= timedelta(days=1)
    return replace(when, start=start, end=end, not_days=weekdays)


def _minute_after(t: Time) -> Time:
    """"At 3, any day but Monday": each day's 15:00 only (as "next week at 3" is read)."""
    minutes = min(t.hour * 60 + t.minute + 1, 24 * 60 - 1)
    return Time(minutes // 60, minutes % 60)
