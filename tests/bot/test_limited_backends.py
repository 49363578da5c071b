"""What a booking system cannot do is said, not faked: no moves (book the new time, then cancel the old),
no new bookings from the chat (where to book instead), questions it asks first, bookings it turns away."""

from __future__ import annotations

from dataclasses import dataclass, replace

from booking_client import (
    BackendUnavailable,
    Booking,
    BookingRequest,
    BookingStatus,
    Capability,
    NeedsAnswers,
    NotAccepted,
)
from dialogue_kit import Chat, MemoryBackend, at


@dataclass
class NoMoves(MemoryBackend):
    capabilities: frozenset = MemoryBackend.capabilities - {Capability.RESCHEDULE}
    cancel_fails: bool = False

    async def cancel(self, booking_id: str, reason: str | None = None) -> Booking:
        if self.cancel_fails:
            raise BackendUnavailable("down")
        return await super().cancel(booking_id, reason)


@dataclass
class NoNewBookings(MemoryBackend):
    capabilities: frozenset = MemoryBackend.capabilities - {Capability.CREATE}


@dataclass
class AsksFirst(MemoryBackend):
    """Wants `first_visit` answered; turns away anyone who answers 'blocked'."""

    got: dict | None = None

    async def create(self, request: BookingRequest, idempotency_key: str) -> Booking:
        if "first_visit" not in request.answers:
            raise NeedsAnswers("first_visit is required", ("first_visit",))
        if request.answers["first_visit"] == "blocked":
            raise NotAccepted("routing_rejected")
        self.got = dict(request.answers)
        return await super().create(request, idempotency_key)


async def to_confirmation(chat: Chat) -> None:
    for text in ("haircut with Sarah on Tuesday at 10", "Anna"):
        reply = await chat.say(text)
    assert "Shall I book Haircut with Sarah on Tue 24 Nov, 10:00" in reply


async def test_a_move_without_a_move_in_the_system_books_the_new_time_then_cancels_the_old():
    chat = Chat.on(NoMoves)
    old = chat.backend.add("haircut", "sarah", at(24, 10))
    text = await chat.say("move my appointment to Thursday at 3pm")
    assert "can't move an appointment" in text and "book Haircut with Sarah on Thu 26 Nov, 15:00" in text
    assert "cancel the one on Tue 24 Nov, 10:00" in text
    assert "Your Haircut with Sarah is now on Thu 26 Nov, 15:00" in await chat.say("yes")
    statuses = sorted((b.start, b.status) for b in chat.backend.bookings.values())
    assert statuses == [(at(24, 10), BookingStatus.CANCELLED), (at(26, 15), BookingStatus.CONFIRMED)]
    assert chat.backend.bookings[old.id].status is BookingStatus.CANCELLED


async def test_a_booking_made_for_someone_else_stays_under_their_name_when_booked_anew_for_a_move():
    chat = Chat.on(NoMoves)
    await chat.say("my name is Lena Hart")
    await chat.say("a haircut for my husband on Tuesday at 10")
    await chat.say("Mark Hart")
    assert "Done! Booked for Mark Hart: Haircut with Sarah on Tue 24 Nov, 10:00." in await chat.say("yes")
    await chat.say("move it to Thursday at 3pm")
    assert "is now on Thu 26 Nov, 15:00" in await chat.say("yes")
    moved = next(b for b in chat.backend.bookings.values() if b.status is BookingStatus.CONFIRMED)
    assert (moved.start, moved.contact.name) == (at(26, 15), "Mark Hart")


async def test_when_the_old_booking_cannot_be_cancelled_the_customer_hears_both_are_booked():
    chat = Chat.on(NoMoves)
    chat.backend.add("haircut", "sarah", at(24, 10))
    await chat.say("move my appointment to Thursday at 3pm")
    chat.backend.cancel_fails = True
    text = await chat.say("yes")
    assert "Thu 26 Nov, 15:00 is booked" in text and "couldn't cancel the one on Tue 24 Nov, 10:00" in text
    assert sum(b.status.active for b in chat.backend.bookings.values()) == 2, "never neither booking"


async def test_a_system_that_takes_no_new_bookings_from_the_chat_says_where_to_book():
    chat = Chat.on(NoNewBookings, booking_link="https://salon.example/book")
    text = await chat.say("book a haircut with Sarah on Tuesday at 10")
    assert "please book at https://salon.example/book" in text
    assert chat.backend.bookings == {} and (await chat.state()).step is None
    chat.backend.add("haircut", "sarah", at(24, 10))
    assert "Haircut with Sarah on Tue 24 Nov, 10:00" in await chat.say("my appointments")


async def test_the_booking_systems_question_is_asked_in_the_customers_language_and_the_booking_made():
    questions = {"first_visit": {"en": "Is this your first visit?", "de": "Ist das Ihr erster Besuch?"}}
    chat = Chat.on(AsksFirst, questions=questions)
    await to_confirmation(chat)
    assert "One more question before I can book: Is this your first visit?" in await chat.say("yes")
    assert "You're booked: Haircut with Sarah on Tue 24 Nov, 10:00" in await chat.say("yes, it is")
    assert chat.backend.got == {"first_visit": "yes, it is"}


async def test_a_booking_the_system_turns_away_is_not_booked_and_the_customer_is_told_whom_to_ask():
    questions = {"first_visit": {"en": "Is this your first visit?"}}
    chat = Chat.on(AsksFirst, questions=questions)
    await to_confirmation(chat)
    await chat.say("yes")
    text = await chat.say("blocked")
    assert "needs to look at this booking themselves" in text and "nothing has been booked" in text
    assert chat.backend.bookings == {}


async def test_a_question_the_business_file_does_not_word_is_not_invented():
    chat = Chat.on(AsksFirst)
    await to_confirmation(chat)
    text = await chat.say("yes")
    assert "needs a few more details" in text and "nothing has been booked" in text


async def test_a_plain_yes_or_no_answers_the_booking_systems_question():
    questions = {"first_visit": {"en": "Is this your first visit?"}}
    chat = Chat.on(AsksFirst, questions=questions)
    await to_confirmation(chat)
    await chat.say("yes")
    assert "You're booked" in await chat.say("no")
    assert chat.backend.got == {"first_visit": "no"}


@dataclass
class AssignsStaff(MemoryBackend):
    """Free times per link, not per person: the system picks whoever is free when the booking is made."""

    async def availability(self, start, end, service, staff=None):
        slots = await super().availability(start, end, service, None if staff else staff)
        return [replace(s, staff=staff or "") for s in slots if s.staff == "sarah"]

    async def create(self, request: BookingRequest, idempotency_key: str) -> Booking:
        return await super().create(replace(request, staff=request.staff or "tom"), idempotency_key)


async def test_a_time_the_system_assigns_to_whoever_is_free_is_said_so_and_the_booking_names_who_it_got():
    chat = Chat.on(AssignsStaff)
    for text in ("a haircut on Tuesday at 10", "Anna"):
        reply = await chat.say(text)
    assert "Shall I book Haircut with whoever is free on Tue 24 Nov, 10:00" in reply
    assert "You're booked: Haircut with Tom on Tue 24 Nov, 10:00" in await chat.say("yes")


@dataclass
class ListsByEmail(MemoryBackend):
    """A system that files bookings made elsewhere under the customer's email, and lists them to the
    customer whose email matches (as Empfio does with its leads)."""

    async def list_for_contact(self, contact, *, include_past: bool = False):
        return [replace(b, contact=contact) for b in self.bookings.values()
                if b.status.active and b.contact.email == contact.email]


async def test_a_booking_the_system_lists_for_the_customer_can_be_cancelled_and_nobody_elses():
    chat = Chat.on(ListsByEmail)
    chat.store_raw('{"name": "Anna", "email": "anna@example.com"}')
    mine = chat.backend.add("haircut", "sarah", at(24, 10), ref="email:anna@example.com")
    chat.backend.bookings[mine.id] = replace(mine, contact=replace(mine.contact, email="anna@example.com"))
    other = chat.backend.add("haircut", "tom", at(25, 10), ref="email:bob@example.com")
    assert "Cancel your Haircut with Sarah on Tue 24 Nov, 10:00?" in await chat.say("cancel my appointment")
    assert "cancelled" in await chat.say("yes")
    assert chat.backend.bookings[mine.id].status is BookingStatus.CANCELLED
    assert chat.backend.bookings[other.id].status is BookingStatus.CONFIRMED
