"""A booking of theirs to become another service: "can I change my haircut to a beard trim?", "a beard trim instead
of my haircut", "make it a coloring instead", "statt dem Haarschnitt lieber Färben", "kann ich meinen Haarschnitt
in einen Bartschnitt ändern?".

Read only with a word for changing or "instead" in the message, and only of a service named after "to"/"into"/"in",
before "instead", or after "lieber": "book me for a haircut" changes nothing.
"""

from __future__ import annotations

import re

from .entities import service_mentions
from .types import Vocabulary

_CHANGE = re.compile(
    r"\b(?:change|changing|switch|switching|swap|turn|convert|make it|instead|rather|stattdessen|statt|anstatt|anstelle"
    r"|lieber|ändern|aendern|umändern|umaendern|umbuchen|tauschen|wechseln|umstellen)\b")
_CHANGE_WORDS = ("chang", "switch", "swap", "turn", "convert", "make it", "instead", "rather", "statt", "anstelle", "lieber",
                 "änder", "aender", "umbuch", "tausch", "wechsel", "umstell")
_ARTICLE = r"(?:(?:a|an|the|my|einen|eine|ein|einem|einer|den|die|das|dem|der|meinen|meine|mein|meinem|meiner)\s+)?"
_OLD_BEFORE = re.compile(rf"\b(?:instead of|rather than|statt|anstatt|anstelle(?: von)?)\s+{_ARTICLE}$")
_NEW_BEFORE = re.compile(rf"\b(?:to|into|for|in|zu|auf|gegen|lieber|rather (?:have|get|do))\s+{_ARTICLE}$")
_NEW_AFTER = re.compile(r"\w*(?:[\s-]+\w+)?\s+(?:instead|stattdessen)\b")


def swap(low: str, vocab: Vocabulary) -> tuple[str | None, str] | None:
    """(the service the booking has now, if named; the one it is to become), or None."""
    if not any(w in low for w in _CHANGE_WORDS) or _CHANGE.search(low) is None:
        return None
    mentions = service_mentions(low, vocab)
    old = next((sid for pos, sid in mentions if _OLD_BEFORE.search(low, max(0, pos - 30), pos)), None)
    new = next((sid for pos, sid in mentions if sid != old and (
        _NEW_BEFORE.search(low, max(0, pos - 30), pos) or _NEW_AFTER.match(low, pos))), None)
    others = {sid for _, sid in mentions if sid != old}
    if new is None and old is not None and len(others) == 1:
        new = others.pop()  # "instead of a haircut can I get a beard trim?": the one other service named
    if new is None:
        return None
    if old is None:
        old = next((sid for _, sid in mentions if sid != new), None)
    return old, new
