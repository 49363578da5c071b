"""Several appointments in one go: confirmed as one list, booked all or none, and what cannot be done said plainly."""

from __future__ import annotations

from dataclasses import dataclass

from booking_client import (
    BackendUnavailable,
    Booking,
    BookingRequest,
    BookingStatus,
    Capability,
    NeedsAnswers,
    SlotTaken,
)
from bot.conversation import Dialogue
from bot.conversation.state import State, Step
from dialogue_kit import Chat, MemoryBackend, at


@dataclass
class FailsSecondCreate(MemoryBackend):
    """The second create of a conversation fails with `error`; cancelling may fail too."""

    error: Exception | None = None
    creates: int = 0
    cancel_fails: bool = False
    keys: list | None = None

    async def create(self, request: BookingRequest, idempotency_key: str) -> Booking:
        self.creates += 1
        (self.keys if self.keys is not None else []).append(idempotency_key)
        if self.creates == 2 and self.error is not None:
            raise self.error
        return await super().create(request, idempotency_key)

    async def cancel(self, booking_id: str, reason: str | None = None) -> Booking:
        if self.cancel_fails:
            raise BackendUnavailable("down")
        return await super().cancel(booking_id, reason)


@dataclass
class NoCancel(MemoryBackend):
    capabilities: frozenset = MemoryBackend.capabilities - {Capability.CANCEL}


def chat_with(backend: MemoryBackend) -> Chat:
    chat = Chat()
    chat.backend = backend
    chat.dialogue = Dialogue(chat.business, backend, chat.store, chat.clock)
    return chat


def failing(error: Exception | None, **fields) -> Chat:
    chat = Chat()
    return chat_with(FailsSecondCreate(chat.business, chat.clock, error=error, keys=[], **fields))


async def to_list(chat: Chat) -> str:
    await chat.say("haircuts for me and my son tomorrow at 3")
    return await chat.say("Anna")


def active(chat: Chat) -> list[tuple[str, object]]:
    return sorted((b.staff, b.start) for b in chat.backend.bookings.values() if b.status.active)


async def test_two_people_are_confirmed_as_one_list_and_nothing_is_booked_before_the_yes():
    chat = Chat()
    text = await to_list(chat)
    assert "Shall I book these 2 appointments for Anna?" in text
    assert "1. Haircut with Sarah, Tue 24 Nov, 15:00 (30 min)" in text
    assert "2. Haircut with Tom, Tue 24 Nov, 15:00 (30 min)" in text
    assert chat.labels() == ["Yes", "No"]
    assert chat.backend.bookings == {}
    assert "You're booked for 2 appointments" in await chat.say("yes")
    assert active(chat) == [("sarah", at(24, 15)), ("tom", at(24, 15))]


async def test_no_to_the_list_books_nothing():
    chat = Chat()
    await to_list(chat)
    assert "haven't booked anything" in await chat.say("no")
    assert chat.backend.bookings == {}


async def test_the_list_survives_the_store_and_each_appointment_has_its_own_key():
    chat = failing(None)
    await to_list(chat)
    state = State.model_validate_json(chat.store.rows["telegram:1001"])
    assert state.step is Step.CONFIRM_BOOK and len(state.group) == 2
    assert state.draft.party == 2
    assert len({p.key for p in state.group}) == 2
    await chat.say("yes")
    await chat.say("yes")  # said twice: still two bookings
    assert len(set(chat.backend.keys)) == 2 and len(active(chat)) == 2


async def test_when_the_second_booking_fails_the_first_is_cancelled_and_the_customer_told():
    chat = failing(SlotTaken("taken"))
    await to_list(chat)
    text = await chat.say("yes")
    assert "couldn't be booked any more, so I've cancelled the appointments already made: nothing is booked" in text
    assert active(chat) == []
    assert [b.status for b in chat.backend.bookings.values()] == [BookingStatus.CANCELLED]
    # the same time is looked at again from fresh free times, and needs a new yes
    assert "Shall I book these 2 appointments" in text
    assert "You're booked for 2 appointments" in await chat.say("yes")
    assert active(chat) == [("sarah", at(24, 15)), ("tom", at(24, 15))]


async def test_a_booking_system_that_stops_answering_midway_leaves_nothing_booked():
    chat = failing(BackendUnavailable("down"))
    await to_list(chat)
    text = await chat.say("yes")
    assert "nothing is booked" in text and "try again in a few minutes" in text
    assert active(chat) == [] and (await chat.state()).step is None


async def test_a_system_that_wants_each_booked_on_its_own_is_told_so_and_nothing_stays_booked():
    chat = failing(NeedsAnswers("first_visit is required", ("first_visit",)))
    await to_list(chat)
    text = await chat.say("yes")
    assert "nothing is booked" in text and "one at a time" in text
    assert active(chat) == []


async def test_when_the_first_cannot_be_cancelled_again_the_customer_hears_what_is_still_booked():
    chat = failing(SlotTaken("taken"), cancel_fails=True)
    await to_list(chat)
    text = await chat.say("yes")
    assert "couldn't cancel the appointments already made" in text
    assert "1. Haircut with Sarah, Tue 24 Nov, 15:00" in text
    assert active(chat) == [("sarah", at(24, 15))]
    assert (await chat.state()).step is None


async def test_a_system_that_cannot_cancel_books_one_at_a_time_and_says_so():
    chat = Chat()
    chat = chat_with(NoCancel(chat.business, chat.clock))
    text = await chat.say("haircuts for me and my son tomorrow at 3")
    assert "only one appointment at a time" in text
    text = await chat.say("Anna")
    assert "Shall I book Haircut with" in text and "these 2" not in text
    await chat.say("yes")
    assert len(active(chat)) == 1


async def test_only_one_staff_member_free_puts_them_one_after_the_other_or_offers_other_times():
    chat = Chat()
    chat.backend.add("haircut", "sarah", at(24, 15), ref="telegram:2002")
    text = await chat.say("haircuts for me and my son tomorrow at 3")
    # the memory system has full hours only: 15:30 is not free, so no row of two fits at 3
    assert "only one of the 2 appointments fits (the Haircut)" in text
    assert "nearest times when both fit" in text
    assert len(chat.backend.bookings) == 1
    labels = chat.labels()
    assert labels and all("at the same time: Sarah and Tom" in label for label in labels)


async def test_a_group_too_large_for_the_chat_is_sent_to_the_business():
    chat = Chat()
    text = await chat.say("haircuts for 6 people tomorrow at 3")
    assert "up to 4 appointments in one go" in text and "Demo Salon" in text
    assert chat.backend.bookings == {} and (await chat.state()).step is None


async def test_several_people_without_a_time_are_asked_when():
    chat = Chat()
    text = await chat.say("haircuts for me and my wife please")
    assert "I'll look for 2 appointments: 2 × Haircut" in text
    text = await chat.say("tomorrow at 10")
    assert "Almost done" in text
    text = await chat.say("Anna")
    assert "these 2 appointments" in text  # as many as promised when it asked
    assert "Haircut with Sarah, Tue 24 Nov, 10:00" in text and "Haircut with Tom, Tue 24 Nov, 10:00" in text


async def test_a_stored_state_from_before_several_appointments_still_loads():
    chat = Chat()
    chat.store_raw('{"step": "ask_when", "draft": {"service": "haircut"}, "name": "Anna"}')
    state = await chat.state()
    assert state.group == [] and state.draft.services == [] and state.draft.party is None
    assert "Shall I book Haircut with" in await chat.say("tomorrow at 10 with Sarah")


async def test_three_appointments_are_all_three_and_two_are_both():
    chat = Chat()
    assert "when all 3 appointments fit" in await chat.say("haircuts for me and my two sons on Wednesday")
    chat = Chat()
    assert "when both appointments fit" in await chat.say("haircuts for me and my son on Wednesday")


async def test_two_appointments_at_hours_never_open_hear_the_hours_and_get_the_nearest_times_that_week():
    chat = Chat()
    text = await chat.say("haircuts for me and my son next week after 7pm")
    assert "we're not open after 19:00" in text and "nearest times when both fit" in text
    assert [label.split(" (")[0] for label in chat.labels()] == ["Mon 30 Nov, 17:00", "Tue 1 Dec, 17:00",
                                                                 "Wed 2 Dec, 17:00"]
    text = await chat.say("haircuts for me and my son on Wednesday after 7pm")
    assert "on Wednesday 25 November we close at 18:00" in text
    assert [label.split(" (")[0] for label in chat.labels()] == ["Wed 25 Nov, 15:00", "Wed 25 Nov, 16:00",
                                                                 "Wed 25 Nov, 17:00"]
