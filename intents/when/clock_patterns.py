"""Patterns for clock times in English and German ("3pm", "14:30", "halb drei", "ten to four"),
time ranges, and the words that say whether a time is wanted at, after or before.
"""

from __future__ import annotations

import re

from .vocabulary import (
    AFTER, AMPM, AT, BEFORE, HOUR, HOUR_DIGITS, MASK, NUMBER_WORD, PART, rx,
)

_RANGE_SEP = r"\s*(?:-|–|to|till|until|and|bis|und|or|oder)\s*"
_CLOCK_CORE = (
    rf"(?:(?P<hm_h>{HOUR_DIGITS})[:.](?P<hm_m>[0-5]\d)(?:\s*(?P<hm_ap>{AMPM}))?(?:\s*(?P<hm_uhr>uhr|h\b))?"
    rf"|(?P<hh_h>{HOUR_DIGITS})h(?P<hh_m>[0-5]\d)\b"
    rf"|(?P<ap_h>{HOUR})\s*(?P<ap_ap>{AMPM})"
    rf"|(?P<uhr_h>{HOUR})\s*uhr(?:\s*(?P<uhr_m>[0-5]\d)\b)?"
    rf"|(?P<h_h>{HOUR_DIGITS})\s*h\b"
    rf"|(?P<oc_h>{HOUR})\s*o\s?['\"]?\s?clock\b"
    rf"|\b(?P<noon>noon|midday|mittag|12 mittags|midnight|mitternacht)\b)")
FRACTION_EN = rx(
    # "ten to four" is 15:50, but "from 2 to 4" is a range: a bare number counts as minutes only
    # when it is a usual one (5, 10, 20, 25) or says "minutes", and never right after from/between
    rf"(?<!from )(?<!between )\b(?:a\s+)?(quarter|half|twenty[- ]five|twenty|ten|five|5|10|20|25|\d{{1,2}}(?=\s+min))"
    rf"\s+(?:minutes?\s+)?(past|after|to|before|til|till)\s+({HOUR}|noon|midday)\b"
    rf"|\bhalf\s+({HOUR})\b(?!\s+(?:an?\s+)?(?:hour|day|stunde))")
FRACTION_DE = rx(
    rf"\b(?:(viertel|\d{{1,2}}|fünf|zehn|zwanzig)\s+(?:minuten\s+)?(nach|vor)\s+(halb\s+)?|(halb|viertel|dreiviertel|drei viertel)\s+)({HOUR})\b(?!\s*(?:tage|tagen|wochen))")
CLOCK = rx(rf"(?<![\d.:/])\b(?:{_CLOCK_CORE})(?![\d:])(?!\s*(?:€|eur\b|euro|dollars?|\$|%|stars?|sterne))")
# the other end of a range whose first end is a bare number: "between 2 and 4", "14-16 Uhr"
RANGE_TAIL = rx(rf"{MASK}\s*(?:-|–|to|till|until|and|bis|und)\s*(?P<h>{HOUR_DIGITS}|{NUMBER_WORD})(?::(?P<m>[0-5]\d))?\b(?![.:]\d)"
                r"(?!\s*(?:st|nd|rd|th|days?|tage|people|personen))")
RANGE_HEAD = rx(rf"\b(?P<h>{HOUR_DIGITS})(?::(?P<m>[0-5]\d))?\s*(?:-|–|bis)\s*{MASK}")
TRIGGERED = rx(
    rf"\b(?P<trig>{AT}|{AFTER}|{BEFORE}|between|zwischen)\s+(?:the\s+|ca\.?\s+)?(?P<h>{HOUR_DIGITS}|{NUMBER_WORD})(?![\d.:/]\d)(?!\.\d)"
    r"(?!\s*(?:st|nd|rd|th|days?|weeks?|tage?n?|wochen?|monate?n?|months?|minutes?|mins?|minuten|hours?|stunden?"
    r"|%|€|\$|x\b|\.\s*(?:[a-zäöü]|\d))|\s*[.]?\s*(?:of|de[sn]?)\s)")
PART_NUMBER = rx(
    rf"\b(?P<part>{PART})\s+(?:at\s+|um\s+|around\s+|gegen\s+)?(?P<h>{HOUR_DIGITS}|{NUMBER_WORD})(?::(?P<m>[0-5]\d))?\b(?![.:]\d)(?!\s*(?:st|nd|rd|th|days?|tage))"
    rf"|\b(?P<h2>{HOUR_DIGITS}|{NUMBER_WORD})(?::(?P<m2>[0-5]\d))?\s+(?:in the|in der|am|at|this|heute|in)?\s*(?P<part2>{PART})\b")
AFTER_DATE = rx(rf"{MASK}+\s*,?\s*(?:at\s+|um\s+)?(?P<h>{HOUR_DIGITS})(?::(?P<m>[0-5]\d))?(?![\d.:/])(?!\s*(?:st|nd|rd|th|days?|tage|people|personen))")
PART_ALONE = rx(rf"\b(?:in the\s+|am\s+|in der\s+|the\s+|this\s+|at\s+|zur\s+)?({PART})\b")
BARE_TIME = rx(rf"^\s*(?:{AT}\s+)?(?P<h>{HOUR_DIGITS}|{NUMBER_WORD})(?::(?P<m>[0-5]\d))?\s*[.!?]*\s*$")

# Reading the words around a clock: "after 4", "between 2 and 4", "bis 18 Uhr"
RELATION_BEFORE = re.compile(rf"(?:^|\s)(?P<rel>{AFTER}|{BEFORE}|between|zwischen|{AT})\s*$", re.IGNORECASE)
RANGE_GAP = re.compile(rf"^{_RANGE_SEP}$", re.IGNORECASE)
AFTER_WORD = re.compile(rf"^{AFTER}$", re.IGNORECASE)
BEFORE_WORD = re.compile(rf"^{BEFORE}$", re.IGNORECASE)
