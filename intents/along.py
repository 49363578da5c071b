"""A message that asks for two things at once: a booking and a question about the business ("book a haircut
tomorrow at 10, how much is it?", "I want a coloring on Friday. Do you take cards?", "ich möchte Freitag färben
lassen, wie lange dauert das?"). Each part is read on its own, so the dialogue can answer the question and go on
with the booking."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from .types import Reading

Reader = Callable[[str], Reading]  # a part read in the conversation's context, as the whole message is

# where one request ends and the next begins: after a sentence, or before a question word after "but"/"and"/a comma
_QUESTION_WORDS = (r"how|what|when|where|which|who|is|are|do|does|can|could|will|would|should|must|may|wie|was|wann"
                   r"|wo|welche\w*|wer|ist|sind|muss|müssen|kann|können|darf|gibt|habt|haben|nehmt|nehmen|brauche")
_BETWEEN = re.compile(rf"(?<=[?.!;:])\s+|\s+[-–—]\s+|,?\s+(?:but|and|also|aber|und|also)\s+(?=(?:{_QUESTION_WORDS})\b)"
                      rf"|,\s+(?=(?:{_QUESTION_WORDS})\b)", re.IGNORECASE)
_ASKS = re.compile(rf"\?|^\W*(?:{_QUESTION_WORDS})\b", re.IGNORECASE)
_WANTS = ("book", "availability")
_NOT_ANSWERED_ALONG = ("late", "arrived", "note", "waitlist")  # word for the team, said on their own


def parts(text: str, read: Reader) -> list[tuple[str, Reading]]:
    """The message's parts, each with its reading, where it has more than one; else []."""
    if not isinstance(text, str) or len(text) > 400:
        return []
    pieces = [p.strip() for p in _BETWEEN.split(text) if p and p.strip(" ,.;:!?")]
    if len(pieces) < 2:
        return []
    return [(p, read(p)) for p in pieces]


def questions_along(whole: Reading, text: str, read: Reader) -> list[tuple[str, Reading]]:
    """The questions about the business asked along with a booking, each read on its own (with the booking's
    service where it names none: "how long does it take?"); [] where the message asks none."""
    if whole.intent not in _WANTS or "?" not in text and not _ASKS.search(text):
        return []
    found = []
    for piece, r in parts(text, read):
        if r.intent == "info" and r.topic and r.topic not in _NOT_ANSWERED_ALONG and _ASKS.search(piece):
            found.append((piece, r if r.service or not whole.service else replace(r, service=whole.service)))
    return found


def booking_along(whole: Reading, text: str, read: Reader) -> Reading | None:
    """The booking asked for along with a question about the business ("I want a coloring on Friday. Do you take
    cards?"): that part's reading, where it names a service or a time; else None."""
    if whole.intent != "info" or whole.topic in _NOT_ANSWERED_ALONG or not (whole.service or whole.has_when):
        return None  # (the service or day a booking part names is in the whole message's reading too)
    for _, r in parts(text, read):
        if r.intent in _WANTS and (r.service or r.has_when):
            return r
    return None
