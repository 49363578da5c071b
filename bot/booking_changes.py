"""The customer's own bookings: list them, and cancel or move one after a yes."""

from __future__ import annotations

import uuid
from datetime import datetime

from booking_client import Booking, NotFound
from intents import Reading

from .booking_steps import BookingSteps
from .messages import Option, Reply
from .state import Draft, Pending


class BookingChanges(BookingSteps):
    """List, cancel, reschedule: only ever the customer's own, active bookings."""

    async def my_bookings(self) -> list[Booking]:
        bookings = await self.d.backend.list_for_contact(self.contact())
        return [b for b in bookings if b.contact.ref == self.msg.key and b.status.active]

    async def own_booking(self, booking_id: str | None) -> Booking | None:
        """The booking, only if it belongs to this customer and is still active."""
        if not booking_id:
            return None
        try:
            booking = await self.d.backend.get(booking_id)
        except NotFound:
            return None
        if booking.contact.ref != self.msg.key or not booking.status.active:
            return None
        return booking

    def booking_line(self, b: Booking) -> str:
        return self.t("booking_line", service=self.service_name(b.service), staff=self.staff_name(b.staff),
                      when=self.when(b.start))

    async def list_bookings(self) -> list[Reply]:
        bookings = await self.my_bookings()
        if self.state.flow:
            self.state.reset_flow()
        if not bookings:
            return self.say(self.t("no_bookings"))
        lines = [f"• {self.booking_line(b)}" for b in bookings]
        return self.say(self.t("your_bookings"), *lines)

    def filter_bookings(self, bookings: list[Booking], r: Reading | None) -> list[Booking]:
        if r is None:
            return bookings
        picked = bookings
        if r.service:
            picked = [b for b in picked if b.service == r.service] or picked
        if r.staff:
            picked = [b for b in picked if b.staff == r.staff] or picked
        if r.date:
            picked = [b for b in picked if self.local(b.start).date() == r.date] or picked
        return picked

    async def start_cancel(self, r: Reading | None) -> list[Reply]:
        return await self.start_change("cancel", r)

    async def start_reschedule(self, r: Reading | None) -> list[Reply]:
        return await self.start_change("reschedule", r)

    async def start_change(self, flow: str, r: Reading | None) -> list[Reply]:
        """Cancel or move: find the customer's booking (asking which one when several fit)."""
        state = self.state
        bookings = await self.my_bookings()
        state.reset_flow()
        if not bookings:
            return self.say(self.t("nothing_to_cancel" if flow == "cancel" else "nothing_to_move"))
        state.flow = flow
        if flow == "cancel":
            picked = self.filter_bookings(bookings, r)
        else:
            # "move it to Thursday": the day said is the new one, so it does not pick the booking
            picked = bookings if r is None else self.filter_bookings(bookings, _without_when(r))
            if r is not None:
                self.merge(state.draft, r)
        if len(picked) == 1:
            return await self.booking_chosen(picked[0].id)
        state.step = "pick_booking"
        question = "which_booking_cancel" if flow == "cancel" else "which_booking_move"
        return self.say(self.t(question), options=[Option(self.booking_line(b), f"booking:{b.id}") for b in picked])

    async def pick_booking_by_reading(self, r: Reading) -> list[Reply]:
        bookings = await self.my_bookings()
        picked = self.filter_bookings(bookings, r)
        if len(picked) == 1:
            return await self.booking_chosen(picked[0].id)
        return await self.prompt()

    async def booking_chosen(self, booking_id: str) -> list[Reply]:
        state = self.state
        booking = await self.own_booking(booking_id)
        if booking is None:
            state.reset_flow()
            return self.say(self.t("nothing_to_cancel"))
        state.booking_id = booking.id
        if state.flow == "cancel":
            state.pending = Pending(action="cancel", service=booking.service, staff=booking.staff,
                                    start=booking.start, booking_id=booking.id, key=uuid.uuid4().hex)
            state.step = "confirm"
            return self.say(self.confirm_question(), options=self.yes_no())
        # reschedule: keep the asked new time if it came with the request
        d = state.draft
        new_when = (d.date, d.time, d.start, d.end)
        state.draft = Draft(service=booking.service, staff=booking.staff)
        state.draft.date, state.draft.time, state.draft.start, state.draft.end = new_when
        if not (d.date or d.time or d.start):
            state.step = "when"
            return self.say(self.t("ask_new_when", service=self.service_name(booking.service),
                                   when=self.when(booking.start)))
        return await self.reschedule_search(booking)

    async def reschedule_with(self, r: Reading) -> list[Reply]:
        booking = await self.own_booking(self.state.booking_id)
        if booking is None:
            self.state.reset_flow()
            return self.say(self.t("nothing_to_move"))
        d = self.state.draft
        if r.has_when:
            self.merge(d, Reading(intent="reschedule", lang=r.lang, date=r.date, time=r.time, start=r.start, end=r.end))
        if r.staff:
            d.staff = r.staff
        if not (d.date or d.time or d.start):
            self.state.step = "when"
            return self.say(self.t("ask_new_when", service=self.service_name(booking.service),
                                   when=self.when(booking.start)))
        return await self.reschedule_search(booking)

    async def reschedule_search(self, booking: Booking) -> list[Reply]:
        """Search like a booking, then confirm the move instead of a new booking."""
        state = self.state
        replies_before = len(self.out)
        out = await self.search()
        # search() ends in choose_slot (exact hit) or in an offer of slots; turn a hit into a move.
        if state.pending and state.pending.action == "create":
            start, staff = state.pending.start, state.pending.staff
            del self.out[replies_before:]
            return await self.ask_confirm_move(start, staff)
        state.flow = "reschedule"
        state.booking_id = booking.id
        return out

    async def ask_confirm_move(self, start: datetime, staff: str) -> list[Reply]:
        state = self.state
        booking = await self.own_booking(state.booking_id)
        if booking is None:
            state.reset_flow()
            return self.say(self.t("nothing_to_move"))
        state.flow = "reschedule"
        state.pending = Pending(action="reschedule", service=booking.service, staff=staff, start=start,
                                booking_id=booking.id, old_start=booking.start, key=uuid.uuid4().hex)
        state.step = "confirm"
        return self.say(self.confirm_question(), options=self.yes_no())




def _without_when(r: Reading) -> Reading:
    return Reading(intent=r.intent, lang=r.lang, service=r.service, staff=r.staff)
