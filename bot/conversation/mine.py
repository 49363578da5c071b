"""The customer's own active bookings: the only ones this conversation may show, cancel or move."""

from __future__ import annotations

from booking_client import Booking, BookingStatus, NotFound

from .turn import Turn


async def my_bookings(turn: Turn) -> list[Booking]:
    """The customer's active bookings (never anyone else's, whatever the backend returns)."""
    bookings = await turn.backend.list_for_contact(turn.customer())
    return [b for b in bookings if b.contact.ref == turn.msg.key and b.status.active]


async def last_staff(turn: Turn) -> str | None:
    """Who did the customer's latest visit (else who has their next booking): "with the same person as last time"."""
    bookings = [b for b in await turn.backend.list_for_contact(turn.customer(), include_past=True)
                if b.contact.ref == turn.msg.key and b.status is not BookingStatus.CANCELLED]
    past = [b for b in bookings if b.start <= turn.now()]
    latest = max(past, key=lambda b: b.start, default=None) or min(bookings, key=lambda b: b.start, default=None)
    return latest.staff if latest is not None else None


async def own_booking(turn: Turn, booking_id: str | None) -> Booking | None:
    """The booking, only if it belongs to this customer and is still active."""
    if not booking_id:
        return None
    try:
        booking = await turn.backend.get(booking_id)
    except NotFound:
        return None
    if not booking.status.active:
        return None
    if booking.contact.ref != turn.msg.key and booking.id not in {b.id for b in await my_bookings(turn)}:
        # a booking made outside the chat counts only if the booking system lists it for this customer
        # (matched by their phone or email there), never by anything the customer says
        return None
    return booking


def booking_line(turn: Turn, b: Booking) -> str:
    """"Haircut with Sarah on Tue 24 Nov, 10:00", whom it is for if not the customer, and whether the business has
    yet to confirm it."""
    line = turn.t("booking_line", service=turn.service_name(b.service), staff=turn.staff_name(b.staff),
                  when=turn.when(b.start))
    if for_someone_else(turn, b):
        line += turn.t("booking_line_for", name=turn.formats.after_for(b.contact.name or ""))
    return line + (turn.t("waiting_line") if b.status is BookingStatus.PENDING else "")


def for_someone_else(turn: Turn, b: Booking) -> bool:
    """Whether the customer made the booking for someone else ("for my husband"): it goes under another name than
    theirs (or one they went by before putting it right)."""
    return bool(b.contact.name and turn.state.name and b.contact.name != turn.state.name
                and b.contact.name not in turn.state.former_names)
