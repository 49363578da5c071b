"""Telegram, end to end: real aiogram against a fake Bot API server, over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import copy

import aiohttp
import sqlalchemy as sa
import pytest
from channel_kit import free_port, settings_for, settle, within
from fake_telegram import FakeTelegram

from bot.inbox.store import inbound_messages
from bot.outbox.store import outgoing_messages

ANNA = 424242
BOOK = "book a haircut with Sarah tomorrow at 10"


async def book_by_buttons(fake: FakeTelegram, user: int = ANNA, *, seen: int = 0) -> list:
    """The customer books step by step and confirms with the Yes button; returns the chat
    (with the confirmation question as it looked before the press: `chat.question`)."""
    await fake.send(user, BOOK)
    await fake.wait_for(user, seen + 1)
    await fake.send(user, "Anna Schmidt")  # no email asked: the chat identifies her, and no email is sent
    chat = await fake.wait_for(user, seen + 2)
    question = chat[-1]
    assert "Shall I book Haircut with Sarah on Tue 24 Nov, 10:00" in question.text
    assert question.buttons == ["Yes", "No"]
    before = copy.deepcopy(question)
    await fake.press(user, question, "Yes")
    chat = Chat(await fake.wait_for(user, seen + 3))
    chat.question = before
    return chat


class Chat(list):
    question = None


async def bookings(app) -> list:
    return [b for b in await app.backend.list_all() if b.status.active]


async def test_a_whole_booking_over_long_polling(db_engine, fake_telegram, run_bot):
    async with run_bot(settings_for(fake_telegram), db_engine) as (server, app):
        menu = {c["command"] for c in fake_telegram.commands[""]}
        assert menu == {"start", "help", "book", "mybookings", "cancel"}
        assert fake_telegram.commands["de"][0]["command"] == "start"

        chat = await book_by_buttons(fake_telegram)

        assert "Done! You're booked: Haircut with Sarah on Tue 24 Nov, 10:00" in chat[-1].text
        assert fake_telegram.answered, "the button press was answered (no spinner left)"
        assert chat[-2].keyboard is None, "the pressed keyboard is gone"
        [booking] = await bookings(app)
        assert booking.contact.name == "Anna Schmidt"

        await fake_telegram.send(ANNA, "/mybookings")
        chat = await fake_telegram.wait_for(ANNA, 4)
        assert "Haircut with Sarah on Tue 24 Nov, 10:00" in chat[-1].text
        await settle(server, fake_telegram)
        # each reply keeps the id Telegram gave its message (what the operator looks up a message by)
        async with app.engine.connect() as conn:
            refs = (await conn.execute(sa.select(outgoing_messages.c.sent_ref)
                                       .order_by(outgoing_messages.c.id))).scalars().all()
        assert refs == [str(message.message_id) for message in chat]


async def test_commands_and_the_customers_language(sqlite_engine, fake_telegram, run_bot):
    async with run_bot(settings_for(fake_telegram), sqlite_engine) as (server, app):
        await fake_telegram.send(7, "/start", lang="de")
        [hello] = await fake_telegram.wait_for(7, 1)
        assert hello.text.startswith("Hallo!")
        await fake_telegram.send(8, "/help", lang="en-GB")
        [help_] = await fake_telegram.wait_for(8, 1)
        assert "I can help you" in help_.text
        await fake_telegram.send(8, "Ich möchte einen Haarschnitt bei Sarah morgen um 10 buchen")
        chat = await fake_telegram.wait_for(8, 2)
        assert "Namen" in chat[-1].text, "the text wins over the app's language"


async def test_a_stale_or_reused_button_gets_a_polite_answer_and_never_books_twice(
        sqlite_engine, fake_telegram, run_bot, clock):
    settings = settings_for(fake_telegram)
    async with run_bot(settings, sqlite_engine) as (server, app):
        chat = await book_by_buttons(fake_telegram)
        question = chat.question  # the keyboard as a second phone still shows it
        await fake_telegram.press(ANNA, question, "Yes")  # the same Yes again (a second phone, a double tap)
        chat = await fake_telegram.wait_for(ANNA, 4)
        assert "expired" in chat[-1].text
        assert len(await bookings(app)) == 1

    # A restart: the button from before it still gets a polite reply, not a crash.
    async with run_bot(settings, sqlite_engine) as (server, app):
        await fake_telegram.press(ANNA, question, "No")
        chat = await fake_telegram.wait_for(ANNA, 5)
        assert "expired" in chat[-1].text
        await fake_telegram.press_data(ANNA, question, "v1|confirm|yes")  # data from an older bot version
        chat = await fake_telegram.wait_for(ANNA, 6)
        assert "expired" in chat[-1].text
        assert len(await bookings(app)) == 1
        assert fake_telegram.answered == ["cq1", "cq2", "cq3", "cq4"], "every press was answered"


async def test_the_same_update_five_times_books_once_and_answers_once(db_engine, fake_telegram, run_bot, caplog):
    caplog.set_level("INFO", logger="channels.telegram")
    settings = settings_for(fake_telegram)
    async with run_bot(settings, db_engine) as (server, app):
        await fake_telegram.send(ANNA, BOOK)
        await fake_telegram.wait_for(ANNA, 1)
        await fake_telegram.send(ANNA, "Anna Schmidt")
        question = (await fake_telegram.wait_for(ANNA, 2))[-1]
        yes = await fake_telegram.press(ANNA, question, "Yes")
        for _ in range(4):
            await fake_telegram.redeliver(yes)  # Telegram did not see our confirmation: it sends it again
        await settle(server, fake_telegram)
        texts = [m.text for m in fake_telegram.chat(ANNA)]
        assert len(texts) == 3 and sum("You're booked" in t for t in texts) == 1
        assert len(await bookings(app)) == 1
        assert caplog.text.count(f"update {yes['update_id']} was already received") == 4, "all five reached the bot"


async def test_webhook_mode_checks_the_secret_and_books(db_engine, fake_telegram, run_bot):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    settings = settings_for(fake_telegram, http_port=port, telegram_webhook_url=url,
                            telegram_webhook_secret="s3cret-for-tests")
    async with run_bot(settings, db_engine) as (server, app):
        assert fake_telegram.webhook == {"url": url, "secret_token": "s3cret-for-tests",
                                         "allowed_updates": ["message", "callback_query"]}
        forged = {"update_id": 1, "message": {"message_id": 1, "date": 0, "text": BOOK,
                                              "chat": {"id": 666, "type": "private"},
                                              "from": {"id": 666, "is_bot": False, "first_name": "X"}}}
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(url, json=forged, headers=headers) as response:
                    assert response.status == 401
        assert fake_telegram.chat(666) == []

        chat = await book_by_buttons(fake_telegram)
        assert "You're booked" in chat[-1].text
        assert set(fake_telegram.webhook_statuses) == {200}
        # Five deliveries of one update (Telegram retrying): one answer.
        update = await fake_telegram.send(ANNA, "/mybookings")
        for _ in range(4):
            assert await fake_telegram.redeliver(update) == 200
        await settle(server)
        assert len(fake_telegram.chat(ANNA)) == 4
        assert len(await bookings(app)) == 1


async def test_one_customers_messages_in_order_others_concurrently(sqlite_engine, fake_telegram, run_bot):
    async with run_bot(settings_for(fake_telegram), sqlite_engine) as (server, app):
        slow_started = []
        anna_started, release_anna = asyncio.Event(), asyncio.Event()
        handle = app.dialogue.handle

        async def slow_for_anna(msg, also=None):
            if msg.user == str(ANNA):
                slow_started.append(msg.text)
                anna_started.set()
                await release_anna.wait()  # a slow booking system: answers when the test lets it
            return await handle(msg, also)

        app.dialogue.handle = slow_for_anna
        try:
            await fake_telegram.send(ANNA, BOOK)
            await fake_telegram.send(ANNA, "Anna Schmidt")
            await fake_telegram.send(99, "hello")
            await within(anna_started.wait(), "Anna's first turn started")
            # Bob is answered while Anna's first turn is still running (it cannot end before the release).
            await fake_telegram.wait_for(99, 1)
            assert fake_telegram.chat(ANNA) == [] and slow_started == [BOOK], "Anna's second message waits its turn"
        finally:
            release_anna.set()
        chat = await fake_telegram.wait_for(ANNA, 2)
        assert "What name" in chat[0].text and "Shall I book" in chat[1].text
        assert slow_started == [BOOK, "Anna Schmidt"]


async def test_a_flood_gets_one_polite_answer(sqlite_engine, fake_telegram, run_bot):
    settings = settings_for(fake_telegram, rate_limit_messages=3, rate_limit_seconds=60)
    async with run_bot(settings, sqlite_engine) as (server, app):
        for i in range(8):
            await fake_telegram.send(ANNA, "hello")
        await settle(server, fake_telegram)
        texts = [m.text for m in fake_telegram.chat(ANNA)]
        assert len(texts) == 4
        assert "faster than I can answer" in texts[-1]


async def test_a_flood_in_a_group_the_bot_ignores_gets_no_answer_there_or_anywhere(sqlite_engine, fake_telegram,
                                                                                    run_bot):
    settings = settings_for(fake_telegram, rate_limit_messages=3, rate_limit_seconds=60)
    async with run_bot(settings, sqlite_engine) as (server, app):
        for _ in range(8):
            await fake_telegram.send_in(-100555, ANNA, "hello everyone")
        await settle(server, fake_telegram)
        assert fake_telegram.chat(-100555) == [] and fake_telegram.chat(ANNA) == []
        await fake_telegram.send(ANNA, "hello")  # her own chat with the bot is answered as always
        [hi] = await fake_telegram.wait_for(ANNA, 1)
        assert hi.text.startswith("Hi!")


async def test_updates_without_a_sender_do_not_share_one_rate_limit(sqlite_engine, fake_telegram, run_bot):
    settings = settings_for(fake_telegram, rate_limit_messages=2, rate_limit_seconds=60)
    async with run_bot(settings, sqlite_engine) as (server, app):
        for n in range(4):  # channel posts: no sender
            await fake_telegram.deliver({"update_id": 90_000 + n, "channel_post": {
                "message_id": n + 1, "date": 1, "text": "news", "chat": {"id": -100777, "type": "channel"}}})
        await settle(server, fake_telegram)
        async with sqlite_engine.connect() as conn:
            statuses = list((await conn.execute(sa.select(inbound_messages.c.status))).scalars())
        assert statuses and "limited" not in statuses


async def test_healthz_reports_ready(sqlite_engine, fake_telegram, run_bot):
    async with run_bot(settings_for(fake_telegram), sqlite_engine) as (server, app):
        async with aiohttp.ClientSession() as http:
            async with http.get(server.addresses[0] + "/healthz") as response:
                body = await response.json()
        assert response.status == 200
        assert body["status"] == "ready" and body["database"] == "ok" and body["channels"] == ["telegram"]


@pytest.mark.parametrize("token", ["7000000001:AAwrongTokenButWellFormed_000000"])
async def test_a_refused_token_stops_startup_with_one_line(sqlite_engine, fake_telegram, clock, token):
    from bot.main import build_app, build_server
    from channels.errors import ChannelStartError

    settings = settings_for(fake_telegram, telegram_bot_token=token)
    app = await build_app(settings, clock=clock, engine=sqlite_engine)
    server = build_server(app)
    with pytest.raises(ChannelStartError, match="TELEGRAM_BOT_TOKEN"):
        await server.start()
    await server.stop(timeout=1)
    assert server.state == "stopped"


async def test_behind_a_proxy_that_strips_a_path_prefix(sqlite_engine, fake_telegram, run_bot):
    public = "https://bot.example.com/salon"
    settings = settings_for(fake_telegram, public_base_url=public, telegram_webhook_url=public + "/telegram/hook",
                            telegram_webhook_secret="proxy-secret")
    async with run_bot(settings, sqlite_engine) as (server, app):
        assert fake_telegram.webhook["url"] == "https://bot.example.com/salon/telegram/hook"
        update = {"update_id": 77, "message": {"message_id": 1, "date": 0, "text": "/start",
                                               "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                                               "chat": {"id": ANNA, "type": "private"},
                                               "from": {"id": ANNA, "is_bot": False, "first_name": "Anna"}}}
        async with aiohttp.ClientSession() as http:  # what the proxy forwards: the path without /salon
            async with http.post(server.addresses[0] + "/telegram/hook", json=update,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": "proxy-secret"}) as response:
                assert response.status == 200
        [hello] = await fake_telegram.wait_for(ANNA, 1)
        assert hello.text.startswith("Hi!")


async def test_a_reminder_arrives_with_buttons_that_work(sqlite_engine, fake_telegram, run_bot, clock):
    from datetime import datetime

    from bot.main import build_scheduler

    async with run_bot(settings_for(fake_telegram), sqlite_engine) as (server, app):
        await book_by_buttons(fake_telegram)
        reminders = build_scheduler(app, server.senders)
        await reminders.tick()
        clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=app.business.tz))  # two hours before the haircut
        assert await reminders.tick() == 1
        reminder = (await fake_telegram.wait_for(ANNA, 4))[-1]
        assert "Reminder: your Haircut with Sarah is on Tue 24 Nov, 10:00" in reminder.text
        # two hours before, inside the demo salon's free 24 hours: no cancel button, the team instead
        assert reminder.buttons == ["I'll be there", "Talk to the team"]
        await fake_telegram.press(ANNA, reminder, "I'll be there")
        answer = (await fake_telegram.wait_for(ANNA, 5))[-1]
        assert answer.text == "Great, see you on Tue 24 Nov, 10:00!"
        await fake_telegram.send(ANNA, "cancel my appointment")
        answer = (await fake_telegram.wait_for(ANNA, 6))[-1]
        assert "can't cancel your Haircut on Tue 24 Nov, 10:00" in answer.text and "24 hours" in answer.text
        assert "+49 30 1234567" in answer.text and answer.buttons == []  # no operator chat: the salon's phone instead
        assert await bookings(app), "nothing is cancelled inside the cancellation period"


async def test_a_reminder_refused_with_slow_down_is_sent_again_later(sqlite_engine, fake_telegram, run_bot, clock):
    from datetime import datetime, timedelta

    from bot.main import build_scheduler

    async with run_bot(settings_for(fake_telegram), sqlite_engine) as (server, app):
        await book_by_buttons(fake_telegram)
        reminders = build_scheduler(app, server.senders)
        await reminders.tick()
        clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=app.business.tz))
        fake_telegram.too_many = 1
        assert await reminders.tick() == 0  # Telegram said "retry after": not lost, not failed
        assert len(fake_telegram.chat(ANNA)) == 3
        clock.advance(timedelta(seconds=31))
        assert await reminders.tick() == 1
        assert "Reminder: your Haircut" in (await fake_telegram.wait_for(ANNA, 4))[-1].text


async def test_the_command_menu_and_the_channel_texts_come_from_the_business_texts(
        sqlite_engine, fake_telegram, run_bot, tmp_path):
    from importlib import resources

    demo = resources.files("booking_client.data").joinpath("demo_business.toml").read_text("utf-8")
    path = tmp_path / "business.toml"
    path.write_text(demo.replace('languages = ["en", "de"]', 'languages = ["de"]')
                    + '\n[texts.de]\ncommand_book = "Jetzt Termin sichern"\n'
                      'greet = "Servus bei {business}!"\n', encoding="utf-8")
    async with run_bot(settings_for(fake_telegram, business_file=str(path)), sqlite_engine) as (server, app):
        menu = {c["command"]: c["description"] for c in fake_telegram.commands[""]}
        assert menu["book"] == "Jetzt Termin sichern" and menu["help"] == "Was ich kann"
        assert set(fake_telegram.commands) == {""}, "only the languages the business speaks"
        await fake_telegram.send(9, "/start", lang="en")
        [hello] = await fake_telegram.wait_for(9, 1)
        assert hello.text == "Servus bei Demo Salon!", "an English app gets German from a German-only business"


async def test_a_voice_message_is_asked_for_in_writing_and_a_sticker_says_its_emoji(sqlite_engine, fake_telegram,
                                                                                   run_bot):
    async with run_bot(settings_for(fake_telegram), sqlite_engine) as (server, app):
        await fake_telegram.send(ANNA, "", lang="de", content={"voice": {
            "file_id": "AwACAgIAAxkBAAIB", "file_unique_id": "AgADBAAD", "duration": 4, "mime_type": "audio/ogg"}})
        [asked] = await fake_telegram.wait_for(ANNA, 1)
        assert asked.text.startswith("Entschuldigung, Sprachnachrichten kann ich nicht anhören.")
        await fake_telegram.send(ANNA, BOOK)
        await fake_telegram.wait_for(ANNA, 2)
        await fake_telegram.send(ANNA, "Anna Schmidt")
        question = (await fake_telegram.wait_for(ANNA, 3))[-1]
        assert "Shall I book" in question.text
        await fake_telegram.send(ANNA, "", content={"sticker": {
            "file_id": "CAACAgIAAxkBAAIC", "file_unique_id": "AgADAgAD", "type": "regular", "width": 512,
            "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}})
        done = (await fake_telegram.wait_for(ANNA, 4))[-1]
        assert "You're booked" in done.text, "a thumbs-up sticker at the question is a yes"
        assert len(await app.backend.list_all()) == 1
