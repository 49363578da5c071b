"""Replies that only make sense against what is on the table: "an hour later", "same time on Thursday",
"the 2nd one", "fine, 11 then", "anything earlier?", "not Wednesday, Thursday".

These words point at something the bot said or holds (the offered times, the time being confirmed,
the booking being moved), so they are recognised here, next to the question on the table, and
resolved by the flow that knows what they point at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from intents import Reading

from .payloads import SlotChoice, unpack
from .state import OfferedOption
from .turn import Turn


@dataclass(frozen=True)
class Relative:
    """A change relative to a time already known: by an amount, to the same time on another day, or
    simply earlier / later than what was offered ("anything earlier?")."""

    shift: timedelta | None = None  # "an hour later" (+), "15 Minuten früher" (-)
    same_time: bool = False  # "same time on Thursday", "gleiche Uhrzeit"
    direction: int = 0  # -1 "anything earlier?", +1 "something later?" (no amount said)


_AMOUNT = (r"(?P<n>\d{1,3}|an?|one|two|three|four|ein(?:e|en)?|zwei|drei|vier|half an?|a quarter of an?|"
           r"eine halbe|einer halben|einer|ne|'?ne)\s*(?P<unit>hours?|hrs?|h|minutes?|mins?|stunden?|std|minuten?)")
_HALF_HOUR = r"(?P<half>half an hour|a half hour|einer? halben? stunde|'?ne halbe stunde|halbe stunde|" \
             r"(?:a )?quarter of an hour|(?:eine[rn]? )?viertelstunde)"
_LATER = r"later|back|after|later on|sp(?:ä|ae)ter|nach hinten"
_EARLIER = r"earlier|sooner|forward|up|before|fr(?:ü|ue)her|nach vorne?"
_AMOUNT2 = _AMOUNT.replace("?P<n>", "?P<n2>").replace("?P<unit>", "?P<unit2>")  # the amount after the direction
_HALF_HOUR2 = _HALF_HOUR.replace("?P<half>", "?P<half2>")
_SHIFT = re.compile(
    rf"(?:(?:{_AMOUNT}|{_HALF_HOUR})\s+(?:(?:by|um)\s+)?(?P<dir>{_LATER}|{_EARLIER})\b)"
    rf"|(?:\b(?P<dir2>{_LATER}|{_EARLIER})\s+(?:by\s+|um\s+)?(?:{_AMOUNT2}|{_HALF_HOUR2})\b)",
    re.IGNORECASE,
)
_WORDS = {"a": 1, "an": 1, "one": 1, "ein": 1, "eine": 1, "einen": 1, "einer": 1, "ne": 1, "'ne": 1,
          "two": 2, "zwei": 2, "three": 3, "drei": 3, "four": 4, "vier": 4}
_SAME_TIME = re.compile(r"\b(?:(?:the )?same time|same hour|(?:die |zur |zu der )?(?:gleiche[nr]?|selbe[nr]?) "
                        r"(?:uhr)?zeit|um die gleiche zeit)\b", re.IGNORECASE)
_DIRECTION = re.compile(
    r"^\W*(?:(?:and|or|ok|okay|hmm+|hm|und|oder|na ja|naja|also)\W+)*(?:(?:is there |do you have |have you got )?"
    r"(?:anything|something|any time|a time|sth|maybe|perhaps|any)?\s*(?P<en>earlier|later|sooner)(?: (?:than that|"
    r"that day|maybe|perhaps|possible|available|please|on that day|in the day))?|(?:geht(?:'s| es)?|gibt(?:'s| es)|"
    r"haben sie|habt ihr|hast du|ist|wäre|waere|vielleicht|noch|auch|etwas|was|eher|lieber|doch)?(?:\s+(?:auch|noch|"
    r"es|was|etwas|eher|vielleicht|ein bisschen|bisschen))*\s*(?P<de>fr(?:ü|ue)her|sp(?:ä|ae)ter)(?:\s+(?:was|etwas|"
    r"frei|m(?:ö|oe)glich|noch|auch|vielleicht|bitte))*)\W*$",
    re.IGNORECASE,
)


def relative(text: str) -> Relative | None:
    """The relative change a message asks for, or None."""
    m = _SHIFT.search(text)
    if m:
        amount = _amount(m.group("n") or m.group("n2"), m.group("unit") or m.group("unit2"),
                         m.group("half") or m.group("half2"))
        if amount:
            later = re.fullmatch(_LATER, (m.group("dir") or m.group("dir2")).lower()) is not None
            return Relative(shift=amount if later else -amount)
    if _SAME_TIME.search(text):
        return Relative(same_time=True)
    m = _DIRECTION.match(text.strip())
    if m:
        word = (m.group("en") or m.group("de")).lower()
        return Relative(direction=-1 if word in ("earlier", "sooner") or word.startswith("fr") else 1)
    return None


def _amount(n: str | None, unit: str | None, half: str | None) -> timedelta | None:
    if half:
        return timedelta(minutes=15 if "viertel" in half.lower() or "quarter" in half.lower() else 30)
    if not n or not unit:
        return None
    words = n.lower().split()
    if "halbe" in words or "halben" in words or "half" in words:
        count: float = 0.5
    elif "quarter" in words:
        count = 0.25
    elif n.isdigit():
        count = int(n)
    else:
        count = _WORDS.get(words[0].strip("'"), 0) if words else 0
    minutes = count * (60 if unit.lower().startswith(("h", "st")) else 1)
    return timedelta(minutes=minutes) if 0 < minutes <= 24 * 60 else None


# --- picking one of the offered times --------------------------------------------------------------

_ORDINALS = {
    1: r"first|1st|erste[nrs]?|1\.", 2: r"second|2nd|zweite[nrs]?|2\.", 3: r"third|3rd|dritte[nrs]?|3\.",
    4: r"fourth|4th|vierte[nrs]?|4\.", 5: r"fifth|5th|f(?:ü|ue)nfte[nrs]?|5\.", 6: r"sixth|6th|sechste[nrs]?|6\.",
    -1: r"last|letzte[nrs]?",
}
_ORDINAL = re.compile(r"(?<![\w.])(?:" + "|".join(f"(?P<o{i if i > 0 else 'last'}>{p})" for i, p in _ORDINALS.items())
                      + r")(?!\w)", re.IGNORECASE)
_ONE_OF = re.compile(r"\b(?:the|die|der|den|das)\s+(?P<which>later|earlier|sp(?:ä|ae)tere[nr]?|fr(?:ü|ue)here[nr]?)"
                     r"(?:\s+(?:one|option|time|slot|termin|uhrzeit|zeit))?\b", re.IGNORECASE)
_SHORT = 7  # words: a longer message is a request of its own, not a pick
_HOUR = re.compile(r"(?<![\d:.])(\d{1,2})(?:[:.](\d{2}))?(?!\d|[:.]\d|(?:st|nd|rd|th)\b|\.)")


def pick_by_position(text: str, count: int) -> int | None:
    """The 0-based index of the option "the 2nd one", "der erste passt", "the later one", "die letzte" points at."""
    if count == 0 or len(text.split()) > _SHORT:
        return None
    m = _ONE_OF.search(text)
    if m and count >= 2:
        return count - 1 if m.group("which").lower().startswith(("l", "sp")) else 0
    m = _ORDINAL.search(text)
    if m is None:
        return None
    name = next(k for k, v in m.groupdict().items() if v)
    index = count - 1 if name == "olast" else int(name[1:]) - 1
    return index if 0 <= index < count else None


def bare_hour(text: str) -> tuple[int, int] | None:
    """The one clock time in a short reply ("fine, 11 then", "make it 3", "lieber 15:30"), as written."""
    if len(text.split()) > _SHORT:
        return None
    found = _HOUR.findall(text)
    if len(found) != 1:
        return None
    hour, minute = int(found[0][0]), int(found[0][1] or 0)
    return (hour, minute) if hour <= 23 and minute <= 59 else None


def slot_starts(options: list[OfferedOption], tz: tzinfo) -> list[datetime | None]:
    """Each offered option's start as local time (None for an option that is not a time)."""
    starts: list[datetime | None] = []
    for option in options:
        payload = unpack(option.value)
        starts.append(payload.start.astimezone(tz) if isinstance(payload, SlotChoice) else None)
    return starts


def pick_by_time(hour: int, minute: int, starts: list[datetime | None]) -> int | None:
    """The one offered time at this clock time (11 is 11:00, or 23:00; 3 is 3:00 or 15:00), or None."""
    hours = {hour, hour + 12} if hour < 12 else {hour}
    hits = [i for i, s in enumerate(starts) if s is not None and s.hour in hours and s.minute == minute]
    days = {starts[i].date() for i in hits if starts[i] is not None}
    return hits[0] if hits and len(days) == 1 and len({starts[i] for i in hits}) == 1 else None


# --- "not Wednesday, Thursday" ---------------------------------------------------------------------

_NOT_BUT = re.compile(
    r"^\W*(?:(?:oh|ah|ach|sorry|oops|no|nope|nein|ne|nee|actually|eigentlich|doch)\W+)*(?:not|nicht)\s+"
    r"(?:on\s+|am\s+|at\s+|um\s+)?[^,;]{1,25}?\s*(?:[,;\-–]\s*(?:but|sondern|aber)?|but|sondern)\s*(?P<rest>.+)$",
    re.IGNORECASE,
)


def instead(text: str) -> str | None:
    """The part that counts in "not Wednesday, Thursday" / "nicht Mittwoch, sondern Donnerstag"."""
    m = _NOT_BUT.match(text.strip())
    return m.group("rest").strip() if m else None


# --- resolving a relative change against what is known ----------------------------------------------


def apply(turn: Turn, rel: Relative, r: Reading, anchor: datetime | None) -> bool:
    """Put the time a relative change means into the draft; False when there is nothing it is relative to.

    A shift or "same time" counts from `anchor` (the booking being moved, the time being confirmed);
    "anything earlier?" looks before the earliest offered time (or the anchor) on its day, "later" after the latest.
    """
    d, tz = turn.state.draft, turn.business.tz
    if rel.direction:
        offered = [s for s in slot_starts(turn.state.options, tz) if s is not None]
        times = offered or ([turn.local(anchor)] if anchor else [])
        if not times:
            return False
        if rel.direction < 0:
            first = min(times)
            d.start, d.end = datetime.combine(first.date(), time(0), tzinfo=tz), first
        else:
            last = max(times)
            d.start = last + timedelta(seconds=1)  # after the latest offered (shown as its own minute)
            d.end = datetime.combine(last.date() + timedelta(days=1), time(0), tzinfo=tz)
        d.date = d.time = None
        return True
    if anchor is None:
        return False
    local = turn.local(anchor).replace(tzinfo=None)
    moved = local + rel.shift if rel.shift else datetime.combine(r.date or local.date(), local.time())
    d.date, d.time, d.start, d.end = moved.date(), moved.time(), None, None
    return True
