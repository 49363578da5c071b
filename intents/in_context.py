"""Replies read against the conversation: what the bot just offered or asked, and the time being changed.

"the 2nd one", "fine, 11 then", "the Thursday one", "the one with Tom" pick an offered option;
"an hour later", "same time on Thursday" count from `Context.anchor`; "anything earlier?" looks
before the earliest offered time; "make it 3", "not Wednesday, Thursday", "with Tom instead" correct
one part of what is being confirmed; "whatever's the earliest you have", "right now" ask for the
earliest free time. The words are recognised from the text alone, on every reading (the rules' or a
language model's), and resolved against the context where it holds what they point at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo

from .party import for_others, named_other, spoken_of
from .types import Context, Reading
from .when import resolve

Reader = Callable[[str, Context], Reading]
_SHORT = 7  # words: a longer message is a request of its own, not a pick or a bare correction


def within(r: Reading, text: str, context: Context, reread: Reader) -> Reading:
    """`r` (any reader's reading of `text`) with what the text means against `context`. Never raises.

    `reread` reads the part that counts in "not Wednesday, Thursday"."""
    if not isinstance(text, str) or r.later:
        return r  # ("I'll let you know later" asks for no later time)
    try:
        low = text.lower()
        if context.expecting is not None or context.offers or context.anchor is not None or r.unclear \
                or not _GATE_WORDS.isdisjoint(low.translate(_SPACES).split()):
            r = _within(r, text, context, reread)  # most messages skip this: no context, no word pointing at one
        return _of_their_own(r, text, low, context)
    except Exception:  # the dialogue must never crash on a message; the reading stays as it was
        return r


def _of_their_own(r: Reading, text: str, low: str, context: Context) -> Reading:
    """What a message says about the customer's own bookings, with or without a context: "a beard trim right
    after", "I'll be there", "cancel both". Each looks for its few words first, so most messages pass at once."""
    if r.shift or r.same_time:
        r = _once_more(r, low)  # ("same time next week too?")
    if context.recent or r.service is not None and not r.for_others:
        r = _him_or_her(r, text, low, context)  # ("could he get a haircut too?" after naming "my son", or in the same message)
    if context.expecting is None and (r.has_when or r.staff):
        r = _instead_of_it(r, low, context)  # ("can you make it 10:45 instead?")
    if _OWN_WORDS.search(low) is None:
        return r
    r = _right_after(r, text, low, context)
    r = _same_day(r, text, low, context)
    r = _attending(r, low, context)
    r = _other(r, low)
    r = _missed(r, low, context)
    return _every(r, low, context)


def _within(r: Reading, text: str, context: Context, reread: Reader) -> Reading:
    if not isinstance(text, str):
        return r
    low = text.lower()
    if r.unclear and (r.date or r.start):
        r = replace(r, unclear=None)  # another reader found the day after all
    elif r.unclear and len(low) == len(text) and (at := low.find(r.unclear)) >= 0:
        r = replace(r, unclear=text[at:at + len(r.unclear)])  # as the customer wrote it
    if r.unclear and r.intent == "other" and (context.expecting in ("when", "confirm", "choice") or r.service or r.staff):
        r = replace(r, intent="book")  # "thuesday?" answers the question about the day; "haircut on thuesday" asks one
    bound = context.expecting is not None or bool(context.offers) or context.anchor is not None
    if bound:
        r = _in_offered_week(r, low, context)
        r = _number_as_hour(r, text, context)
        picked = _pick(r, text, low, context)
        if picked is not None:
            return picked
        other = _on_offered_day(r, text, context)
        if other is not None:
            return other
    r = _earliest(r, text, low, context)
    r = _latest(r, low, context)
    r = _any_time(r, low, context)
    rel = relative(low) if r.topic != "late" else None  # "10 Minuten später kommen" says how late, it moves nothing
    if bound and (rel is None or not (rel.same_time or rel.shift)):  # "same time next week instead" counts from it
        corrected = _correction(r, text, low, context, reread)
        if corrected is not None:
            return corrected
    if rel is None or (rel.direction and r.has_when):
        return r
    r = replace(r, shift=rel.shift, same_time=rel.same_time, direction=rel.direction)
    starts = [o.start for o in context.offers if o.start is not None]
    resolved = resolve_relative(r, context.anchor, starts, context.now.tzinfo)
    if resolved is not None:
        return resolved
    if rel.shift and r.has_when and not _other_when(low, _SHIFT.search(low), r, context):
        r = replace(r, date=None, time=None, start=None, end=None)  # "2h later" is no 02:00, "an hour later" no time from now
    return r


def _other_when(low: str, m: re.Match[str] | None, r: Reading, context: Context) -> bool:
    """Whether the words around the phrase `m` say a day or time of their own."""
    if m is None:
        return True
    rest = low[:m.start()] + " " + low[m.end():]
    if not rest.strip():
        return False
    found = resolve(rest, context.now, r.lang, context.vocabulary.opening_hours)
    return bool(found.date or found.time or found.start)


# --- "an hour later", "same time on Thursday", "anything earlier?" ---------------------------------------


@dataclass(frozen=True)
class Relative:
    """A change relative to a time already known: by an amount, to the same time on another day, or
    simply earlier / later than what was offered ("anything earlier?")."""

    shift: timedelta | None = None  # "an hour later" (+), "15 Minuten früher" (-), "a week later"
    same_time: bool = False  # "same time on Thursday", "gleiche Uhrzeit"
    direction: int = 0  # -1 "anything earlier?", +1 "something later?" (no amount said)


_AMOUNT = (r"(?<![\w'])(?P<n>\d{1,3}|an?|one|two|three|four|ein(?:e|en|em)?|zwei|drei|vier|half an?|a quarter of an?|"
           r"eine halbe|einer halben|einer|ne|'?ne)\s*(?P<unit>hours?|hrs?|h|minutes?|mins?|stunden?|std|minuten?|"
           r"days?|weeks?|wks?|tage?n?|wochen?)")
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
_LATE_BY = re.compile(
    rf"(?:(?:{_AMOUNT}|{_HALF_HOUR})\s+(?:too\s+)?(?:late|behind|zu\s+sp(?:ä|ae)t|sp(?:ä|ae)ter|versp(?:ä|ae)t\w*)\b)"
    rf"|(?:\b(?:late|behind|versp(?:ä|ae)t\w*)(?:\s+(?:mich|uns))?\s+(?:by|um)\s+(?:{_AMOUNT2}|{_HALF_HOUR2})\b)",
    re.IGNORECASE,
)
LATE_AT_MOST = timedelta(hours=3)
_WORDS = {"a": 1, "an": 1, "one": 1, "ein": 1, "eine": 1, "einen": 1, "einer": 1, "ne": 1, "'ne": 1,
          "two": 2, "zwei": 2, "three": 3, "drei": 3, "four": 4, "vier": 4}
_SAME_TIME = re.compile(r"\b(?:(?:the )?same time|same hour|(?:die |zur |zu der )?(?:gleiche[nr]?|selbe[nr]?) "
                        r"(?:uhr)?zeit|um die gleiche zeit|gleichzeitig|zeitgleich)\b", re.IGNORECASE)
_DIRECTION = re.compile(
    r"^\W*(?:(?:and|or|ok|okay|hmm+|hm|und|oder|na ja|naja|also)\W+)*(?:(?:is there |do you have |have you got "
    r"|(?:what|how) about "
    r"|(?:can|could) (?:you|we) (?:move|put|shift|bring|make) (?:it|that|this|my \w+) |(?:can|could) i (?:come|get) (?:in )?)?"
    r"(?:anything|something|any time|a time|sth|maybe|perhaps|any|a (?:bit|little)|slightly)?\s*(?P<en>earlier|later|sooner)(?: (?:than that|"
    r"that day|maybe|perhaps|possible|available|please|on that day|in the day))?|(?:geht(?:'s| es)?|gibt(?:'s| es)|"
    r"haben sie|habt ihr|hast du|ist|wäre|waere|vielleicht|noch|auch|etwas|was|eher|lieber|doch|kann ich|k(?:ö|oe)nnte ich"
    r"|was ist mit|wie w(?:ä|ae)re es mit|wie sieht es mit)?"
    r"(?:\s+(?:auch|noch|es|was|etwas|eher|vielleicht|ein bisschen|bisschen))*\s*(?P<de>fr(?:ü|ue)her|sp(?:ä|ae)ter)"
    r"(?:\s+(?:was|etwas|frei|m(?:ö|oe)glich|noch|auch|vielleicht|bitte|kommen|vorbeikommen|da sein|am selben tag))*)\W*$",
    re.IGNORECASE,
)
# cheap looks before the patterns: every relative change needs one of these
_DIRECTION_WORDS = ("later", "back", "after", "spät", "spaet", "hinten", "earlier", "sooner", "forward", "up",
                    "before", "früh", "frueh", "vorn")
_UNIT_WORDS = ("hour", "hr", "min", "stund", "std", "quarter", "viertel", "half", "halb", "day", "week", "wk", "tag",
               "woche")
_H_UNIT = re.compile(r"\d\s?h\b")  # "2h later"
_SAME_WORDS = ("same", "gleich", "selbe")
_MOVE_VERB = re.compile(r"\b(?:push|move|put|shift|bump|set)\b", re.IGNORECASE)


_NEXT_DAY = re.compile(
    r"(?<![\w'])(?:(?:the|a) (?:(?P<week>week)|day|morning|afternoon) (?P<en>after|before)|the (?P<next>next|following) day)"
    r"(?= *(?:[,.!?;]|$|same|at |in the|instead|then|please|too|as well))"
    r"|(?<![\w'])(?:(?:am|den) (?:tag|morgen|nachmittag)|(?:in )?(?P<woche>der|die) woche) (?P<de>danach|davor|vorher)(?![\w'])"
    r"|(?<![\w'])am (?:(?P<next_de>nächsten|naechsten|folgenden) tag|(?P<folge>folgetag)|(?P<vortag>vortag))(?![\w'])")
"""A day (or week) on from the booking, or one before it: "the day after, same time", "am Tag danach", "the week
after" (not "the day after tomorrow", a date)."""
_NEXT_DAY_WORDS = ("day", "tag", "morning", "afternoon", "morgen", "nachmittag", "week", "woche")


def relative(text: str) -> Relative | None:
    """The relative change a message asks for ("push it back an hour", "gleiche Uhrzeit"), or None."""
    low = text.lower()
    if any(w in low for w in _NEXT_DAY_WORDS) and (m := _NEXT_DAY.search(low)) is not None:
        before = m.group("en") == "before" or m.group("de") in ("davor", "vorher") or m.group("vortag") is not None
        days = 7 if m.group("week") or m.group("woche") else 1
        return Relative(shift=timedelta(days=-days if before else days))
    if any(w in low for w in _DIRECTION_WORDS):
        if any(u in low for u in _UNIT_WORDS) or _H_UNIT.search(low):
            m = _SHIFT.search(low)
            if m:
                unit, word = m.group("unit") or m.group("unit2"), (m.group("dir") or m.group("dir2")).lower()
                amount = _amount(m.group("n") or m.group("n2"), unit, m.group("half") or m.group("half2"))
                if amount and amount >= timedelta(days=1) and (word in ("after", "before") or (
                        word == "back" and m.group("dir") and not _MOVE_VERB.search(low))):
                    amount = None  # "the day after tomorrow", "3 days back" name a day; they move nothing
                if amount:
                    later = re.fullmatch(_LATER, m.group("dir") or m.group("dir2")) is not None
                    return Relative(shift=amount if later else -amount)
        if len(low) <= 80:
            m = _DIRECTION.match(low.strip())
            if m:
                word = m.group("en") or m.group("de")
                return Relative(direction=-1 if word in ("earlier", "sooner") or word.startswith("fr") else 1)
    if any(w in low for w in _SAME_WORDS) and _SAME_TIME.search(low):
        return Relative(same_time=True)
    return None


def late_by(text: str) -> timedelta | None:
    """How late a customer says they will be ("10 minutes late", "eine Viertelstunde zu spät", "verspäte mich um 20
    Minuten"), or None when no amount is said (or none a delay could be)."""
    m = _LATE_BY.search(text)
    if m is None:
        return None
    amount = _amount(m.group("n") or m.group("n2"), m.group("unit") or m.group("unit2"), m.group("half") or m.group("half2"))
    return amount if amount is not None and amount <= LATE_AT_MOST else None


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
    unit = unit.lower()
    if unit.startswith(("d", "t", "w")):  # days and weeks: "a week later", "zwei Tage früher"
        days = count * (7 if unit.startswith("w") else 1)
        return timedelta(days=days) if days == int(days) and 0 < days <= 12 * 7 else None
    minutes = count * (60 if unit.startswith(("h", "st")) else 1)
    return timedelta(minutes=minutes) if 0 < minutes <= 24 * 60 else None


def resolve_relative(r: Reading, anchor: datetime | None, starts: Sequence[datetime], tz: tzinfo | None) -> Reading | None:
    """`r` with the time its relative change means, or None when there is nothing it is relative to.

    A shift or "same time" counts from `anchor` ("same time" on the day of the offered times, when they are all on
    one); "anything earlier?" looks before the earliest of
    `starts` (the offered times, else the anchor) on its day, "later" after the latest. Local to `tz`.
    """
    if r.direction:
        times = [s.astimezone(tz) for s in starts] or ([anchor.astimezone(tz)] if anchor else [])
        if not times:
            return None
        if r.direction < 0:
            first = min(times)
            start, end = datetime.combine(first.date(), time(0), tzinfo=tz), first
        else:
            last = max(times)
            start = last + timedelta(seconds=1)  # after the latest offered (shown as its own minute)
            end = datetime.combine(last.date() + timedelta(days=1), time(0), tzinfo=tz)
        return replace(r, date=None, time=None, start=start, end=end)
    if anchor is None and r.shift and r.time is None and r.shift % timedelta(days=1) == timedelta(0) and starts:
        # "what about the week after?" under Friday's times: those days, that much later
        days = sorted({s.astimezone(tz).date() for s in starts})
        first, last = days[0] + r.shift, days[-1] + r.shift
        if first == last:
            return replace(r, date=first, time=None, start=None, end=None, daily=None)
        return replace(r, date=None, time=None, start=datetime.combine(first, time(0), tzinfo=tz),
                       end=datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz), daily=None)
    if anchor is None or not (r.shift or r.same_time):
        return None
    local = anchor.astimezone(tz).replace(tzinfo=None)
    days = {s.astimezone(tz).date() for s in starts}
    offered_day = days.pop() if len(days) == 1 and not r.shift else None  # "same time" under Thursday's times
    day = r.date or (_same_weekday_in(r, local.date(), tz) if r.start is not None else None) or offered_day \
        or local.date()
    if r.shift and r.time is not None and r.shift % timedelta(days=1) == timedelta(0):
        moved = datetime.combine(local.date() + r.shift, r.time)  # "the day before at 3": that day, at the time said
    else:
        moved = local + r.shift if r.shift else datetime.combine(day, local.time())
    return replace(r, date=moved.date(), time=moved.time(), start=None, end=None, daily=None)


def _same_weekday_in(r: Reading, day: date, tz: tzinfo | None) -> date | None:
    """ "Same time next week": the day of the period said that falls on `day`'s weekday (else its first day)."""
    assert r.start is not None
    first = r.start.astimezone(tz).date()
    last = (r.end.astimezone(tz) - timedelta(microseconds=1)).date() if r.end is not None else first
    if last < first or (last - first).days > 31:
        return None
    same = first + timedelta(days=(day.weekday() - first.weekday()) % 7)
    return same if same <= last else first


# --- picking one of the offered options ------------------------------------------------------------------

_ORDINALS = {
    1: r"first|1st|erste[nrs]?|1\.", 2: r"second|2nd|zweite[nrs]?|2\.", 3: r"third|3rd|dritte[nrs]?|3\.",
    4: r"fourth|4th|vierte[nrs]?|4\.", 5: r"fifth|5th|f(?:ü|ue)nfte[nrs]?|5\.", 6: r"sixth|6th|sechste[nrs]?|6\.",
    -1: r"last|letzte[nrs]?",
}
_ORDINAL = re.compile(r"(?<![\w.])(?:" + "|".join(f"(?P<o{i if i > 0 else 'last'}>{p})" for i, p in _ORDINALS.items())
                      + r")(?!\w)", re.IGNORECASE)
_ONE_OF = re.compile(r"\b(?:the|die|der|den|das)\s+(?P<which>later|earlier|sp(?:ä|ae)tere[nr]?|fr(?:ü|ue)here[nr]?)"
                     r"(?:\s+(?:one|option|time|slot|termin|uhrzeit|zeit))?\b", re.IGNORECASE)
_ONE_MOST = re.compile(r"\b(?:the|die|der|den|das)\s+(earliest|latest|fr(?:ü|ue)heste[nr]?|sp(?:ä|ae)teste[nr]?)"
                       r"(?:\s+(?:one|option|time|slot|of (?:them|those|these)|termin|uhrzeit|zeit))?\s*\W*$")
_ORDINAL_ONE = re.compile(r"\b(?:first|second|third|last|erste[nrs]?|zweite[nrs]?|dritte[nrs]?|letzte[nrs]?)\s+"
                          r"(?:one|option|slot|time|termin|zeit|uhrzeit|davon|von denen)\b")
"""An ordinal said with what it counts ("the first one"), which a day said with it does not turn into a date."""
_BARE_ORDINAL = re.compile(r"^\W*(?:(?:ok|okay|then|so)\W+)?(?:the\s+)?\d(?:st|nd|rd|th)(?:\s+(?:one|option|slot|time))?"
                           r"(?:\s+(?:please|pls|then|thanks))?\W*$")
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


def pick_by_time(hour: int, minute: int, starts: Sequence[datetime | None]) -> int | None:
    """The 0-based index of the one offered time at this clock time (11 is 11:00 or 23:00; 3 is 3:00 or 15:00)."""
    hours = {hour, hour + 12} if hour < 12 else {hour}
    hits = [i for i, s in enumerate(starts) if s is not None and s.hour in hours and s.minute == minute]
    days = {starts[i].date() for i in hits if starts[i] is not None}  # type: ignore[union-attr]
    return hits[0] if hits and len(days) == 1 and len({starts[i] for i in hits}) == 1 else None


def _pick(r: Reading, text: str, low: str, context: Context) -> Reading | None:
    """The reading as a pick of one offered option, its day and time taken from the option, or None."""
    offers = context.offers
    if not offers or context.expecting not in (None, "choice") or r.start is not None:
        return None
    index = _picked(r, text, low, context)
    if index is None:
        return None
    offer = offers[index]
    if r.intent == "other":
        r = replace(r, intent="affirm")  # picking an offered option answers the bot's question
    if offer.start is None:
        return replace(r, pick=index + 1)
    local = offer.start.astimezone(context.now.tzinfo)
    return replace(r, pick=index + 1, date=local.date(), time=local.time().replace(tzinfo=None), start=None,
                   end=None, unclear=None)


def _picked(r: Reading, text: str, low: str, context: Context) -> int | None:
    """The 0-based index of the option the reply points at: by position, clock time, day or staff member."""
    offers, tz = context.offers, context.now.tzinfo
    if r.date is None or _BARE_ORDINAL.match(low):  # under a numbered list "the 2nd" is the second, not the 2nd
        index = pick_by_position(text, len(offers))
        if index is not None:
            return index
    starts = [o.start.astimezone(tz) if o.start is not None else None for o in offers]
    if not any(starts):
        return None
    m = _ONE_MOST.search(low) if r.date is None and len(text.split()) <= _SHORT else None
    if m:  # "the earliest one", "den spätesten": the first or last offered time
        ordered = sorted((s, i) for i, s in enumerate(starts) if s is not None)
        return ordered[-1 if m.group(1).startswith(("l", "sp")) else 0][1]
    if r.staff:  # "the one with Tom", "11 with Tom"
        starts = [s if s is not None and offers[i].staff == r.staff else None for i, s in enumerate(starts)]
    if r.date is not None:  # "Thursday at 11", "the Thursday one"
        starts = [s if s is not None and s.date() == r.date else None for s in starts]
        m = _ORDINAL_ONE.search(low)
        on_day = [i for i, s in enumerate(starts) if s is not None]
        index = pick_by_position(m.group(0), len(on_day)) if m else None
        if index is not None:  # "Saturday then, the first one": the first of Saturday's
            return on_day[index]
    clock = (r.time.hour, r.time.minute) if r.time else None if r.number is not None else bare_hour(text)
    if clock is not None:
        return pick_by_time(*clock, starts)
    if (r.date is None and r.staff is None) or r.service or len(text.split()) > _SHORT:
        return None
    if r.date is not None and _RATHER.search(low):
        return None  # "lieber Dienstag", "what about Tuesday?": that day's times, not the one listed for it
    left = {s for s in starts if s is not None}
    return next(i for i, s in enumerate(starts) if s is not None) if len(left) == 1 else None


_RATHER = re.compile(r"\b(?:lieber|eher|rather|prefer\w*|better|instead|stattdessen|what about|how about|was ist mit"
                     r"|wie (?:wäre|waere|wärs|waers|sieht'?s|sieht es) (?:es )?(?:mit|am)|any ?time|anything|irgendwann)\b")
"""A day said as a wish of its own, not as the one listed for it."""


_NUMBER_ALONE = re.compile(r"^\W*(?:(?:ok(?:ay)?|so|then|fine|alright|right|dann|also|gut|na ja|naja)\W+)*"
                           r"(?:at |um )?\d{1,2}(?: ?(?:o'?clock|uhr))?(?:\W+(?:then|please|pls|dann|bitte|ok|okay|is fine|geht))*\W*$",
                           re.IGNORECASE)


def _number_as_hour(r: Reading, text: str, context: Context) -> Reading:
    """"13" or "9" under six times listed, "ok 9 then" asked which service: no option has that number, so it is the
    hour (at the business's hours)."""
    times = any(o.start is not None for o in context.offers)
    if r.has_when or r.intent not in ("other", "affirm", "book", "availability") \
            or not (context.expecting in ("service", "staff") or times and context.expecting in (None, "choice")) \
            or (hour := bare_hour(text)) is None or (r.number or hour[0]) <= len(context.offers) or ":" not in text \
            and r.number is None and _NUMBER_ALONE.match(text) is None:
        return r
    said = ("at {}:{:02d}" if r.lang == "en" else "um {}:{:02d} uhr").format(*hour)
    when = resolve(said, context.now, r.lang, context.vocabulary.opening_hours)
    if when.time is None:
        return r
    return replace(r, intent="book" if r.intent in ("other", "affirm") else r.intent, time=when.time, number=None)


def _offered_days(context: Context) -> list[date]:
    """The days of the offered times, in order (none when the options are not times or the bot asked no choice)."""
    if context.expecting not in (None, "choice"):
        return []
    tz = context.now.tzinfo
    return sorted({o.start.astimezone(tz).date() for o in context.offers if o.start is not None})


_WEEKDAY_ONLY = re.compile(
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|satur|sun|diens|donners|frei|sams|sonn)(?:day|tag)s?\b|\bmittwochs?\b",
    re.IGNORECASE)
_OWN_WEEK = re.compile(r"\b(?:this|next|coming|today|tomorrow|diese[nrms]?|n(?:ä|ae)chste[nrms]?|kommende[nrms]?|"
                       r"heute|morgen|(?:ü|ue)bermorgen)\b|\d{1,2}\.\s*\d|\d{1,2}(?:st|nd|rd|th)\b|\d\.\s*[a-zä]",
                       re.IGNORECASE)


def _in_offered_week(r: Reading, low: str, context: Context) -> Reading:
    """"Thursday" said about times listed for next week: that week's Thursday, not the nearest one."""
    if r.date is None or r.start is not None or not _WEEKDAY_ONLY.search(low) or _OWN_WEEK.search(low):
        return r
    days = _offered_days(context)
    if not days or r.date in days or r.date > days[-1]:
        return r
    same = [d for d in range((days[0] - r.date).days, (days[-1] - r.date).days + 1) if d > 0 and d % 7 == 0]
    if len(same) != 1:
        return r
    return replace(r, date=r.date + timedelta(days=same[0]))


def _on_offered_day(r: Reading, text: str, context: Context) -> Reading | None:
    """"fine, 11 then" when 11:00 was not among the times listed for one day: that time on that day; listed over
    several days, that time on each of them.

    Only what was said is read here; whether it is free is for the booking system to say."""
    if r.intent in ("cancel", "list", "info", "help", "handoff", "bye", "deny"):
        return None
    days = _offered_days(context)
    if not days:
        return None
    if r.start is not None:
        return _hours_on_offered_day(r, days, context)
    clock = r.time
    if clock is None and r.number is None and r.date is None:
        hour = bare_hour(text)
        if hour is not None:
            said = ("at {}:{:02d}" if r.lang == "en" else "um {}:{:02d} uhr").format(*hour)
            clock = resolve(said, context.now, r.lang, context.vocabulary.opening_hours).time
    if clock is None:
        return None
    intent = r.intent if r.intent in ("book", "availability", "reschedule") else "book"
    if r.date is None and len(set(days)) > 1:
        # "the 3pm one" about times listed Monday to Wednesday, none at 3: that time on each of those days (a time
        # said without a day is read as today's or tomorrow's, which is not what the customer is looking at)
        start, end = _span_of(days, context.now.tzinfo)
        until = (datetime.combine(start.date(), clock) + timedelta(minutes=1)).time()
        return replace(r, intent=intent, date=None, time=None, start=start, end=end, daily=(clock, until), unclear=None)
    day = r.date or (days[0] if len(days) == 1 else None)
    if day is None or day not in days:
        return None
    return replace(r, intent=intent, date=day, time=clock, start=None, end=None, unclear=None)


def _hours_on_offered_day(r: Reading, days: list[date], context: Context) -> Reading | None:
    """"the afternoon would be best", "zwischen 14 und 16 Uhr" with times offered for one day: those hours that day;
    with times offered over several days, those hours each of those days (hours said without a day are read as
    today's or tomorrow's, which is not what the customer is looking at)."""
    if r.date is not None or r.daily is not None or r.end is None:
        return None
    tz = context.now.tzinfo
    start, end = r.start.astimezone(tz), r.end.astimezone(tz)
    one_day = end.date() == start.date() or (end.time() == time(0) and end - start <= timedelta(days=1))
    if not one_day or len(set(days)) == 1 and start.date() == days[0]:
        return None
    intent = r.intent if r.intent in ("book", "availability", "reschedule") else "book"
    if len(set(days)) > 1:  # "lieber nachmittags" about times listed Monday to Wednesday: afternoons, those days
        until = end.time().replace(tzinfo=None) if end.date() == start.date() else time.max
        first, after = _span_of(days, tz)
        return replace(r, intent=intent, start=first, end=after, daily=(start.time().replace(tzinfo=None), until),
                       unclear=None)
    shift = days[0] - start.date()
    return replace(r, intent=intent, start=_on_day(start, shift, tz), end=_on_day(end, shift, tz), unclear=None)


def _span_of(days: Sequence[date], tz: tzinfo | None) -> tuple[datetime, datetime]:
    """From the start of the first of `days` to the end of the last: the days whose times are on the table."""
    return (datetime.combine(min(days), time(0), tzinfo=tz),
            datetime.combine(max(days) + timedelta(days=1), time(0), tzinfo=tz))


def _on_day(moment: datetime, shift: timedelta, tz: tzinfo) -> datetime:
    """The same wall time `shift` days later, in `tz` (a day across a change of clocks keeps its hours)."""
    return datetime.combine(moment.date() + shift, moment.time().replace(tzinfo=None), tzinfo=tz)


# --- corrections: "not Wednesday, Thursday", "actually make it 3", "with Tom instead" ---------------------

_NOT_BUT = re.compile(
    r"^\W*(?:(?:oh|ah|ach|sorry|oops|no|nope|nein|ne|nee|actually|eigentlich|doch)\W+)*(?:not|nicht)\s+"
    r"(?:on\s+|am\s+|at\s+|um\s+)?[^,;]{1,25}?\s*(?:[,;\-–]\s*(?:but|sondern|aber)?|but|sondern)\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_CHANGE_WORD = re.compile(r"\b(?:then|instead|make it|rather|actually|dann|lieber|stattdessen|doch|eher)\b",
                          re.IGNORECASE)
_NOT_ACTIONS = ("other", "affirm", "deny")


def instead(text: str) -> str | None:
    """The part that counts in "not Wednesday, Thursday" / "nicht Mittwoch, sondern Donnerstag"."""
    m = _NOT_BUT.match(text.strip())
    return m.group("rest").strip() if m else None


def _correction(r: Reading, text: str, low: str, context: Context, reread: Reader) -> Reading | None:
    """The reading as a change of one part of what is on the table, or None."""
    if "not" in low or "nicht" in low:
        rest = instead(text)
        if rest:
            other = reread(rest, Context(now=context.now, lang=context.lang or r.lang,
                                         vocabulary=context.vocabulary, expecting=context.expecting))
            if other.has_when or other.staff or other.service:
                intent = r.intent if r.intent not in _NOT_ACTIONS else other.intent
                return replace(other, intent=intent if intent not in _NOT_ACTIONS else "book", lang=r.lang,
                               correction=True)
    if context.expecting != "confirm":
        return None
    change = _CHANGE_WORD.search(low) is not None
    if not r.has_when and (r.intent in ("other", "deny", "book") or (r.intent == "affirm" and change)):
        hour = bare_hour(text)
        if hour is not None:  # "actually make it 3": the hour the business is open at
            said = ("at {}:{:02d}" if r.lang == "en" else "um {}:{:02d} uhr").format(*hour)
            when = resolve(said, context.now, r.lang, context.vocabulary.opening_hours)
            if when.time is not None:
                return replace(r, intent="book", time=when.time, correction=True)
    if change and (r.has_when or r.staff or r.service) and r.intent not in ("cancel", "list", "info"):
        return replace(r, correction=True)  # "with Tom instead", "no, Friday at 11 then"
    return None


# --- "a beard trim right after", "direkt im Anschluss an meinen Haarschnitt" ------------------------------

_RIGHT_AFTER_EN = re.compile(
    r"(?<![\w'])(?:right|straight|directly|immediately|just) after"
    r"(?P<obj> (?:it|that|this|mine|(?:my|the) [\w'-]+(?: [\w'-]+)?))?(?=\s*(?:[,.!?;]|please\b|pls\b|then\b|$))"
    r"|(?<![\w'])back[- ]to[- ]back\b")
_RIGHT_AFTER_DE = re.compile(
    r"(?<![\w'])(?:(?:direkt|gleich|sofort|unmittelbar) (?:danach|dahinter|hinterher)|(?:(?:direkt|gleich|sofort) )?im"
    r" anschluss(?P<obj> (?:daran|an (?:meinen|meine|mein|den|die|das) [\w-]+))?|anschlie(?:ß|ss)end)(?![\w'])")
_ADDED_TO = re.compile(  # "add a beard trim to that / to my haircut", "eine Bartpflege dazu buchen"
    r"(?<![\w'])add(?: on)?\b[^.!?,;]{1,40}? to(?P<obj> (?:it|that|this|mine|(?:my|the) [\w'-]+(?: [\w'-]+)?))"
    r"(?=\s*(?:[,.!?;]|please\b|pls\b|$))"
    # "can I get a beard trim with that too?": one more, in the same visit
    r"|(?<![\w'])(?:along )?with (?:that|it|this)(?: one)?(?: too| as well| also)?(?=\s*(?:[,.!?;]|please\b|pls\b|$))"
    r"|(?<![\w'])(?:noch )?dazu ?(?:buchen|nehmen|haben|machen)\b|(?<![\w'])dazu(?=\s*[?.!]*\s*$)")
_RIGHT_AFTER_WORDS = ("after", "back to back", "back-to-back", "danach", "dahinter", "hinterher", "anschluss",
                      "anschließend", "anschliessend", "add", "dazu", "before", "davor", "vorher", "with that", "with it",
                      "with this")
# "a haircut right before (it / my beard trim)", "direkt davor": ending as their booking starts
_RIGHT_BEFORE = re.compile(
    r"(?<![\w'])(?:right|straight|directly|immediately|just) before"
    r"(?P<obj> (?:it|that|this|mine|(?:my|the) [\w'-]+(?: [\w'-]+)?))?(?=\s*(?:[,.!?;]|please\b|pls\b|$))"
    r"|(?<![\w'])(?:direkt|gleich|unmittelbar|kurz) (?:davor|vorher)(?![\w'])")


_ME_TOO = re.compile(r"(?<![\w'])(?:(?:do|book|get|cut|fit|squeeze|take) (?:in )?(?:mine|me)|and (?:mine|me)"
                     r"|for me(?: too| as well)?|mine too|mir auch|mich (?:\w+ ){0,2}(?:auch|noch)|ich auch|für mich"
                     r"|fuer mich)(?![\w'])")


def _right_after(r: Reading, text: str, low: str, context: Context) -> Reading:
    """A booking asked for right after the customer's own ("can I get a beard trim right after?", "add a beard trim
    to that"), or right before it ("a haircut right before?"): the dialogue takes the time that booking ends, or the
    time that ends the new one as it starts. What the phrase itself names (their haircut,
    "Anschluss") is no part of the new booking."""
    if r.intent not in ("book", "availability", "other", "affirm", "list") or not any(w in low for w in _RIGHT_AFTER_WORDS):
        return r
    before = _RIGHT_BEFORE.search(low)
    m = before or _RIGHT_AFTER_EN.search(low) or _RIGHT_AFTER_DE.search(low)
    if m is not None and r.service is None and r.intent in ("other", "affirm") and _ME_TOO.search(low):
        r = replace(r, intent="book", same_again=True)  # "can you also do mine right after?": the same, for them
    added = m is None and r.service is not None and (m := _ADDED_TO.search(low)) is not None
    if m is None or r.intent == "list" and not added or r.service is None and r.intent != "book" \
            and context.expecting not in ("when", "confirm"):
        return r  # "und danach?" on its own asks nothing; answering "when?" it says when, at "Shall I book …?" too
    said = text[m.start():m.end()].casefold()
    named = text[m.start("obj"):m.end("obj")].casefold() if m.group("obj") else ""
    if named and r.service_text and r.service_text.casefold() in named:
        r = replace(r, service=None, service_text=None, services=())  # "right after my haircut": no new haircut
    return replace(r, intent="book" if r.intent in ("other", "affirm", "list") else r.intent,
                   right_after=before is None, right_before=before is not None,
                   services=r.services[:1] if m.group("obj") else r.services,
                   name=None if r.name and r.name.casefold() in said else r.name,
                   staff_text=None if r.staff is None and r.staff_text and r.staff_text.casefold() in said
                   else r.staff_text)  # "direkt danach" answering "with whom?" is no one's name


_SAME_DAY_WORDS = ("same day", "selben tag", "gleichen tag")
_SAME_DAY = re.compile(r"(?<![\w'])(?:on )?(?:the )?same day(?P<obj> as (?:my|the|our|his|her) [\w'-]+(?: [\w'-]+)?)?"
                       r"(?: too| as well| also)?(?![\w'])"
                       r"|(?<![\w'])(?:am|an dem) (?:selben|gleichen|demselben) tag(?![\w'])")


def _same_day(r: Reading, text: str, low: str, context: Context) -> Reading:
    """A booking asked for on the day of the customer's own ("can my girlfriend get her hair colored the same day?",
    "am selben Tag noch ein Bartschnitt"): the dialogue takes that booking's day; a time said with it stays. Not
    with times on the table, where "the same day" is theirs, nor "that day", which points at any day talked about."""
    if r.intent not in ("book", "availability", "other", "affirm") or r.right_after or r.right_before \
            or r.date is not None or r.start is not None or context.offers or not any(w in low for w in _SAME_DAY_WORDS):
        return r
    m = _SAME_DAY.search(low)
    if m is not None and m.group("obj"):  # "the same day as my haircut": no new haircut
        named = m.group("obj")
        kept = tuple(s for s in (r.services or ((r.service,) if r.service else ())) if not (
            r.service_text and s == r.service and r.service_text.casefold() in named))
        r = replace(r, service=kept[0] if kept else None, services=kept if len(kept) > 1 else (),
                    service_text=r.service_text if kept and kept[0] == r.service else None)
    if m is None or r.intent in ("other", "affirm") and r.service is None:
        return r
    if r.intent in ("other", "affirm") and not r.for_others and (others := for_others(low)) == 1:
        # "and my son Max the same day, haircut too?": a booking for him, under his name
        r = replace(r, for_others=others, name=r.name or named_other(text))
    return replace(r, intent="book" if r.intent in ("other", "affirm") else r.intent, same_day=True)


# --- "can you make it 10:45 instead?" with nothing on the table: a change of what was just agreed -------------

_INSTEAD_WORDS = ("instead", "make it", "rather", "change it", "change that", "switch it", "stattdessen",
                  "statt dessen", "lieber", " auch", "schon", "erst ", "change to", "switch to", "wechseln")
_INSTEAD_NOW = re.compile(r"(?<![\w'])(?:instead|make it|rather|(?:change|switch) (?:it |that )?(?:over )?to|stattdessen|statt dessen"
                          r"|(?:zu|auf) \w+ wechseln|wechseln (?:zu|auf)"
                          r"|lieber|(?:geht|ginge) (?:es |das )?auch"
                          # "kann ich auch schon um 8 kommen?", "kann ich erst um 11 kommen?": earlier or later than agreed
                          r"|(?:kann|könnte|koennte|darf) (?:ich|wir) (?:auch )?(?:schon|erst|eher|früher|frueher)(?= um \d))"
                          r"(?![\w'])")
_ALSO = re.compile(r"(?<![\w'])(?:also|another|too|as well|second|additional|extra|more"
                   r"|(?<!geht )(?<!ginge )(?<!geht es )(?<!geht das )(?<!kann ich )(?<!darf ich )(?<!kann wir )auch"
                   r"|noch (?:ein|einen|eine)"
                   r"|zus(?:ä|ae)tzlich\w*|weitere[nrs]?|zweite[nrs]?)(?![\w'])")


def _instead_of_it(r: Reading, low: str, context: Context) -> Reading:
    """"Can you make it 10:45 instead?", "lieber um 11", "can Tom do it instead?" with no question on the table: a
    correction of what the customer just agreed (the dialogue knows whether a booking was just made); "also", "another" ask for one more."""
    if context.expecting is not None or any(o.start is not None for o in context.offers) or r.correction \
            or not (r.has_when or r.staff) \
            or r.intent not in ("book", "availability", "other", "affirm") or r.for_others or r.party \
            or not any(w in low for w in _INSTEAD_WORDS) or (m := _INSTEAD_NOW.search(low)) is None or _ALSO.search(low):
        return r
    if r.service is not None and m.group().startswith(("kann", "könnte", "koennte", "darf")):
        return r  # "kann ich auch schon um 8 einen Haarschnitt bekommen?": one more, of its own
    return replace(r, correction=True)


def _him_or_her(r: Reading, text: str, low: str, context: Context) -> Reading:
    """"Could he get a haircut at the same time?" after "can I bring my son along?": a booking for him."""
    if r.for_others or r.party or r.intent not in ("book", "availability", "other", "affirm"):
        return r
    # ("can I bring my son? he needs a haircut too": the one the message itself named first)
    others, name = spoken_of(low, context.recent or (("customer", text),))
    if not others:
        return r
    asks = r.intent in ("book", "availability") or r.service is not None or r.has_when
    return replace(r, for_others=1, name=r.name or name, intent="book" if asks and r.intent != "availability" else r.intent)


_AGAIN = re.compile(r"(?<![\w'])(?:again|once more|also|too|as well|another|nochmal|noch ?(?:ein)?mal|wieder"
                    r"|noch (?:ein|einen|eine)|zus(?:ä|ae)tzlich\w*)(?![\w'])")  # ("auch": "geht es auch später?" moves it)


def _once_more(r: Reading, low: str) -> Reading:
    """"Same time next week too?", "a week later again": the time counts from what was just booked, and it is the
    same once more (not that booking moved)."""
    if not (r.shift or r.same_time) or r.same_again or r.correction or r.intent not in (
            "book", "availability", "other", "affirm") or _AGAIN.search(low) is None:
        return r
    return replace(r, same_again=r.service is None)


# --- "cancel all my appointments", "both of them", "beide" -----------------------------------------------

_EVERY = re.compile(
    r"(?<![\w'])(?:all (?:of )?(?:my|the|them|those|these|three|four)|all (?:my|the) (?:appointments|bookings)|both|every"
    r" (?:one|appointment|booking)|each of them|everything|alle(?: meine[n]?| beide[n]?| drei| vier| termine)?|beide[ns]?"
    r"|sämtliche|saemtliche)(?![\w'])")
_BOTH = re.compile(r"(?<![\w'])(?:both|beide[ns]?)(?![\w'])")
_EVERY_WORDS = ("all", "both", "every", "each", "alle", "beide", "sämtlich", "saemtlich")


def _every(r: Reading, low: str, context: Context) -> Reading:
    """"Cancel all my appointments", "both" (asked which one), "beide absagen": every one, not one of them; "book
    both" with no service named: every service just talked about (the dialogue knows which)."""
    if r.intent not in ("cancel", "other", "affirm", "book") or not any(w in low for w in _EVERY_WORDS):
        return r
    if r.intent == "book" and (r.service is not None or r.for_others or r.party or _BOTH.search(low) is None):
        return r  # "a haircut for both of us": two people; "that is everything I need": no services
    if r.intent not in ("cancel", "book") and context.expecting != "choice":
        return r  # "both" means something only as an answer to "which one?"
    if _EVERY.search(low) is None:
        return r
    return replace(r, every=True)


# --- "move the other one too", "den anderen auch absagen" -------------------------------------------------

_OTHER = re.compile(
    r"(?<![\w'])(?:the other(?: one| appointment| booking| reservation)?|(?:den|das|die) andere[nr]?(?: termin| buchung)?"
    r"|(?:meinen|mein|meine) andere[nrs]?(?: termin| buchung)?)(?![\w'])(?! (?:day|days|week|time|tag|woche|zeit|uhrzeit)\b)")
_LIKEWISE = re.compile(r"(?<![\w'])(?:too|as well|also|auch|ebenfalls|genauso|gleich(?:falls)?)(?![\w'])")
_OTHER_WORDS = ("other", "andere")


def _other(r: Reading, low: str) -> Reading:
    """"Move the other one too", "den anderen auch absagen": not the booking just talked about, and (with "too",
    "auch") the same change again."""
    if r.intent not in ("cancel", "reschedule") or not any(w in low for w in _OTHER_WORDS) or _OTHER.search(low) is None:
        return r
    return replace(r, other=True, likewise=_LIKEWISE.search(low) is not None)


# --- "sorry, I missed my appointment", "hab meinen Termin verpasst" ---------------------------------------

_MISSED = re.compile(
    r"(?<![\w'])(?:missed|forgot(?: about)?|didn'?t (?:make it to|show up (?:to|for|at)|come to|turn up (?:to|for)))"
    r"\s+(?:my|our|the|today'?s|yesterday'?s)\s+(?P<what>\w+(?: \w+)?)"
    r"|\btermin\w*\b[^.?!]{0,40}?\b(?:verpasst|vergessen|verschwitzt|versäumt|versaeumt)"
    r"|\b(?:verpasst|vergessen|verschwitzt)\b[^.?!]{0,12}?\b(?:meinen|den) \w*termin")
_MISSED_WORDS = ("missed", "forgot", "didn't", "didnt", "verpasst", "vergessen", "verschwitzt", "versäumt", "versaeumt")
_BOOKING_WORDS = frozenset(("appointment", "booking", "visit", "slot", "session", "cut", "haircut"))


def _missed(r: Reading, low: str, context: Context) -> Reading:
    """"Sorry, I missed my appointment (yesterday)", "hab meinen Termin verpasst": a new time is what they are after,
    not the day they missed."""
    if r.intent not in ("book", "list", "reschedule", "other", "deny", "cancel") or \
            not any(w in low for w in _MISSED_WORDS) or (m := _MISSED.search(low)) is None:
        return r
    what = m.group("what")
    if what is not None and _BOOKING_WORDS.isdisjoint(what.split()) and r.service is None:
        return r  # "I missed my bus": no appointment of theirs
    today = context.now.date()
    past = r.date is not None and r.date < today or r.end is not None and r.end <= context.now
    if past:
        r = replace(r, date=None, time=None, start=None, end=None, daily=None)
    return replace(r, intent="book", missed=True)


# --- "I'll be there", "ich komme" -------------------------------------------------------------------------

_ATTENDING = re.compile(
    r"^\W*(?:(?:ok|okay|great|perfect|super|cool|prima|gut|alles klar|yes|yep|yeah|ja|sure|klar|thanks|thank you|danke"
    r"|sounds good)\W+)*(?:i'?ll be there|i will be there|we'?ll be there|we will be there|i'?ll come|i will come"
    r"|i'?m coming|we'?re coming|i'?ll make it|i will make it|ich komme|ich werde da sein"
    r"|ich bin da|ich bin dabei|wir kommen|wir sind da|komme (?:gerne|wie geplant|auf jeden fall)|bin dabei)"
    r"(?:\s+(?:then|tomorrow|on time|for sure|as planned|dann|morgen|pünktlich|puenktlich|wie geplant|auf jeden fall"
    r"|gerne|thanks|thank you|danke))*\W*$")
_ATTENDING_WORDS = ("there", "come", "coming", "make it", "komme", " da", "dabei")


def _attending(r: Reading, low: str, context: Context) -> Reading:
    """"I'll be there", "ich komme wie geplant": the customer says they will come (to the booking they have, or,
    answering "Shall I book…?", to the one asked about: a yes)."""
    coming_then = r.intent == "book" and r.service is None and r.staff is None and r.time is None  # "… tomorrow"
    if r.intent not in ("affirm", "other", "bye", "thanks") and not coming_then or len(low) > 60 or \
            not any(w in low for w in _ATTENDING_WORDS) or not _ATTENDING.match(low):
        return r
    intent = "affirm" if context.expecting == "confirm" else "other" if coming_then else r.intent
    return replace(r, attending=True, intent=intent)


# --- "whatever's the earliest you have", "right now", "so früh wie möglich" ------------------------------

_EARLIEST = re.compile(
    r"(?<![\w'])(?:(?:what'?s|what is|when'?s|when is) (?:the )?(?:very )?earliest (?:i|we) (?:can|could) (?:get|come|be|book"
    r"|have|make it|go)\b"  # a question ("what's the earliest I can get in?"), not "the earliest I can do is 3"
    r"|(?:whatever'?s |what'?s |whatever is |just )?(?:the |your )?(?:very )?earliest(?! (?:i|we) can)\b"
    r"|soonest|first (?:available|free|open|possible)|first thing(?! (?:i|we|you|is|that|to)\b)"
    r"|(?:gleich )?als erste[sr]?(?: am morgen| morgens| in der früh)?(?=\W*$| (?:am|morgen|bitte|wenn|um|dann)\b)|next (?:available|free|open|possible)(?! (?:week|month))"
    r"|as soon as (?:possible|you can|you have)|asap|so (?:fr(?:ü|ue)h|bald|schnell) wie (?:m(?:ö|oe)glich|es geht)"
    r"|fr(?:ü|ue)hestm(?:ö|oe)glich\w*|schnellstm(?:ö|oe)glich\w*|n(?:ä|ae)chstm(?:ö|oe)glich\w*"
    r"|m(?:ö|oe)glichst (?:fr(?:ü|ue)h|bald|schnell)|fr(?:ü|ue)heste[nrs]?(?! ?ens)\b"
    r"|n(?:ä|ae)chste[nrs]? (?:freie[nrs]?|verf(?:ü|ue)gbare[nrs]?|m(?:ö|oe)gliche[nrs]?))",
    re.IGNORECASE,
)
_EARLIEST_WORDS = ("earliest", "soonest", "first ", "next ", "soon as", "asap", "früh", "frueh", "bald", "schnell",
                   "nächst", "naechst", "als erste")
# "right now", "sofort" on their own: the earliest time from now
_NOW = re.compile(
    r"^\W*(?:(?:ok|okay|well|hmm+|also|na ja|naja|dann|then)\W+)*(?:can i come |could i come |kann ich )?"
    r"(?:(?:in )?(?:right now|now|right away|straight away|immediately|today asap)|(?:jetzt )?sofort|jetzt gleich"
    r"|gleich jetzt|jetzt|am besten (?:jetzt|sofort|gleich))(?:\s+(?:please|pls|bitte|if possible|wenn m(?:ö|oe)glich"
    r"|if you can|wenn es geht|vorbeikommen|kommen|rein|in|geht das|möglich|moeglich))*\W*$",
    re.IGNORECASE,
)
_NOW_IN = re.compile(r"(?<![\w'])(?:right now|right away|straight away|immediately|(?:jetzt )?sofort|jetzt gleich"
                     r"|gleich jetzt)(?![\w'])")
_NOW_WORDS = ("now", "right away", "straight away", "immediately", "sofort", "jetzt", "gleich")
_FILLER = frozenset("""
i i'd i'll we you you've your have got can do is are the a an one ones time times slot slots appointment
please pls then ok okay just give me take book available free open
ich wir sie ihr haben habt hast den die das der einen termin zeit bitte dann gerne geben nehme frei
""".split())
_NEGATED = re.compile(r"\b(?:not|no|nicht|kein\w*|never|nie)\b", re.IGNORECASE)
_ACTIONS = ("book", "availability", "reschedule")
# one cheap look for every message: a word one of the recognisers above needs
_GATE_WORDS = frozenset("""
later back after earlier sooner forward up before hinten vorn vorne früher frueher später spaeter
same gleich gleiche gleichen gleicher selbe selben selber gleichzeitig zeitgleich
earliest soonest first next asap soon früh frueh bald schnell nächste nächsten nächster naechste naechsten erstes
erster
frühestmöglich frühestmöglichen frühestmöglicher fruehestmoeglich schnellstmöglich schnellstmöglichen
nächstmöglich nächstmöglichen möglichst moeglichst früheste frühesten frühester
now right immediately straight sofort jetzt
danach davor vorher following folgenden folgetag vortag
latest late spät spaet späteste spätesten spätester letzte letzten letzter
""".split())
_SPACES = str.maketrans({c: " " for c in "?!.,;:()\"'-–/"})


def _earliest(r: Reading, text: str, low: str, context: Context) -> Reading:
    """The reading as a request for the earliest free time, when it asks for one."""
    m = None
    if any(w in low for w in _EARLIEST_WORDS):
        m = _EARLIEST.search(low)
    now_alone = m is None and any(w in low for w in _NOW_WORDS) and _NOW.match(low) is not None
    asks = r.intent in _ACTIONS or (r.intent in ("other", "affirm") and r.service is not None)  # "beard trim, now"
    if m is None and not now_alone and asks and not r.has_when:
        m = _NOW_IN.search(low)  # "haircut with Sarah right now", "kann ich sofort kommen?"
    if (m is None and not now_alone) or (m is not None and _NEGATED.search(low[:m.start()])):
        return r
    if r.intent not in _ACTIONS:
        # only the phrase and a word or two ("whatever's the earliest you have"), or an answer to the bot's question
        alone = now_alone or (m is not None and _words_besides(low, m, _FILLER) <= 2)
        if r.intent not in ("other", "affirm") or not (alone or context.expecting is not None):
            return r
        booking = r.service or r.staff or context.expecting in ("when", "choice", "confirm", "service", "staff")
        r = replace(r, intent="book" if booking else "availability")
    if now_alone or (m is not None and not any(w in m.group(0) for w in ("soon", "bald", "asap"))):
        # "so früh wie möglich" is no morning, "right now" no time of its own: only other words give a day
        if now_alone or not _other_when(low, m, r, context):
            r = replace(r, date=None, time=None, start=None, end=None)
    return replace(r, earliest=True)

_LATEST = re.compile(
    r"(?<![\w'])(?:(?:what'?s|what is|whatever'?s) (?:the |your )?(?:very )?latest(?![\w'])"
    r"|(?:the |your )?(?:very )?latest(?: (?:time|slot|appointment|one))?"
    r"(?: (?:you(?:'ve| have)?(?: got)?|available|possible|free|open|that day|on that day))*"
    r"(?: (?:on|for|am) \w+| today| tomorrow| heute| morgen)?\W*$"
    r"|as late as (?:possible|you can|you have)|(?:the )?latest possible|so sp(?:ä|ae)t wie (?:m(?:ö|oe)glich|es geht)"
    r"|m(?:ö|oe)glichst sp(?:ä|ae)t|sp(?:ä|ae)testm(?:ö|oe)glich\w*|(?:der|den|die|das) sp(?:ä|ae)teste[nrs]?"
    r"(?: (?:termin|zeit|uhrzeit))?(?![\w'])|letzte[nrs]? (?:freie[nrs]? )?(?:termin|zeit|uhrzeit)(?![\w']))")
_LATEST_WORDS = ("latest", "late as", "spät", "spaet", "letzte")


def _latest(r: Reading, low: str, context: Context) -> Reading:
    """"What's the latest you have?", "so spät wie möglich": the last free times of the day said, else of the days
    whose times are on the table, else of each day of the coming week."""
    if r.earliest or r.time is not None or not any(w in low for w in _LATEST_WORDS) \
            or (m := _LATEST.search(low)) is None or _NEGATED.search(low[:m.start()]):
        return r  # ("six in the evening at the latest": by then, a time of its own)
    if r.intent not in _ACTIONS and r.intent not in ("other", "affirm"):
        return r
    if r.intent not in _ACTIONS:
        booking = r.service or r.staff or context.expecting in ("when", "choice", "confirm", "service", "staff")
        if not (booking or context.offers):
            return r
        r = replace(r, intent="book")
    days = _offered_days(context)
    if r.date is None and r.start is None and days:  # the days whose times are on the table
        start, end = _span_of(days, context.now.tzinfo)
        r = replace(r, start=start, end=end)
    return replace(r, time=None, latest=True)


# --- "whenever works", "I'm flexible", "egal wann", answering "when would you like to come?" ------------------

_ANY_TIME = re.compile(
    r"whenever(?: (?:works|is (?:fine|good|best)|suits(?: you)?|you (?:have|can|like|want|are free)(?: (?:something|space|time|a slot))?))?"
    r"|(?:i'?m|i am|we'?re|we are) (?:pretty |quite |very |totally |completely |fairly )?(?:flexible|easy)"
    r"|(?:it )?(?:doesn'?t|does not|don'?t) matter(?: (?:when|to me))?|(?:i )?don'?t mind|no preference"
    r"|(?:you|u) (?:tell me|decide|choose|pick)|(?:it'?s |that'?s )?up to you|surprise me"
    r"|(?:what|whatever|when) (?:do |have |can )?(?:you|u) (?:have|got|offer)(?: (?:free|available|open))?"
    r"|what(?:'s| is| have you got| do you have) (?:free|available|open)|whatever (?:works|suits)(?: (?:for )?you| best)?"
    r"|(?:ist )?(?:mir )?(?:ganz |v(?:ö|oe)llig )?egal(?: wann)?|wann immer(?: (?:es )?(?:passt|geht|ihr \w+|sie \w+))?"
    r"|(?:ich )?bin (?:da |zeitlich |ganz |total )?flexibel|zeitlich flexibel|jederzeit"
    r"|(?:was|welche (?:termine|zeiten)|wann) (?:habt ihr|haben sie|hast du|gibt'?s|gibt es|ginge|geht(?:'?s| es)?)"
    r"(?: denn)?(?: so)?(?: noch)?(?: frei)?"
    r"|sag(?:en sie| du)? (?:es )?mir|wie es (?:ihnen|euch|dir) passt|keine (?:pr(?:ä|ae)ferenz|vorliebe)\w*"
    r"|(?:mir ist )?alles recht|(?:sie|du|ihr) (?:entscheiden|entscheidest|entscheidet)",
    re.IGNORECASE,
)
_ANY_TIME_FILLER = frozenset("""
ok okay so well then really honestly just fine thanks thank please pls sure yeah yes oh um hmm any
i'm to me for
bitte danke also naja na ja ehrlich gesagt für mich eigentlich echt gerne klar schon ähm
""".split())
_WHEN_WORD = re.compile(r"whenever|wann|jederzeit|flexib", re.IGNORECASE)
_BARE_YES = re.compile(r"^\W*(?:ok(?:ay)?|sure|yes|yeah|yep|fine|alright|all right|ja|gerne?|klar|okay dann|ok dann|passt)\W*$",
                       re.IGNORECASE)


def _any_time(r: Reading, low: str, context: Context) -> Reading:
    """ "Whenever works", "I'm flexible", "egal wann", "what do you have?" answering "when would you like to come?":
    the earliest free times. So is a bare "ok" there, rather than "I didn't understand"; and "whenever works"
    answering "who would you like?" (anyone, at the earliest time)."""
    if r.staff_text and r.staff is None and context.expecting == "staff" and _ANY_TIME.fullmatch(r.staff_text.lower()):
        r = replace(r, staff_text=None)  # "whenever" answering who: no one of that name, any time
    if context.expecting not in ("when", "staff") or r.has_when or r.earliest or r.service or r.staff \
            or r.staff_text or r.intent not in ("other", "affirm", "availability", "book"):
        return r
    if r.intent == "affirm" and (context.expecting != "when" or _BARE_YES.match(low) is None):
        return r
    if r.intent != "affirm":
        m = _ANY_TIME.search(low)
        if m is None or context.expecting == "staff" and _WHEN_WORD.search(m.group(0)) is None:
            return r  # asked who, "doesn't matter" is anyone; "whenever works" is anyone at the earliest time
        if _words_besides(low, m, _ANY_TIME_FILLER) > 1:
            return r
    return replace(r, intent="book", earliest=True, any_staff=r.any_staff or context.expecting == "staff")


def _words_besides(low: str, m: re.Match[str], filler: frozenset[str]) -> int:
    """How many words other than `filler` the message has besides the phrase `m` found ("whatever's the earliest you
    have" is the phrase and filler; "the earliest flight to Paris" is more)."""
    return sum(w not in filler for w in (low[:m.start()] + " " + low[m.end():]).translate(_SPACES).split())


# one look, in C, for any word `_of_their_own`'s readers need before they look closer
_OWN_WORDS = re.compile("|".join(re.escape(w) for w in (*_RIGHT_AFTER_WORDS, *_ATTENDING_WORDS, *_EVERY_WORDS,
                                                         *_OTHER_WORDS, *_MISSED_WORDS, *_SAME_DAY_WORDS)))
