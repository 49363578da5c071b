"""Answers about the business come from the business file only, and leave the question on the table open."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from booking_client import Capability
from booking_client.business import Cancellation, Faq
from bot.conversation import Dialogue
from bot.messages import Inbound
from dialogue_kit import Chat, at


def chat_with(**facts) -> Chat:
    """The demo salon with some facts changed (None: the fact is missing from the file)."""
    chat = Chat()
    business = chat.business.model_copy(update=facts)
    chat.business = chat.backend.business = business
    chat.dialogue = Dialogue(business, chat.backend, chat.store, chat.clock)
    return chat


async def test_a_fact_the_file_lacks_is_not_invented_and_the_phone_is_given():
    chat = chat_with(parking=None, address=None, directions=None)
    answer = await chat.say("is there parking nearby?")
    assert "don't have that information" in answer and "+49 30 1234567" in answer
    answer = await chat.say("where are you?")
    assert "don't have that information" in answer and "Hauptstraße" not in answer


async def test_without_a_phone_or_email_the_customer_is_told_to_ask_the_business():
    chat = chat_with(phone=None, email=None, payment=None)
    answer = await chat.say("can I pay by card?")
    assert "please ask Demo Salon directly" in answer
    assert "card" not in answer.lower()


async def test_services_without_prices_are_not_given_one():
    services = [s.model_copy(update={"price": None}) for s in Chat().business.services]
    answer = await chat_with(services=services).say("how much is a haircut?")
    assert "don't have that information" in answer and "€" not in answer


async def test_the_answer_offers_to_book_the_service_asked_about_and_yes_starts_it():
    chat = Chat()
    assert "€35" in await chat.say("how much is a haircut?")
    assert chat.labels() == ["Book Haircut"]
    assert "Who would you like for your Haircut?" in await chat.say("yes please")


async def test_no_book_button_where_the_chat_takes_no_new_bookings():
    chat = Chat()
    chat.backend.capabilities = chat.backend.capabilities - {Capability.CREATE}
    assert "Our prices" in await chat.say("what are your prices?")
    assert chat.labels() == []


async def test_a_question_while_asked_for_a_name_is_answered_not_taken_as_the_name():
    chat = Chat()
    await chat.say("haircut with Sarah tomorrow at 10")
    answer = await chat.say("where are you?")
    assert "Hauptstraße 1" in answer and "What name should I put the booking under?" in answer
    assert (await chat.state()).name is None


async def test_a_day_question_names_that_days_hours_or_the_closure():
    chat = Chat()  # Monday 23 November 2026
    assert "On Saturday 28 November we're open 10:00–14:00." in await chat.say("are you open on Saturday?")
    assert "On Sunday 29 November we're closed." in await chat.say("are you open on Sunday?")
    chat.clock.set(at(30, 9))
    answer = await chat.say("what are your opening hours?")
    assert "Mon–Fri 09:00–18:00, Sat 10:00–14:00, Sun closed" in answer
    assert "Friday 25 December (Christmas Day)" in answer


async def test_inside_the_cancellation_period_nothing_is_cancelled_and_the_team_is_offered():
    chat = Chat()
    chat.dialogue.team_reachable = True  # an operator channel passes the request on
    booking = chat.backend.add("haircut", "sarah", at(23, 15))
    answer = await chat.say("cancel my appointment")
    assert "can't cancel your Haircut" in answer and "24 hours" in answer
    assert chat.labels() == ["Talk to the team"]
    assert chat.backend.bookings[booking.id].status.active
    assert (await chat.state()).step is None


async def test_the_team_button_is_the_same_request_as_asking_for_a_person():
    pressed, typed = Chat(), Chat()
    for chat in (pressed, typed):
        chat.dialogue.team_reachable = True
        chat.backend.add("haircut", "sarah", at(23, 15))
        await chat.say("move my appointment to Thursday at 10")
    assert "can't move your Haircut" in pressed.last[0].text
    assert await pressed.press(0) == await typed.say("I want to talk to a person")


async def test_inside_the_cancellation_period_without_an_operator_channel_the_business_contact_is_given():
    chat = Chat()  # no one on the team reads this chat: no button that leads nowhere
    booking = chat.backend.add("haircut", "sarah", at(23, 15))
    answer = await chat.say("cancel my appointment")
    assert "can't cancel your Haircut" in answer
    assert "+49 30 1234567" in answer and "hello@demo-salon.example" in answer
    assert chat.labels() == []
    assert chat.backend.bookings[booking.id].status.active


async def test_outside_the_cancellation_period_a_cancel_is_asked_as_before():
    chat = Chat()
    chat.backend.add("haircut", "sarah", at(25, 10))
    assert "Cancel your Haircut with Sarah" in await chat.say("cancel my appointment")


async def test_a_booking_made_minutes_ago_may_be_cancelled_inside_the_period_unless_the_business_allows_no_grace():
    """A customer correcting what they just booked is not making a late change; "grace_minutes = 0" says it is."""
    for grace, asked in ((30, True), (0, False)):
        chat = chat_with(cancellation=Cancellation(grace_minutes=grace))
        booking = chat.backend.add("haircut", "sarah", at(23, 15))
        chat.backend.bookings[booking.id] = replace(booking, created_at=chat.clock.now() - timedelta(minutes=5))
        answer = await chat.say("cancel my appointment")
        assert ("Cancel your Haircut with Sarah" in answer) is asked
        assert ("can't cancel your Haircut" in answer) is not asked


async def test_a_business_without_a_deadline_lets_customers_cancel_any_time():
    chat = chat_with(cancellation=Cancellation(free_until_hours=None))
    chat.backend.add("haircut", "sarah", at(23, 15))
    assert "Cancel your Haircut with Sarah" in await chat.say("cancel my appointment")
    assert "at any time" in await chat.say("what's your cancellation policy?")


async def test_a_time_after_closing_says_when_the_day_ends():
    chat = Chat()
    answer = await chat.say("haircut with Sarah on Friday at 17:45")
    assert "on Friday 27 November we close at 18:00 (open 09:00–18:00)" in answer
    assert "isn't free" not in answer


async def test_running_late_without_a_team_channel_or_contact_says_so_and_promises_nothing():
    chat = chat_with(phone=None, email=None)
    answer = await chat.say("I'm running 10 minutes late")
    assert "Thanks for letting us know" in answer and "please tell Demo Salon directly." in answer
    assert "team" not in answer.lower()


async def test_what_if_im_late_gets_the_business_answer_or_how_to_tell_them_and_tells_no_team():
    late = Faq(question={"en": "What if I'm late?"}, answer={"en": "We wait 15 minutes; after that the time may go."},
               keywords={"en": ["late"]})
    answer = await chat_with(faq=[late]).say("what happens if I'm late?")
    assert answer.startswith("We wait 15 minutes")
    chat = Chat()
    answer = await chat.say("what if I'm running late?")
    assert "please let Demo Salon know directly: +49 30 1234567" in answer
    assert "Thanks for letting us know" not in answer
    team = Chat.on(type(chat.backend), team_reachable=True)
    answer = await team.say("what if I'm running late?")
    assert "just write to me here" in answer and "I'll let the team at Demo Salon know" in answer
    assert "Thanks for letting us know" not in answer
    answer = await team.say("I'm 10 minutes late")  # and so it is: the team hears it (tests/channels/test_operator_chat)
    assert "I'm passing your message on to the team at Demo Salon" in answer


async def test_a_booking_this_chat_cannot_find_is_asked_about_directly_when_the_file_has_no_phone_or_email():
    answer = await chat_with(phone=None, email=None).say("cancel my appointment on Friday")
    assert "no upcoming appointments to cancel" in answer
    assert "please contact Demo Salon about it directly" in answer


@pytest.mark.parametrize("text, lang, told", [
    ("please note I'm allergic to ammonia", "en",
     "I can't pass notes on from this chat, so please tell Demo Salon directly."),
    ("bitte notieren, dass ich empfindliche Kopfhaut habe", "de",
     "Aus diesem Chat kann ich keine Notizen weitergeben, bitte sagen Sie Demo Salon direkt Bescheid."),
])
async def test_a_note_without_a_team_channel_or_contact_says_to_tell_the_business_and_promises_nothing(text, lang, told):
    chat = chat_with(phone=None, email=None)
    [answer] = await chat.dialogue.handle(Inbound("telegram", "1001", text=text, lang=lang))
    assert answer.text == told
