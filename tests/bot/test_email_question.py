"""When the bot asks for an email, what it promises with it, and "no email" as an answer."""

from __future__ import annotations

import pytest

from bot.conversation import Dialogue
from bot.conversation.contact import declines_email
from bot.conversation.state import State, Step
from bot.messages import Inbound
from dialogue_kit import Chat, MemoryBackend


def chat(*, email_confirmations: bool) -> Chat:
    c = Chat()
    c.dialogue = Dialogue(c.business, c.backend, c.store, c.clock, email_confirmations=email_confirmations)
    return c


async def say_as(c: Chat, channel: str, text: str, lang: str = "en") -> str:
    c.last = await c.dialogue.handle(Inbound(channel, "1001", text=text, lang=lang))
    return "\n".join(r.text for r in c.last)


@pytest.mark.parametrize("text", ["no email", "No e-mail, please", "I don't have one", "I have no email", "none",
                                  "nope", "skip", "keine", "keine E-Mail", "hab keine", "ohne", "ohne E-Mail",
                                  "lieber nicht", "I’d rather not"])
def test_ways_of_saying_no_email(text):
    assert declines_email(text)


@pytest.mark.parametrize("text", ["Anna", "anna at example dot com", "anna@example", "my email is on the card"])
def test_what_is_not_a_no(text):
    assert not declines_email(text)


@pytest.mark.parametrize("channel", ["telegram", "whatsapp"])
async def test_channels_that_identify_the_customer_ask_no_email_without_confirmations(channel):
    c = chat(email_confirmations=False)
    await say_as(c, channel, "haircut with Sarah on Tuesday at 10")
    text = await say_as(c, channel, "Anna")
    assert text.startswith("Shall I book Haircut with Sarah") and "email" not in text.lower()


async def test_the_console_asks_for_an_email_without_promising_a_confirmation():
    c = chat(email_confirmations=False)
    await say_as(c, "console", "haircut with Sarah on Tuesday at 10")
    text = await say_as(c, "console", "Anna")
    assert "email address" in text and "confirmation" not in text


async def test_with_confirmations_no_email_books_without_one_and_is_not_asked_again():
    c = chat(email_confirmations=True)
    await say_as(c, "telegram", "haircut with Sarah on Tuesday at 10")
    assert "What email address should the confirmation go to?" in await say_as(c, "telegram", "Anna")
    text = await say_as(c, "telegram", "no email")
    assert text.startswith("OK, no email.\nShall I book Haircut with Sarah")
    booked = await say_as(c, "telegram", "yes")
    assert "You're booked" in booked and "confirmation" not in booked
    [booking] = c.backend.bookings.values()
    assert booking.contact.email is None
    await say_as(c, "telegram", "and a beard trim with Tom on Friday at 9am")
    assert c.store and (await c.store.load("telegram:1001")).no_email
    assert "email" not in "\n".join(r.text for r in c.last).lower()


async def test_german_keine_email():
    c = chat(email_confirmations=True)
    await say_as(c, "whatsapp", "Bartschnitt bei Tom am Dienstag um 11", "de")
    assert "(oder sagen Sie „keine E-Mail“)" in await say_as(c, "whatsapp", "Greta", "de")
    assert (await say_as(c, "whatsapp", "keine E-Mail", "de")).startswith("Gut, ohne E-Mail.\nSoll ich")


async def test_a_bad_address_is_asked_again_and_says_how_to_decline():
    c = chat(email_confirmations=True)
    await say_as(c, "telegram", "haircut with Sarah on Tuesday at 10")
    await say_as(c, "telegram", "Anna")
    text = await say_as(c, "telegram", "anna at example")
    assert "doesn't look like an email address" in text and "no email" in text


async def test_the_booked_reply_carries_the_calendar_file_and_on_chats_a_link():
    c = chat(email_confirmations=True)
    for text in ("haircut with Sarah on Tuesday at 10", "Anna", "anna@example.com"):
        await say_as(c, "telegram", text)
    booked = await say_as(c, "telegram", "yes")
    assert "A confirmation is on its way to anna@example.com." in booked
    assert "Add it to your calendar: https://calendar.google.com/calendar/render?action=TEMPLATE" in booked
    [reply] = c.last
    [attachment] = reply.attachments
    assert attachment.filename == "appointment.ics" and attachment.media_type.startswith("text/calendar")
    assert b"METHOD:REQUEST" in attachment.data and b"TZID=Europe/Berlin" in attachment.data


async def test_on_whatsapp_the_link_stands_in_for_the_file_it_could_not_carry():
    c = chat(email_confirmations=False)
    for text in ("haircut with Sarah on Tuesday at 10", "Anna"):
        await say_as(c, "whatsapp", text)
    booked = await say_as(c, "whatsapp", "yes")
    assert "Add it to your calendar: https://calendar.google.com/calendar/render?action=TEMPLATE" in booked
    [reply] = c.last
    assert reply.attachments == ()  # WhatsApp sends no file without a public address for it


def test_a_state_stored_before_no_email_existed_loads_with_the_question_still_open():
    stored = ('{"lang":"en","step":"ask_email","draft":{},"pending":{"service":"haircut","staff":"sarah",'
              '"start":"2026-11-24T09:00:00Z","key":"k"},"name":"Leo","email":null,"turns":6}')
    state = State.model_validate_json(stored)
    assert state.step is Step.ASK_EMAIL and state.no_email is False
    assert State.model_validate_json(State(no_email=True).model_dump_json()).no_email


async def test_a_booking_for_someone_else_asks_the_email_with_their_name_when_the_customers_own_is_not_known():
    chat = Chat.on(MemoryBackend, email_confirmations=True)
    await chat.say("a haircut for my husband on Wednesday at 10")
    reply = await chat.say("Mark Hart")
    assert reply.startswith("Thanks, Mark Hart. What email address should the confirmation go to?")
    reply = await chat.say("lena@example.com")
    assert "for Mark Hart?" in reply
