"""Asking the question on the table again: after an expired button, noise, small talk, or "carry on"."""

from __future__ import annotations

import bot.conversation.booking as booking
import bot.conversation.changes as changes
import bot.conversation.confirm as confirm
import bot.conversation.contact as contact

from .events import Noise, Stale
from .state import CONFIRM_STEPS, Step
from .turn import Turn


async def reask(turn: Turn, _: object = None) -> None:
    """The question of the current step once more (a booking's question from what its draft still lacks)."""
    step = turn.state.step
    if step is None:
        turn.say(turn.t("nothing_to_stop"))
    elif step in CONFIRM_STEPS:
        confirm.ask_again(turn)
    elif step is Step.ASK_NAME:
        contact.ask_name(turn)
    elif step is Step.ASK_EMAIL:
        contact.ask_email(turn)
    elif step is Step.ASK_ANSWER:
        confirm.ask_question_again(turn)
    elif step is Step.PICK_BOOKING_CANCEL:
        await changes.start_cancel(turn, None)
    elif step is Step.PICK_BOOKING_MOVE:
        await changes.start_move(turn, None)
    elif step in (Step.ASK_NEW_TIME, Step.PICK_NEW_SLOT):
        await changes.ask_new_time(turn)
    else:  # ASK_SERVICE, ASK_STAFF, ASK_WHEN, PICK_SLOT: free times are looked up afresh
        await booking.advance(turn)


async def after_stale(turn: Turn, _: Stale) -> None:
    """A button from an earlier offer: say it has expired, then where we are."""
    turn.note(turn.t("stale_option"))
    await reask(turn)


async def after_noise(turn: Turn, noise: Noise) -> None:
    """Nothing readable: say so without losing the question on the table (its options stay valid)."""
    if turn.state.step in CONFIRM_STEPS:
        confirm.ask_again(turn, before=turn.t(noise.text))
    elif turn.state.step is not None and not turn.state.options:
        turn.note(turn.t(noise.text))  # "?!" or a voice note answering "what name?": say so, and the question again
        await reask(turn)
    else:
        turn.repeat_options(turn.t(noise.text))
