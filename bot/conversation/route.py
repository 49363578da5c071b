"""Free text that the question on the table does not claim, answered by what the customer asks for; and stop words.

This is the transition table's default for a reading: "book ...", "cancel ...", "my appointments",
"help", small talk. Text that asks for nothing we do gets a hint, then the open question again.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

import bot.conversation.booking as booking
import bot.conversation.changes as changes
import bot.conversation.confirm as confirm
import bot.conversation.contact as contact
import bot.conversation.handoff as handoff
import bot.conversation.info as info
import bot.conversation.notices as notices
import bot.conversation.swap as swap

import intents
from intents import Intent, Reading

from .events import EMAIL_WORD, Said, Stop, says_for_myself
from .payloads import TalkToTeam, alone
from .reask import reask
from .state import CONFIRM_STEPS, Step
from .turn import Turn


async def stop(turn: Turn, _: Stop) -> None:
    """"Stop": leave whatever is under way; nothing is changed."""
    had_flow = turn.state.step is not None
    turn.end(turn.t("left_flow" if had_flow else "nothing_to_stop"))


async def by_intent(turn: Turn, said: Said) -> None:
    """What the customer asks for, whatever the question on the table was."""
    r = said.reading
    if r.later:
        _put_off(turn)  # "let me think about it": the question on the table stays as it is
        return
    if r.attending and turn.state.step is None and await notices.attending_next(turn):
        return  # "I'll be there", the reminder's button long gone: a see-you for their next booking
    if r.intent == "info" and said.wanted_along is not None and turn.state.step is None:
        for line in info.facts(turn, r, said.text):  # "I want a coloring on Friday. Do you take cards?": both
            turn.note(line)
        await _BY_INTENT[said.wanted_along.intent](turn, said.wanted_along)
        return
    if r.intent == "info" or (r.intent == "affirm" and r.topic and turn.state.step not in CONFIRM_STEPS):
        await info.answer(turn, r, said.text)  # "how much is a haircut?"; the question on the table stays open
        return
    if r.intent in ("book", "availability") and r.service_text and not r.service and turn.state.step is not None:
        # "can I also get my eyebrows done?" while a booking is under way: not ours, and the question on the table
        turn.note(turn.t("service_not_offered"))
        await reask(turn)
        return
    if r.intent in ("cancel", "list") and turn.just_cancelled and turn.just_cancelled_at and turn.state.step is None \
            and _WHAT_WAS_CANCELLED.search(said.text):
        service, staff = turn.just_cancelled  # "what did I just cancel?": that one, said back
        turn.say(turn.t("just_cancelled_was", service=turn.service_name(service), staff=turn.staff_name(staff),
                        when=turn.when(turn.just_cancelled_at)))
        turn.state.just_cancelled, turn.state.just_cancelled_at = turn.just_cancelled, turn.just_cancelled_at
        return
    if r.undo and turn.just_cancelled and turn.state.step is None:
        await booking.start(turn, replace(r, intent="book"))  # "undo that" right after cancelling: booked again
        return
    if r.intent in ("book", "availability") and turn.refused_move and _only_a_when(r):
        # "then Friday at 2?" right after a move was refused: the new time of that move, not a new booking
        await changes.move_again(turn, turn.refused_move, r)
        return
    handler = _BY_INTENT.get(said.reading.intent)
    if handler is not None:
        await handler(turn, said.reading)
    else:
        await _unclaimed(turn, said)


def _put_off(turn: Turn) -> None:
    """"Let me think about it", "ich melde mich morgen": no rush; the question, its options and buttons stay on the
    table (the times offered with a word that they may go), and no "shall we carry on?" follows this silence."""
    state = turn.state
    if state.step is None:
        turn.aside(turn.t("later_idle"))
        return
    times = state.step in (Step.PICK_SLOT, Step.PICK_NEW_SLOT) or state.pending is not None \
        and state.step is not Step.CONFIRM_CANCEL  # (a time asked about, or picked and not yet booked)
    turn.aside(" ".join((turn.t("later_ok"), turn.t("later_times_go"))) if times else turn.t("later_ok"))
    state.nudged_turn = state.turns + 1  # (the turn this one becomes)


async def _help(turn: Turn, _: Reading) -> None:
    turn.say(turn.t("help"))


async def _handoff(turn: Turn, _: Reading) -> None:
    await handoff.open_handoff(turn)  # the question on the table stays open


_WHAT_WAS_CANCELLED = re.compile(
    r"\b(?:what|which(?: one)?|which appointment)\b[^.!?]{0,30}\b(?:did|have) (?:i|you|we) (?:just )?(?:cancel|cancell?ed)\b"
    r"|\b(?:was|welchen(?: termin)?|welcher(?: termin)?) (?:habe|hab|hast|haben) (?:ich|du|sie|wir) (?:da |gerade |jetzt |eben )?"
    r"(?:abgesagt|storniert|gelöscht)\b|\bwas wurde (?:da |gerade |eben )?(?:abgesagt|storniert)\b", re.IGNORECASE)

_LEFT_UNDONE = {"book": "bye_unchanged", "cancel": "bye_not_cancelled", "reschedule": "bye_not_moved"}


async def _bye(turn: Turn, _: Reading) -> None:
    """Goodbye; said in the middle of a booking, a move or a cancel ("ok thanks bye" to "cancel it?"), with what
    became of it: nothing."""
    step = turn.state.step
    turn.end(turn.t("bye" if step is None else _LEFT_UNDONE[step.flow]))


async def _small_talk(turn: Turn, r: Reading) -> None:
    """Hello / thanks / "merry Christmas!": answered politely, then back to the question on the table, if any."""
    said = turn.t("wish_back") if r.intent == "thanks" and intents.wishes(turn.msg.text or "") else turn.t(r.intent)
    if turn.state.step is None:
        turn.say(said)
        return
    turn.note(said)
    await reask(turn)


async def _move_or_swap(turn: Turn, r: Reading) -> None:
    """A move; or, to another service ("change my haircut to a beard trim"), a change of what is booked."""
    if r.swap_to:
        await swap.start(turn, r)
    else:
        await changes.start_move(turn, r)


async def _list(turn: Turn, r: Reading) -> None:
    # "my appointments" while booking, cancelling or moving: the list, then the question on the table again;
    # nothing under way is lost
    aside = turn.state.step is not None
    await changes.list_bookings(turn, r.date, aside=aside, period=_period(r))
    if aside:
        await reask(turn)


def _period(r: Reading) -> tuple[datetime, datetime] | None:
    """The days asked about ("next week"), if the reading names a span and not one day."""
    return (r.start, r.end) if r.date is None and r.start is not None and r.end is not None else None


_BY_INTENT: dict[Intent, Callable[[Turn, Reading], Awaitable[None]]] = {
    "book": booking.start,
    "availability": booking.browse,
    "cancel": changes.start_cancel,
    "reschedule": _move_or_swap,
    "list": _list,
    "help": _help,
    "greet": _small_talk,
    "thanks": _small_talk,
    "bye": _bye,
    "handoff": _handoff,
}


def _team_offered(turn: Turn) -> bool:
    """Whether the one option on the table is the team ("Talk to the team", "Ask the team")."""
    return turn.team_reachable and isinstance(alone(turn.state.options), TalkToTeam)


async def _unclaimed(turn: Turn, said: Said) -> None:
    """Neither an answer nor a request: ask for yes or no, or hint at what we do and ask again."""
    step = turn.state.step
    if step is not None and contact.other_named(turn, said.reading):
        turn.note(contact.others_noted(turn, said.reading))  # "her name is Emma", at any question
        await reask(turn)
        return
    if step in CONFIRM_STEPS:
        email = said.reading.email
        if email and turn.state.email and email.casefold() != turn.state.email.casefold() \
                and (other := contact.valid_email(email)):
            turn.state.email = other  # "use anna@work.com instead": the newer address is the one
        if email and turn.state.email and email.casefold() == turn.state.email.casefold():
            # an address given at the question (kept along the way): noted, and the question again
            turn.say(turn.t("email_noted", email=turn.state.email), confirm.question(turn), options=turn.yes_no())
            return
        if step == Step.CONFIRM_BOOK and not turn.state.group and (named := contact.renamed(turn, said.text)):
            # "sorry, my name is John not Jon": under that name, and the question again
            turn.say(turn.t("name_noted", name=named), confirm.question(turn), options=turn.yes_no())
            return
        if step == Step.CONFIRM_BOOK and turn.state.draft.for_someone and says_for_myself(said.text):
            contact.for_myself(turn)  # "actually it's for me": under their own name, and the question again
            return
        if not email and contact.tries_an_email(said.text):  # "lena.fischer@example": where the address would be
            turn.say(turn.t("bad_email"), confirm.question(turn), options=turn.yes_no())
            return
        if step == Step.CONFIRM_BOOK and not email and EMAIL_WORD.search(said.text) \
                and contact.declines_email(said.text):
            # "no thanks, no email" before it was asked for: booked without one, and the question again
            turn.state.no_email = True
            turn.say(turn.t("no_email_ok"), confirm.question(turn), options=turn.yes_no())
            return
        turn.say(turn.t("confirm_first", question=confirm.question(turn)), options=turn.yes_no())
        return
    if step is None and turn.state.name and (named := contact.renamed(turn, said.text)):
        turn.say(turn.t("name_noted_later", name=named))  # "sorry, my name is Benjamin not Ben", after booking
        return
    if said.reading.intent == "other" and info.faq_match(turn, said.text):  # one of the business's own questions
        await info.answer(turn, replace(said.reading, intent="info", topic="faq"), said.text)
        return
    if said.reading.intent == "deny" and step in _NEXT_IF_NONE_FIT:  # "no", "none of these work"
        turn.state.draft.forget_when()
        turn.ask(_NEXT_IF_NONE_FIT[step], turn.t("none_fit"))
        return
    if said.reading.intent == "affirm" and step in _TIMES_LISTED and turn.state.options:
        turn.repeat_options(turn.t("which_time"))  # "yes" to a list of times: which one
        return
    if said.reading.intent == "affirm" and step in (Step.ASK_SERVICE, Step.ASK_STAFF) and turn.state.options:
        turn.repeat_options(turn.t("which_one"))  # "ja passt" to "which service?": which one
        return
    if step is not None and _only_a_name(said.reading):  # "Anna Schmidt", "ich bin Anna": kept for the booking
        if step in _TIMES_LISTED and turn.state.options:
            turn.repeat_options(turn.t("pick_one"))  # which of the times listed (their buttons still work)
        else:
            await reask(turn)
        return
    if step is None and said.reading.intent == "other" and _team_offered(turn):
        # "but I'm really sick" right after the team was offered (a refusal, a question the file cannot answer)
        turn.say(turn.t("team_can_help"), options=[TalkToTeam().option(turn.t("talk_to_team"))])
        return
    hint = turn.t("off_topic") if _looks_like_words(said.text) else turn.t("not_understood")
    if said.reading.intent == "affirm" and step is None and confirm.ask_declined_again(turn):
        return  # "ok fine, book it", "doch, ja" right after saying no to a booking
    if said.reading.intent in ("affirm", "deny") and step is None:
        turn.say(turn.t("nothing_to_stop"))
    elif step in (Step.ASK_WHEN, Step.ASK_NEW_TIME) and not turn.state.options and not said.reading.has_when:
        # "hmm, the usual" where a day or time was asked for: an example of one ("what's the weather tomorrow?"
        # had a day, and is answered as the question about something else it is)
        turn.say(turn.t("ask_when_again"))
    elif step is not None:
        turn.note(hint)
        await reask(turn)
    else:
        turn.say(hint)


# A list of free times turned down as a whole: ask for another day or time instead.
_NEXT_IF_NONE_FIT = {Step.PICK_SLOT: Step.ASK_WHEN, Step.PICK_NEW_SLOT: Step.ASK_NEW_TIME}
_TIMES_LISTED = frozenset(_NEXT_IF_NONE_FIT)


def _only_a_when(r: Reading) -> bool:
    """A day or time and nothing of a new booking: no service, person or party named."""
    return (r.has_when or r.earliest or r.latest) and not (
        r.service or r.services or r.staff or r.any_staff or r.party or r.for_others or r.same_again or r.same_staff)


def _only_a_name(r: Reading) -> bool:
    """The customer's own name and nothing else ("I'm Anna", or a bare "Anna Schmidt" while times are offered)."""
    return bool(r.name) and r.intent == "other" and not (
        r.service or r.staff or r.staff_text or r.has_when or r.email or r.phone or r.topic or r.number is not None)


def _looks_like_words(text: str) -> bool:
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= 2
