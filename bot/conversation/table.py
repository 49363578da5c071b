"""The dialogue's transitions: (question on the table, kind of event) -> the handler that answers.

To know what happens when a customer says yes to a move, find the row (CONFIRM_MOVE, Yes).
A row is looked up for the current step first, then for ANYWHERE; a row `If(test, handler)`
applies only when the test accepts the event, and falls through to the next lookup otherwise.
Free text that no row claims is routed by what it asks for (`route.by_intent`); an option
that does not fit the question on the table has that question asked again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, Final

import bot.conversation.booking as booking
import bot.conversation.changes as changes
import bot.conversation.checks as checks
import bot.conversation.confirm as confirm
import bot.conversation.contact as contact
import bot.conversation.group as group
import bot.conversation.info as info
import bot.conversation.more_days as more_days
import bot.conversation.swap as swap
import bot.conversation.notices as notices
import bot.conversation.reask as reask
import bot.conversation.route as route

from .events import Checks, Chosen, Event, No, Noise, Said, Stale, Stop, Yes
from .payloads import (
    Attend,
    BookAgain,
    BookingChoice,
    CancelIt,
    CarryOn,
    MoveIt,
    Payload,
    ServiceChoice,
    SlotChoice,
    StaffChoice,
)
from .state import Step
from .turn import Turn

Handler = Callable[[Turn, Any], Awaitable[None]]
"""Answers one event (or the payload of a chosen option) by changing the turn's state and replies."""

ANYWHERE: Final = "anywhere"  # a row that holds whatever the question on the table


@dataclass(frozen=True)
class If:
    """A row that applies only when `test` accepts the event."""

    test: Callable[[Any], bool]
    handler: Handler


# --- what a reading must carry for a step to take it as its answer -----------------------------------------


def adds_booking_details(said: Said) -> bool:
    """A service, staff member or time, said as part of booking ("haircut", "rather 11", "no, Friday")."""
    r = said.reading
    return (_details(said) and r.intent in ("book", "availability", "affirm", "deny")) or _relative(said) \
        or group.narrows(said)


def adds_new_time(said: Said) -> bool:
    """A time or staff member for the booking being moved ("Thursday 3pm", "move it to Friday")."""
    r = said.reading
    return (_details(said) and r.intent in ("book", "availability", "affirm", "deny", "reschedule")) or _relative(said)


def moves_instead(said: Said) -> bool:
    """A new time asked for where a cancellation is being confirmed ("can we do the week after instead?"): a move."""
    r = said.reading
    return (r.intent in ("book", "availability", "reschedule") and (r.has_when or said.relative)
            or r.intent == "affirm" and said.relative and "?" in said.text) \
        and not r.swap_to and not r.services and not r.for_others and not r.party  # ("geht auch eine Woche später?")


def answers_contact_question(said: Said) -> bool:
    """Anything but a request to do something else ("cancel my appointment", "help", "bye", "where are you?") or a
    courtesy with no name in it ("thanks!", "Frohe Feiertage!"), or the answer put off ("let me think about it")."""
    r = said.reading
    return r.intent not in ("cancel", "reschedule", "list", "help", "handoff", "bye", "info") \
        and not (r.intent == "thanks" and not r.name and not r.email) and not r.later


def names_a_booking(said: Said) -> bool:
    """A day, service or staff member that may single out one of the customer's bookings ("the one with Tom"); or
    "both", "alle": every one."""
    r = said.reading
    return bool(r.has_when or r.service or r.staff or r.every) and r.intent not in ("help", "handoff", "bye", "info")


def names_one_to_move(said: Said) -> bool:
    """`names_a_booking`, asked which to move; "actually cancel the haircut" cancels it instead."""
    return said.reading.intent != "cancel" and names_a_booking(said)


def names_one_to_cancel(said: Said) -> bool:
    """`names_a_booking`, asked which to cancel; "rather move the haircut" moves it instead."""
    return said.reading.intent != "reschedule" and names_a_booking(said)


def _relative(said: Said) -> bool:
    """ "An hour later", "same time on Thursday", "anything earlier?": a change to the time on the table."""
    return said.relative and said.reading.intent not in ("cancel", "list", "help", "handoff", "bye", "info")


def _details(said: Said) -> bool:
    """Something the booking under way can take: a service, staff member, time ("right after my booking"), "the
    earliest", an unclear day, or whom it is for ("it's for my boyfriend")."""
    r = said.reading
    return bool(r.service or r.staff or r.staff_text or r.any_staff or r.has_when or r.earliest or r.unclear
                or r.for_others == 1 or r.right_after or r.right_before  # ("direkt danach" answering "with whom?")
                or r.party and r.party > 1)  # ("yes, and can my son get one too?": two of them)


# --- the table ----------------------------------------------------------------------------------------------

TABLE: dict[tuple[Step | str | None, type], Handler | If] = {
    # a new booking
    (Step.ASK_SERVICE, ServiceChoice): booking.service_chosen,
    (Step.ASK_SERVICE, Said): If(adds_booking_details, booking.more_details),
    (Step.ASK_STAFF, StaffChoice): booking.staff_chosen,
    (Step.ASK_STAFF, Said): If(adds_booking_details, booking.more_details),
    (Step.ASK_WHEN, Said): If(adds_booking_details, booking.more_details),
    (Step.PICK_SLOT, SlotChoice): booking.slot_chosen,
    (Step.PICK_SLOT, Said): If(adds_booking_details, booking.more_details),
    (Step.ASK_NAME, Said): If(answers_contact_question, booking.name_or_details),
    (Step.ASK_EMAIL, Said): If(answers_contact_question, booking.email_or_details),
    (Step.CONFIRM_BOOK, Yes): more_days.book,  # then the next day said, if any
    (Step.CONFIRM_BOOK, No): more_days.declined,
    (Step.CONFIRM_BOOK, Said): If(adds_booking_details, booking.more_details),  # "no, make it 11"
    (Step.CONFIRM_BOOK, Checks): checks.answer,  # "is that with Sarah?"
    (Step.ASK_ANSWER, Said): If(answers_contact_question, more_days.answer),  # the booking system's question
    (Step.ASK_ANSWER, Yes): more_days.answer,  # "Is this your first visit?" - "yes"
    (Step.ASK_ANSWER, No): more_days.answer,
    # cancelling a booking
    (Step.PICK_BOOKING_CANCEL, BookingChoice): changes.cancel_chosen,
    (Step.PICK_BOOKING_CANCEL, Said): If(names_one_to_cancel, changes.cancel_by_words),
    (Step.CONFIRM_CANCEL, Yes): confirm.cancel,
    (Step.CONFIRM_CANCEL, No): confirm.kept,
    (Step.CONFIRM_CANCEL, Said): If(moves_instead, changes.move_instead),  # "can we do next week instead?"
    # moving a booking
    (Step.PICK_BOOKING_MOVE, BookingChoice): changes.move_chosen,
    (Step.PICK_BOOKING_MOVE, Said): If(names_one_to_move, changes.move_by_words),
    (Step.ASK_NEW_TIME, Said): If(adds_new_time, changes.new_time),
    (Step.PICK_NEW_SLOT, SlotChoice): changes.new_slot_chosen,
    (Step.PICK_NEW_SLOT, Said): If(adds_new_time, changes.new_time),
    (Step.CONFIRM_MOVE, Yes): swap.confirmed,  # a move, or a change of service
    (Step.CONFIRM_MOVE, No): confirm.kept,
    (Step.CONFIRM_MOVE, Said): If(adds_new_time, changes.new_time),  # "no, Friday instead"
    (Step.CONFIRM_MOVE, Checks): checks.answer,  # "that's on Saturday, right?"
    # whatever the question on the table
    (ANYWHERE, Said): route.by_intent,
    (ANYWHERE, Stop): route.stop,
    (ANYWHERE, Noise): reask.after_noise,
    (ANYWHERE, Stale): reask.after_stale,
    (ANYWHERE, Yes): reask.reask,  # nothing to confirm: the open question again
    (ANYWHERE, No): confirm.not_booked,  # "No thanks" under a nudge about an unfinished booking
    (ANYWHERE, CarryOn): reask.reask,
    (ANYWHERE, Attend): notices.attending,
    (ANYWHERE, MoveIt): changes.move_from_reminder,
    (ANYWHERE, CancelIt): changes.cancel_from_reminder,
    (ANYWHERE, BookAgain): booking.book_again,
}

MISFIT: Handler = reask.reask
"""An option that does not fit the question on the table (no row at all): ask that question again."""


def handler_for(step: Step | None, event: Event) -> tuple[Handler, object]:
    """The handler for this event at this step, and what it is given (a chosen option's payload, else the event)."""
    subject: Event | Payload = event.payload if isinstance(event, Chosen) else event
    for key in ((step, type(subject)), (ANYWHERE, type(subject))):
        row = TABLE.get(key)
        if isinstance(row, If):
            if row.test(subject):
                return row.handler, subject
        elif row is not None:
            return row, subject
    return MISFIT, subject


async def dispatch(turn: Turn, event: Event) -> None:
    """Answer one event: a name or email said along the way is kept, then the row's handler runs."""
    if isinstance(event, (Said, Yes, No, Checks)) and event.reading is not None:
        reading = contact.take_along(turn, event.reading)
        if reading is not event.reading:  # the customer's own name, not that of whom the booking is for
            event = replace(event, reading=reading)
    if isinstance(event, Said):
        for piece, asked in event.asked_along:  # "…, how much is it?": answered first, then the booking goes on
            for line in info.facts(turn, asked, piece):
                turn.note(line)
    handler, subject = handler_for(turn.state.step, event)
    await handler(turn, subject)
