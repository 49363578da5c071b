"""Every incoming message becomes one typed event before anything is decided.

A pressed button, a typed number or option label, "the second one", yes, no, a stop word,
noise, or a reading of free text: the transition table looks up what to do by the event's
kind and the question on the table, so this is the only place that looks at raw input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Literal

import bot.conversation.relative as relative
from intents import EMOJI_WORDS, Reading, booking_along, questions_along

from ..messages import Inbound
from .payloads import BookAgain, NoChoice, Payload, TalkToTeam, YesChoice, alone, unpack
from .state import CONFIRM_STEPS, PICK_STEPS, OfferedOption, State, Step

MAX_TEXT = 1000  # longer messages get a polite request to say it in a sentence

STOP = re.compile(
    r"^(?:stop+|cancel|abort|quit|exit|never ?mind|nvm|forget it|leave it|start over|reset|"
    r"stopp+|abbrechen|abbruch|vergiss es|lass (?:es|mal)|doch nicht|neustart|von vorne)[.!\s]*$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^\s*#?(\d{1,2})\s*[.)]?\s*$")


@dataclass(frozen=True)
class Chosen:
    """An option on the table was picked: by its button, its number, its label, or in words."""

    payload: Payload
    by: Literal["button", "number", "label", "words"]


@dataclass(frozen=True)
class Yes:
    """Yes to the confirmation on the table (its button, or a reading that agrees)."""

    reading: Reading | None = None


@dataclass(frozen=True)
class No:
    """No to the confirmation on the table (its button, or a reading that refuses without a new time)."""

    reading: Reading | None = None


@dataclass(frozen=True)
class Stale:
    """A button from an earlier offer, or an option we can no longer read."""


@dataclass(frozen=True)
class Stop:
    """A stop word: "stop", "never mind", "abbrechen"."""


@dataclass(frozen=True)
class Noise:
    """Nothing to read: empty, far too long, or no letters or digits at all. `text` names the answer."""

    text: Literal["empty", "too_long", "not_understood", "media_voice", "media_file"]


@dataclass(frozen=True)
class Said:
    """Free text, read by the extractor in the context of the question on the table."""

    reading: Reading
    text: str
    # a booking asked for with a question about the business: the question's parts, each read on its own ("book a
    # haircut tomorrow at 10, how much is it?"); asked a question, the booking's part ("… Friday. Do you take cards?")
    asked_along: tuple[tuple[str, Reading], ...] = ()
    wanted_along: Reading | None = None

    @property
    def relative(self) -> bool:
        """"An hour later", "same time on Thursday", "anything earlier?": a change to a time already known."""
        return relative.is_relative(self.reading)


@dataclass(frozen=True)
class Checks:
    """A question whether the booking, move or time asked about is what the customer thinks ("is that with Sarah?",
    "that's on Friday, right?", "ist das am Freitag?"), naming what it checks and asking for no change."""

    reading: Reading
    text: str


Event = Chosen | Yes | No | Stale | Stop | Noise | Said | Checks
Read = Callable[[str], Reading]


def classify(msg: Inbound, state: State, read: Read, read_part: Read | None = None) -> Event:
    """The one event this message is; free text is read (with `read`, in the context of the question on
    the table) only when nothing simpler fits. `read_part` reads the parts of a message that asks for two things
    (the rules, with nothing remembered of it); without it, parts are not looked for."""
    if msg.choice is not None:
        return _chosen(_pressed(msg.choice, state), "button", state)
    text = (msg.text or "").strip()
    if not text:
        return Noise("media_voice" if msg.media == "voice" else "media_file" if msg.media else "empty")
    if len(text) > MAX_TEXT:
        return Noise("too_long")
    if not any(ch.isalnum() for ch in text):
        if not any(ch in EMOJI_WORDS for ch in text):
            return Noise("not_understood")  # symbols that say nothing; "👍", "👎", "🙏" are read as the answer they are
        r = read(text)
        return _in_context(r, text, state) if r.intent in ("affirm", "deny", "thanks", "bye") else Noise("not_understood")
    if state.options:
        typed = _typed(text, state.options)
        if typed is not None:
            return _chosen(unpack(typed[0]), typed[1], state)
    if is_stop(text, state):
        return Stop()
    return _along(_in_context(read(text), text, state), read_part)


def _along(event: Event, read: Read | None) -> Event:
    """A Said that asks for a booking and a question at once, with each part read on its own."""
    if read is None or not isinstance(event, Said) or event.reading.intent not in ("book", "availability", "info"):
        return event
    asked = tuple(questions_along(event.reading, event.text, read))
    wanted = booking_along(event.reading, event.text, read)
    return replace(event, asked_along=asked, wanted_along=wanted) if asked or wanted else event


_MOVE_IT_TOO = ("book", "availability", "other", "affirm")  # "can I come earlier?", "geht auch später?"


def _in_context(r: Reading, text: str, state: State) -> Event:
    """Replies that point at what is on the table, as the reader read them in its context: an offered
    option picked ("the 2nd one", "fine, 11 then"), a correction of one part ("not Wednesday, Thursday",
    "make it 3"), or a change relative to a known time ("an hour later", "anything earlier?")."""
    if state.step is None and r.intent != "reschedule":
        if state.last_booking and r.direction and r.time is None and r.intent in _MOVE_IT_TOO:
            # "anything earlier that day?", "can I come in later?" right after booking: that booking, moved
            return Said(replace(r, intent="reschedule"), text)
        if state.last_booking and r.intent in _MOVE_IT_TOO and r.service in (None, state.last_service) \
                and not r.services and (r.correction or r.shift and not r.same_again):
            # "can you make it 10:45 instead?", "can I come an hour later?" right after booking: that booking, moved
            return Said(replace(r, intent="reschedule", correction=True), text)
        if state.last_booking and (r.shift or r.same_time) and r.intent in _MOVE_IT_TOO:
            # "same time next week too?": one more, counted from the booking just made
            return _from_reading(replace(r, intent="book", direction=0), text, state)
        return _from_reading(replace(r, shift=None, same_time=False, direction=0), text, state)
    if state.step in PICK_STEPS and r.pick is not None and 1 <= r.pick <= len(state.options):
        return _chosen(unpack(state.options[r.pick - 1].value), "words", state)
    if r.correction or relative.is_relative(r):
        return Said(r, text)
    return _from_reading(r, text, state)


def is_stop(text: str, state: State) -> bool:
    """A stop word; a bare "cancel" with nothing under way asks to cancel a booking instead."""
    return bool(STOP.match(text)) and (state.step is not None or text.lower().strip(" .!") != "cancel")


def expecting(state: State) -> str | None:
    """What the extractor is told the bot just asked for."""
    step = state.step
    if step is None:
        return None
    if step in PICK_STEPS:
        return "choice"
    if step in CONFIRM_STEPS:
        return "confirm"
    return _EXPECTING[step]


_EXPECTING = {Step.ASK_SERVICE: "service", Step.ASK_STAFF: "staff", Step.ASK_WHEN: "when",
              Step.ASK_NEW_TIME: "when", Step.ASK_NAME: "name", Step.ASK_EMAIL: "email", Step.ASK_ANSWER: None}


# "it's for me", "for myself", "me", "für mich", "ich selbst": a booking that was to be for someone else is the
# customer's own after all
_FOR_MYSELF = re.compile(
    r"\bfor (?:me|myself)\b|^(?:(?:no|nope|actually|sorry|oh|oops)[ ,]+)*(?:it'?s |it is )?(?:me|myself)\b"
    r"|\bfür mich\b|\bich selbst\b|^(?:(?:nein|doch|ach|sorry|oh|eigentlich)[ ,]+)*(?:ich|mich)\s*[.!]*$",
    re.IGNORECASE)


def says_for_myself(text: str) -> bool:
    """"Actually it's for me", "für mich selbst": said of a booking that was to be for someone else."""
    return _FOR_MYSELF.search(text.strip()) is not None


_NUMBERED = PICK_STEPS | {Step.ASK_SERVICE, Step.ASK_STAFF}  # questions asked with a numbered list of options
_INSTEAD_OF = re.compile(r"\b(?:instead|rather|statt|anstatt|stattdessen|lieber)\b", re.IGNORECASE)  # a swap, not one more
_ADDS = re.compile(r"\b(?:add|also|too|as well|plus|additionally|dazu|auch|zusätzlich|zusaetzlich|noch)\b",
                   re.IGNORECASE)
_NOT_SO = re.compile(r"\b(?:no|nope|nah|not|don'?t|do not|never|nein|nee|nicht|kein\w*|nie)\b", re.IGNORECASE)
_ITS_ACTION = {Step.CONFIRM_CANCEL: "cancel", Step.CONFIRM_MOVE: "reschedule"}  # (a booking's yes is a plain yes)


def _from_reading(r: Reading, text: str, state: State) -> Event:
    options = state.options
    if state.step is Step.CONFIRM_BOOK and state.draft.for_someone and says_for_myself(text):
        return Said(replace(r, intent="other"), text)  # "no, it's for me": neither a yes nor a no to the booking
    if r.number is not None and options and state.step in _NUMBERED and not r.has_when and not r.party:
        if 1 <= r.number <= len(options) or r.number == -1:  # "the second one", "option 3", "2 please", "the last one"
            return _chosen(unpack(options[r.number - 1 if r.number > 0 else -1].value), "words", state)
    if state.step is Step.CONFIRM_BOOK and r.same_again and r.for_others == 1 and not r.has_when and not state.group \
            and r.service in (None, state.pending.service if state.pending else None) and not state.draft.for_someone:
        # "yes, and can my son get one too?" asked "Shall I book …?": the same for them with it, both asked again
        return Said(replace(r, intent="book", party=2, for_others=0, same_again=False, service=None), text)
    if state.step in (Step.CONFIRM_BOOK, Step.CONFIRM_MOVE) and asks_to_check(r, text):
        return Checks(r, text)
    if state.step is Step.CONFIRM_BOOK and state.pending and r.service and r.service != state.pending.service \
            and not state.group and not r.has_when and not r.swap_to and _ADDS.search(text) and not _NOT_SO.search(text) \
            and not _INSTEAD_OF.search(text):
        # "yes please, and could you add a beard trim?": that one too, right after, both asked again
        return Said(replace(r, intent="book", topic=None, right_after=True), text)
    if state.step is Step.CONFIRM_BOOK and r.staff is None and r.staff_text and names_anew(text):
        r = replace(r, staff_text=None, intent="other")  # "it's Benny, not Ben": a name, nobody of the team asked for
    if state.step in CONFIRM_STEPS:
        if r.intent == "affirm" and r.topic:
            # "sure, is there parking?", "ok, how much is it?": the question answered first, the yes asked again
            return Said(replace(r, intent="info"), text)
        if r.intent == "affirm" and not _changes_pending(r, state):
            return Yes(r)
        if r.intent == _ITS_ACTION.get(state.step) and not (r.has_when or r.service or r.staff or r.every or r.other
                                                             or r.number is not None or relative.is_relative(r)) \
                and "?" not in text and _NOT_SO.search(text) is None:
            return Yes(r)  # "yes cancel it", "ok move it", "ja, bitte absagen": the very thing asked (not asked about)
        if r.undo and state.step is Step.CONFIRM_CANCEL:
            return No(r)  # "oh wait, I didn't mean to cancel that" asked whether to cancel: it stays booked
        if r.intent == "deny" and not r.has_when and not EMAIL_WORD.search(text) and not names_anew(text):
            return No(r)  # ("no email" answers another question: it declines nothing here)
    if r.intent == "affirm" and state.step in (Step.PICK_SLOT, Step.PICK_NEW_SLOT) and len(options) == 1 \
            and not r.has_when and not r.topic:
        return _chosen(unpack(options[0].value), "words", state)  # "yes" to the one time offered
    booked = tuple(dict.fromkeys(state.last_services))  # (a haircut each for two people is one service again)
    if r.same_again and r.service is None and state.draft.service is None and (state.last_service or booked):
        # "the same for my husband", "dasselbe nochmal": what was just booked (one service, or those booked together)
        again = booked if len(booked) > 1 else (state.last_service or booked[0],)
        r = replace(r, service=again[0], services=again if len(again) > 1 else ())
    offered = alone(options) if state.step is None else None
    asked, state.asked_services = state.asked_services, []
    if isinstance(offered, BookAgain) and r.every and r.service is None and len(asked) > 1 \
            and r.intent in ("book", "affirm"):
        # "ok, book both for Friday" under the prices of a beard trim and a haircut: the two of them
        r = replace(r, intent="book", every=False, service=asked[0], services=tuple(asked))
    if isinstance(offered, BookAgain | TalkToTeam) and r.intent == "affirm" and not r.topic and not r.attending:
        return _chosen(offered, "words", state)  # "yes" to the one thing just offered ("Book a haircut")
    if isinstance(offered, BookAgain) and offered.service and r.intent in ("book", "affirm") and r.service is None \
            and (_POINTER.search(text) or _THAT_PERSON.search(text)):
        # "ok, book that for Friday at 10"; "book me with him" after "who does beard trims?": that service
        r = replace(r, intent="book", service=offered.service)
    if isinstance(offered, BookAgain) and offered.staff and r.intent in ("book", "affirm", "availability") \
            and r.staff is None and not r.any_staff and _THAT_PERSON.search(text):
        r = replace(r, intent="book" if r.intent == "affirm" else r.intent, staff=offered.staff)  # "book me with him"
    topic, state.asked_topic = state.asked_topic, None
    if topic == "late" and (minutes := late_again(text)):
        # "actually make that 20" right after "I'll be 10 minutes late": word of running late, with the new delay
        return Said(replace(r, intent="info", topic="late", late_by=timedelta(minutes=minutes), time=None), text)
    if isinstance(offered, BookAgain) and topic and _follows_up(r, text, topic):
        return Said(replace(r, intent="info", topic=topic), text)  # "how much is a haircut?" - "and coloring?"
    if isinstance(offered, BookAgain) and topic == "services" and (thing := _another_thing(r, text)):
        # "do you do balayage?" - "what about keratin treatment?": the same question, about something not ours either
        return Said(replace(r, intent="info", topic=topic, service_text=thing), text)
    return Said(r, text)


# "is that with Sarah?", "yes, wait, is it on Friday?", "that's at 3, right?", "ist das bei Sarah?", "am Freitag, oder?"
_CHECKING = re.compile(
    r"\b(?:is|was|will|would) (?:that|it|this|the (?:appointment|booking))\b[^?]*\?"
    r"|\b(?:that|it|this)(?:'s| is) [^?]*?(?:,? right|,? correct|,? yes|,? yeah)?\s*\?"
    r"|,? (?:right|correct|richtig|oder|gell|ne|nicht wahr|stimmt's|stimmt das)\s*\?\s*$"
    r"|\b(?:ist|wäre|waere|bleibt) (?:das|es|der termin|er)\b[^?]*\?", re.IGNORECASE)
_CHANGING = re.compile(r"\b(?:instead|rather|make it|change|switch|move|can (?:it|we|you|i)|could (?:it|we|you|i)|what about"
                       r"|how about|prefer|stattdessen|lieber|eher|besser|ändern|aendern|verschieben|geht (?:auch|es)"
                       r"|kann (?:man|ich|es)|könnte|koennte|wie wäre|wie waere|was ist mit|free|frei|available)\b",
                       re.IGNORECASE)


def asks_to_check(r: Reading, text: str) -> bool:
    """"Is that with Sarah?", "that's on Friday, right?": a question checking the staff, service, day or time on the
    table (not "can it be at 3 instead?", "is Tom free then?", nor a span of days, which is a search)."""
    if r.start is not None or r.intent in ("cancel", "reschedule", "list", "handoff", "deny") or relative.is_relative(r):
        return False
    names = r.staff is not None or r.service is not None or r.date is not None or r.time is not None
    return names and _CHECKING.search(text) is not None and _CHANGING.search(text) is None


# "sorry, my name is John not Jon", "put it under John Smith", "mein Name ist Johann", "bitte auf den Namen Eva Kurz"
_NAMES_ANEW = re.compile(
    r"^\W*(?:(?:sorry|oops|oh|no|nope|actually|wait|sorry,? no|ach|nein|sorry,? nein|entschuldigung|moment|eigentlich)\W+)*"
    r"(?:(?:my|the) name(?:'s| is| should be)|it'?s|name:|(?:please |can you |could you )?(?:put|book) (?:it |that |the booking |"
    r"the appointment |this )?under(?: the name)?|(?:mein|der) name (?:ist|lautet)|ich hei(?:ß|ss)e|(?:bitte )?auf den namen)"
    r"\s+(?P<name>[^\W\d_][\w'’.\- ]{0,58}?)(?:,?\s+(?:not|nicht|statt|instead of)\s+[\w'’.\- ]+)?\s*[.!]*$", re.IGNORECASE)


_SAYS_NAME = re.compile(r"\bname\b|\bhei(?:ß|ss)e\b|\bunder\b", re.IGNORECASE)
_NOT_THAT = re.compile(r"\b(?:not|nicht|statt|instead of)\b", re.IGNORECASE)


def names_anew(text: str) -> str | None:
    """The name the customer gives instead of the one on the table ("it's John, not Jon", "my name is John", "put
    it under John Smith"), as written; else None ("it's raining" says no name)."""
    said = text.strip()
    m = _NAMES_ANEW.match(said)
    if m is None or not (_SAYS_NAME.search(said[:m.start("name")]) or _NOT_THAT.search(said[m.end("name"):])):
        return None
    return m.group("name").strip()


_LATE_AGAIN = re.compile(
    r"^\W*(?:(?:actually|sorry|oh|no|nope|ok|okay|wait|hmm+|ach|nein|doch|eigentlich|moment)\W+)*"
    r"(?:make (?:it|that) |more like |rather |it'?ll be |eher |doch |eher so |wohl eher |es werden )?(?:about |around |ca\.? |etwa )?"
    r"(?P<n>\d{1,3})(?:\s*(?:min(?:ute)?s?|minuten|min\.))?(?:\s+(?:then|instead|late|dann|später|spaeter|eher|sorry))*\W*$",
    re.IGNORECASE)


def late_again(text: str) -> int | None:
    """The minutes in a short "actually make that 20" / "eher 20 Minuten" said right after word of running late."""
    m = _LATE_AGAIN.match(text.strip())
    return int(m.group("n")) if m and 0 < int(m.group("n")) <= 180 else None


def _changes_pending(r: Reading, state: State) -> bool:
    """"Yep, with Tom" to "Shall I book … with Sarah?": a yes that changes who or what, so not a yes to that."""
    pending = state.pending
    if pending is None or state.step not in (Step.CONFIRM_BOOK, Step.CONFIRM_MOVE):
        return False
    if state.step is Step.CONFIRM_BOOK and r.for_others == 1 and not state.draft.for_someone and not state.group \
            and not state.draft.party:
        return True  # "yes, for my son actually": for him, under his name, not a yes to the customer's own
    return r.staff is not None and r.staff != pending.staff or (
        state.step is Step.CONFIRM_BOOK and r.service is not None and r.service != pending.service)


def _follows_up(r: Reading, text: str, topic: str) -> bool:
    """A short "and coloring?" / "und am Sonntag?" right after an answer: the same question about something else."""
    if r.intent not in ("other", "book", "availability") or r.topic or not _FOLLOW_UP.match(text.strip()):
        return False
    if topic in ("prices", "services"):
        return r.service is not None and not r.has_when and r.staff is None
    return topic == "hours" and r.has_when and r.time is None and r.service is None


_WHAT_ABOUT = re.compile(r"^\W*(?:(?:ok|okay|hmm+|and|und)\W+)?(?:what about|how about|and|und was ist mit|was ist mit|und)\s+"
                         r"(?P<thing>[^.!?,]{3,40}?)\s*\??$", re.IGNORECASE)


def _another_thing(r: Reading, text: str) -> str | None:
    """The thing a short "what about keratin treatment?" asks about, when it is no service, time or person of ours
    (a name the team does not have is more likely a thing asked about: "und was ist mit Dauerwelle?")."""
    if r.intent not in ("other", "book", "availability") or r.topic or r.service or r.staff or r.has_when or r.any_staff:
        return None
    m = _WHAT_ABOUT.match(text.strip())
    return m.group("thing") if m else None


EMAIL_WORD = re.compile(r"\b(?:e-?)?mail", re.IGNORECASE)  # ("keine Mail")
_THAT_PERSON = re.compile(r"\b(?:him|her|them|(?:bei|mit|zu) (?:ihm|ihr)|ihn)\b", re.IGNORECASE)
_POINTER = re.compile(r"\b(?:that|it|this|one|das|es|den|dies(?:en)?|ihn)\b", re.IGNORECASE)
_FOLLOW_UP = re.compile(r"(?:and|what about|how about|und|und was ist mit|was ist mit|wie ist es mit|wie sieht'?s mit)\b"
                        r"[^.!]{0,40}\??$|[^.!?\s]+(?: [^.!?\s]+)?\?$", re.IGNORECASE)


def _chosen(payload: Payload | None, by: Literal["button", "number", "label", "words"], state: State) -> Event:
    if payload is None:
        return Stale()
    if isinstance(payload, TalkToTeam):  # the same request as writing "I want to talk to a person"
        return Said(Reading(intent="handoff", lang=state.lang or "en"), "")
    if isinstance(payload, YesChoice):
        return Yes()
    if isinstance(payload, NoChoice):
        return No()
    return Chosen(payload, by)


def pressed_option(choice: str, state: State) -> OfferedOption | None:
    """The option a pressed button ("<offer id>:<index>") picks, if it belongs to the offer on the table."""
    offer, _, index = choice.partition(":")
    if offer != state.offer_id or not index.isdigit():
        return None
    i = int(index)
    return state.options[i] if 0 <= i < len(state.options) else None


def _pressed(choice: str, state: State) -> Payload | None:
    """The payload of a pressed button, if it belongs to the offer on the table."""
    option = pressed_option(choice, state)
    return unpack(option.value) if option is not None else None


def _typed(text: str, options: list[OfferedOption]) -> tuple[str, Literal["number", "label"]] | None:
    """The packed payload of the option a typed number ("2", "#2.") or label ("Beard trim") picks."""
    m = _NUMBER.match(text)
    if m:
        i = int(m.group(1)) - 1
        return (options[i].value, "number") if 0 <= i < len(options) else None
    folded = text.casefold().strip(" .!")
    for option in options:
        label = option.label.casefold()
        if folded in (label, label.split(" (")[0]):
            return option.value, "label"
    return None
