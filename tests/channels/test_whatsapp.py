"""WhatsApp, end to end: signed Twilio webhooks in, the real Twilio SDK out to a fake Twilio REST API."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from channel_kit import PUBLIC, settings_for, settle, within
from fake_twilio import FakeTwilio

import storage
from bot.inbox import Inbox
from bot.inbox.store import _LOCK_NAMESPACE as LOCK_NAMESPACE, inbound_messages

ANNA = "+4915112345678"
BOOK = "book a haircut with Sarah tomorrow at 10"
TEMPLATE = "HX" + "b" * 32


def wire(fake: FakeTwilio, server) -> None:
    """Point the fake's webhooks at the bot: locally on 127.0.0.1, signed for the public URL."""
    fake.webhook_url = server.addresses[0] + "/whatsapp/inbound"
    fake.public_url = PUBLIC + "/whatsapp/inbound"


async def say(fake: FakeTwilio, text: str, count: int, phone: str = ANNA) -> str:
    status, twiml, _ = await fake.send(phone, text)
    assert status == 200 and "<Response" in twiml and "<Message" not in twiml, "Twilio gets empty TwiML at once"
    return (await fake.wait_for(phone, count))[-1].body


async def bookings(app) -> list:
    return [b for b in await app.backend.list_all() if b.status.active]


async def test_a_whole_booking_over_whatsapp(db_engine, fake_twilio, run_bot):
    async with run_bot(settings_for(twilio=fake_twilio), db_engine) as (server, app):
        wire(fake_twilio, server)
        assert "What name" in await say(fake_twilio, BOOK, 1)
        question = await say(fake_twilio, "Anna Schmidt", 2)  # no email asked: the number identifies her
        assert question.endswith("Shall I book Haircut with Sarah on Tue 24 Nov, 10:00 (30 min) for Anna Schmidt?\n"
                                 "1. Yes\n2. No")
        booked = await say(fake_twilio, "1", 3)
        assert "You're booked: Haircut with Sarah on Tue 24 Nov, 10:00" in booked
        assert "Add it to your calendar: https://calendar.google.com/calendar/render?action=TEMPLATE" in booked
        assert "confirmation" not in booked, "no email confirmation is promised without SMTP"
        [booking] = await bookings(app)
        assert booking.contact.ref == f"whatsapp:{ANNA}"
        sent = fake_twilio.to(ANNA)[0]
        assert sent.from_ == "whatsapp:+14155238886"
        assert sent.status_callback == PUBLIC + "/whatsapp/status"


async def test_the_same_message_sid_five_times_books_once(db_engine, fake_twilio, run_bot):
    async with run_bot(settings_for(twilio=fake_twilio), db_engine) as (server, app):
        wire(fake_twilio, server)
        await say(fake_twilio, BOOK, 1)
        await say(fake_twilio, "Anna Schmidt", 2)
        _, _, params = await fake_twilio.send(ANNA, "yes")
        for _ in range(4):  # Twilio retrying the same webhook
            status, _, _ = await fake_twilio.send(ANNA, "yes", sid=params["MessageSid"])
            assert status == 200
        await settle(server)
        bodies = [m.body for m in fake_twilio.to(ANNA)]
        assert len(bodies) == 3 and "You're booked" in bodies[-1]
        assert len(await bookings(app)) == 1


async def test_on_postgresql_a_turn_gets_its_contact_and_conversation_with_its_messages_and_the_next_turn_reads_anew(
        pg_engine, fake_twilio, run_bot, monkeypatch):
    """Two messages waiting at once: the first turn's contact and conversation come in the round trip of the waiting
    messages; the second turn reads the conversation the first one wrote (it asks to confirm, with the name), with its
    contact, in one round trip of its own."""
    separately = []
    fetch = storage.postgres.fetch

    async def counted(pool, sql, args):
        if "FROM inbound_messages" not in sql and ("FROM conversations" in sql or "FROM channel_contacts" in sql):
            separately.append(" and ".join(name for name in ("contact", "conversation")
                                           if f"FROM {name}s" in sql or f"FROM channel_{name}s" in sql))
        return await fetch(pool, sql, args)

    monkeypatch.setattr(storage.postgres, "fetch", counted)
    async with run_bot(settings_for(twilio=fake_twilio), pg_engine) as (server, app):
        wire(fake_twilio, server)
        async with storage.in_turn(pg_engine, LOCK_NAMESPACE, f"whatsapp:{ANNA}"):  # another process's turn
            for text in (BOOK, "Anna Schmidt"):
                status, _, _ = await fake_twilio.send(ANNA, text)
                assert status == 200
        asked, question = [m.body for m in await fake_twilio.wait_for(ANNA, 2)]
        assert "What name" in asked
        assert question.startswith("Shall I book Haircut with Sarah on Tue 24 Nov, 10:00 (30 min) for Anna Schmidt?")
        assert separately == ["contact and conversation"], "only the second turn reads them, in one round trip"


def test_a_message_to_twilio_is_encoded_exactly_as_the_standard_library_encodes_it():
    """The form the channel sends Twilio is the bytes `urlencode(data, doseq=True)` gives, for texts it remembers
    and for those it does not (long ones), and for values that are not text (a list of media URLs)."""
    from urllib.parse import urlencode

    from channels.whatsapp.channel import encoded_form

    forms = [{"To": "whatsapp:+4915100000001", "From": "whatsapp:+14155238886", "Body": "Grüße & 50% off? 😀 a+b=c"},
             {"To": "whatsapp:+4915100000001", "Body": "x" * 600 + " ü&=+"}, {}, {"Body": ""},
             {"ContentSid": "HX123", "ContentVariables": '{"1": "Fri 29 Jan, 17:30"}'},
             {"To": "whatsapp:+4915100000001", "MediaUrl": ["https://a.example/1.png", "https://a.example/2 b.png"]}]
    for form in forms * 2:  # the second time from what it remembered
        assert encoded_form(form) == urlencode(form, doseq=True).encode(), form


def test_a_webhook_form_is_read_exactly_as_the_standard_library_reads_it():
    """The channel's own reading of a form gives what `parse_qsl` gives with the same strictness: the same fields, or
    a ValueError for the same forms (a field without '=', an empty field, bad escapes, invalid UTF-8, too many)."""
    import random
    from urllib.parse import parse_qsl, quote_plus

    from channels.whatsapp.channel import MAX_FORM_FIELDS, form_fields

    def reference(text):
        try:
            return parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict",
                             max_num_fields=MAX_FORM_FIELDS)
        except ValueError:
            return ValueError

    def ours(text):
        try:
            return form_fields(text)
        except ValueError:
            return ValueError

    rng = random.Random(11)
    pieces = ["a", "Body", "=", "&", "+", "%", "%2", "%2B", "%3a", "%C3%A4", "%FF", "%E2%82", "ä", "😀", " ", ";", ""]
    cases = ["", "&", "=", "a", "a=", "=b", "a=b&", "&a=b", "a=b&&c=d", "a=%zz", "a=%", "a=1=2",
             "&".join(f"f{n}=v" for n in range(MAX_FORM_FIELDS)),
             "&".join(f"f{n}=v" for n in range(MAX_FORM_FIELDS + 1)),
             "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in FakeTwilio().inbound_params(
                 "+4915100000001", "Grüße & 50% off? 😀 a+b=c").items())]
    cases += ["".join(rng.choices(pieces, k=rng.randint(1, 14))) for _ in range(2000)]
    for text in cases:
        assert ours(text) == reference(text), text


@pytest.mark.parametrize("algorithm", ["HMAC_SHA1", "HMAC_SHA256", "hmac_sha256"])
def test_a_webhook_signature_is_worked_out_exactly_as_the_twilio_sdk_does(algorithm):
    """The channel's own signing of a form gives what the SDK's RequestValidator gives, for forms with repeated
    fields, repeated values, empty values, non-ASCII text and characters that sort unusually."""
    import random

    from multidict import MultiDict
    from twilio.request_validator import RequestValidator

    from channels.whatsapp.channel import signature_of

    rng = random.Random(7)
    alphabet = ["a", "B", "z", "0", " ", "+", "&", "=", "%", "ä", "ß", "é", "😀", "\u00a0", "Z", "_", "-", ".", ""]
    for _ in range(300):
        pairs = [("".join(rng.choices(alphabet, k=rng.randint(1, 6))),
                  "".join(rng.choices(alphabet, k=rng.randint(0, 8)))) for _ in range(rng.randint(0, 12))]
        pairs += rng.sample(pairs, k=min(len(pairs), rng.randint(0, 3)))  # the same field and value again
        if pairs:
            name = pairs[0][0]
            pairs.append((name, "another value"))  # a field given twice with different values
        form = MultiDict(pairs)
        url = "https://bot.example.com" + rng.choice(["", ":443", ":8443"]) + "/whatsapp/inbound?" + \
            "".join(rng.choices(alphabet, k=3))
        secret = "".join(rng.choices(alphabet, k=32))
        assert signature_of(secret, url, form, algorithm) == \
            RequestValidator(secret).compute_signature(url, form, algorithm), (url, pairs)


async def test_forged_or_unsigned_requests_are_refused(sqlite_engine, fake_twilio, run_bot):
    async with run_bot(settings_for(twilio=fake_twilio), sqlite_engine) as (server, app):
        wire(fake_twilio, server)
        params = fake_twilio.inbound_params(ANNA, BOOK)
        local = server.addresses[0] + "/whatsapp/inbound"
        good = fake_twilio.sign(PUBLIC + "/whatsapp/inbound", params)
        cases = [
            {},  # unsigned
            {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},  # forged
            fake_twilio.sign(local, params),  # signed for the local URL, not the one Twilio calls
            FakeTwilio(auth_token="0" * 32).sign(PUBLIC + "/whatsapp/inbound", params),  # someone else's token
        ]
        for headers in cases:
            assert (await fake_twilio.post(local, params, headers))[0] == 403
        tampered = dict(params, Body="cancel all my appointments")
        assert (await fake_twilio.post(local, tampered, good))[0] == 403
        await settle(server)
        assert fake_twilio.messages == []
        async with app.engine.connect() as conn:
            assert (await conn.execute(sa.select(sa.func.count()).select_from(inbound_messages))).scalar_one() == 0


async def test_a_signature_over_the_url_with_its_port_is_accepted_too(sqlite_engine, fake_twilio, run_bot):
    """Twilio signs the public URL as configured, sometimes with the scheme's port written out."""
    async with run_bot(settings_for(twilio=fake_twilio), sqlite_engine) as (server, app):
        wire(fake_twilio, server)
        scheme, host = PUBLIC.split("://")
        with_port = f"{scheme}://{host}:{443 if scheme == 'https' else 80}/whatsapp/inbound"
        for url, text in ((PUBLIC + "/whatsapp/inbound", "hello"), (with_port, "what are your opening hours?")):
            params = fake_twilio.inbound_params(ANNA, text)
            headers = fake_twilio.sign(url, params)
            assert (await fake_twilio.send(ANNA, text, sid=params["MessageSid"], headers=headers))[0] == 200
        await fake_twilio.wait_for(ANNA, 2)
        assert "Mon" in fake_twilio.to(ANNA)[-1].body


async def test_hmac_sha256_signatures_with_a_shared_key(sqlite_engine, fake_twilio, run_bot):
    settings = settings_for(twilio=fake_twilio, twilio_webhook_signing_keys="webhooks_sharedkey_1=k3y-s3cret")
    async with run_bot(settings, sqlite_engine) as (server, app):
        wire(fake_twilio, server)
        status, _, _ = await fake_twilio.send(ANNA, "hello", shared_key=("webhooks_sharedkey_1", "k3y-s3cret"))
        assert status == 200
        await fake_twilio.wait_for(ANNA, 1)
        status, _, _ = await fake_twilio.send(ANNA, "hello", shared_key=("webhooks_sharedkey_1", "wrong"))
        assert status == 403
        status, _, _ = await fake_twilio.send(ANNA, "hello", shared_key=("webhooks_sharedkey_9", "k3y-s3cret"))
        assert status == 403


async def test_stop_and_start_in_english_and_german(sqlite_engine, fake_twilio, run_bot):
    async with run_bot(settings_for(twilio=fake_twilio), sqlite_engine) as (server, app):
        wire(fake_twilio, server)
        assert "won't get any more messages" in await say(fake_twilio, "STOP", 1)
        await fake_twilio.send(ANNA, BOOK)
        await settle(server)
        assert len(fake_twilio.to(ANNA)) == 1, "nothing is sent to an opted-out customer"
        channel = server.channels["whatsapp"]
        outcome = await channel.notify("reminder", ANNA, "Reminder: haircut tomorrow", {"1": "tomorrow"})
        assert not outcome.sent and "opted out" in outcome.reason
        assert "Welcome back" in await say(fake_twilio, "start", 2)
        assert "What name" in await say(fake_twilio, BOOK, 3)

        bob = "+4917000000002"
        assert "keine Nachrichten mehr" in await say(fake_twilio, "Stopp", 1, phone=bob)
        assert "Willkommen zurück" in await say(fake_twilio, "ANMELDEN", 2, phone=bob)
        assert "keine Nachrichten mehr" in await say(fake_twilio, "abmelden", 3, phone=bob)


async def test_messages_outside_the_24_hour_window_go_as_templates(sqlite_engine, fake_twilio, run_bot, clock):
    settings = settings_for(twilio=fake_twilio, twilio_templates=f"reminder={TEMPLATE}")
    async with run_bot(settings, sqlite_engine) as (server, app):
        wire(fake_twilio, server)
        await say(fake_twilio, "hello", 1)
        channel = server.channels["whatsapp"]

        inside = await channel.notify("reminder", ANNA, "See you tomorrow at 10!", {"1": "Tue 24 Nov, 10:00"})
        assert inside.sent and fake_twilio.to(ANNA)[-1].body == "See you tomorrow at 10!"

        clock.advance(timedelta(hours=25))
        fake_twilio.now += 25 * 3600
        outside = await channel.notify("reminder", ANNA, "See you tomorrow at 10!", {"1": "Tue 24 Nov, 10:00"})
        assert outside.sent
        sent = fake_twilio.to(ANNA)[-1]
        assert sent.content_sid == TEMPLATE and sent.content_variables == {"1": "Tue 24 Nov, 10:00"}
        raw = fake_twilio.requests[-1]["ContentVariables"]
        assert json.loads(raw) == {"1": "Tue 24 Nov, 10:00"}, "variables travel as a JSON string"

        follow_up = await channel.notify("follow_up", ANNA, "How was it?", {"1": "Anna"})
        assert not follow_up.sent and "TWILIO_TEMPLATES=follow_up=HX" in follow_up.reason
        assert len(fake_twilio.to(ANNA)) == 3, "nothing went out without a template"
        rows = await server.channels["whatsapp"].delivery_log.list(f"whatsapp:{ANNA}")
        assert rows[-1]["status"] == "not_sent" and "no WhatsApp template" in rows[-1]["detail"]

        # Free text outside the window is refused by WhatsApp (63016); the operator sees why.
        refused = await channel.send_text(f"whatsapp:{ANNA}", "free text, too late")
        assert not refused.sent and "24-hour window" in refused.reason


async def test_delivery_status_callbacks_are_recorded(sqlite_engine, fake_twilio, run_bot):
    async with run_bot(settings_for(twilio=fake_twilio), sqlite_engine) as (server, app):
        wire(fake_twilio, server)
        await say(fake_twilio, "hello", 1)
        message = fake_twilio.to(ANNA)[0]
        local = server.addresses[0] + "/whatsapp/status"
        assert await fake_twilio.report_status(message, "delivered", local_url=local) == 204
        assert await fake_twilio.report_status(message, "read", local_url=local) == 204
        [row] = await server.channels["whatsapp"].delivery_log.list(f"whatsapp:{ANNA}")
        assert row["status"] == "read" and row["provider_id"] == message.sid
        status, _ = await fake_twilio.post(local, {"MessageSid": message.sid, "MessageStatus": "failed"}, {})
        assert status == 403
        [row] = await server.channels["whatsapp"].delivery_log.list(f"whatsapp:{ANNA}")
        assert row["status"] == "read"


async def test_twilio_is_answered_before_a_slow_turn_finishes(sqlite_engine, fake_twilio, run_bot):
    async with run_bot(settings_for(twilio=fake_twilio), sqlite_engine) as (server, app):
        wire(fake_twilio, server)
        handle = app.dialogue.handle
        release = asyncio.Event()

        async def slow(msg, also=None):
            await release.wait()  # a slow booking system: it answers only once Twilio has had its 200
            return await handle(msg, also)

        app.dialogue.handle = slow
        try:
            status, _, _ = await within(fake_twilio.send(ANNA, "hello"), "Twilio answered while the turn still runs")
            assert status == 200 and fake_twilio.to(ANNA) == []
        finally:
            release.set()
        await fake_twilio.wait_for(ANNA, 1)


async def test_a_turn_interrupted_by_a_stop_is_finished_after_the_restart(sqlite_engine, fake_twilio, run_bot):
    settings = settings_for(twilio=fake_twilio)
    async with run_bot(settings, sqlite_engine) as (server, app):
        wire(fake_twilio, server)
        # Recorded and acknowledged, but the process died before handling it (an inbox no conveyor works on):
        await Inbox(sqlite_engine, app.clock).record("whatsapp", "SMlost0001", f"whatsapp:{ANNA}",
                                                     {"from": f"whatsapp:{ANNA}", "body": "hello", "profile": "Anna"})
    assert fake_twilio.to(ANNA) == []
    fake_twilio.last_inbound[f"whatsapp:{ANNA}"] = fake_twilio.now
    async with run_bot(settings, sqlite_engine) as (server, app):
        await fake_twilio.wait_for(ANNA, 1)
        await settle(server)
        assert len(fake_twilio.to(ANNA)) == 1 and fake_twilio.to(ANNA)[0].body.startswith("Hi!")


async def test_a_reminder_is_a_numbered_list_answered_by_number(sqlite_engine, fake_twilio, run_bot, clock):
    from datetime import datetime

    from bot.main import build_scheduler

    async with run_bot(settings_for(twilio=fake_twilio), sqlite_engine) as (server, app):
        wire(fake_twilio, server)
        await say(fake_twilio, BOOK, 1)
        await say(fake_twilio, "Anna Schmidt", 2)
        await say(fake_twilio, "1", 3)
        reminders = build_scheduler(app, server.senders)
        await reminders.tick()
        clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=app.business.tz))  # inside the 24-hour window
        fake_twilio.now += 23 * 3600
        assert await reminders.tick() == 1
        reminder = (await fake_twilio.wait_for(ANNA, 4))[-1].body
        assert reminder == ("Reminder: your Haircut with Sarah is on Tue 24 Nov, 10:00. See you then!\n"
                            "1. I'll be there\n2. Talk to the team")  # inside the free 24 hours
        assert "Great, see you on Tue 24 Nov, 10:00!" in await say(fake_twilio, "1", 5)


async def test_a_reminder_during_a_twilio_outage_is_tried_again_and_arrives_once(sqlite_engine, fake_twilio, run_bot,
                                                                                 clock):
    from datetime import datetime, timedelta

    from bot.main import build_scheduler

    async with run_bot(settings_for(twilio=fake_twilio), sqlite_engine) as (server, app):
        wire(fake_twilio, server)
        for n, text in enumerate((BOOK, "Anna Schmidt", "1"), 1):
            await say(fake_twilio, text, n)
        reminders = build_scheduler(app, server.senders)
        await reminders.tick()
        clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=app.business.tz))
        fake_twilio.now += 23 * 3600
        fake_twilio.outage = 1
        assert await reminders.tick() == 0  # Twilio answered 503: not sent, not given up
        [row] = [r for r in await reminders.listing() if r.kind == "reminder" and r.status == "planned"
                 and r.note and "503" in r.note]
        clock.set(clock.now() + timedelta(seconds=30))
        assert await reminders.tick() == 1
        got = await fake_twilio.wait_for(ANNA, 4)
        assert sum(m.body.startswith("Reminder:") for m in got if m.body) == 1


async def test_a_reply_twilio_cannot_take_now_stays_owed_with_the_reason(sqlite_engine, fake_twilio, run_bot):
    async with run_bot(settings_for(twilio=fake_twilio), sqlite_engine) as (server, app):
        wire(fake_twilio, server)
        fake_twilio.outage = 1
        status, _, _ = await fake_twilio.send(ANNA, "hello")
        assert status == 200
        await settle(server)
        [row] = await server.channels["whatsapp"].outbox.listing(f"whatsapp:{ANNA}")
        assert row["status"] == "pending" and row["attempts"] == 1 and "20503" in row["note"]
        assert await server.channels["whatsapp"].delivery_log.list(f"whatsapp:{ANNA}") == []


async def test_a_reminder_under_way_when_the_process_died_is_not_sent_twice(sqlite_engine, fake_twilio, run_bot,
                                                                             clock):
    from datetime import datetime, timedelta

    from bot.main import build_scheduler

    class Crash(Exception):
        """The process dies after the send, before the result is written."""

    async with run_bot(settings_for(twilio=fake_twilio), sqlite_engine) as (server, app):
        wire(fake_twilio, server)
        await say(fake_twilio, BOOK, 1)
        await say(fake_twilio, "Anna Schmidt", 2)
        await say(fake_twilio, "1", 3)
        dying = build_scheduler(app, server.senders, checks=server.checks)
        await dying.tick()
        clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=app.business.tz))  # inside the 24-hour window
        fake_twilio.now += 23 * 3600

        async def crash(*args, **kwargs):
            raise Crash

        dying.store.finish = crash
        with pytest.raises(Crash):
            await dying.tick()
        [reminder] = [m for m in fake_twilio.to(ANNA) if m.body.startswith("Reminder")]  # it went out
        clock.advance(timedelta(minutes=3))  # the dead process's lease has run out
        fake_twilio.now += 180
        restarted = build_scheduler(app, server.senders, checks=server.checks)
        assert await restarted.tick() == 1
        assert [m.body for m in fake_twilio.to(ANNA)].count(reminder.body) == 1, "not sent a second time"
        assert fake_twilio.lookups, "Twilio was asked whether it had gone out"
        [row] = [r for r in await restarted.store.listing() if r.kind == "reminder" and r.status == "sent"]
        assert row.note == "had gone out before the lease ran out"


@pytest.mark.parametrize("media, lang, answer", [
    ("audio/ogg", "en", "Sorry, I can't listen to voice messages. Could you write it to me?"),
    ("image/jpeg", "en", "Sorry, I can only read text, not pictures or files. Could you write it to me?"),
])
async def test_a_voice_note_or_a_picture_gets_asked_to_write(sqlite_engine, fake_twilio, run_bot, media, lang, answer):
    async with run_bot(settings_for(twilio=fake_twilio), sqlite_engine) as (server, app):
        wire(fake_twilio, server)
        assert "What name" in await say(fake_twilio, BOOK, 1)
        status, twiml, params = await fake_twilio.send(ANNA, "", media=media)  # as Twilio posts an attachment
        assert status == 200 and params["MessageSid"].startswith("MM")
        reply = (await fake_twilio.wait_for(ANNA, 2))[-1].body
        assert reply.startswith(answer), "not 'I didn't get any text'"
        assert "What name should I put the booking under?" in reply, "the question on the table stays"
        assert "Shall I book" in await say(fake_twilio, "Anna Schmidt", 3)
