"""The cancellation deadline: a booking that starts too soon is not cancelled or moved in the chat.

Inside the business's `free_until_hours` the customer hears the rule and is offered the team
(the same request as writing "I want to talk to a person"), or, where no one on the team reads the
chat, the business's phone and email; the booking stays as it is.
"""

from __future__ import annotations

from datetime import timedelta

import bot.conversation.handoff as handoff
from booking_client import Booking

from .payloads import TalkToTeam
from .turn import Turn


def too_late(turn: Turn, booking: Booking) -> bool:
    """Whether the booking starts within the business's free cancellation period (and has not started), and was not
    made just now: "actually, can you make it 11:30?" a minute after booking is a correction, not a late change."""
    policy = turn.business.cancellation
    deadline, now = policy.deadline, turn.now()
    if booking.created_at is not None and now - booking.created_at < policy.grace:
        return False
    return bool(deadline) and now < booking.start < now + deadline


def refuse(turn: Turn, booking: Booking, action: str) -> None:
    """Say why this booking is not cancelled (action "cancel"), moved ("move") or changed into another service
    ("change"), and offer the team."""
    turn.state.clear_flow()
    again = action == "move" and turn.refused_move == booking.id  # "then Friday at 2?" right after the refusal
    if action == "move":
        turn.state.refused_move = booking.id  # "auf Freitag 14 Uhr" next: this move's new time, refused too
    said = refusal(turn, booking, "move_again" if again else action)
    if turn.team_reachable:
        turn.say(said, options=[TalkToTeam().option(turn.t("talk_to_team"))])
        return
    contact = handoff.other_ways(turn)  # no one reads this chat
    turn.say(said, turn.t("too_late_contact", contact=contact) if contact else "")


def refusal(turn: Turn, booking: Booking, action: str) -> str:
    """Why this booking is not cancelled or moved here: the business's free cancellation period."""
    deadline = turn.business.cancellation.deadline
    assert deadline is not None
    return turn.t(f"too_late_{action}", service=turn.service_name(booking.service), when=turn.when(booking.start),
                  notice=notice(turn, deadline))


def notice(turn: Turn, deadline: timedelta) -> str:
    """'24 hours' / '24 Stunden' as the business wrote it (hours, not days); '90 minutes' where not whole hours."""
    return turn.formats.duration(deadline, in_hours=True)
