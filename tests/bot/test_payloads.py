"""Button payloads: every kind packs and unpacks to itself; anything else is never acted on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.conversation.payloads import (
    KINDS,
    Attend,
    BookAgain,
    BookingChoice,
    CancelIt,
    CarryOn,
    MoveIt,
    NoChoice,
    ServiceChoice,
    SlotChoice,
    StaffChoice,
    TalkToTeam,
    YesChoice,
    unpack,
)
from bot.conversation.state import OfferedOption, State, Step
from bot.messages import Inbound
from dialogue_kit import Chat

EXAMPLES = [
    ServiceChoice(service="haircut"),
    StaffChoice(staff="sarah"),
    StaffChoice(staff=None),
    SlotChoice(start=datetime(2026, 11, 24, 9, 0, tzinfo=UTC), staff="tom"),
    BookingChoice(booking_id="28a04309-962c-45cd-bc50-b966ca72044b"),
    YesChoice(),
    NoChoice(),
    Attend(booking_id="b1"),
    MoveIt(booking_id="b1"),
    CancelIt(booking_id="b1"),
    BookAgain(service="beard"),
    BookAgain(service=None),
    BookAgain(service=None, staff="tom"),
    BookAgain(service="beard", also="haircut"),
    BookAgain(service="haircut", staff="sarah", at=datetime(2027, 1, 7, 9, 0, tzinfo=UTC), every=28),
    CarryOn(),
    TalkToTeam(),
]


def test_the_examples_cover_every_kind():
    assert {type(p) for p in EXAMPLES} == set(KINDS.values())


@pytest.mark.parametrize("payload", EXAMPLES, ids=lambda p: p.pack())
def test_a_payload_unpacks_to_itself(payload):
    assert unpack(payload.pack()) == payload


@pytest.mark.parametrize("packed, payload", [
    ("again:haircut", BookAgain(service="haircut")),  # "Book a haircut" sent before the staff field was added
    ("again:haircut|tom", BookAgain(service="haircut", staff="tom")),  # and before the second service's
    ("again:", BookAgain(service=None)),
])
def test_a_button_packed_before_a_field_was_added_still_works(packed, payload):
    assert unpack(packed) == payload


def test_a_slot_in_another_zone_is_the_same_moment():
    berlin_ten = datetime(2026, 11, 24, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    back = unpack(SlotChoice(start=berlin_ten, staff="sarah").pack())
    assert isinstance(back, SlotChoice) and back.start == berlin_ten


@pytest.mark.parametrize("garbage", [
    "", ":", "yes:please", "service:", "service", "unknown:1", "booking:a|b", "slot:tomorrow|sarah",
    "slot:2026-11-24T09:00:00+00:00", "slot:2026-11-24T09:00:00|sarah", "staff:a|b", "🙈",
])
def test_garbage_unpacks_to_nothing(garbage):
    assert unpack(garbage) is None


def test_a_field_with_the_separator_cannot_be_packed():
    with pytest.raises(ValueError):
        BookingChoice(booking_id="a|b").pack()


@pytest.mark.parametrize("message", [
    Inbound("telegram", "1001", choice="o1:0", lang="en"),
    Inbound("telegram", "1001", text="1", lang="en"),
], ids=["pressed", "typed"])
async def test_an_option_that_cannot_be_read_is_treated_as_expired_and_asked_again(message):
    chat = Chat()
    chat.store_raw(State(step=Step.ASK_SERVICE, offer_id="o1", options=[
        OfferedOption(label="Haircut (30 min)", value="service"),  # no service in it
    ]).model_dump_json())
    text = "\n".join(r.text for r in await chat.dialogue.handle(message))
    assert "That option has expired" in text and "Which service would you like?" in text


async def test_a_button_of_an_earlier_offer_is_not_acted_on():
    chat = Chat()
    await chat.say("haircut with Sarah tomorrow at 10")
    await chat.say("Anna")
    await chat.say("anna@example.com")
    offer = chat.last[-1].offer
    await chat.say("no")
    text = "\n".join(r.text for r in await chat.dialogue.handle(_press(f"{offer}:0")))
    assert "expired" in text and chat.backend.bookings == {}


def _press(choice: str) -> Inbound:
    return Inbound("telegram", "1001", choice=choice, lang="en")
