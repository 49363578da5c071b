"""The customer's name and email: asked once before the first booking, then remembered."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

import bot.conversation.confirm as confirm
from intents import Reading

from .events import Said
from .state import Step
from .turn import Turn

EMAIL = re.compile(r"[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+")
_NAME = re.compile(r"^[^\W\d_][^\W\d_'’.\- ]*(?:[ '’.\-]+[^\W\d_]+){0,4}\.?$")


def take_along(turn: Turn, r: Reading) -> None:
    """A name or email given along the way ("..., I'm Anna, anna@example.com") is kept."""
    state = turn.state
    if r.name and not state.name and state.step is not Step.ASK_NAME:
        state.name = r.name
    if r.email and not state.email and state.step is not Step.ASK_EMAIL:
        state.email = valid_email(r.email)


def ask_missing_or_confirm(turn: Turn) -> None:
    """Ask for the name, then the email, if we don't have them; then the booking's confirmation."""
    if not turn.state.name:
        ask_name(turn)
    elif not turn.state.email:
        ask_email(turn)
    else:
        confirm.ask_book(turn)


def ask_name(turn: Turn) -> None:
    turn.ask(Step.ASK_NAME, turn.t("ask_name"))


def ask_email(turn: Turn) -> None:
    turn.ask(Step.ASK_EMAIL, turn.t("ask_email", name=turn.state.name or ""))


async def take_name(turn: Turn, said: Said) -> None:
    """The answer to "what name should I put the booking under?" (an email may come along)."""
    r = said.reading
    rest = EMAIL.sub(" ", said.text).strip(" ,;")  # "Jan Becker, jan@example.de"
    name = r.name or (plain_name(rest) if r.intent in ("other", "book") and not r.has_when else None)
    if r.email:
        turn.state.email = valid_email(r.email)
    if not name:
        turn.say(turn.t("bad_name"))
        return
    turn.state.name = name
    ask_missing_or_confirm(turn)


async def take_email(turn: Turn, said: Said) -> None:
    """The answer to "what email address should the confirmation go to?"."""
    found = said.reading.email or (m.group(0) if (m := EMAIL.search(said.text)) else None)
    email = valid_email(found) if found else None
    if not email:
        turn.say(turn.t("bad_email"))
        return
    turn.state.email = email
    ask_missing_or_confirm(turn)


def plain_name(text: str) -> str | None:
    """A typed name ("i'm anna meyer" -> "Anna Meyer"), or None if it doesn't look like one."""
    text = re.sub(r"\s+", " ", text).strip(" .,!")
    text = re.sub(r"^(?:i'?m|i am|my name is|it'?s|this is|ich bin|ich heiße|ich heisse|mein name ist|name:?)\s+",
                  "", text, flags=re.IGNORECASE)
    if 1 < len(text) <= 60 and _NAME.match(text):
        return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    return None


def valid_email(text: str) -> str | None:
    try:
        return validate_email(text.strip(" <>.,;"), check_deliverability=False).normalized
    except EmailNotValidError:
        return None
