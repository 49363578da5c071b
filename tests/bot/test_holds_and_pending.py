"""Where the booking system can hold a slot, the time in "Shall I book ...?" is held until the customer
answers; a booking the business must accept is called what it is."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from booking_client import Booking, BookingRequest, BookingStatus, Capability, Slot, SlotTaken
from dialogue_kit import Chat, MemoryBackend, at


@dataclass
class HoldingBackend(MemoryBackend):
    """The memory backend, holding slots: a held slot is not free to anyone else's booking."""

    capabilities: frozenset = MemoryBackend.capabilities | {Capability.SLOT_HOLD}
    holds: dict[str, Slot] = field(default_factory=dict)
    released: list[str] = field(default_factory=list)
    used_holds: list[str | None] = field(default_factory=list)
    pending: bool = False

    async def hold(self, slot: Slot) -> str:
        if any(h.start == slot.start and h.staff == slot.staff for h in self.holds.values()) or any(
                b.start == slot.start and b.staff == slot.staff and b.status.active for b in self.bookings.values()):
            raise SlotTaken("held or booked")
        hold_id = f"hold-{len(self.holds) + len(self.released) + 1}"
        self.holds[hold_id] = slot
        return hold_id

    async def release(self, hold_id: str) -> None:
        self.holds.pop(hold_id, None)
        self.released.append(hold_id)

    async def create(self, request: BookingRequest, idempotency_key: str) -> Booking:
        self.used_holds.append(request.hold)
        self.holds.pop(request.hold or "", None)
        booking = await super().create(request, idempotency_key)
        if self.pending:
            booking = replace(booking, status=BookingStatus.PENDING)
            self.bookings[booking.id] = booking
        return booking


def holding_chat() -> Chat:
    chat = Chat()
    chat.backend = HoldingBackend(chat.business, chat.clock)
    chat.dialogue.backend = chat.backend
    return chat


async def to_confirmation(chat: Chat) -> None:
    await chat.say("haircut with Sarah on Tuesday at 10")
    text = await chat.say("Anna")
    assert "Shall I book Haircut with Sarah on Tue 24 Nov, 10:00" in text


async def test_the_time_asked_about_is_held_until_yes_and_the_booking_takes_the_hold_over():
    chat = holding_chat()
    await to_confirmation(chat)
    [hold] = chat.backend.holds
    assert (await chat.state()).pending.hold == hold
    assert "You're booked" in await chat.say("yes")
    assert chat.backend.used_holds == [hold] and chat.backend.released == []


async def test_a_no_lets_the_held_time_go():
    chat = holding_chat()
    await to_confirmation(chat)
    [hold] = chat.backend.holds
    await chat.say("no")
    assert chat.backend.released == [hold] and chat.backend.holds == {}


async def test_another_time_at_the_confirmation_lets_the_first_go_and_holds_the_new_one():
    chat = holding_chat()
    await to_confirmation(chat)
    [first] = chat.backend.holds
    text = await chat.say("actually make it 11am")
    assert "Tue 24 Nov, 11:00" in text
    assert chat.backend.released == [first]
    [second] = chat.backend.holds
    assert chat.backend.holds[second].start == at(24, 11)


async def test_a_time_someone_else_holds_is_said_at_once_with_alternatives():
    chat = holding_chat()
    await chat.backend.hold(Slot(at(24, 10), at(24, 10, 30), "haircut", "sarah"))
    await chat.say("haircut with Sarah on Tuesday at 10")
    text = await chat.say("Anna")
    assert "Shall I book" not in text
    assert "that time was just taken by someone else" in text, text
    assert chat.labels(), "the nearest free times are offered"


async def test_a_booking_the_business_must_accept_is_called_a_request_and_listed_as_waiting():
    chat = holding_chat()
    chat.backend.pending = True
    await to_confirmation(chat)
    text = await chat.say("yes")
    assert "You're booked" not in text
    assert "request" in text and "Demo Salon" in text
    listing = await chat.say("my appointments")
    assert "Haircut with Sarah on Tue 24 Nov, 10:00 (waiting for Demo Salon to confirm)" in listing
