"""The business's operator chat on Telegram, end to end: real aiogram against the fake Bot API.

The team's group hears of every booking, move, cancellation, no-show and handoff; a handoff
keeps the bot quiet in the customer's chat until the team closes it, and the team's reply
reaches the customer's chat.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from channel_kit import settings_for, settle
from fake_telegram import FakeTelegram

from booking_client import BookingRequest, BookingStatus, Contact
from bot.main import notifier_for

BERLIN = ZoneInfo("Europe/Berlin")
TEAM = -100500  # the operator group
SARAH = 777  # a member of the team, writing in the group
ANNA = 424242


async def book_in_chat(fake: FakeTelegram, app) -> None:
    await fake.send(ANNA, "book a haircut with Sarah tomorrow at 10")
    await fake.wait_for(ANNA, 1)
    await fake.send(ANNA, "Anna Schmidt, anna@example.com")
    question = (await fake.wait_for(ANNA, 2))[-1]
    await fake.press(ANNA, question, "Yes")
    await fake.wait_for(ANNA, 3)


async def booked_and_told(fake: FakeTelegram, app, server):
    """Anna booked in the chat and the team told of it; the notifier, for what follows."""
    notifier = await notifier_for(app, server)
    await book_in_chat(fake, app)
    await notifier.tick()
    await fake.wait_for(TEAM, 1)  # the booking itself
    return notifier


async def test_the_team_hears_of_a_booking_a_move_a_cancellation_and_a_no_show_once_each(
        db_engine, fake_telegram, run_bot):
    settings = settings_for(fake_telegram, operator_telegram_chat_id=TEAM)
    async with run_bot(settings, db_engine) as (server, app):
        notifier = await notifier_for(app, server)
        await book_in_chat(fake_telegram, app)
        await notifier.tick()
        [booked] = await fake_telegram.wait_for(TEAM, 1)
        assert booked.text == ("New booking: Haircut with Sarah on Tue 24 Nov, 10:00.\n"
                               "Customer: Anna Schmidt, Telegram, anna@example.com")
        [booking] = await app.backend.list_all()
        await app.backend.reschedule(booking.id, datetime(2026, 11, 26, 15, 0, tzinfo=BERLIN))
        await notifier.tick()
        await app.backend.cancel(booking.id)

        walk_in = await app.backend.create(BookingRequest(
            "beard", "tom", datetime(2026, 11, 23, 11, 0, tzinfo=BERLIN),
            Contact(ref="whatsapp:+4915100000001", name="Jonas")), "desk-1")
        await app.backend.mark(walk_in.id, BookingStatus.NO_SHOW)
        await notifier.tick()
        await notifier.tick()  # a second tick sends nothing again
        texts = [m.text for m in await fake_telegram.wait_for(TEAM, 5)]
        assert texts[1:] == [
            "Booking moved: Haircut with Sarah, from Tue 24 Nov, 10:00 to Thu 26 Nov, 15:00.\n"
            "Customer: Anna Schmidt, Telegram, anna@example.com",
            "Booking cancelled: Haircut with Sarah on Thu 26 Nov, 15:00.\n"
            "Customer: Anna Schmidt, Telegram, anna@example.com",
            "New booking: Beard trim with Tom on Mon 23 Nov, 11:00.\nCustomer: Jonas, WhatsApp +4915100000001",
            "Marked as a no-show: Beard trim with Tom on Mon 23 Nov, 11:00.\nCustomer: Jonas, WhatsApp +4915100000001",
        ]
        assert fake_telegram.chat(ANNA)[-1].text.startswith("Done!"), "the customer's chat is not the team's"


async def test_changes_between_two_ticks_are_told_against_what_the_team_last_heard(db_engine, fake_telegram, run_bot):
    settings = settings_for(fake_telegram, operator_telegram_chat_id=TEAM)
    async with run_bot(settings, db_engine) as (server, app):
        notifier = await notifier_for(app, server)
        await book_in_chat(fake_telegram, app)
        await notifier.tick()
        [booking] = await app.backend.list_all()
        # moved and cancelled before the next tick: the team never heard of Thursday, and still has Tuesday
        await app.backend.reschedule(booking.id, datetime(2026, 11, 26, 15, 0, tzinfo=BERLIN))
        await app.backend.cancel(booking.id)
        # booked and moved before the next tick: the booking is told where it is now, once
        walk_in = await app.backend.create(BookingRequest(
            "beard", "tom", datetime(2026, 11, 23, 11, 0, tzinfo=BERLIN),
            Contact(ref="whatsapp:+4915100000001", name="Jonas")), "desk-1")
        await app.backend.reschedule(walk_in.id, datetime(2026, 11, 23, 12, 0, tzinfo=BERLIN))
        assert await notifier.tick() == 2
        assert await notifier.tick() == 0
        texts = [m.text for m in await fake_telegram.wait_for(TEAM, 3)]
        assert texts[1:] == [
            "Booking cancelled: Haircut with Sarah on Tue 24 Nov, 10:00 (moved to Thu 26 Nov, 15:00 just before).\n"
            "Customer: Anna Schmidt, Telegram, anna@example.com",
            "New booking: Beard trim with Tom on Mon 23 Nov, 12:00.\nCustomer: Jonas, WhatsApp +4915100000001",
        ]


@pytest.mark.parametrize("lang, first, ask, waiting, opened, back", [
    ("en", "how much is a haircut?", "I want to talk to a person", "are you there?", "I've let the team at Demo Salon know",
     "The conversation with the team at Demo Salon is closed"),
    ("de", "was kostet ein Haarschnitt?", "kann ich jemanden sprechen?", "hallo, ist da wer?", "Ich habe dem Team von Demo Salon Bescheid gegeben",
     "Das Gespräch mit dem Team von Demo Salon ist beendet"),
])
async def test_a_handoff_silences_the_bot_until_the_team_closes_it_and_relays_their_answer(
        sqlite_engine, fake_telegram, run_bot, lang, first, ask, waiting, opened, back):
    settings = settings_for(fake_telegram, operator_telegram_chat_id=TEAM)
    async with run_bot(settings, sqlite_engine) as (server, app):
        notifier = await notifier_for(app, server)
        await fake_telegram.send(ANNA, first, lang=lang)
        await fake_telegram.wait_for(ANNA, 1)
        await fake_telegram.send(ANNA, ask, lang=lang)
        told = (await fake_telegram.wait_for(ANNA, 2))[-1]
        assert told.text.startswith(opened)
        assert ("within two hours" if lang == "en" else "innerhalb von zwei Stunden") in told.text  # the file's note
        await notifier.tick()
        [request] = await fake_telegram.wait_for(TEAM, 1)
        assert request.text.startswith("Handoff #1: Telegram would like to talk to a person.")
        assert f"Customer: {first}" in request.text, "the team reads what led to the request"
        assert f"Customer: {ask}" in request.text and request.buttons == ["Close"]

        await fake_telegram.send(ANNA, waiting, lang=lang)
        await settle(server, fake_telegram)
        assert len(fake_telegram.chat(ANNA)) == 2, "the bot does not answer while the team has the conversation"
        await notifier.tick()
        forwarded = (await fake_telegram.wait_for(TEAM, 2))[-1]
        assert forwarded.text == f"Handoff #1, Telegram writes:\n{waiting}"

        await fake_telegram.send_in(TEAM, SARAH, "Hi, this is Sarah. Tomorrow at 10 works.", reply_to=forwarded)
        assert (await fake_telegram.wait_for(TEAM, 3))[-1].text == "Passed on to the customer of handoff #1."
        await notifier.tick()
        relayed = (await fake_telegram.wait_for(ANNA, 3))[-1]
        assert relayed.text == "Demo Salon: Hi, this is Sarah. Tomorrow at 10 works."

        await fake_telegram.send_in(TEAM, SARAH, "I'll take the next one too")  # the team among themselves
        await settle(server, fake_telegram)
        assert len(fake_telegram.chat(TEAM)) == 3 and len(fake_telegram.chat(ANNA)) == 3

        await fake_telegram.press(SARAH, request, "Close")

        await settle(server, fake_telegram)
        await notifier.tick()
        assert (await fake_telegram.wait_for(ANNA, 4))[-1].text.startswith(back)
        assert (await fake_telegram.wait_for(TEAM, 4))[-1].text == \
            "Handoff #1 with Telegram is closed; the bot answers again."
        await fake_telegram.send(ANNA, "/help", lang=lang)
        assert len(await fake_telegram.wait_for(ANNA, 5)) == 5, "the bot answers again"
        assert await app.store.open_handoffs() == []


async def test_the_team_chat_is_never_a_customer_conversation(sqlite_engine, fake_telegram, run_bot):
    settings = settings_for(fake_telegram, operator_telegram_chat_id=SARAH)  # the owner's own private chat
    async with run_bot(settings, sqlite_engine) as (server, app):
        await notifier_for(app, server)
        await fake_telegram.send(SARAH, "book a haircut with Sarah tomorrow at 10")
        [answer] = await fake_telegram.wait_for(SARAH, 1)
        assert answer.text.startswith("To write to a customer, reply to a handoff notification.")
        assert (await app.store.load(f"telegram:{SARAH}")).turns == 0


async def test_a_notification_that_fails_is_tried_again_and_arrives_once(sqlite_engine, fake_telegram, run_bot, clock):
    settings = settings_for(fake_telegram, operator_telegram_chat_id=TEAM)
    async with run_bot(settings, sqlite_engine) as (server, app):
        notifier = await notifier_for(app, server)
        await app.backend.create(BookingRequest("beard", "tom", datetime(2026, 11, 24, 11, 0, tzinfo=BERLIN),
                                                Contact(ref="telegram:1", name="Jonas")), "desk-1")
        fake_telegram.down = 2  # Telegram answers 502 twice
        await notifier.tick()
        assert fake_telegram.chat(TEAM) == []
        clock.set(clock.now() + timedelta(seconds=31))
        await notifier.tick()  # the second try fails too
        clock.set(clock.now() + timedelta(seconds=61))
        await notifier.tick()
        await notifier.tick()
        [sent] = await fake_telegram.wait_for(TEAM, 1)
        assert sent.text.startswith("New booking: Beard trim with Tom")
        [row] = await notifier.listing()
        assert (row.status, row.attempts, row.sent_ref) == ("sent", 3, str(sent.message_id))


async def test_an_operator_chat_the_bot_cannot_reach_stops_the_start_naming_the_setting(
        sqlite_engine, fake_telegram, run_bot):
    from channels.errors import ChannelStartError

    fake_telegram.unknown_chats.add(TEAM)  # a mistyped id, or a group the bot was never added to
    settings = settings_for(fake_telegram, operator_telegram_chat_id=TEAM)
    with pytest.raises(ChannelStartError) as stopped:
        async with run_bot(settings, sqlite_engine):
            pass
    assert str(stopped.value) == (
        "setting OPERATOR_TELEGRAM_CHAT_ID: the bot cannot reach chat -100500 (Bad Request: chat not found); "
        "add the bot to the group, or, for a private chat, press Start in the bot's chat first")


async def test_a_group_that_became_a_supergroup_is_named_with_its_new_id(sqlite_engine, fake_telegram, run_bot):
    from channels.errors import ChannelStartError

    fake_telegram.upgraded_chats[-4242] = -1004242424242
    settings = settings_for(fake_telegram, operator_telegram_chat_id=-4242)
    with pytest.raises(ChannelStartError, match=r"^setting OPERATOR_TELEGRAM_CHAT_ID: the group -4242 is now a "
                                                r"supergroup; set OPERATOR_TELEGRAM_CHAT_ID=-1004242424242$"):
        async with run_bot(settings, sqlite_engine):
            pass


@pytest.mark.parametrize("lang, late, said, told_lines", [
    ("en", "I'm running 10 minutes late, sorry!",
     "Thanks for letting us know! I'm telling the team at Demo Salon that you'll be about 10 minutes late for your "
     "Haircut at 10:00.",
     ["Running late (about 10 minutes): Haircut with Sarah on Tue 24 Nov, 10:00.",
      "Customer: Anna Schmidt, Telegram, anna@example.com", "They wrote: “I'm running 10 minutes late, sorry!”"]),
    ("de", "ich komme eine Viertelstunde später",
     "Danke für Ihre Nachricht! Ich sage dem Team von Demo Salon Bescheid, dass Sie etwa 15 Minuten später zu Ihrem "
     "Termin Haarschnitt um 10:00 kommen.",
     ["Running late (about 15 minutes): Haircut with Sarah on Tue 24 Nov, 10:00.",
      "Customer: Anna Schmidt, Telegram, anna@example.com", "They wrote: “ich komme eine Viertelstunde später”"]),
])
async def test_running_late_tells_the_team_which_booking_and_the_bot_goes_on_answering(
        sqlite_engine, fake_telegram, run_bot, clock, lang, late, said, told_lines):
    settings = settings_for(fake_telegram, operator_telegram_chat_id=TEAM)
    async with run_bot(settings, sqlite_engine) as (server, app):
        notifier = await booked_and_told(fake_telegram, app, server)
        clock.set(datetime(2026, 11, 24, 9, 50, tzinfo=BERLIN))
        await fake_telegram.send(ANNA, late, lang=lang)
        answer = (await fake_telegram.wait_for(ANNA, 4))[-1]
        assert answer.text == said and not answer.buttons, "no question to answer, nothing to press"
        await notifier.tick()
        told = (await fake_telegram.wait_for(TEAM, 2))[-1]
        assert told.text.split("\n") == told_lines, "the team's language, the booking, how late, the customer's words"
        assert not told.buttons, "nothing to close: it is no handoff"
        await notifier.tick()
        assert len(fake_telegram.chat(TEAM)) == 2, "told once"
        await fake_telegram.send(ANNA, "what's your address?", lang=lang)
        [*_, address] = await fake_telegram.wait_for(ANNA, 5)
        assert "Hauptstraße 1" in address.text, "the bot still answers in that chat"


async def test_what_if_im_late_promises_word_to_the_team_and_the_next_message_saying_so_brings_it(
        sqlite_engine, fake_telegram, run_bot, clock):
    settings = settings_for(fake_telegram, operator_telegram_chat_id=TEAM)
    async with run_bot(settings, sqlite_engine) as (server, app):
        notifier = await booked_and_told(fake_telegram, app, server)
        await fake_telegram.send(ANNA, "what if I'm running late?")
        answer = (await fake_telegram.wait_for(ANNA, 4))[-1]
        assert "just write to me here" in answer.text and "I'll let the team at Demo Salon know" in answer.text
        await notifier.tick()
        assert len(fake_telegram.chat(TEAM)) == 1, "a question: nothing for the team"
        clock.set(datetime(2026, 11, 24, 9, 50, tzinfo=BERLIN))
        await fake_telegram.send(ANNA, "I'm running 10 minutes late")
        await fake_telegram.wait_for(ANNA, 5)
        await notifier.tick()
        told = (await fake_telegram.wait_for(TEAM, 2))[-1]
        assert told.text.startswith("Running late (about 10 minutes): Haircut with Sarah on Tue 24 Nov, 10:00.")


async def test_a_voice_message_while_the_team_has_the_conversation_is_announced_to_the_team(
        sqlite_engine, fake_telegram, run_bot):
    settings = settings_for(fake_telegram, operator_telegram_chat_id=TEAM)
    async with run_bot(settings, sqlite_engine) as (server, app):
        notifier = await notifier_for(app, server)
        await fake_telegram.send(ANNA, "I want to talk to a person")
        await fake_telegram.wait_for(ANNA, 1)
        await fake_telegram.send(ANNA, "", content={"voice": {
            "file_id": "AwACAgIAAxkBAAIB", "file_unique_id": "AgADBAAD", "duration": 9, "mime_type": "audio/ogg"}})
        await settle(server, fake_telegram)
        assert len(fake_telegram.chat(ANNA)) == 1, "the bot stays quiet while the team has the conversation"
        await notifier.tick()
        told = (await fake_telegram.wait_for(TEAM, 2))[-1]
        assert told.text == "Handoff #1, Telegram writes:\n[a voice message, which the bot cannot pass on]"
