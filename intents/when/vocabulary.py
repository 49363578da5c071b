"""Words and regex pieces shared by the date and clock patterns, and reading number words.

Month, weekday and number names come from the lexicon; what is here is how dates and times are
written around them (parts of the day, am/pm, "after"/"before" cues) in English and German.
"""

from __future__ import annotations

import re
try:  # CPython's own parser and compiler, to check a pattern's characters (`case_sensitive`)
    from re import _compiler, _constants, _parser
except ImportError:  # a Python without them: every pattern runs as written
    _parser = None  # type: ignore[assignment]

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
    "after work": "evening", "feierabend": "evening", "nach der arbeit": "evening",  # "tomorrow after work"
    "night": "night", "nacht": "night", "nachts": "night",
    "noon": "noon", "lunch": "noon", "lunchtime": "noon", "mittag": "noon", "mittags": "noon",
    "mittagszeit": "noon", "mittagspause": "noon", "mittagessen": "noon",
}
PART = alternation(PART_WORDS)

# How a clock time relates to what the user wants, read from the words just before it.
AFTER = r"(?:after|later than|no earlier than|not before|from|starting(?: at)?|anytime after|any time after|ab|nach|später als|frühestens|fruehestens|fruhestens|nicht vor|von)"
BEFORE = r"(?:before|until|till|til|by|no later than|not after|earlier than|latest|at the latest|bis|vor|spätestens|spaetestens|spatestens|nicht nach|früher als)"
# "like 3" is "around 3", but in "I'd like one" / "we like two" it is the verb
AT = (r"(?:at|@|um|gegen|around|arnd|about|abt|approx\.?|approximately|circa|ca\.?|(?<=can you )do|(?<=could you )do|(?<=can u )do|(?<=could u )do|(?<=can we )do|(?<=could we )do|(?<=make )it|(?<=making )it|(?<=geht )auch|(?<=ginge )auch|(?<!look )(?<!looking )(?<!search )(?<!searching )(?<!ask )(?<!asking )for|"
      r"(?<!'d )(?<!would )(?<!\bi )(?<!\bwe )(?<!\byou )(?<!\bthey )(?<!\bshe )(?<!\bhe )like|maybe|say|sometime around|so um|so gegen|etwa)")

# What a pass writes over the words it has read, so that no later pass reads them again.
MASK = "§"


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


def rx(pattern: str) -> Lazy:
    """A case-insensitive regex whose case-sensitive twin, which nearly every text is read with
    (`case_sensitive`), is compiled now; the pattern itself is compiled where a text needs it."""
    lazy = Lazy(pattern)
    case_sensitive(lazy)
    return lazy


# --- the same patterns without IGNORECASE, for text that has no capitals ------------------------
# The patterns ignore case, but the text they read is nearly always lower case already, and a
# case-sensitive pattern runs two to five times faster. Where neither the text nor the pattern has a
# letter that case folding relates to another (`_FOLDING`), both read exactly alike: in the text every
# character is ASCII but A-Z, or "äöüß", or the mask; in the pattern no literal character, and no range,
# is or spans one of `_FOLDING`, and nothing refers back to a group.

# Every character that IGNORECASE matches with one of the plain characters below, and only those.
_FOLDING = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜİıſ\u212a\u1e9e")  # the Kelvin sign ("k") and capital "ß"
_NOT_PLAIN = re.compile(r"[^\x00-@\[-\x7fäöüß" + MASK + "]")
_CASE_SENSITIVE: dict[int, tuple[object, re.Pattern[str] | Lazy]] = {}  # by id: a pattern's own hash reads all of it


def plain(text: str) -> bool:
    """Whether case matters nowhere in `text` (see above): then `case_sensitive` patterns read it alike."""
    return _NOT_PLAIN.search(text) is None


def case_sensitive(pattern: re.Pattern[str] | Lazy) -> re.Pattern[str] | Lazy:
    """`pattern` compiled without IGNORECASE when that reads `plain` text exactly alike, else `pattern`."""
    hit = _CASE_SENSITIVE.get(id(pattern))
    if hit is None or hit[0] is not pattern:
        # a Lazy one ignores case, and need not be compiled for that unless some text is not plain
        flags = re.IGNORECASE if isinstance(pattern, Lazy) else pattern.flags
        twin = pattern
        if flags & re.IGNORECASE and _parser is not None:
            flags &= ~re.IGNORECASE
            parsed = _parser.parse(pattern.pattern, flags)
            if not _folds(parsed):
                twin = _compiler.compile(parsed, flags)  # what re.compile does, but for the parse already done
        hit = _CASE_SENSITIVE[id(pattern)] = (pattern, twin)
    return hit[1]


def _folds(parsed) -> bool:
    """Whether a parsed pattern has a character or range that folds with another, or anything not known here
    (a group reference among them)."""
    c = _constants
    for op, arg in parsed:
        if op in (c.LITERAL, c.NOT_LITERAL):
            found = chr(arg) in _FOLDING
        elif op is c.RANGE:
            found = any(arg[0] <= ord(ch) <= arg[1] for ch in _FOLDING)
        elif op in (c.ANY, c.AT, c.CATEGORY, c.NEGATE):
            found = False
        elif op in (c.IN, c.ATOMIC_GROUP):
            found = _folds(arg)
        elif op is c.BRANCH:
            found = any(_folds(branch) for branch in arg[1])
        elif op is c.SUBPATTERN:
            found = _folds(arg[3])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            found = _folds(arg[2])
        elif op in (c.ASSERT, c.ASSERT_NOT):
            found = _folds(arg[1])
        else:
            found = True
        if found:
            return True
    return False


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
