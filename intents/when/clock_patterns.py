"""Patterns for clock times in English and German ("3pm", "14:30", "halb drei", "ten to four"),
time ranges, and the words that say whether a time is wanted at, after or before.
"""

from __future__ import annotations

import re

from .vocabulary import (
    AFTER, AMPM, AT, BEFORE, HOUR, HOUR_DIGITS, MASK, NUMBER_WORD, PART, lazy_rx, rx,
)

_RANGE_SEP = r"\s*(?:-|–|/|to|till|until|and|bis|und|or|oder)\s*"
_CLOCK_CORE = (
    rf"(?:(?P<hm_h>{HOUR_DIGITS})[:.](?P<hm_m>[0-5]\d)(?::[0-5]\d)?(?:\s*(?P<hm_ap>{AMPM})|(?P<hm_ap1>[ap])\b)?"
    rf"(?:\s*(?P<hm_uhr>uhr|h\b))?"
    rf"|(?P<hh_h>{HOUR_DIGITS})h(?P<hh_m>[0-5]\d)\b"
    # one hour, read once, then what follows it: am/pm, "Uhr" or "o'clock"
    rf"|(?P<w_h>{HOUR})(?:(?:ish)?\s*(?:in the\s+)?(?P<ap_ap>{AMPM})|(?P<uhr>\s*uhr)(?:\s*(?P<uhr_m>[0-5]\d)\b)?"
    rf"|\s*o\s?['\"]?\s?clock\b(?:\s*(?P<oc_ap>{AMPM}))?)"
    rf"|(?P<ap1_h>{HOUR_DIGITS})(?P<ap1_ap>[ap])\b"
    rf"|(?P<h_h>{HOUR_DIGITS})\s*h\b"
    rf"|\b(?P<noon>noon|midday|mid day|mittag|12 mittags|midnight|mitternacht)\b)")
FRACTION_EN = rx(
    # "ten to four" is 15:50, but "from 2 to 4" is a range: a bare number counts as minutes only
    # when it is a usual one (5, 10, 20, 25) or says "minutes", and never right after from/between
    # (any number before "past"/"after", or before "to" an hour that says am/pm, noon or midnight)
    rf"(?<!from )(?<!between )(?<![:.])\b(?:a\s+)?(quarter|half|twenty[- ]five|twenty|ten|five|5|10|20|25|\d{{1,2}}(?=\s+min)"
    rf"|\d{{1,2}}(?=\s+(?:past|after)\s)|\d{{1,2}}(?=\s+(?:to|till|til|before)\s+(?:noon|midday|midnight|{HOUR}\s*{AMPM})))"
    rf"\s+(?:minutes?\s+)?(past|after|to|before|til|till|(?<=minutes )from)\s+({HOUR}|noon|midday|midnight)(?:\s*({AMPM})|h\b|\b)"
    rf"|\bhalf\s+({HOUR})\b(?!\s+(?:an?\s+)?(?:hour|day|stunde))")
FRACTION_DE = rx(
    rf"\b(?:(viertel|\d{{1,2}}|fünf|zehn|zwanzig)\s+(?:minuten\s+)?(nach|vor)\s+(halb\s+)?|(halb|viertel|dreiviertel|drei viertel)\s+)({HOUR})\b(?!\s*(?:tage|tagen|wochen))")
# "ten thirty am", "seven oh five p.m.", "four twenty-three a m": the minutes said in words
_UNIT_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEEN_WORDS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TEN_WORDS = ("twenty", "thirty", "forty", "fifty")
_UNITS = "(?:" + "|".join(_UNIT_WORDS) + ")"
_TEENS = "(?:" + "|".join(_TEEN_WORDS) + ")"
_TENS = "(?:" + "|".join(_TEN_WORDS) + ")"
MINUTE_WORDS = {word: n for n, word in enumerate(_UNIT_WORDS + _TEEN_WORDS, 1)} | {
    word: 20 + 10 * i for i, word in enumerate(_TEN_WORDS)}
WORD_CLOCK = lazy_rx(
    rf"\b({NUMBER_WORD})\s+(?:(?:o|oh)\s+({_UNITS})|({_TENS})(?:[- ]({_UNITS}))?|({_TEENS}))"
    rf"\s*({AMPM}|a\s?m\b|p\s?m\b|(?=\s+(?:in the\s+)?(?:morning|afternoon|evening|night)\b))")
# "at six thirty", "um halb": minutes in words after "at", am or pm left to the part of day or opening hours
WORD_CLOCK_AT = lazy_rx(
    rf"(?<=\bat )({NUMBER_WORD})\s+(?:(?:o|oh)\s+({_UNITS})|({_TENS})(?:[- ]({_UNITS}))?|({_TEENS}))\b()"
    rf"(?!\s*(?:minutes?|mins?|hours?|days?|weeks?|people|persons|dollars?|euros?))")
# "330 p.m.", "at 730 in the evening": hour and minutes run together
COMPACT_CLOCK = lazy_rx(
    rf"(?<![\d.:/])\b([1-9]|1[0-2])([0-5]\d)(?!\d)\s*(?:({AMPM})|(?=\s+(?:in the\s+)?(?:morning|afternoon|evening|night)\b))"
    rf"|(?:\b(?:at|um)\s+|@\s*)([01]\d|2[0-3])([0-5]\d)"  # "at 1545": only where a time ends ("at 2019 prices" is a year)
    rf"(?=\s*(?:$|[.,;!?){MASK}]|h\b|hrs?\b|hours\b|uhr\b|on\b|tomorrow\b|today\b|tonight\b|morgen\b|heute\b|am\s+[a-zäöü]))")
# "4pm for 30 mins", "for 30' starting from 4pm": how long, after a clock time
DURATION = lazy_rx(
    rf"\bfor\s+(\d{{1,3}}|{NUMBER_WORD}|{_TENS}|an?|one)\s*(minutes?|mins?|'|hours?|hrs?)(?!\w)")
# a bare hour right before a day that names its part: "8 tonight", "9 tomorrow morning"
HOUR_BEFORE_DAY = lazy_rx(rf"(?:\b(?:at|um|@)\s*)?\b(?P<h>{HOUR_DIGITS}|{NUMBER_WORD})(?::(?P<m>[0-5]\d))?\s*$")
CLOCK = rx(rf"(?<![\d.:/])\b(?:{_CLOCK_CORE})(?![\d:])(?!\s*(?:€|eur\b|euro|dollars?|\$|%|stars?|sterne))")
# the other end of a range whose first end is a bare number: "between 2 and 4", "14-16 Uhr"
RANGE_TAIL = rx(rf"{MASK}\s*(?:-|–|to|till|until|and|bis|und)\s*(?P<h>{HOUR_DIGITS}|{NUMBER_WORD})(?::(?P<m>[0-5]\d))?\b(?![.:]\d)"
                r"(?!\s*(?:(?:st|nd|rd|th)\b|days?|tage|people|personen))")
RANGE_HEAD = rx(rf"\b(?P<h>{HOUR_DIGITS})(?::(?P<m>[0-5]\d))?\s*(?:-|–|bis)\s*{MASK}")
TRIGGERED = rx(
    rf"\b(?P<trig>{AT}|{AFTER}|{BEFORE}|between|zwischen)\s+(?:the\s+|ca\.?\s+)?(?P<h>{HOUR_DIGITS}|{NUMBER_WORD})(?!\d)(?![\d.:/]\d)(?!\.\d)"
    r"(?!\s*(?:(?:st|nd|rd|th)\b|days?|weeks?|tage?n?|wochen?|monate?n?|months?|minutes?|mins?|minuten|hours?|stunden?"
    r"|appointments?|bookings?|termine?\b|%|€|\$|x\b|\.\s*(?:\d|(?:jan|feb|mär|maer|mar|apr|mai|may|jun|jul|aug|sep|okt|oct|nov|dez|dec)[a-zä]*\b))"
    r"|\s*[.]?\s*(?:of|de[sn]?)\s"
    r"|\s+(?:at|um|@)\s*\d)")  # "for 2 at 3": the hour is the one after "at"
# "morning @ 10": the same, after an at-sign (which has no word boundary before it)
TRIGGERED_AT = lazy_rx(TRIGGERED.pattern.replace(r"\b(?P<trig>", r"(?<![\w@])(?=@)(?P<trig>", 1))
PART_NUMBER = rx(
    rf"\b(?P<part>{PART})\s+(?:at\s+|um\s+|around\s+|gegen\s+)?(?P<h>{HOUR_DIGITS}|{NUMBER_WORD})(?::(?P<m>[0-5]\d))?\b(?![.:]\d)(?!\s*(?:(?:st|nd|rd|th)\b|days?|tage))"
    rf"|\b(?P<h2>{HOUR_DIGITS}|{NUMBER_WORD})(?::(?P<m2>[0-5]\d))?\s+(?:in the|in der|am|at|this|heute|in)?\s*(?P<part2>{PART})\b")
# A match takes a run of the mask whole (what follows it is never the mask), so it only starts where a run does
# and never gives any back: without the lookbehind and the possessive "++", a run of n masked characters cost n².
AFTER_DATE = rx(rf"(?<!{MASK}){MASK}++\s*,?\s*(?:at\s+|um\s+)?(?P<h>{HOUR_DIGITS})(?::(?P<m>[0-5]\d))?(?![\d.:/])(?!\s*(?:(?:st|nd|rd|th)\b|days?|tage|people|personen))")
# the first or last hours of a part of the day: "late afternoon", "later in the afternoon", "am frühen Abend",
# "spätnachmittags"
EDGE_PART = lazy_rx(
    r"\b(?:(?P<e>early|late|later)\s+(?:in\s+the\s+|on\s+)?|(?P<e2>früh|spät|später)\s+am\s+|(?:am|im)\s+(?P<e3>frühen|späten)\s+"
    r"|(?P<e4>spät|früh))(?P<part>morning|afternoon|evening|vormittags?|nachmittags?|abends?)\b")
EDGE_WORDS = frozenset("early late later früh spät später frühen späten spätnachmittags spätnachmittag frühabends "
                       "frühabend spätabends spätabend spätvormittags".split())
PART_ALONE = rx(rf"\b(?:in the\s+|am\s+|in der\s+|the\s+|this\s+|at\s+|zur\s+)?({PART})\b")
BARE_TIME = rx(rf"^\s*(?:{AT}\s+)?(?P<h>{HOUR_DIGITS}|{NUMBER_WORD})(?::(?P<m>[0-5]\d))?\s*[.!?]*\s*$")

# Reading the words around a clock: "after 4", "between 2 and 4", "bis 18 Uhr"
RELATION_BEFORE = re.compile(rf"(?:^|\s)(?P<rel>{AFTER}|{BEFORE}|between|zwischen|{AT})\s*$", re.IGNORECASE)
RANGE_GAP = re.compile(rf"^{_RANGE_SEP}$", re.IGNORECASE)
AFTER_WORD = re.compile(rf"^{AFTER}$", re.IGNORECASE)
BEFORE_WORD = re.compile(rf"^{BEFORE}$", re.IGNORECASE)
# with a word for moving, a bare hour after "to" / "auf" is where the appointment goes ("move it to 10 on Friday")
MOVE_TO = rx(rf"\b(?:to|auf)\s+(?P<h>{HOUR_DIGITS})(?::(?P<m>[0-5]\d))?(?!\d)(?![.:/]\d)"
             r"(?!\s*(?:%|€|\$|euro|(?:st|nd|rd|th)\b|people|persons?|personen|leute|minutes?|mins?|minuten|hours?|"
             r"stunden?|days?|tage?n?|weeks?|wochen?|months?|monate?n?))")
# "for 4. A shared ride": a number after "for" that ends a sentence counts people, not hours
FOR_COUNT_END = re.compile(r"\.\s*[a-zäöü]")
