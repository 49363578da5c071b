"""What a booked, moved, cancelled or requested reply carries besides its sentence.

The appointment as a calendar file on the chats that send files, an "add to calendar"
link on the chats that show links, and "a confirmation is on its way" only when one will be
sent: confirmations by email are on and the booking has the customer's address.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from booking_client import Booking

from ..calendar import add_to_calendar_link, calendar_file
from ..messages import Attachment, Option
from .payloads import BookAgain
from .turn import Turn

CALENDAR_FILE = "appointment.ics"
LINK_CHANNELS = frozenset({"telegram", "whatsapp"})  # chats that show a link; the console prints the file's name
FILE_CHANNELS = frozenset({"telegram", "console"})
"""Where a reply's files go along: Telegram sends them, the console names them. WhatsApp would need each file at a
public address of its own, so there the calendar link stands in for it and no file is made."""


def finish(turn: Turn, text: str, booking: Booking, *, cancelled: bool = False) -> None:
    """End the flow with `text`, the confirmation note, the calendar link and the calendar file; after one of a
    series ("every 4 weeks"), the next one offered."""
    lines = [text]
    if turn.email_confirmations and booking.contact.email:
        lines.append(turn.t("confirmation_on_its_way", email=booking.contact.email))
    if not cancelled and turn.msg.channel in LINK_CHANNELS:
        link = add_to_calendar_link(booking, turn.business, turn.lang, texts=turn.texts)
        lines.append(turn.t("add_to_calendar", link=link))
    files = (calendar(turn, booking, cancelled=cancelled),) if turn.msg.channel in FILE_CHANNELS else ()
    p = turn.state.pending
    moved = p.start - p.old_start if p is not None and p.old_start is not None and not cancelled else None
    following: list[Option] = []
    if not cancelled and moved is None and (after := _next_of_series(turn, booking)) is not None:
        if after - turn.now() <= turn.business.horizon:
            again = BookAgain(service=booking.service, staff=booking.staff, at=after, every=turn.state.draft.repeat_days)
            following = [again.option(turn.t("book_next", when=turn.when(after)))]
        else:  # not offered: it could not be booked yet
            lines.append(turn.t("book_next_later", when=turn.when(after), days=turn.business.horizon_days))
    turn.end(*lines, attachments=files, options=following)
    turn.state.last_move_minutes = int(moved.total_seconds() // 60) if moved else None
    # "a coloring, and a beard trim for my husband right after": "what does that come to together?" sums both; a move
    # of one of them keeps them, a cancel ends the row
    if cancelled:
        turn.state.booked_in_a_row = []
    elif moved is None:  # made
        before = (turn.state.booked_in_a_row or [turn.state.last_service]) if turn.state.last_booking else []
        turn.state.booked_in_a_row = [*before, booking.service]
    turn.state.last_service = None if cancelled else booking.service  # "what does that cost?" right after
    turn.state.last_booking = None if cancelled else booking.id  # "and a beard trim right after"
    turn.state.last_services = []
    turn.state.just_cancelled = (booking.service, booking.staff) if cancelled else None  # "... next week instead?"
    turn.state.just_cancelled_at = booking.start if cancelled else None  # "... same time next week?"


def _next_of_series(turn: Turn, booking: Booking) -> datetime | None:
    """The next of a series ("every 4 weeks"): the booking's wall time that many days on, for the same person (a day
    the business is closed, or the person does not work, skipped for the one after it); None outside a series."""
    days = turn.state.draft.repeat_days
    if not days:
        return None
    local, biz = turn.local(booking.start), turn.business
    day = local.date() + timedelta(days=days)
    for _ in range(3):
        if not biz.closed_on(day) and biz.hours_for(booking.staff).spans(day.weekday()):
            break
        day += timedelta(days=days)
    return datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=biz.tz)


def calendar(turn: Turn, booking: Booking, *, cancelled: bool = False) -> Attachment:
    """The booking as `appointment.ics`: an update of the event, or (cancelled) its removal."""
    method = "CANCEL" if cancelled else "REQUEST"
    data = calendar_file(booking, turn.business, turn.lang, method=method, now=turn.now(), texts=turn.texts)
    return Attachment(CALENDAR_FILE, f"text/calendar; method={method}; charset=utf-8", data)
