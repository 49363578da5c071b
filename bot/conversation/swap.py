"""A booking to become another service: "can I change my haircut to a beard trim?", "statt dem Haarschnitt lieber
Färben".

The booking meant is found as for a move, and the new service is looked for at the booking's own time (or the
time said), with the same person where they do it. Nothing changes before the customer's yes. Then, where the new
one would overlap the booking's own time with the same person (which the booking system would refuse while both
exist), the booking is cancelled and the new one booked in its place, and the old one booked again if the new one
cannot be; anywhere else the new one is booked first and the old one cancelled after, as a move to another person
is.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import bot.conversation.booking as booking_flow
import bot.conversation.changes as changes
import bot.conversation.receipt as receipt
from booking_client import Booking, BookingError, BookingRequest, Capability, NotFound
from intents import Reading

from .events import Yes
from .mine import my_bookings, own_booking
from .payloads import BookingChoice
from .state import Draft, Pending, Step
from .turn import Turn

log = logging.getLogger(__name__)


async def start(turn: Turn, r: Reading) -> None:
    """ "Change my haircut to a beard trim": which booking, then the new service at its time."""
    assert r.swap_to is not None
    if not {Capability.CREATE, Capability.CANCEL} <= turn.backend.capabilities:
        turn.say(turn.t("swap_not_here", service=turn.service_name(r.swap_to)))
        return
    bookings = await my_bookings(turn)
    if not bookings:  # "a beard trim instead" with nothing booked: a beard trim is what they would like
        await booking_flow.start(turn, replace(r, intent="book", service=r.swap_to, swap_to=None))
        return
    others = [b for b in bookings if b.service != r.swap_to] or bookings
    picked = ([b for b in others if b.service == r.service] or others) if r.service else others
    on_the_day = [b for b in picked if turn.local(b.start).date() == r.date] if r.date else []
    picked = on_the_day or picked
    turn.state.clear_flow()
    turn.state.draft.swap_to = r.swap_to
    if r.has_when and not on_the_day:  # "…to a beard trim on Friday at 3": where the new one is to be
        turn.state.draft.set_when(r.date, r.time, r.start, r.end, r.daily)
    if len(picked) == 1:
        await changes.move_chosen(turn, BookingChoice(booking_id=picked[0].id))
        return
    changes.ask_which_to_move(turn, picked, turn.t("which_booking_change", service=turn.service_name(r.swap_to)))


async def confirmed(turn: Turn, yes: Yes) -> None:
    """Yes to a change (of service, or of time and person)."""
    p = turn.state.pending
    if p is None or not p.old_service:
        await changes.move_confirmed(turn, yes)
        return
    booking = await own_booking(turn, turn.state.booking_id)
    if booking is None:
        turn.end(turn.t("nothing_to_move"))
        return
    new_end = p.start + turn.business.service(p.service).duration
    if p.staff == booking.staff and p.start < booking.end and booking.start < new_end:
        await _in_its_place(turn, p, booking)
        return
    new = await changes.book_then_cancel(turn, p, booking, reason="changed to another service by the customer")
    if new is not None:
        _done(turn, p, new)


async def _in_its_place(turn: Turn, p: Pending, old: Booking) -> None:
    """The new service where the old one is, with the same person: the old one cancelled, the new one booked, and
    the old one booked again if the new one cannot be."""
    try:
        await turn.backend.cancel(old.id, reason="changed to another service by the customer")
    except NotFound:
        turn.end(turn.t("nothing_to_move"))
        return
    except BookingError as exc:
        log.info("could not cancel %s to change its service: %s", old.id, type(exc).__name__)
        turn.end(turn.t("backend_down"))  # nothing changed
        return
    request = BookingRequest(service=p.service, staff=p.staff, start=p.start, contact=old.contact,
                             channel=turn.msg.channel, lang=turn.lang, notes=old.notes)
    try:
        new = await turn.backend.create(request, idempotency_key=p.key)
    except BookingError as exc:
        log.info("the new service could not be booked in its place: %s", type(exc).__name__)
        await _put_back(turn, p, old)
        return
    _done(turn, p, new)


async def _put_back(turn: Turn, p: Pending, old: Booking) -> None:
    """The old booking again, as it was; said plainly either way."""
    names = dict(service=turn.service_name(p.service), staff=turn.staff_name(p.staff),
                 old_service=turn.service_name(old.service), when=turn.when(old.start))
    request = BookingRequest(service=old.service, staff=old.staff, start=old.start, contact=old.contact,
                             channel=turn.msg.channel, lang=turn.lang, notes=old.notes)
    try:
        again = await turn.backend.create(request, idempotency_key=f"{p.key}:back")
    except BookingError as exc:
        log.warning("could not book %s again after a failed change of service: %s", old.id, type(exc).__name__)
        turn.state.last_booking = None
        turn.state.clear_flow()
        turn.state.draft = Draft(service=old.service, staff=old.staff)  # the promised new time: a booking like it
        turn.ask(Step.ASK_WHEN, turn.t("swap_lost", **names))
        return
    turn.end(turn.t("swap_not_possible", **names))
    turn.state.last_booking = again.id


def _done(turn: Turn, p: Pending, new: Booking) -> None:
    receipt.finish(turn, turn.t("swapped", old_service=turn.service_name(p.old_service), service=turn.service_name(
        new.service), staff=turn.staff_name(new.staff), when=turn.when(new.start)), new)
