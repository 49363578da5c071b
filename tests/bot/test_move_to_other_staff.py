"""A move to someone else: the booking system's move keeps the person, so the new appointment is booked and the
old one cancelled, never leaving the customer with both or neither; where that cannot be done, it is said."""

from __future__ import annotations

from dataclasses import dataclass

from booking_client import BackendUnavailable, Booking, BookingStatus, Capability
from dialogue_kit import Chat, MemoryBackend, at


@dataclass
class CancelFails(MemoryBackend):
    """Cancelling the booking `fails_for` fails while it is set."""

    fails_for: str | None = None

    async def cancel(self, booking_id: str, reason: str | None = None) -> Booking:
        if booking_id == self.fails_for:
            raise BackendUnavailable("down")
        return await super().cancel(booking_id, reason)


@dataclass
class MovesOnly(MemoryBackend):
    capabilities: frozenset = MemoryBackend.capabilities - {Capability.CREATE}


def active(chat: Chat) -> list[tuple[str, object]]:
    return sorted((b.staff, b.start) for b in chat.backend.bookings.values() if b.status.active)


async def test_a_move_to_someone_else_gives_the_appointment_to_them():
    chat = Chat.on(MemoryBackend)
    old = chat.backend.add("haircut", "sarah", at(24, 10))
    assert "to Thu 26 Nov, 15:00" in await chat.say("move my appointment to Thursday at 3pm")
    assert "Move your Haircut with Sarah on Tue 24 Nov, 10:00 to Tom on Thu 26 Nov, 15:00?" in await chat.say(
        "with Tom instead")
    assert "Your Haircut with Tom is now on Thu 26 Nov, 15:00" in await chat.say("yes")
    assert active(chat) == [("tom", at(26, 15))]
    assert chat.backend.bookings[old.id].status is BookingStatus.CANCELLED


async def test_when_the_old_appointment_cannot_be_cancelled_the_new_one_is_undone_and_yes_can_be_said_again():
    chat = Chat.on(CancelFails)
    old = chat.backend.add("haircut", "sarah", at(24, 10))
    await chat.say("move my appointment to Thursday at 3pm")
    await chat.say("with Tom instead")
    chat.backend.fails_for = old.id
    text = await chat.say("yes")
    assert "can't reach the booking system" in text
    assert active(chat) == [("sarah", at(24, 10))], "never both appointments"
    chat.backend.fails_for = None
    assert "Your Haircut with Tom is now on Thu 26 Nov, 15:00" in await chat.say("yes")
    assert active(chat) == [("tom", at(26, 15))]


async def test_a_system_that_cannot_book_anew_says_the_move_keeps_the_person_instead_of_promising_another():
    chat = Chat.on(MovesOnly)
    chat.backend.add("haircut", "sarah", at(24, 10))
    await chat.say("move my appointment to Thursday at 3pm")
    text = await chat.say("with Tom instead")
    assert "stays with Sarah" in text and "Haircut with Sarah from Tue 24 Nov, 10:00 to Thu 26 Nov, 15:00" in text
    assert "with Tom from" not in text
    assert "Your Haircut with Sarah is now on Thu 26 Nov, 15:00" in await chat.say("yes")
    assert active(chat) == [("sarah", at(26, 15))]
