"""A booking changed into another service: nothing is changed before the yes; the customer never ends up with
neither booking without hearing so, nor with both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from booking_client import BackendUnavailable, Booking, BookingRequest, BookingStatus, Capability, SlotTaken
from dialogue_kit import Chat, MemoryBackend, at


@dataclass
class Fails(MemoryBackend):
    """Turns away new bookings of `refuse_services`; with `refuse_all`, every new booking."""

    refuse_services: tuple[str, ...] = ()
    refuse_all: bool = False
    cancel_fails_for: tuple[str, ...] = ()

    async def create(self, request: BookingRequest, idempotency_key: str) -> Booking:
        if self.refuse_all or request.service in self.refuse_services:
            raise SlotTaken("taken")
        return await super().create(request, idempotency_key)

    async def cancel(self, booking_id: str, reason: str | None = None) -> Booking:
        if booking_id in self.cancel_fails_for:
            raise BackendUnavailable("down")
        return await super().cancel(booking_id, reason)


@dataclass
class NoCancel(MemoryBackend):
    capabilities: frozenset = MemoryBackend.capabilities - {Capability.CANCEL}


def active(chat: Chat) -> list[tuple[str, str]]:
    return sorted((b.service, b.staff) for b in chat.backend.bookings.values() if b.status.active)


async def test_nothing_changes_before_the_yes_and_a_no_keeps_the_booking():
    chat = Chat.on(Fails)
    chat.backend.add("haircut", "tom", at(26, 10))
    text = await chat.say("can I change my haircut to a beard trim?")
    assert "Change your Haircut on Thu 26 Nov, 10:00 to Beard trim with Tom on Thu 26 Nov, 10:00 (15 min)?" in text
    assert active(chat) == [("haircut", "tom")]
    await chat.say("no")
    assert active(chat) == [("haircut", "tom")]


async def test_a_new_service_that_cannot_be_booked_in_its_place_puts_the_old_one_back():
    chat = Chat.on(Fails)
    chat.backend.add("haircut", "tom", at(26, 10))
    await chat.say("can I change my haircut to a beard trim?")
    chat.backend.refuse_services = ("beard",)
    text = await chat.say("yes")
    assert "Beard trim with Tom couldn't be booked then, so your Haircut on Thu 26 Nov, 10:00 stays as it was" in text
    assert active(chat) == [("haircut", "tom")]


async def test_when_neither_can_be_booked_the_customer_hears_so_and_is_asked_for_a_new_time():
    chat = Chat.on(Fails)
    chat.backend.add("haircut", "tom", at(26, 10))
    await chat.say("can I change my haircut to a beard trim?")
    chat.backend.refuse_all = True
    text = await chat.say("yes")
    assert "your Haircut on Thu 26 Nov, 10:00 couldn't be booked again either. When would you like to come?" in text
    assert active(chat) == []
    chat.backend.refuse_all = False
    await chat.say("Friday at 11 with Tom")
    text = await chat.say("Anna Schmidt")
    assert "Shall I book Haircut with Tom on Fri 27 Nov, 11:00" in text  # the promised new time is looked for
    await chat.say("yes")
    assert active(chat) == [("haircut", "tom")]


async def test_a_change_elsewhere_books_the_new_one_first_and_never_leaves_both():
    chat = Chat.on(Fails)
    old = chat.backend.add("haircut", "tom", at(26, 10))
    text = await chat.say("could I have coloring instead of the haircut?")
    assert "Tom doesn't do Coloring. Sarah can." in text
    chat.backend.cancel_fails_for = (old.id,)
    await chat.say("yes")
    assert active(chat) == [("haircut", "tom")], "the new one is cancelled again when the old one cannot be"


async def test_a_system_that_cannot_cancel_says_how_to_change_it_instead():
    chat = Chat.on(NoCancel)
    chat.backend.add("haircut", "tom", at(26, 10))
    text = await chat.say("can I change my haircut to a beard trim?")
    assert "can't change an appointment into another service" in text
    assert [b.status for b in chat.backend.bookings.values()] == [BookingStatus.CONFIRMED]


async def test_a_time_said_with_the_change_is_where_the_new_one_goes():
    chat = Chat.on(Fails)
    chat.backend.add("haircut", "tom", at(26, 10))
    text = await chat.say("can I change my haircut to a beard trim on Friday at 3pm?")
    assert "Change your Haircut on Thu 26 Nov, 10:00 to Beard trim with Tom on Fri 27 Nov, 15:00 (15 min)?" in text
    await chat.say("yes")
    assert active(chat) == [("beard", "tom")]


async def test_the_day_of_the_booking_picks_it_and_keeps_its_time():
    chat = Chat.on(Fails)
    chat.backend.add("haircut", "tom", at(26, 10))
    chat.backend.add("haircut", "tom", at(27, 10))
    text = await chat.say("can I change Friday's haircut to a beard trim?")
    assert "Change your Haircut on Fri 27 Nov, 10:00 to Beard trim with Tom on Fri 27 Nov, 10:00 (15 min)?" in text


async def test_within_the_free_period_a_change_is_refused_in_its_own_words():
    chat = Chat.on(Fails)
    chat.backend.add("haircut", "tom", chat.clock.now() + timedelta(hours=3))
    text = await chat.say("can I change my haircut to a beard trim?")
    assert "Sorry, I can't change your Haircut" in text and "changed free of charge only up to 24 hours" in text
    assert active(chat) == [("haircut", "tom")]
