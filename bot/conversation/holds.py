"""Holding the slot while the customer is asked "Shall I book ...?", where the booking system can.

After each turn the dialogue compares the hold it started with to the question now on the
table: a booking confirmation without a hold gets one (so the slot offered is the slot
booked); a hold no longer on the table (declined, another time picked, the flow left) is
let go; one taken over by the booking is left to the booking system. A slot that cannot be
held any more is said at once, with the nearest free times.
"""

from __future__ import annotations

import logging

import bot.conversation.confirm as confirm
from booking_client import BackendUnavailable, BookingError, Slot, SlotTaken, slot_holds

from .state import Step
from .turn import Turn

log = logging.getLogger(__name__)


def held(turn: Turn) -> str | None:
    """The hold on the table at the start of the turn."""
    p = turn.state.pending
    return p.hold if p is not None and turn.state.step is Step.CONFIRM_BOOK else None


async def settle(turn: Turn, before: str | None) -> None:
    """Take a hold for a new booking confirmation; let go of one no longer on the table."""
    holds = slot_holds(turn.backend)
    if holds is None:
        return
    now = held(turn)
    if before and before != now and before != turn.consumed_hold:
        try:
            await holds.release(before)
        except BookingError as exc:  # it runs out by itself; nothing the customer needs to hear
            log.info("could not release a held slot: %s", type(exc).__name__)
    p = turn.state.pending
    if turn.state.step is not Step.CONFIRM_BOOK or p is None or p.hold:
        return
    service = turn.business.service(p.service)
    try:
        p.hold = await holds.hold(Slot(p.start, p.start + service.duration, p.service, p.staff))
    except SlotTaken:
        turn.out.pop()  # the question just asked: that time is gone
        await confirm.time_gone_before_yes(turn, p)
    except BackendUnavailable:
        log.info("could not hold the slot; the booking is checked again on yes")
