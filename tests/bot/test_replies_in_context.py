"""Replies read against what is on the table: the offered times, the time being confirmed, the booking being moved."""

from __future__ import annotations

import pytest

from dialogue_kit import Chat, at


async def offered(chat: Chat) -> list[str]:
    """Sarah's 10:00 is taken, so "tomorrow at 10" offers the nearest free times."""
    chat.backend.add("haircut", "sarah", at(24, 10), ref="someone else")
    await chat.say("haircut with Sarah tomorrow at 10")
    return chat.labels()


async def test_the_2nd_one_then_picks_the_second_offered_time():
    chat = Chat()
    await chat.say("my name is Leo")
    labels = await offered(chat)
    reply = await chat.say("the 2nd one then")
    assert reply.startswith("Shall I book") and labels[1] in reply


@pytest.mark.parametrize(("text", "index"), [("der erste passt", 0), ("die letzte", -1), ("the later one", -1),
                                             ("the earlier one", 0)])
async def test_a_position_in_words_picks_that_offered_time(text, index):
    chat = Chat()
    await chat.say("my name is Leo")
    labels = await offered(chat)
    clock = labels[index].split(", ")[-1]  # German replies write the day their own way
    reply = await chat.say(text)
    assert reply.startswith(("Shall I book", "Soll ich")) and clock in reply


async def test_fine_11_then_picks_the_offered_11_00():
    chat = Chat()
    await chat.say("my name is Leo")
    labels = await offered(chat)
    assert "Tue 24 Nov, 11:00" in labels
    reply = await chat.say("fine, 11 then")
    assert reply.startswith("Shall I book") and "11:00" in reply


async def test_actually_make_it_3_at_the_confirmation_changes_only_the_time():
    chat = Chat()
    await chat.say("haircut with Sarah on Wednesday at 11")
    await chat.say("Leo")
    reply = await chat.say("actually make it 3")
    assert "Wed 25 Nov, 15:00" in reply and "Sarah" in reply and "yes or no" not in reply


async def test_not_wednesday_thursday_keeps_the_time_and_staff():
    chat = Chat()
    await chat.say("haircut with Sarah on Wednesday at 11")
    await chat.say("Leo")
    reply = await chat.say("oh sorry not wednesday, thursday")
    assert "Thu 26 Nov, 11:00" in reply and "Sarah" in reply and "Wed" not in reply


async def test_with_tom_instead_keeps_the_time():
    chat = Chat()
    await chat.say("haircut with Sarah on Wednesday at 11")
    await chat.say("Leo")
    reply = await chat.say("with Tom instead")
    assert reply.startswith("Shall I book") and "Tom" in reply and "Wed 25 Nov, 11:00" in reply


async def test_anything_earlier_looks_before_the_offered_times_on_that_day():
    chat = Chat()
    for hour in (13, 14, 15, 16):
        chat.backend.add("haircut", "sarah", at(25, hour), ref="someone else")
    await chat.say("haircut with Sarah on Wednesday at 3pm")
    first = chat.labels()[0]
    reply = await chat.say("anything earlier?")
    assert "before" in reply and "Sarah" in reply
    assert chat.labels() and all(label.startswith("Wed 25 Nov") and label < first for label in chat.labels())


async def test_a_move_an_hour_later_counts_from_the_booking():
    chat = Chat()
    chat.backend.add("coloring", "sarah", at(25, 10))
    reply = await chat.say("push my coloring back an hour")
    assert "from Wed 25 Nov, 10:00 to Wed 25 Nov, 11:00" in reply
    assert "now on Wed 25 Nov, 11:00" in await chat.say("yes")


@pytest.mark.parametrize(("text", "new"), [("15 minutes later", "10:15"), ("an hour earlier", "09:00"),
                                           ("eine Stunde später", "11:00"),
                                           ("same time on Thursday", "Thu 26 Nov, 10:00"),
                                           ("gleiche Uhrzeit am Donnerstag", "26. Nov., 10:00")])
async def test_a_move_relative_to_the_booking_asked_when(text, new):
    chat = Chat()
    chat.backend.add("haircut", "sarah", at(25, 10))
    await chat.say("move my haircut")
    reply = await chat.say(text)
    assert new in reply.split(" to ")[-1].split(" auf ")[-1]


async def test_a_relative_move_said_before_picking_the_booking_applies_to_the_one_picked():
    chat = Chat()
    chat.backend.add("haircut", "sarah", at(25, 10))
    chat.backend.add("haircut", "tom", at(26, 10))
    assert "Which appointment" in await chat.say("move my haircut an hour later")
    assert "from Thu 26 Nov, 10:00 to Thu 26 Nov, 11:00" in await chat.say("the second one")


async def test_anything_earlier_at_a_move_confirmation_looks_before_the_time_asked():
    chat = Chat()
    chat.backend.add("haircut", "sarah", at(25, 10))
    await chat.say("move my haircut to Thursday at 3pm")
    reply = await chat.say("anything earlier?")
    assert "before 15:00 on Thursday 26 November" in reply
    assert chat.labels() and all(label.startswith("Thu 26 Nov") for label in chat.labels())


async def test_yes_to_a_list_of_times_asks_which_and_yes_to_one_time_takes_it():
    chat = Chat()
    await chat.say("my name is Leo")
    labels = await offered(chat)
    assert len(labels) > 1
    reply = await chat.say("yeah that's fine")
    assert reply.startswith("Which of these times would you like?") and chat.labels() == labels
    assert "didn't understand" not in reply and "only help" not in reply
    chat = Chat()
    await chat.say("my name is Leo")
    for hour in range(9, 18):  # Wednesday: one free time left, with Sarah at 16:00
        for staff in ("sarah", "tom"):
            if (hour, staff) != (16, "sarah"):
                chat.backend.add("haircut", staff, at(25, hour), ref="someone else")
    await chat.say("haircut on Wednesday")
    assert len(chat.labels()) == 1 and "16:00" in chat.labels()[0]
    reply = await chat.say("yes")
    assert reply.startswith("Shall I book Haircut with Sarah on Wed 25 Nov, 16:00")


async def test_the_same_again_is_the_service_just_booked_but_never_replaces_one_under_way():
    chat = Chat()
    await chat.say("my name is Leo")
    await chat.say("beard trim with Tom on Wednesday at 10")
    assert "You're booked" in await chat.say("yes")
    assert "Shall I book Beard trim with Tom on Thu 26 Nov, 10:00" in await chat.say("the same again on Thursday at 10")
    await chat.say("no")
    await chat.say("haircut with Sarah on Friday at 10")
    reply = await chat.say("can you book the same appointment but at 4 in the afternoon")
    assert "Haircut with Sarah on Fri 27 Nov, 16:00" in reply and "Beard" not in reply
