"""Words and regex pieces shared by the date and clock patterns, and reading number words.

Month, weekday and number names come from the lexicon; what is here is how dates and times are
written around them (parts of the day, am/pm, "after"/"before" cues) in English and German.
"""

from __future__ import annotations

import re

from ..lexicon import DE_MONTHS, EN_MONTHS, NUMBER_WORDS, ORDINAL_WORDS, WEEKDAYS, alternation

MONTHS: dict[str, int] = {**EN_MONTHS, **DE_MONTHS}
MONTH = alternation(MONTHS)
WEEKDAY = alternation(WEEKDAYS)
NUMBER_WORD = alternation(NUMBER_WORDS)
ORDINAL_WORD = alternation(ORDINAL_WORDS)
HOUR_DIGITS = r"(?:[01]?\d|2[0-4])"
HOUR = rf"(?:{HOUR_DIGITS}|{NUMBER_WORD})"
AMPM = (r"(?:a\.\s?m\.?|p\.\s?m\.?|pm\b|am\b(?!\s+(?:" + WEEKDAY +
        r"|\d|ende|wochenende|nachmittag|vormittag|abend|morgen|mittag|dem|den|tag|sonntag)))")
ORDINAL_SUFFIX = r"(?:st|nd|rd|th|ten|sten|ter|ste|te)"
DAY_NUMBER = rf"(?:(?:[0-2]?\d|3[01]){ORDINAL_SUFFIX}?|{ORDINAL_WORD})"

PART_WORDS = {
    "morning": "morning", "mornings": "morning", "morgens": "morning", "vormittag": "morning",
    "vormittags": "morning", "früh": "morning", "frueh": "morning", "fruh": "morning",
    "afternoon": "afternoon", "afternoons": "afternoon", "nachmittag": "afternoon", "nachmittags": "afternoon",
    "evening": "evening", "evenings": "evening", "abend": "evening", "abends": "evening",
    "night": "night", "nacht": "night", "nachts": "night",
    "noon": "noon", "lunch": "noon", "lunchtime": "noon", "mittag": "noon", "mittags": "noon",
    "mittagszeit": "noon", "mittagspause": "noon",
}
PART = alternation(PART_WORDS)

# How a clock time relates to what the user wants, read from the words just before it.
AFTER = r"(?:after|later than|no earlier than|not before|from|starting(?: at)?|anytime after|any time after|ab|nach|später als|frühestens|fruehestens|fruhestens|nicht vor|von)"
BEFORE = r"(?:before|until|till|til|by|no later than|not after|earlier than|latest|at the latest|bis|vor|spätestens|spaetestens|spatestens|nicht nach|früher als)"
# "like 3" is "around 3", but in "I'd like one" / "we like two" it is the verb
AT = (r"(?:at|@|um|gegen|around|about|approx\.?|approximately|circa|ca\.?|(?<!look )(?<!looking )(?<!search )(?<!searching )(?<!ask )(?<!asking )for|"
      r"(?<!'d )(?<!would )(?<!\bi )(?<!\bwe )(?<!\byou )(?<!\bthey )(?<!\bshe )(?<!\bhe )like|maybe|say|sometime around|so um|so gegen|etwa)")

# What a pass writes over the words it has read, so that no later pass reads them again.
MASK = "§"


def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


class Lazy:
    """A case-insensitive regex compiled on first use: patterns for rare forms cost no start-up time."""

    __slots__ = ("pattern", "_rx")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._rx: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._rx is None:
            self._rx = re.compile(self.pattern, re.IGNORECASE)
        return self._rx

    def finditer(self, text: str, *bounds: int):
        return self.compiled().finditer(text, *bounds)

    def search(self, text: str, *bounds: int) -> re.Match[str] | None:
        return self.compiled().search(text, *bounds)

    def match(self, text: str, *bounds: int) -> re.Match[str] | None:
        return self.compiled().match(text, *bounds)

    def sub(self, repl, text: str, count: int = 0) -> str:
        return self.compiled().sub(repl, text, count)


def lazy_rx(pattern: str) -> Lazy:
    return Lazy(pattern)


def number(token: str) -> int | None:
    """A count or an hour, in digits or words ("3", "three", "drei")."""
    token = token.strip().rstrip(".").lower()
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token)


def ordinal(token: str) -> int | None:
    """A day of the month as said: "3rd", "3.", "third"."""
    token = token.strip().rstrip(".").lower()
    if token in ORDINAL_WORDS:
        return ORDINAL_WORDS[token]
    m = re.match(r"(\d{1,2})", token)
    return int(m.group(1)) if m else None
