"""Appointments on more days said in one message ("Monday and Wednesday at 3", "Friday and the Friday after"):
booked one after another.

The first goes through the booking as any does; the other days wait in the draft (`Draft.also`). Once the first is
booked, the next is looked for with the same service (or services, or people) and the same person, and asked about
as a first booking is: nothing is booked without its own yes, and a day that is not free gets the nearest times.
"""

from __future__ import annotations

from collections.abc import Awaitable

import bot.conversation.booking as booking
import bot.conversation.confirm as confirm

from .events import No, Said, Yes
from .state import Draft
from .turn import Turn


async def book(turn: Turn, yes: Yes) -> None:
    """Yes to a booking; then the next day asked for, if any."""
    await _then_next(turn, confirm.book(turn, yes))


async def declined(turn: Turn, no: No) -> None:
    """No to a booking: nothing booked; for a further day of a list, the ones before it stay booked."""
    if turn.state.draft.follows:
        turn.end(turn.t("days_not_this_one"))
        return
    await confirm.not_booked(turn, no)


async def answer(turn: Turn, said: Said | Yes | No) -> None:
    """The booking system's question answered, and the booking tried again; then the next day, if any."""
    await _then_next(turn, confirm.answer(turn, said))


async def _then_next(turn: Turn, booked: Awaitable[None]) -> None:
    d, p, before = turn.state.draft, turn.state.pending, turn.state.last_booking
    rest, then = list(d.also), list(d.then)
    await booked
    made = turn.state.step is None and turn.state.last_booking not in (None, before)
    if not (rest or then) or p is None or not made:
        return  # nothing more asked for, or the first is not booked (its time was gone, a question came back)
    if not rest:  # the next of the other services said: its own person, day and time
        (service, staff, day, at), later_ones = then[0], then[1:]
        turn.state.draft = Draft(service=service, staff=staff, date=day, time=at, then=later_ones, follows=True,
                                 for_someone=d.for_someone, guest=d.guest)
        turn.note(turn.t("days_next", when=booking.day_text(turn, day, at) if day else turn.service_name(service)))
        await booking.advance(turn)
        return
    (day, at), later = rest[0], rest[1:]
    turn.state.draft = Draft(service=p.service, services=d.services, party=d.party, date=day, time=at, also=later,
                             follows=True, staff=d.staff or (None if d.any_staff else p.staff), any_staff=d.any_staff)
    turn.note(turn.t("days_next", when=booking.day_text(turn, day, at)))
    await booking.advance(turn)
