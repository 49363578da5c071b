"""The customer's name and email: asked once before the first booking, then remembered.

The email is asked for only where it is used: when confirmations go out by email, or on the
console, whose "customer" no chat identifies. "No email" is an answer too, and is remembered.
"""

from __future__ import annotations

import re
from dataclasses import replace

from email_validator import EmailNotValidError, validate_email

import bot.conversation.confirm as confirm
from intents import THINKING, Reading

from .events import Said, names_anew, says_for_myself
from .state import Step
from .turn import Turn

EMAIL = re.compile(r"[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+")
_TRIED_EMAIL = re.compile(r"[^\s@<>,;]+@(?:[^\s@<>,;]*|$)")
NO_EMAIL = re.compile(r"\b(?:no|none|nope|nah|not|without|skip|kein\w*|ohne|nein|nicht)\b|n[’']t\b", re.IGNORECASE)
_SMALL_WORDS = frozenset("und and von van de der den zu vom".split())  # "Petra und Klaus Meier", "Anna von Berg"
_NAME = re.compile(r"^[^\W\d_][^\W\d_'’.\- ]*(?:[ '’.\-]+[^\W\d_]+){0,4}\.?$")
# words of a sentence, never of a name: "actually it's for me" is no one's name
_NOT_A_NAME = re.compile(r"\b(?:for|me|my|myself|it|it'?s|is|the|actually|please|thanks|mich|mir|für|ist|bitte|danke"
                         r"|eigentlich|" + THINKING + r")\b", re.IGNORECASE)  # "hmm" is no name
_SELF_INTRO = re.compile(r"\b(?:i'?m|i am|my name is|my name's|this is|call me|ich bin|ich hei(?:ß|ss)e|mein name ist"
                         r"|hier (?:ist|spricht))\s+(?P<name>.+)", re.IGNORECASE)


def _own_name_for_someone(r: Reading, text: str) -> bool:
    """"I'm Anna, a haircut for my husband": the name said is the customer's own, not that of whom it is for."""
    return bool(r.name and r.for_others) and any(
        m.group("name").casefold().startswith(r.name.casefold()) for m in _SELF_INTRO.finditer(text))


def take_along(turn: Turn, r: Reading) -> Reading:
    """A name or email given along the way ("..., I'm Anna, anna@example.com") is kept; returns the reading for the
    handler, without a name that is the customer's own where the booking is for someone else."""
    state = turn.state
    if _own_name_for_someone(r, turn.msg.text or ""):
        state.name = state.name or r.name  # "I'm Anna, a haircut for my husband": hers; his is asked for
        r = replace(r, name=None)
    if r.name and state.draft.for_someone and not state.draft.guest and state.step is not Step.ASK_NAME:
        state.draft.guest = r.name  # "Mark Schmidt" while times are offered for "my husband": his, for this booking
    elif r.name and not state.name and state.step is not Step.ASK_NAME and not r.for_others:
        state.name = r.name  # ("a haircut for my husband, his name is Mark": his, for that booking: `booking.merge`)
    if r.email and not state.email and state.step is not Step.ASK_EMAIL:
        state.email = valid_email(r.email)
    named = state.draft.name_others(r.others_named)  # "her name is Emma", "their names are Max and Leo": theirs
    if not named and r.their_name and state.draft.for_someone:
        state.draft.guest = named = r.their_name  # "his name is Mark": the booking made for him goes under it
    if named and not (r.service or r.staff or r.has_when):  # "meine Tochter heißt Lea" asks for nothing more
        r = replace(r, intent="other", for_others=0, party=None, staff_text=None)
    return r


def renamed(turn: Turn, text: str) -> str | None:
    """"It's John, not Jon" at the booking's question: the booking goes under that name (the customer's own, or,
    booked for someone else, theirs); the name, or None where the message gives none or the same one."""
    given = names_anew(text)
    name = plain_name(given) if given else None
    if name is None or name == turn.booking_name or name.casefold() in _staff_names(turn):
        return None
    if turn.state.draft.for_someone:
        turn.state.draft.guest = name
    else:
        if turn.state.name and turn.state.name not in turn.state.former_names:
            turn.state.former_names.append(turn.state.name)  # bookings made under it are still theirs
        turn.state.name = name
    return name


def _staff_names(turn: Turn) -> set[str]:
    return {p.name.casefold() for p in turn.business.staff}


def other_named(turn: Turn, r: Reading) -> bool:
    """Whether the message named the others of the booking under way ("her name is Emma"), now noted."""
    d = turn.state.draft
    names = list(r.others_named)
    return bool(names) and (names == d.other_names or names == [d.guest])


def others_noted(turn: Turn, r: Reading) -> str:
    """"Thanks, the appointment for Emma goes under that name." (or the appointments for Max and Leo)."""
    names = r.others_named
    if len(names) == 1:
        return turn.t("other_name_noted", other=names[0])
    return turn.t("other_names_noted", others=turn.formats.names(list(names)))


def ask_missing_or_confirm(turn: Turn) -> None:
    """Ask for the name, then the email, if we don't have them; then the booking's confirmation. A booking for
    someone else asks for their name, whatever the customer's own is."""
    d = turn.state.draft
    if d.for_someone and not d.guest:
        ask_name(turn, someone=True)
    elif not d.for_someone and not turn.state.name:
        ask_name(turn, own=bool(d.other_names))
    elif needs_email(turn):
        ask_email(turn)
    else:
        confirm.ask_book(turn)


def ask_name(turn: Turn, *, someone: bool = False, own: bool = False) -> None:
    """"Haircut with Sarah on Thu 10 Dec, 17:00 is free. What name should I put the booking under?": the time found
    is said first (a time the customer named is only known to be free from this); several at once: the question.
    `someone`: the name of the person the booking is for, not the customer's; `own`: the customer's, the other
    person's being known ("me and my daughter Emma")."""
    p = turn.state.pending
    if own:  # (theirs known: the customer's own)
        turn.ask(Step.ASK_NAME, turn.t("ask_name_yours" if turn.state.draft.party_of_others else "ask_name_own"))
        return
    key = "ask_name_someone" if someone else "ask_name"
    if p is None or turn.state.group:
        turn.ask(Step.ASK_NAME, turn.t(key))
        return
    turn.ask(Step.ASK_NAME, turn.t(f"{key}_slot", service=turn.service_name(p.service),
                                   staff=turn.staff_name(p.staff), when=turn.when(p.start)))


def needs_email(turn: Turn) -> bool:
    """No email yet, none declined, and one is of use: a confirmation goes to it, or the customer is on the
    console, which identifies nobody (booking systems also find a customer's bookings by email)."""
    state = turn.state
    if state.email or state.no_email:
        return False
    return turn.email_confirmations or turn.msg.channel == "console"


def ask_email(turn: Turn) -> None:
    """"What email address should the confirmation go to?" (only promised when confirmations are sent)."""
    if not needs_email(turn):  # asked before email confirmations were switched off: not needed any more
        ask_missing_or_confirm(turn)
        return
    key = "ask_email" if turn.email_confirmations else "ask_email_plain"
    turn.ask(Step.ASK_EMAIL, turn.t(key, name=turn.state.name or turn.booking_name or ""))


def for_myself(turn: Turn) -> None:
    """The booking is the customer's own after all: under their name (asked for if not known yet)."""
    turn.state.draft.for_someone, turn.state.draft.guest = False, None
    ask_missing_or_confirm(turn)


async def take_name(turn: Turn, said: Said) -> None:
    """The answer to "what name should I put the booking under?" (an email may come along); asked for someone else's,
    "actually it's for me" makes it the customer's own."""
    if turn.state.draft.for_someone and says_for_myself(said.text):
        for_myself(turn)
        return
    r = said.reading
    draft = turn.state.draft
    if other_named(turn, r) and not r.name:  # "her name is Emma": hers is noted; the customer's own, if not known
        if draft.other_names:
            turn.note(others_noted(turn, r))
        ask_missing_or_confirm(turn)
        return
    if r.their_name and not r.name and not draft.party and not draft.for_someone:
        # "her name is Emma" asked what name the booking goes under: it is for her, under her name
        draft.for_someone, draft.guest = True, r.their_name
        ask_missing_or_confirm(turn)
        return
    if r.for_others == 1 and not draft.party and not draft.for_someone:
        # "it's for my son Leo" asked for the customer's own name: his booking, under his name (asked if not said)
        draft.for_someone, draft.guest = True, r.name
        ask_missing_or_confirm(turn)
        return
    rest = EMAIL.sub(" ", said.text).strip(" ,;")  # "Jan Becker, jan@example.de"
    name = r.name or (plain_name(rest) if r.intent in ("other", "book", "availability") and not r.has_when
                      and not r.service else None)  # ("Petra und Klaus Meier": two of them, under one name)
    if name and name.islower():
        name = plain_name(name) or name  # "jon": as names are written, "Jon"
    if r.email:
        turn.state.email = valid_email(r.email)
    if not name:
        # "ok, that one then" to "X is free, what name?": the question again, without a reproach
        someone = "_someone" if turn.state.draft.for_someone else ""
        turn.say(turn.t(f"name_please{someone}") if r.intent == "affirm" else turn.t("bad_name"))
        return
    if turn.state.draft.for_someone:
        turn.state.draft.guest = name
    else:
        turn.state.name = name
    ask_missing_or_confirm(turn)


async def take_email(turn: Turn, said: Said) -> None:
    """The answer to "what email address should the confirmation go to?": an address, or "no email"."""
    found = said.reading.email or (m.group(0) if (m := EMAIL.search(said.text)) else None)
    email = valid_email(found) if found else None
    if email:
        turn.state.email = email
    elif found is None and declines_email(said.text):
        turn.state.no_email = True  # "no email", "I don't have one", "keine", "ohne": booked without one
        turn.note(turn.t("no_email_ok"))
    elif found is None and said.reading.intent == "affirm":
        turn.ask(Step.ASK_EMAIL, turn.t("ask_email_address"))  # "yes" to "would you like to leave one?"
        return
    else:
        turn.say(turn.t("bad_email"))
        return
    ask_missing_or_confirm(turn)


def tries_an_email(text: str) -> bool:
    """"lena.fischer@example", "anna@": something written as an email address that is not a whole one."""
    return _TRIED_EMAIL.search(text) is not None and not EMAIL.search(text)


def declines_email(text: str) -> bool:
    """"no email", "I don't have one", "keine E-Mail", "ohne": a short answer that says no."""
    return len(text.split()) <= 8 and bool(NO_EMAIL.search(text))


def plain_name(text: str) -> str | None:
    """A typed name ("i'm anna meyer" -> "Anna Meyer"), or None if it doesn't look like one."""
    text = re.sub(r"\s+", " ", text).strip(" .,!")
    text = re.sub(r"^(?:i'?m|i am|my name is|it'?s|this is|ich bin|ich heiße|ich heisse|mein name ist|name:?)\s+",
                  "", text, flags=re.IGNORECASE)
    if 1 < len(text) <= 60 and _NAME.match(text) and not _NOT_A_NAME.search(text):
        return " ".join(w if w in _SMALL_WORDS else w[:1].upper() + w[1:] for w in text.split(" "))
    return None


def valid_email(text: str) -> str | None:
    try:
        return validate_email(text.strip(" <>.,;"), check_deliverability=False).normalized
    except EmailNotValidError:
        return None
