"""Messages the bot starts (reminder, follow-up, no-show, nudge) and their quick actions.

Their options become the offer on the table, so a pressed button or a typed number is
answered like any other choice; what each quick action does is a row of the transition table.
"""

from __future__ import annotations

from booking_client import Booking

import bot.conversation.policy as policy

from ..messages import Option, Reply
from .mine import for_someone_else, my_bookings, own_booking
from .payloads import Attend, BookAgain, CancelIt, CarryOn, MoveIt, NoChoice, TalkToTeam
from .turn import Turn


def notice(turn: Turn, kind: str, booking: Booking | None) -> Reply:
    """The text and quick actions of a message the bot starts."""
    if kind == "nudge":
        _nudge(turn)
        return turn.out[-1]
    if booking is None:
        raise ValueError(f"a {kind} notice is about a booking")
    names = dict(service=turn.service_name(booking.service), staff=turn.staff_name(booking.staff),
                 when=turn.when(booking.start))
    if kind == "reminder" and for_someone_else(turn, booking):  # booked "for my husband": whose it is
        turn.say(turn.t("reminder_for", name=turn.formats.after_for(booking.contact.name or ""), **names),
                 options=_reminder_actions(turn, booking))
    elif kind == "reminder":
        turn.say(turn.t("reminder", **names), options=_reminder_actions(turn, booking))
    elif kind == "follow_up":
        again = BookAgain(service=booking.service).option(turn.t("book_again"))
        turn.say(turn.t("follow_up", **names), options=[again])
    else:  # no_show
        again = BookAgain(service=booking.service).option(turn.t("book_new_time"))
        turn.say(turn.t("no_show", **names), options=[again])
    return turn.out[-1]


def _reminder_actions(turn: Turn, booking: Booking) -> list[Option]:
    """"I'll be there", and "Move it" / "Cancel it" while the business's cancellation deadline allows them;
    inside it, the team instead (a button the policy would only refuse is not offered)."""
    actions = [Attend(booking_id=booking.id).option(turn.t("reminder_attend"))]
    if policy.too_late(turn, booking):
        return [*actions, TalkToTeam().option(turn.t("talk_to_team"))]
    return [*actions, MoveIt(booking_id=booking.id).option(turn.t("reminder_move")),
            CancelIt(booking_id=booking.id).option(turn.t("reminder_cancel"))]


def _nudge(turn: Turn) -> None:
    """"You were about to book a Haircut. Shall we carry on?" for a booking left unfinished."""
    service = turn.state.draft.service
    what = turn.t("nudge_what", service=turn.service_name(service)) if service else turn.t("nudge_any")
    turn.say(turn.t("nudge", what=what), options=[CarryOn().option(turn.t("carry_on")),
                                                   NoChoice().option(turn.t("no_thanks"))])


async def attending_next(turn: Turn) -> bool:
    """"I'll be there" typed, with no question on the table: a see-you for the customer's next booking (the
    reminder's button may be long gone). False when they have none ahead."""
    upcoming = sorted((b for b in await my_bookings(turn) if b.start > turn.now()), key=lambda b: b.start)
    if not upcoming:
        return False
    turn.say(turn.t("attending", when=turn.when(upcoming[0].start)))
    return True


async def attending(turn: Turn, choice: Attend) -> None:
    """"I'll be there" under a reminder: a friendly see-you (nothing under way is touched)."""
    booking = await own_booking(turn, choice.booking_id)
    if booking is None:
        turn.say(turn.t("nothing_to_stop"))
        return
    turn.say(turn.t("attending", when=turn.when(booking.start)))
