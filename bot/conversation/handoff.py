"""A customer asks for a person: a handoff opens, and while it is open their free text goes to the team.

The customer is told only what will really happen: with an operator channel the team is
told and answers in this chat; without one the bot says it cannot pass messages on and
gives the business's phone or email if the business file has them. Buttons, numbered
choices and stop words are still answered by the bot while a handoff is open.
"""

from __future__ import annotations

from .events import Event, Noise, classify
from .state import Handoff, HandoffEntry
from .turn import Turn

MAX_FORWARDED = 2000  # characters of one message passed on to the team
TRANSCRIPT_LINES = 6  # the conversation's last lines the team gets with the request
MAX_LINE = 160  # characters of one of those lines


class _FreeText(Exception):
    """The message is free text, which goes to the team while a handoff is open."""


def _unread(_: str) -> object:
    raise _FreeText


async def open_handoff(turn: Turn) -> None:
    """"I want to talk to a person": open a handoff, or say how else to reach the business."""
    state = turn.state
    if state.handoff is not None:  # asked again (the "Talk to the team" button) while the team has it
        turn.say(turn.t("handoff_still_open"))
        return
    if not turn.team_reachable:
        turn.say(_elsewhere(turn))
        return
    policy = turn.business.handoff
    now = turn.now()
    state.handoff = Handoff(opened_at=now, closes_at=now + policy.timeout)
    state.clear_flow()  # the team takes it from here; after the handoff the bot starts afresh
    lines = [(who, _first_line(text)) for who, text in (*state.recent, ("customer", turn.msg.text or ""))]
    lines = [line for line in lines if line[1]][-TRANSCRIPT_LINES:]
    state.handoff_log.append(HandoffEntry(kind="opened", lines=lines))
    note = policy.note.get(turn.lang) if policy.note is not None else None
    turn.say(turn.t("handoff_opened"), note or "")


def _first_line(text: str) -> str:
    """A line of the conversation as the team reads it: its first line, shortened."""
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= MAX_LINE else line[:MAX_LINE - 1] + "…"


def _elsewhere(turn: Turn) -> str:
    """No one reads this chat: the business's phone or email, if the business file has them."""
    return reach(turn, "handoff_unavailable_contact", "handoff_unavailable")


def reach(turn: Turn, with_ways: str, without: str) -> str:
    """The text `with_ways`, given the business's phone and email as `contact`; `without` when its file has neither."""
    contact = other_ways(turn)
    return turn.t(with_ways, contact=contact) if contact else turn.t(without)


def other_ways(turn: Turn) -> str:
    """The business's phone and email from its file ("030 123 or salon@example.com"); "" when it has neither."""
    return turn.t("handoff_or").join(way for way in (turn.business.phone, turn.business.email) if way)


def expire(turn: Turn) -> None:
    """A handoff past the business's timeout closes as the customer writes; this reply says the bot is back."""
    handoff = turn.state.handoff
    if handoff is None or turn.now() < handoff.closes_at:
        return
    turn.state.handoff = None
    if handoff.id is not None:
        turn.state.handoff_log.append(HandoffEntry(kind="closed", by="timeout", handoff=handoff.id,
                                                   tell_customer=False))
    turn.note(turn.t("handoff_back"))


def still_answered(turn: Turn) -> Event | None:
    """While a handoff is open: the event the bot still answers (a button, a choice, stop), or None
    when the message is free text, which is passed on to the team and gets no reply."""
    msg, state = turn.msg, turn.state
    try:
        event = classify(msg, state, _unread)  # type: ignore[arg-type]
    except _FreeText:
        event = None
    if event is not None and not isinstance(event, Noise):
        return event
    text = (msg.text or "").strip()
    if text:
        state.handoff_log.append(HandoffEntry(kind="customer", text=text[:MAX_FORWARDED]))
    elif msg.media:  # the team hears that something came which the bot cannot pass on
        team = turn.business.languages[0] if turn.business.languages else turn.lang
        state.handoff_log.append(HandoffEntry(kind="customer", text=turn.texts(team, f"handoff_{msg.media}")))
    return None
