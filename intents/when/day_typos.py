"""Misspelled weekdays ("wendsday", "thrusday", "Dinstag"): corrected when exactly one weekday is
that close, else reported as unclear so the dialogue asks instead of guessing a day.
"""

from __future__ import annotations

import re

from ..lexicon import WEEKDAYS
from .vocabulary import lazy_rx

_KNOWN = frozenset(WEEKDAYS) | frozenset(w + "s" for w in WEEKDAYS)
ENDINGS = ("day", "dy", "dai", "tag", "tg", "woch", "wch")
# a word shaped like a weekday: a few letters and the ending of one
DAYISH = lazy_rx(r"\b[a-zäöü]{3,9}(?:" + "|".join(ENDINGS) + r")\b")


def closest_weekday(token: str) -> tuple[str | None, bool]:
    """(the weekday `token` is a misspelling of, or None; whether it looks like one at all).

    One edit is allowed in short words, two in longer ones; the first letter is rarely the typo. A
    two-edit repair is trusted only when no other day is three edits away ("Donstag": Dienstag or
    Donnerstag?).
    """
    from rapidfuzz.distance import OSA  # lazy: only a word shaped like a misspelled day needs it

    limit = 1 if len(token) <= 6 else 2
    near = [(OSA.distance(token, w, score_cutoff=limit + 1), w) for w in WEEKDAYS]
    near = [(d, w) for d, w in near if d <= limit + 1]
    if not any(d <= limit for d, _ in near):
        return None, False
    pool = [(d, w) for d, w in near if w[0] == token[0]] or near
    best = min(d for d, _ in pool)
    if best > limit:
        return None, True
    hits = [w for d, w in pool if d == best]
    rivals = [w for d, w in pool if d == best + 1] if best >= 2 else []
    return (hits[0], True) if len(hits) == 1 and not rivals else (None, True)


# everyday words with a weekday's ending, never worth a second look
_COMMON = _KNOWN | frozenset("""
day today yesterday birthday holiday holidays midday someday everyday weekday weekdays workday payday anybody
somebody everybody nobody body lady ready already steady study windy mittag nachmittag vormittag
feiertag geburtstag wochentag alltag vortag werktag
""".split())


def dayish(text: str, words: set[str] | frozenset[str]) -> bool:
    """Whether any of `words` could be a misspelled weekday (cheap: checked on every message)."""
    if not ("day" in text or "dy" in text or "tag" in text or "tg" in text or "woch" in text or "wch" in text
            or "dai" in text):
        return False
    return any(w.endswith(ENDINGS) and len(w) >= 5 for w in words - _COMMON)


def repair_weekdays(text: str) -> tuple[str, str | None]:
    """`text` with misspelled weekdays corrected, and the first one that could not be (or None)."""
    unclear: list[str] = []

    def fix(m: re.Match[str]) -> str:
        token = m.group(0)
        if token in _KNOWN:
            return token
        fixed, looks_like_a_day = closest_weekday(token)
        if fixed is None and looks_like_a_day:
            unclear.append(token)
        return fixed or token

    return DAYISH.sub(fix, text), (unclear[0] if unclear else None)
