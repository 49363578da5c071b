"""Conversations stored as flow + step + pending action load as the question they were, and carry on."""

from __future__ import annotations

import json

import pytest

from bot.conversation.state import State, Step
from bot.messages import Inbound
from dialogue_kit import Chat, at

BOOKING = "28a04309-962c-45cd-bc50-b966ca72044b"

# Written by the previous state model at each question of a conversation (ids and keys as they were).
STORED = {
    "service": '{"lang":"en","flow":"book","step":"service","draft":{"service":null,"staff":null,"any_staff":false,"date":null,"time":null,"start":null,"end":null},"booking_id":null,"pending":null,"offer_id":"42c75edb87","options":[{"label":"Haircut (30 min)","value":"service:haircut"},{"label":"Coloring (90 min)","value":"service:coloring"},{"label":"Beard trim (15 min)","value":"service:beard"}],"name":null,"email":null,"turns":1,"nudged_turn":null}',
    "staff": '{"lang":"en","flow":"book","step":"staff","draft":{"service":"haircut","staff":null,"any_staff":false,"date":null,"time":null,"start":null,"end":null},"booking_id":null,"pending":null,"offer_id":"3d6c34cb64","options":[{"label":"Sarah","value":"staff:sarah"},{"label":"Tom","value":"staff:tom"},{"label":"Anyone","value":"staff:any"}],"name":null,"email":null,"turns":2,"nudged_turn":null}',
    "when": '{"lang":"en","flow":"book","step":"when","draft":{"service":"haircut","staff":null,"any_staff":true,"date":null,"time":null,"start":null,"end":null},"booking_id":null,"pending":null,"offer_id":null,"options":[],"name":null,"email":null,"turns":3,"nudged_turn":null}',
    "pick_slot": '{"lang":"en","flow":"book","step":"pick_slot","draft":{"service":"haircut","staff":null,"any_staff":true,"date":"2026-11-24","time":null,"start":null,"end":null},"booking_id":null,"pending":null,"offer_id":"722bc90eb2","options":[{"label":"Tue 24 Nov, 09:00 (Sarah)","value":"slot:2026-11-24T08:00:00+00:00|sarah"},{"label":"Tue 24 Nov, 10:45 (Sarah)","value":"slot:2026-11-24T09:45:00+00:00|sarah"}],"name":null,"email":null,"turns":4,"nudged_turn":null}',
    "name": '{"lang":"en","flow":"book","step":"name","draft":{"service":"haircut","staff":null,"any_staff":true,"date":"2026-11-24","time":null,"start":null,"end":null},"booking_id":null,"pending":{"action":"create","service":"haircut","staff":"sarah","start":"2026-11-24T08:00:00Z","booking_id":null,"old_start":null,"key":"c0ad95ef31e442318a254ec92cd1b562"},"offer_id":null,"options":[],"name":null,"email":null,"turns":5,"nudged_turn":null}',
    "email": '{"lang":"en","flow":"book","step":"email","draft":{"service":"haircut","staff":null,"any_staff":true,"date":"2026-11-24","time":null,"start":null,"end":null},"booking_id":null,"pending":{"action":"create","service":"haircut","staff":"sarah","start":"2026-11-24T08:00:00Z","booking_id":null,"old_start":null,"key":"c0ad95ef31e442318a254ec92cd1b562"},"offer_id":null,"options":[],"name":"Leo","email":null,"turns":6,"nudged_turn":null}',
    "confirm_create": '{"lang":"en","flow":"book","step":"confirm","draft":{"service":"haircut","staff":null,"any_staff":true,"date":"2026-11-24","time":null,"start":null,"end":null},"booking_id":null,"pending":{"action":"create","service":"haircut","staff":"sarah","start":"2026-11-24T08:00:00Z","booking_id":null,"old_start":null,"key":"c0ad95ef31e442318a254ec92cd1b562"},"offer_id":"6016680681","options":[{"label":"Yes","value":"yes"},{"label":"No","value":"no"}],"name":"Leo","email":"leo@example.com","turns":7,"nudged_turn":null}',
    "pick_booking_cancel": '{"lang":"en","flow":"cancel","step":"pick_booking","draft":{"service":null,"staff":null,"any_staff":false,"date":null,"time":null,"start":null,"end":null},"booking_id":null,"pending":null,"offer_id":"adb1fa0b83","options":[{"label":"Haircut with Sarah on Tue 24 Nov, 09:00","value":"booking:28a04309-962c-45cd-bc50-b966ca72044b"}],"name":"Leo","email":"leo@example.com","turns":11,"nudged_turn":null}',
    "confirm_cancel": '{"lang":"en","flow":"cancel","step":"confirm","draft":{"service":null,"staff":null,"any_staff":false,"date":null,"time":null,"start":null,"end":null},"booking_id":"28a04309-962c-45cd-bc50-b966ca72044b","pending":{"action":"cancel","service":"haircut","staff":"sarah","start":"2026-11-24T08:00:00Z","booking_id":"28a04309-962c-45cd-bc50-b966ca72044b","old_start":null,"key":"90f2f04aa7974928ad7c26095afab79f"},"offer_id":"fd0800750b","options":[{"label":"Yes","value":"yes"},{"label":"No","value":"no"}],"name":"Leo","email":"leo@example.com","turns":12,"nudged_turn":null}',
    "pick_booking_move": '{"lang":"en","flow":"reschedule","step":"pick_booking","draft":{"service":null,"staff":null,"any_staff":false,"date":null,"time":null,"start":null,"end":null},"booking_id":null,"pending":null,"offer_id":"d50a3e56e2","options":[{"label":"Haircut with Sarah on Tue 24 Nov, 09:00","value":"booking:28a04309-962c-45cd-bc50-b966ca72044b"}],"name":"Leo","email":"leo@example.com","turns":14,"nudged_turn":null}',
    "new_when": '{"lang":"en","flow":"reschedule","step":"when","draft":{"service":"haircut","staff":"sarah","any_staff":false,"date":null,"time":null,"start":null,"end":null},"booking_id":"28a04309-962c-45cd-bc50-b966ca72044b","pending":null,"offer_id":null,"options":[],"name":"Leo","email":"leo@example.com","turns":15,"nudged_turn":null}',
    "new_slot": '{"lang":"en","flow":"reschedule","step":"pick_slot","draft":{"service":"haircut","staff":"sarah","any_staff":false,"date":"2026-11-26","time":null,"start":null,"end":null},"booking_id":"28a04309-962c-45cd-bc50-b966ca72044b","pending":null,"offer_id":"e5f4cf93ad","options":[{"label":"Thu 26 Nov, 09:00","value":"slot:2026-11-26T08:00:00+00:00|sarah"},{"label":"Thu 26 Nov, 14:00","value":"slot:2026-11-26T13:00:00+00:00|sarah"}],"name":"Leo","email":"leo@example.com","turns":16,"nudged_turn":null}',
    "confirm_move": '{"lang":"en","flow":"reschedule","step":"confirm","draft":{"service":"haircut","staff":"sarah","any_staff":false,"date":"2026-11-26","time":"15:00:00","start":null,"end":null},"booking_id":"28a04309-962c-45cd-bc50-b966ca72044b","pending":{"action":"reschedule","service":"haircut","staff":"sarah","start":"2026-11-26T14:00:00Z","booking_id":"28a04309-962c-45cd-bc50-b966ca72044b","old_start":"2026-11-24T08:00:00Z","key":"49dfee5e41f84230befc5eeff243e690"},"offer_id":"484273a430","options":[{"label":"Yes","value":"yes"},{"label":"No","value":"no"}],"name":"Leo","email":"leo@example.com","turns":17,"nudged_turn":null}',
    "idle": '{"lang":"en","flow":null,"step":null,"draft":{"service":null,"staff":null,"any_staff":false,"date":null,"time":null,"start":null,"end":null},"booking_id":null,"pending":null,"offer_id":null,"options":[],"name":"Leo","email":"leo@example.com","turns":8,"nudged_turn":null}',
}

EXPECTED = {
    "service": Step.ASK_SERVICE, "staff": Step.ASK_STAFF, "when": Step.ASK_WHEN, "pick_slot": Step.PICK_SLOT,
    "name": Step.ASK_NAME, "email": Step.ASK_EMAIL, "confirm_create": Step.CONFIRM_BOOK,
    "pick_booking_cancel": Step.PICK_BOOKING_CANCEL, "confirm_cancel": Step.CONFIRM_CANCEL,
    "pick_booking_move": Step.PICK_BOOKING_MOVE, "new_when": Step.ASK_NEW_TIME, "new_slot": Step.PICK_NEW_SLOT,
    "confirm_move": Step.CONFIRM_MOVE, "idle": None,
}


@pytest.mark.parametrize("name", STORED)
def test_a_stored_state_loads_as_the_question_it_was(name):
    old = json.loads(STORED[name])
    state = State.model_validate_json(STORED[name])
    assert state.step == EXPECTED[name]
    assert state.flow == old["flow"]  # the store's indexed column keeps its meaning
    assert state.unfinished_booking == (old["flow"] == "book" and old["step"] not in (None, "confirm"))
    assert (state.lang, state.name, state.email, state.turns) == (old["lang"], old["name"], old["email"], old["turns"])
    assert state.offer_id == old["offer_id"] and len(state.options) == len(old["options"])
    again = State.model_validate_json(state.model_dump_json())
    assert again == state and "flow" not in json.loads(state.model_dump_json())


async def test_yes_to_a_stored_move_confirmation_moves_the_booking():
    chat = Chat()
    chat.backend.add("haircut", "sarah", at(24, 9), id=BOOKING)
    chat.store_raw(STORED["confirm_move"])
    assert "is now on Thu 26 Nov, 15:00" in await chat.say("yes")
    assert chat.backend.bookings[BOOKING].start == at(26, 15)


async def test_yes_to_a_stored_cancel_confirmation_cancels_the_booking():
    chat = Chat()
    chat.backend.add("haircut", "sarah", at(24, 9), id=BOOKING)
    chat.store_raw(STORED["confirm_cancel"])
    assert "is cancelled" in await chat.say("yes")
    assert not chat.backend.bookings[BOOKING].status.active


async def test_a_stored_new_booking_confirmation_books_on_yes():
    chat = Chat()
    chat.store_raw(STORED["confirm_create"])
    assert "You're booked: Haircut with Sarah on Tue 24 Nov, 09:00" in await chat.say("yes")


async def test_stored_buttons_still_work():
    chat = Chat()
    chat.store_raw(STORED["staff"])
    text = "\n".join(r.text for r in await chat.dialogue.handle(_press("3d6c34cb64:2")))  # "Anyone"
    assert "When would you like to come for your Haircut?" in text
    assert (await chat.state()).draft.any_staff

    chat = Chat()
    chat.store_raw(STORED["new_slot"])
    chat.backend.add("haircut", "sarah", at(24, 9), id=BOOKING)
    assert "to Thu 26 Nov, 14:00?" in await chat.say("2")


async def test_a_stored_question_without_its_subject_starts_afresh():
    broken = json.loads(STORED["confirm_move"])
    broken["pending"] = None
    state = State.model_validate(broken)
    assert state.step is None and state.flow is None and state.name == "Leo"


def _press(choice: str) -> Inbound:
    return Inbound("telegram", "1001", choice=choice, lang="en")
