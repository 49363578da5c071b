"""Replies go through the outbox: written with the turn, sent after it, and after a crash sent once, not again.

A crash is played by a bot whose sending stops at a chosen point (nothing sent, or sent but not
marked), then a new bot started on the same database, as the process manager would.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from channel_kit import settings_for, settle
from test_whatsapp import ANNA, BOOK, say, wire

from bot.inbox.store import inbound_messages
from bot.outbox import Outbox
from bot.store import conversations

TG_ANNA = 424242


class Crash(Exception):
    """The process dies here."""


async def owed(engine) -> list[dict]:
    return [r for r in await Outbox(engine, None).listing() if r["status"] == "pending"]  # type: ignore[arg-type]


async def test_whatsapp_replies_not_sent_before_a_crash_are_sent_at_the_next_start(db_engine, fake_twilio, run_bot):
    async with run_bot(settings_for(twilio=fake_twilio), db_engine) as (server, app):
        wire(fake_twilio, server)
        assert "What name" in await say(fake_twilio, BOOK, 1)

        async def crash_before_sending(user_key, everything):
            raise Crash

        server.channels["whatsapp"].conveyor.deliver = crash_before_sending
        await fake_twilio.send(ANNA, "Anna Schmidt")
        await settle(server)
        assert len(fake_twilio.to(ANNA)) == 1, "nothing more went out"
        assert len(await owed(db_engine)) == 1, "the question is owed"
    async with run_bot(settings_for(twilio=fake_twilio), db_engine) as (server, app):
        wire(fake_twilio, server)
        [_, question] = await fake_twilio.wait_for(ANNA, 2)
        assert "Shall I book Haircut with Sarah on Tue 24 Nov, 10:00" in question.body
        assert fake_twilio.lookups, "Twilio was asked whether it had gone out before it was sent again"
        assert "You're booked" in await say(fake_twilio, "yes", 3)
        await settle(server)
    assert len(fake_twilio.to(ANNA)) == 3, "every reply once"
    assert await owed(db_engine) == []


async def test_a_whatsapp_reply_sent_just_before_a_crash_is_not_sent_again(db_engine, fake_twilio, run_bot):
    async with run_bot(settings_for(twilio=fake_twilio), db_engine) as (server, app):
        wire(fake_twilio, server)
        outbox = server.channels["whatsapp"].sender.outbox
        settle_row = outbox.settle

        async def crash_before_marking(item, **kwargs):  # Twilio has it; the process dies before writing so
            raise Crash

        outbox.settle = crash_before_marking
        await fake_twilio.send(ANNA, BOOK)
        await settle(server)
        outbox.settle = settle_row
        assert len(fake_twilio.to(ANNA)) == 1 and len(await owed(db_engine)) == 1
    async with run_bot(settings_for(twilio=fake_twilio), db_engine) as (server, app):
        wire(fake_twilio, server)
        assert "Shall I book" in await say(fake_twilio, "Anna Schmidt", 2)
        await settle(server)
    bodies = [m.body for m in fake_twilio.to(ANNA)]
    assert len(bodies) == 2 and "What name" in bodies[0], "the name question went out once, not twice"
    assert await owed(db_engine) == []


async def test_a_message_is_not_handled_again_once_its_replies_are_written(db_engine, fake_twilio, run_bot):
    """The state, the replies and the message marked handled are one transaction: after a crash before
    sending, the restart sends the replies of that turn instead of answering the message anew."""
    async with run_bot(settings_for(twilio=fake_twilio), db_engine) as (server, app):
        wire(fake_twilio, server)
        await say(fake_twilio, BOOK, 1)
        await say(fake_twilio, "Anna Schmidt", 2)

        async def crash_before_sending(user_key, everything):
            raise Crash

        server.channels["whatsapp"].conveyor.deliver = crash_before_sending
        await fake_twilio.send(ANNA, "yes")
        await settle(server)
        async with db_engine.connect() as conn:
            statuses = list((await conn.execute(sa.select(inbound_messages.c.status))).scalars())
        assert statuses == ["done"] * 3
    async with run_bot(settings_for(twilio=fake_twilio), db_engine) as (server, app):
        wire(fake_twilio, server)
        [*_, booked] = await fake_twilio.wait_for(ANNA, 3)
        await settle(server)
        assert "Done! You're booked" in booked.body
        assert len([b for b in await app.backend.list_all() if b.status.active]) == 1
    assert len(fake_twilio.to(ANNA)) == 3


async def test_when_the_turn_cannot_be_saved_nothing_of_it_is_kept(db_engine, fake_twilio, run_bot):
    async with run_bot(settings_for(twilio=fake_twilio), db_engine) as (server, app):
        wire(fake_twilio, server)
        await say(fake_twilio, BOOK, 1)
        outbox = server.channels["whatsapp"].outbox
        adding = outbox.adding

        def failing(user_key, cause, replies, kind="reply"):
            write = adding(user_key, cause, replies, kind)
            if kind != "reply":
                return write

            async def fail(conn):
                await write(conn)
                raise sa.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))

            return fail

        outbox.adding = failing
        apology = await say(fake_twilio, "Anna Schmidt", 2)
        assert "Sorry" in apology and "Shall I book" not in apology
        outbox.adding = adding
        async with db_engine.connect() as conn:
            state = (await conn.execute(sa.select(conversations.c.state))).scalar_one()
        assert "Anna Schmidt" not in state, "the state did not move on without its replies"
        assert "Shall I book" in await say(fake_twilio, "Anna Schmidt", 3), "the customer can simply say it again"


async def test_telegram_replies_not_sent_before_a_crash_are_sent_at_the_next_start(db_engine, fake_telegram,
                                                                                   run_bot):
    async with run_bot(settings_for(fake_telegram), db_engine) as (server, app):
        async def crash_before_sending(user_key, everything):
            raise Crash

        server.channels["telegram"].conveyor.deliver = crash_before_sending
        await fake_telegram.send(TG_ANNA, BOOK)
        await settle(server, fake_telegram)
        assert fake_telegram.chat(TG_ANNA) == []
    async with run_bot(settings_for(fake_telegram), db_engine) as (server, app):
        [question] = await fake_telegram.wait_for(TG_ANNA, 1)
        assert "What name" in question.text
        await settle(server, fake_telegram)
    assert len(fake_telegram.chat(TG_ANNA)) == 1
    assert await owed(db_engine) == []


@pytest.mark.parametrize("problems", [False, True], ids=["twilio-error", "rfc9457-problem"])
async def test_a_reply_twilio_could_not_take_is_sent_once_it_can_in_order(db_engine, fake_twilio, run_bot, clock,
                                                                          problems):
    from datetime import timedelta

    fake_twilio.problems = problems  # however Twilio words its 503, the reply is owed, not lost
    async with run_bot(settings_for(twilio=fake_twilio), db_engine) as (server, app):
        wire(fake_twilio, server)
        fake_twilio.outage = 1  # Twilio answers the first send 503
        await fake_twilio.send(ANNA, BOOK)
        await settle(server)
        assert fake_twilio.to(ANNA) == [] and len(await owed(db_engine)) == 1
        await fake_twilio.send(ANNA, "Anna Schmidt")  # her next message waits behind the owed reply
        await settle(server)
        assert fake_twilio.to(ANNA) == [], "nothing overtakes the owed reply"
        clock.advance(timedelta(seconds=31))
        await server.send_owed()
        await settle(server)
        bodies = [m.body for m in fake_twilio.to(ANNA)]
        assert len(bodies) == 2 and "What name" in bodies[0] and "Shall I book" in bodies[1]
        assert await owed(db_engine) == []


async def test_a_reply_the_platform_keeps_refusing_is_given_up_with_the_reason(sqlite_engine, clock):
    from datetime import timedelta

    import storage
    from bot.messages import Reply
    from bot.outbox import Sender, migrate
    from bot.outbox.sender import MAX_ATTEMPTS

    class Busy(Exception):
        """The platform asks to try again later."""

    async def send(item):
        tries.append(clock.now())
        raise Busy("slow down")

    await migrate(sqlite_engine)
    outbox, tries = Outbox(sqlite_engine, clock), []
    await storage.commit(sqlite_engine, [outbox.adding("telegram:5", "telegram:1:1", [Reply("Hi!")])])
    sender = Sender(outbox, send, retry_later=(Busy,))
    results = []
    for _ in range(MAX_ATTEMPTS + 2):
        results.append(await sender.deliver("telegram:5"))
        clock.advance(timedelta(minutes=9))  # past the longest wait
    assert len(tries) == MAX_ATTEMPTS and results[:MAX_ATTEMPTS - 1] == [False] * (MAX_ATTEMPTS - 1)
    [row] = await outbox.listing("telegram:5")
    assert row["status"] == "failed" and row["note"] == f"gave up after {MAX_ATTEMPTS} tries: slow down"
    assert await sender.deliver("telegram:5") is True, "nothing is owed any more"


async def test_a_turns_replies_are_handed_to_the_sender_once_and_only_once_committed(sqlite_engine, clock):
    import storage
    from bot.messages import Reply
    from bot.outbox import Sender, migrate

    await migrate(sqlite_engine)
    outbox, sent = Outbox(sqlite_engine, clock), []

    async def send(item):
        sent.append(item.reply.text)
        return type("Result", (), {"sent": True, "id": f"SM{len(sent)}", "reason": None, "records": ()})()

    sender = Sender(outbox, send)
    with pytest.raises(RuntimeError):
        async with sqlite_engine.begin() as conn:  # the turn's transaction fails after its replies were written
            await storage.writing(conn, [outbox.adding("telegram:5", "telegram:1", [Reply("Lost")])])
            raise RuntimeError("the state could not be saved")
    assert await sender.deliver("telegram:5", everything=False) is True and sent == []
    await storage.commit(sqlite_engine, [outbox.adding("telegram:5", "telegram:2", [Reply("One"), Reply("Two")])])
    assert await sender.deliver("telegram:5", everything=False) is True and sent == ["One", "Two"]
    assert await sender.deliver("telegram:5", everything=False) is True and sent == ["One", "Two"]
    assert await sender.deliver("telegram:5") is True and sent == ["One", "Two"], "the table owes nothing either"
    assert [row["status"] for row in await outbox.listing("telegram:5")] == ["sent", "sent"]
