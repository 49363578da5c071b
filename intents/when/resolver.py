"""`resolve`: runs the passes a message needs, most specific first, and combines what they found.

Most chat has no dates at all, so each pass runs only when a word it needs is in the message
(checked as a set of tokens, far cheaper than a regex).
"""

from __future__ import annotations

import re
from datetime import datetime

from ..lexicon import DE_ORDINAL_WORDS, NUMBER_WORDS, ORDINAL_WORDS, WEEKDAYS
from .clock_passes import read_clocks, read_parts
from .clock_patterns import BARE_TIME
from .combine import combine
from .date_passes import read_dates, read_german_ordinals, read_holidays
from .date_patterns import NOISE
from .period_passes import read_months, read_periods
from .relative_passes import read_relative_days, read_weekdays
from .result import NOTHING, When
from .scan import Clock, Scan
from .vocabulary import MASK, MONTHS, PART_WORDS, number

# Words that make a pass worth running.
GATE_DATES = frozenset(MONTHS) | frozenset(w for k in ORDINAL_WORDS for w in k.replace("-", " ").split())
GATE_HOLIDAYS = frozenset(
    "christmas xmas weihnachten heiligabend heilig heiliger boxing weihnachtstag weihnachtsfeiertag silvester neujahr "
    "year".split())
GATE_RELATIVE = frozenset("""
in within innerhalb from later week weeks woche today tonight tomorrow heute heut morgen übermorgen ueber uebermorgen
overmorrow yesterday gestern now jetzt sofort asap possible möglich evening afternoon morning night abend nacht
nachmittag vormittag mittag früh frueh fruh arvo this
""".split())
GATE_WEEKDAY = frozenset(WEEKDAYS) | frozenset(w + "s" for w in WEEKDAYS)
GATE_PERIODS = frozenset("""
week weeks woche wochen weekend wochenende month monat monats monatsende monatsanfang ende anfang mitte übernächste
uebernächste
""".split())
GATE_MONTHS = frozenset(MONTHS)
GATE_MONTH_CUES = frozenset("""
in im during for sometime irgendwann end beginning start middle mid early late ende anfang mitte
""".split())
GATE_CLOCKS = frozenset(NUMBER_WORDS) | frozenset(
    "noon midday mittag midnight mitternacht quarter half halb viertel dreiviertel am pm uhr clock".split())
GATE_PARTS = frozenset(PART_WORDS)
GATE_ANY = GATE_DATES | GATE_RELATIVE | GATE_WEEKDAY | GATE_PERIODS | GATE_CLOCKS | GATE_PARTS | GATE_HOLIDAYS
TOKENS = re.compile(r"[a-zäöüß]+")
DIGIT = re.compile(r"\d")
SOON_WORD = re.compile(r"nächstmöglich|naechstmöglich|schnellstmöglich")


def resolve(text: str, now: datetime, lang: str | None = None,
            opening_hours: tuple[int, int] | None = None, bare_number_is_time: bool = False) -> When:
    """Read the date, time and period in `text` (already normalised), relative to aware `now`."""
    if not text:
        return NOTHING
    has_digit = DIGIT.search(text) is not None
    words = set(TOKENS.findall(text))
    if not has_digit and words.isdisjoint(GATE_ANY) and not SOON_WORD.search(text):
        return NOTHING
    tz = now.tzinfo
    today = now.date()
    s = Scan(text, today, lang)
    s.take(NOISE, lambda m: True)
    if bare_number_is_time:
        m = BARE_TIME.match(s.w)
        if m:
            h = number(m.group("h"))
            if h is not None and 0 <= h <= 24:
                s.clocks.append(Clock(m.start("h"), m.end(), h % 24, int(m.group("m") or 0), None, h >= 13))
                s.w = MASK * len(s.w)
    if not words.isdisjoint(GATE_HOLIDAYS):
        s.exact_pass = True
        read_holidays(s)
    if not words.isdisjoint(DE_ORDINAL_WORDS) and not words.isdisjoint(GATE_MONTHS):
        s.exact_pass = True
        read_german_ordinals(s)
    if has_digit or not words.isdisjoint(GATE_DATES):
        s.exact_pass = True
        read_dates(s)
        s.exact_pass = False
    if not words.isdisjoint(GATE_RELATIVE) or SOON_WORD.search(text):
        read_relative_days(s)
    if not words.isdisjoint(GATE_WEEKDAY):
        read_weekdays(s)
    if not words.isdisjoint(GATE_PERIODS):
        read_periods(s)
    if not words.isdisjoint(GATE_MONTHS) and not words.isdisjoint(GATE_MONTH_CUES):
        read_months(s)
    if has_digit or not words.isdisjoint(GATE_CLOCKS):
        read_clocks(s)
    if not words.isdisjoint(GATE_PARTS):
        read_parts(s)
    return combine(s, text, now, tz, opening_hours)
