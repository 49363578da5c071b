"""The transition table, by what the customer notices: each yes and no does what its question said."""

from __future__ import annotations

from booking_client import InvalidRequest, NotFound, SlotTaken
from bot.conversation.events import No, Yes
from bot.conversation.state import CONFIRM_STEPS, Step
from bot.conversation.table import TABLE
from dialogue_kit import Chat, at

MOVE_GONE = "no upcoming appointments to move"
CANCEL_GONE = "no upcoming appointments to cancel"


async def to_move_confirmation(chat: Chat):
    booking = chat.backend.add("haircut", "sarah", at(24, 10))
    text = await chat.say("move my appointment to Thursday at 3pm")
    assert "Move your Haircut with Sarah from Tue 24 Nov, 10:00 to Thu 26 Nov, 15:00?" in text
    return booking


async def to_cancel_confirmation(chat: Chat):
    booking = chat.backend.add("haircut", "sarah", at(24, 10))
    text = await chat.say("cancel my appointment")
    assert "Cancel your Haircut with Sarah on Tue 24 Nov, 10:00?" in text
    return booking


async def test_yes_to_a_move_moves_the_booking():
    chat = Chat()
    booking = await to_move_confirmation(chat)
    text = await chat.say("yes")
    assert "Your Haircut with Sarah is now on Thu 26 Nov, 15:00" in text
    assert chat.backend.bookings[booking.id].start == at(26, 15)
    assert (await chat.state()).step is None


async def test_the_yes_button_of_a_move_moves_the_booking():
    chat = Chat()
    booking = await to_move_confirmation(chat)
    await chat.press(0)
    assert chat.backend.bookings[booking.id].start == at(26, 15)


async def test_a_booking_gone_before_yes_to_a_move_is_explained_as_a_move():
    chat = Chat()
    booking = await to_move_confirmation(chat)
    chat.backend.remove(booking.id)
    text = await chat.say("yes")
    assert MOVE_GONE in text and CANCEL_GONE not in text
    assert (await chat.state()).step is None


async def test_a_booking_cancelled_elsewhere_before_yes_to_a_move_is_explained_as_a_move():
    chat = Chat()
    booking = await to_move_confirmation(chat)
    await chat.backend.cancel(booking.id)
    text = await chat.say("yes")
    assert MOVE_GONE in text


async def test_a_booking_the_backend_no_longer_finds_during_a_move_is_explained_as_a_move():
    chat = Chat()
    await to_move_confirmation(chat)
    chat.backend.refuse = NotFound("gone")
    assert MOVE_GONE in await chat.say("yes")


async def test_a_taken_new_time_offers_the_nearest_free_ones_for_the_move():
    chat = Chat()
    booking = await to_move_confirmation(chat)
    chat.backend.refuse = SlotTaken("taken")
    text = await chat.say("yes")
    assert "just taken by someone else" in text and "The nearest free times are:" in text
    assert "Thu 26 Nov, 14:00" in chat.labels()
    await chat.press(0)
    text = await chat.say("yes")
    assert "is now on" in text and chat.backend.bookings[booking.id].start != at(24, 10)


async def test_yes_to_a_cancel_cancels_the_booking():
    chat = Chat()
    booking = await to_cancel_confirmation(chat)
    text = await chat.say("yes")
    assert "Your Haircut on Tue 24 Nov, 10:00 is cancelled." in text
    assert not chat.backend.bookings[booking.id].status.active


async def test_a_booking_gone_before_yes_to_a_cancel_is_explained_as_a_cancel():
    chat = Chat()
    booking = await to_cancel_confirmation(chat)
    chat.backend.remove(booking.id)
    text = await chat.say("yes")
    assert CANCEL_GONE in text and MOVE_GONE not in text


async def test_a_booking_that_can_no_longer_be_cancelled_offers_no_times():
    chat = Chat()
    await to_cancel_confirmation(chat)
    chat.backend.refuse = InvalidRequest("already cancelled")
    text = await chat.say("yes")
    assert CANCEL_GONE in text
    assert chat.labels() == [] and (await chat.state()).step is None


async def test_no_to_a_move_or_a_cancel_keeps_the_booking():
    for start in (to_move_confirmation, to_cancel_confirmation):
        chat = Chat()
        booking = await start(chat)
        assert "kept your appointment" in await chat.say("no")
        assert chat.backend.bookings[booking.id] == booking


async def test_no_to_a_new_booking_books_nothing():
    chat = Chat()
    await chat.say("haircut with Sarah tomorrow at 10")
    assert "Shall I book" in await chat.say("Anna")
    assert "haven't booked anything" in await chat.say("no")
    assert chat.backend.bookings == {}


async def test_a_new_time_at_the_move_confirmation_asks_again_for_that_time():
    chat = Chat()
    booking = await to_move_confirmation(chat)
    text = await chat.say("no, Friday at 11 instead")
    assert "to Fri 27 Nov, 11:00?" in text
    await chat.say("yes")
    assert chat.backend.bookings[booking.id].start == at(27, 11)


async def test_a_move_button_under_a_reminder_for_a_booking_gone_is_explained_as_a_move():
    chat = Chat()
    booking = chat.backend.add("haircut", "sarah", at(24, 10))
    reminder = await chat.dialogue.notice("telegram:1001", "reminder", booking)
    chat.last = [reminder]
    chat.backend.remove(booking.id)
    text = await chat.press(1)  # "Move it"
    assert MOVE_GONE in text


async def test_a_reminder_inside_the_cancellation_deadline_offers_the_team_not_a_cancel():
    chat = Chat()
    soon = chat.backend.add("haircut", "sarah", at(23, 11))  # two hours away: inside the free 24 hours
    later = chat.backend.add("coloring", "sarah", at(25, 10))
    assert [o.label for o in (await chat.dialogue.notice("telegram:1001", "reminder", soon)).options] == \
        ["I'll be there", "Talk to the team"]
    assert [o.label for o in (await chat.dialogue.notice("telegram:1001", "reminder", later)).options] == \
        ["I'll be there", "Move it", "Cancel it"]


async def test_someone_who_does_not_do_the_service_is_not_given_the_moved_booking():
    chat = Chat()
    booking = chat.backend.add("coloring", "sarah", at(24, 10))
    await chat.say("move my appointment")
    text = await chat.say("with Tom on Thursday at 3pm")
    assert "Tom doesn't do Coloring. Sarah can." in text
    await chat.say("yes")
    moved = chat.backend.bookings[booking.id]
    assert (moved.staff, moved.start) == ("sarah", at(26, 15))


def test_every_confirmation_has_its_own_yes_and_no():
    yes = {TABLE[(step, Yes)] for step in CONFIRM_STEPS}
    assert len(yes) == len(CONFIRM_STEPS)  # book, cancel and move each do their own thing
    assert all((step, No) in TABLE for step in CONFIRM_STEPS)
    assert {step.flow for step in Step} == {"book", "cancel", "reschedule"}


async def test_a_reminder_of_a_booking_made_for_someone_else_says_whose_it_is():
    chat = Chat()
    await chat.say("my name is Lena Hart")
    await chat.say("a haircut for my husband on Wednesday at 10")
    await chat.say("Mark Hart")
    assert "Done! Booked for Mark Hart: Haircut with Sarah on Wed 25 Nov, 10:00." in await chat.say("yes")
    theirs = next(iter(chat.backend.bookings.values()))
    assert theirs.contact.name == "Mark Hart"
    reminder = await chat.dialogue.notice("telegram:1001", "reminder", theirs)
    assert reminder.text.startswith("Reminder: the Haircut for Mark Hart with Sarah is on Wed 25 Nov, 10:00.")
    own = chat.backend.add("beard", "tom", at(26, 10))
    assert (await chat.dialogue.notice("telegram:1001", "reminder", own)).text.startswith("Reminder: your Beard trim")
