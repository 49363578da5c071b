"""Reminders arrive once, on time, on the customer's channel, and survive restarts and failures."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from booking_client import BookingRequest, BookingStatus, Contact
from bot.main import build_app, build_scheduler
from bot.clock import VirtualClock
from bot.messages import Inbound
from bot.settings import Settings
from scheduler.store import reminders

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)


class Phone:
    """A fake channel: what each customer received, and a switch to make sending fail."""

    def __init__(self) -> None:
        self.got: list[tuple[str, str, str, tuple[str, ...]]] = []
        self.failures = 0
        self.refuse = False

    async def __call__(self, kind, user, reply, variables):
        if self.failures:
            self.failures -= 1
            raise ConnectionError("network down")
        if self.refuse:
            return False
        self.got.append((kind, user, reply.text, tuple(o.label for o in reply.options)))
        return True

    def kinds(self):
        return [k for k, *_ in self.got]


async def make(engine, clock, **settings):
    app = await build_app(Settings(_env_file=None, **settings), clock=clock, engine=engine)
    phone = Phone()
    return app, phone, build_scheduler(app, {"telegram": phone, "whatsapp": phone})


async def book_in_chat(app, when="Thursday at 10", user="1001"):
    for text in (f"haircut with Sarah {when}", "Anna", "yes"):
        replies = await app.dialogue.handle(Inbound("telegram", user, text=text, lang="en"))
    assert "booked" in replies[-1].text
    return (await app.backend.list_for_contact(Contact(ref=f"telegram:{user}")))[0]


async def walk(clock, sched, until):
    """Let time pass until `until`, ticking at every due time on the way (as the loop would)."""
    await sched.tick()
    while (due := await sched.next_due()) is not None and due <= until:
        clock.set(max(due, clock.now()))
        await sched.tick()
    clock.set(until)
    await sched.tick()


async def statuses(app):
    async with app.engine.connect() as conn:
        rows = (await conn.execute(sa.select(reminders.c.kind, reminders.c.status, reminders.c.due_at)
                                   .order_by(reminders.c.due_at, reminders.c.id))).all()
    return [(k, s, d.astimezone(BERLIN).strftime("%a %H:%M")) for k, s, d in rows]


async def test_a_booking_gets_two_reminders_and_a_follow_up_each_once_in_order(db_engine):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(db_engine, clock)
    await book_in_chat(app)
    await walk(clock, sched, datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN))
    assert phone.kinds() == ["reminder", "reminder", "follow_up"]
    assert "Reminder: your Haircut with Sarah is on Thu 26 Nov, 10:00" in phone.got[0][2]
    assert phone.got[0][3] == ("I'll be there", "Move it", "Cancel it")
    await sched.tick()
    assert len(phone.got) == 3  # nothing is sent twice
    assert [s for _, s, _ in await statuses(app)] == ["sent", "sent", "sent"]


async def test_the_quick_actions_work_as_replies_in_the_conversation(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    # two days ahead: a reminder inside the demo salon's 24 free hours would get the cancellation policy instead
    app, phone, sched = await make(sqlite_engine, clock, reminder_offsets="48h,2h")
    await book_in_chat(app)
    await walk(clock, sched, datetime(2026, 11, 24, 10, 1, tzinfo=BERLIN))
    assert phone.kinds() == ["reminder"]
    replies = await app.dialogue.handle(Inbound("telegram", "1001", text="3", lang="en"))  # "Cancel it"
    assert "Cancel your Haircut" in replies[-1].text
    replies = await app.dialogue.handle(Inbound("telegram", "1001", text="yes", lang="en"))
    assert "cancelled" in replies[-1].text
    await walk(clock, sched, datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN))
    assert phone.kinds() == ["reminder"]  # the 2-hour reminder and the follow-up were dropped
    assert [s for _, s, _ in await statuses(app)] == ["sent", "cancelled", "cancelled"]


async def test_a_reschedule_moves_the_reminders(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(sqlite_engine, clock)
    booking = await book_in_chat(app)
    await sched.tick()
    await app.backend.reschedule(booking.id, datetime(2026, 11, 27, 15, 0, tzinfo=BERLIN))
    await walk(clock, sched, datetime(2026, 11, 28, 9, 0, tzinfo=BERLIN))
    assert [text.split(" is on ")[1][:17] for kind, _, text, _ in phone.got if kind == "reminder"] == \
        ["Fri 27 Nov, 15:00", "Fri 27 Nov, 15:00"]


async def test_bookings_made_outside_the_chat_get_reminders_and_no_shows_a_follow_up(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(sqlite_engine, clock)
    made = await app.backend.create(BookingRequest("beard", "tom", datetime(2026, 11, 25, 11, 0, tzinfo=BERLIN),
                                                   Contact(ref="whatsapp:+4915100000001", name="Jonas")), "desk-1")
    await walk(clock, sched, datetime(2026, 11, 25, 11, 30, tzinfo=BERLIN))
    assert [(k, u) for k, u, *_ in phone.got] == [("reminder", "+4915100000001")] * 2
    await app.backend.mark(made.id, BookingStatus.NO_SHOW)  # the operator marks it
    await walk(clock, sched, datetime(2026, 11, 25, 14, 0, tzinfo=BERLIN))
    assert phone.kinds() == ["reminder", "reminder", "no_show"]
    assert "We missed you" in phone.got[-1][2]


async def test_a_restart_catches_up_within_the_grace_period_and_marks_older_ones_missed(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(sqlite_engine, clock)
    await book_in_chat(app, "Thursday at 10")
    await sched.tick()
    # the bot is down from Tuesday until 40 minutes after the first reminder was due
    clock.set(datetime(2026, 11, 25, 10, 40, tzinfo=BERLIN))
    app2, phone2, sched2 = await make(sqlite_engine, clock)
    await sched2.tick()
    assert phone2.kinds() == ["reminder"]
    # down again across the second reminder, for longer than the grace period
    clock.set(datetime(2026, 11, 26, 9, 30, tzinfo=BERLIN))
    app3, phone3, sched3 = await make(sqlite_engine, clock)
    await sched3.tick()
    assert phone3.got == []
    assert [s for _, s, _ in await statuses(app3)][:2] == ["sent", "missed"]


async def test_a_process_dying_mid_send_neither_loses_nor_doubles_the_reminder(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(sqlite_engine, clock)
    await book_in_chat(app)
    await sched.tick()
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN))
    _, claimed = await sched.claim()  # claimed, then the process dies before sending
    assert len(claimed) == 1
    app2, phone2, sched2 = await make(sqlite_engine, clock)
    await sched2.tick()
    assert phone2.got == []  # the lease still holds: a healthy peer does not send it
    clock.advance(timedelta(minutes=3))  # lease expired
    await sched2.tick()
    await sched2.tick()
    assert phone2.kinds() == ["reminder"]


async def test_a_failing_send_is_retried_with_backoff_then_given_up_visibly(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(sqlite_engine, clock, reminder_max_attempts=3)
    await book_in_chat(app)
    await sched.tick()
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN))
    phone.failures = 2
    await sched.tick()
    assert phone.got == []
    clock.advance(timedelta(seconds=29))
    await sched.tick()
    assert phone.got == []  # the first retry waits 30 seconds
    clock.advance(timedelta(seconds=2))
    await sched.tick()
    clock.advance(timedelta(seconds=61))  # the second waits a minute
    await sched.tick()
    assert phone.kinds() == ["reminder"]
    # a channel that keeps failing: three tries, then "failed" with the reason for the operator
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=BERLIN))
    phone.failures = 99
    for _ in range(6):
        await sched.tick()
        clock.advance(timedelta(minutes=5))
    async with app.engine.connect() as conn:
        row = (await conn.execute(sa.select(reminders).where(reminders.c.status == "failed"))).one()
    assert row.attempts == 3 and "network down" in row.note


async def test_a_channel_that_refuses_is_recorded_not_retried(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(sqlite_engine, clock)
    await book_in_chat(app)
    phone.refuse = True
    await walk(clock, sched, datetime(2026, 11, 25, 10, 5, tzinfo=BERLIN))
    assert [s for _, s, _ in await statuses(app)][0] == "failed"


async def test_a_customer_who_goes_quiet_mid_booking_is_nudged_once(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(sqlite_engine, clock)
    await app.dialogue.handle(Inbound("telegram", "1001", text="I'd like a beard trim", lang="en"))
    await walk(clock, sched, MONDAY_9 + timedelta(hours=5))
    assert phone.kinds() == ["nudge"]
    assert "You were about to book a Beard trim" in phone.got[0][2]
    replies = await app.dialogue.handle(Inbound("telegram", "1001", text="1", lang="en"))  # "Yes, carry on"
    assert "When would you like" in replies[-1].text
    await walk(clock, sched, MONDAY_9 + timedelta(hours=12))
    assert phone.kinds() == ["nudge", "nudge"]  # once per silence: the customer wrote again, then went quiet
    await walk(clock, sched, MONDAY_9 + timedelta(hours=30))
    assert phone.kinds() == ["nudge", "nudge"]


async def test_a_customer_who_says_they_will_think_about_it_is_not_nudged_for_that_silence(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(sqlite_engine, clock)
    await app.dialogue.handle(Inbound("telegram", "1001", text="haircut on Thursday", lang="en"))
    replies = await app.dialogue.handle(Inbound("telegram", "1001", text="let me think about it", lang="en"))
    assert replies[-1].text.startswith("No rush")
    await walk(clock, sched, MONDAY_9 + timedelta(hours=6))
    assert phone.kinds() == [], "they said they would write: no 'shall we carry on?' an hour later"
    replies = await app.dialogue.handle(Inbound("telegram", "1001", text="2", lang="en"))  # the second time, after all
    assert "What name should I put the booking under?" in replies[-1].text
    await walk(clock, sched, MONDAY_9 + timedelta(hours=12))
    assert phone.kinds() == ["nudge"], "a later silence, with nothing put off, is nudged as before"


async def test_two_schedulers_on_one_postgres_database_never_send_a_reminder_twice(pg_engine):
    clock = VirtualClock(MONDAY_9)
    app, _, _ = await make(pg_engine, clock)
    for i in range(24):  # 24 customers, one booking each, spread over two days
        day, slot = divmod(i, 12)
        start = datetime(2026, 11, 25 + day, 9, 0, tzinfo=BERLIN) + timedelta(minutes=30 * slot)
        await app.backend.create(BookingRequest("haircut", "sarah" if i % 2 else "tom", start,
                                                Contact(ref=f"telegram:{i}")), f"k{i}")
    a_app, a_phone, a = await make(pg_engine, clock)
    b_app, b_phone, b = await make(pg_engine, clock)
    await a.sync()
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN))  # every 24h reminder is due at once
    a.grace = b.grace = timedelta(days=3)
    a.batch = b.batch = 5  # small claims, so the two processes interleave
    await asyncio.gather(a.send_due(), b.send_due(), a.send_due(), b.send_due())
    delivered = Counter((kind, user) for kind, user, *_ in a_phone.got + b_phone.got)
    assert a_phone.got and b_phone.got  # both really sent some
    assert delivered == Counter({(kind, str(i)): n for i in range(24) for kind, n in (("reminder", 2), ("follow_up", 1))})


async def test_a_batch_that_outlives_its_lease_leaves_the_rest_for_the_next_claim(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(sqlite_engine, clock)
    for i in range(6):
        start = datetime(2026, 11, 25, 9, 0, tzinfo=BERLIN) + timedelta(minutes=30 * i)
        await app.backend.create(BookingRequest("haircut", "tom", start, Contact(ref=f"telegram:{i}")), f"k{i}")
    await sched.sync()
    clock.set(datetime(2026, 11, 24, 13, 0, tzinfo=BERLIN))  # every 24h reminder is due

    slow = phone.__call__

    async def slow_phone(*args):  # each send takes 40 seconds of the 2-minute lease
        clock.advance(timedelta(seconds=40))
        return await slow(*args)

    sched.senders["telegram"] = slow_phone
    sched.grace = timedelta(days=1)
    first = await sched.send_due()
    assert 0 < first < 6  # it stopped before the lease ran out
    assert await sched.send_due() + first == 6
    assert sorted(user for _, user, *_ in phone.got) == [str(i) for i in range(6)]  # each once


class SlowPhone(Phone):
    """A channel whose first send waits until the test lets it through."""

    def __init__(self) -> None:
        super().__init__()
        self.sending = asyncio.Event()
        self.let_through = asyncio.Event()

    async def __call__(self, kind, user, reply, variables):
        self.sending.set()
        await self.let_through.wait()
        return await super().__call__(kind, user, reply, variables)


async def test_stopping_lets_a_send_under_way_finish(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app = await build_app(Settings(_env_file=None), clock=clock, engine=sqlite_engine)
    phone = SlowPhone()
    sched = build_scheduler(app, {"telegram": phone, "whatsapp": phone})
    await book_in_chat(app)  # Thursday 10:00: the 24 h reminder is due on Wednesday at 10:00
    await sched.tick()  # planned on Monday
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN))
    sched.start(every_seconds=3600)  # the first tick runs at once, the next not within this test
    await phone.sending.wait()
    stopping = asyncio.create_task(sched.stop())
    for _ in range(20):
        await asyncio.sleep(0)  # give stop() every chance to return early
    assert not stopping.done(), "stop() returned while a reminder was being sent"
    phone.let_through.set()
    await stopping
    assert phone.kinds() == ["reminder"]
    assert ("reminder", "sent", "Wed 10:00") in await statuses(app)
    await app.aclose()


async def test_after_the_first_tick_nudges_follow_what_changed(db_engine):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(db_engine, clock)
    await sched.tick()  # the first tick: nothing under way yet
    await app.dialogue.handle(Inbound("telegram", "1001", text="I'd like a beard trim", lang="en"))
    await app.dialogue.handle(Inbound("telegram", "1002", text="I'd like a haircut", lang="en"))
    clock.set(MONDAY_9 + timedelta(minutes=5))
    await sched.tick()  # both left mid-booking since the last tick: a nudge planned for each
    await app.dialogue.handle(Inbound("telegram", "1002", text="stop", lang="en"))  # 1002 leaves the booking
    clock.set(MONDAY_9 + timedelta(minutes=10))
    await sched.tick()
    await walk(clock, sched, MONDAY_9 + timedelta(hours=5))
    assert [user for kind, user, *_ in phone.got] == ["1001"]  # 1002's planned nudge went with the booking


async def test_a_customer_who_leaves_the_booking_in_the_same_moment_as_a_tick_is_not_nudged(db_engine):
    clock = VirtualClock(MONDAY_9)  # a clock that stands still, as the console's does between two commands
    app, phone, sched = await make(db_engine, clock)
    await sched.tick()
    await app.dialogue.handle(Inbound("telegram", "1001", text="I'd like a beard trim", lang="en"))
    await sched.tick()  # a nudge planned for the silence after this message
    await app.dialogue.handle(Inbound("telegram", "1001", text="I'd like a haircut instead", lang="en"))
    await sched.tick()  # the same moment, a newer silence: the nudge follows it
    await app.dialogue.handle(Inbound("telegram", "1001", text="stop", lang="en"))
    await sched.tick()  # still the same moment: the booking is off, and so is the nudge
    await walk(clock, sched, MONDAY_9 + timedelta(hours=5))
    assert phone.got == []


async def test_ticks_plan_each_conversation_once_though_their_look_backs_overlap(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(sqlite_engine, clock)
    await sched.tick()
    written: list[tuple[list[str], list[str]]] = []
    plan = sched.store.plan_nudges

    async def spy(wanted, settled, now):
        written.append(([key for key, _ in wanted], list(settled)))
        await plan(wanted, settled, now)

    sched.store.plan_nudges = spy
    await app.dialogue.handle(Inbound("telegram", "1001", text="I'd like a beard trim", lang="en"))
    await app.dialogue.handle(Inbound("telegram", "1002", text="when are you open?", lang="en"))
    for _ in range(3):  # a tick every five seconds, each looking back over the last minute
        clock.set(clock.now() + timedelta(seconds=5))
        await sched.tick()
    assert written == [(["telegram:1001"], ["telegram:1002"])]  # once, not at every tick
    await app.dialogue.handle(Inbound("telegram", "1001", text="Sarah", lang="en"))
    clock.set(clock.now() + timedelta(seconds=5))
    await sched.tick()
    assert written[1:] == [(["telegram:1001"], [])]  # the newer silence replaces the nudge; 1002 is left alone
    await walk(clock, sched, MONDAY_9 + timedelta(hours=5))
    assert [(kind, user) for kind, user, *_ in phone.got] == [("nudge", "1001")]


async def test_many_customers_mid_booking_are_each_nudged(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(sqlite_engine, clock)
    await sched.tick()
    for n in range(30):
        await app.dialogue.handle(Inbound("telegram", str(2000 + n), text="I'd like a beard trim", lang="en"))
        clock.set(clock.now() + timedelta(seconds=5))
        await sched.tick()  # a tick every few seconds while customers come and go
    await walk(clock, sched, MONDAY_9 + timedelta(hours=5))
    assert sorted(user for kind, user, *_ in phone.got) == [str(2000 + n) for n in range(30)]


async def test_a_tick_with_hundreds_of_customers_to_nudge_lets_another_customer_be_answered_meanwhile(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(sqlite_engine, clock)
    await sched.tick()
    customers = [str(4000 + n) for n in range(210)]
    await asyncio.gather(*(app.dialogue.handle(Inbound("telegram", user, text="beard trim please", lang="en"))
                           for user in customers))  # each left mid-booking
    clock.set(clock.now() + timedelta(seconds=5))
    tick = asyncio.create_task(sched.tick())  # reads 210 conversations and plans a nudge for each
    answered_meanwhile = 0
    while not tick.done():  # another customer writes whenever the event loop is free
        replies = await app.dialogue.handle(Inbound("telegram", "3000", text="when are you open?", lang="en"))
        answered_meanwhile += not tick.done() and "Mon" in replies[0].text
        await asyncio.sleep(0)
    # the tick pauses after each hundred states decoded and each hundred nudges planned
    assert answered_meanwhile >= 3
    await walk(clock, sched, MONDAY_9 + timedelta(hours=5))
    assert sorted(user for kind, user, *_ in phone.got) == customers


WAIT = 10  # seconds a test waits for a send it expects before failing (instead of hanging)


class HeldPhone(Phone):
    """A channel where the first message to one customer waits until the test lets it through."""

    def __init__(self, slow_user: str, others: int) -> None:
        super().__init__()
        self.slow_user = slow_user
        self.others = others  # messages to the other customers the test waits for
        self.holding = asyncio.Event()
        self.others_through = asyncio.Event()
        self.let_through = asyncio.Event()

    async def __call__(self, kind, user, reply, variables):
        if user == self.slow_user and not self.holding.is_set():
            self.holding.set()
            await self.let_through.wait()
        sent = await super().__call__(kind, user, reply, variables)
        if sum(u != self.slow_user for _, u, *_ in self.got) == self.others:
            self.others_through.set()
        return sent


async def book_at(app, user: str, *starts: datetime) -> None:
    for n, start in enumerate(starts):
        await app.backend.create(BookingRequest("haircut", "tom", start, Contact(ref=f"telegram:{user}", name="Anna")),
                                 f"{user}-{n}")


async def test_a_slow_customer_holds_up_nobody_and_gets_their_two_reminders_in_order(db_engine):
    clock = VirtualClock(MONDAY_9)
    app = await build_app(Settings(_env_file=None), clock=clock, engine=db_engine)
    phone = HeldPhone("1001", others=4)
    sched = build_scheduler(app, {"telegram": phone})
    await book_at(app, "1001", datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN),
                  datetime(2026, 11, 25, 11, 0, tzinfo=BERLIN))
    for n in range(4):
        await book_at(app, str(2000 + n), datetime(2026, 11, 25, 12, 0, tzinfo=BERLIN) + timedelta(minutes=30 * n))
    await sched.sync()
    clock.set(datetime(2026, 11, 24, 13, 30, tzinfo=BERLIN))  # every 24-hour reminder is due, in one batch
    sched.grace = timedelta(days=1)
    sending = asyncio.create_task(sched.send_due())
    async with asyncio.timeout(WAIT):
        await phone.holding.wait()
        await phone.others_through.wait()  # the others went out while the first message to 1001 was on its way
    assert [user for _, user, *_ in phone.got] == ["2000", "2001", "2002", "2003"], "1001's second waits its turn"
    phone.let_through.set()
    assert await sending == 6
    assert [text.split(" is on ")[1][:17] for _, user, text, _ in phone.got if user == "1001"] == \
        ["Wed 25 Nov, 10:00", "Wed 25 Nov, 11:00"]
    replies = await app.dialogue.handle(Inbound("telegram", "1001", text="1", lang="en"))  # "I'll be there"
    assert replies[-1].text == "Great, see you on Wed 25 Nov, 11:00!", "the last reminder's buttons are answered"


async def test_a_customer_writing_while_their_reminder_is_made_keeps_their_conversation(db_engine):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(db_engine, clock)
    await book_in_chat(app)  # Thursday at 10
    await sched.tick()
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN))
    read_conversations = app.store.load_many

    async def customer_writes_meanwhile(keys):
        loaded = await read_conversations(keys)
        await app.dialogue.handle(Inbound("telegram", "1001", text="I'd like a beard trim", lang="en"))
        return loaded

    app.store.load_many = customer_writes_meanwhile
    await sched.tick()
    app.store.load_many = read_conversations
    assert phone.kinds() == ["reminder"]
    replies = await app.dialogue.handle(Inbound("telegram", "1001", text="tomorrow at 11", lang="en"))
    assert replies[-1].text.startswith("Shall I book Beard trim with Tom on Thu 26 Nov, 11:00"), \
        "the booking the customer started while the reminder was made goes on"


async def test_a_tick_stopped_halfway_records_what_went_out_so_nothing_is_sent_twice(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app = await build_app(Settings(_env_file=None), clock=clock, engine=sqlite_engine)
    phone = HeldPhone("1002", others=1)
    sched = build_scheduler(app, {"telegram": phone})
    await book_at(app, "1001", datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN))
    await book_at(app, "1002", datetime(2026, 11, 25, 10, 30, tzinfo=BERLIN))
    await sched.sync()
    clock.set(datetime(2026, 11, 24, 10, 30, tzinfo=BERLIN))
    sending = asyncio.create_task(sched.send_due())
    async with asyncio.timeout(WAIT):
        await phone.holding.wait()
        await phone.others_through.wait()
    sending.cancel()  # shut down while 1002's reminder is on its way
    with pytest.raises(asyncio.CancelledError):
        await sending
    assert [s for k, s, _ in await statuses(app) if k == "reminder"][:2] == ["sent", "sending"]
    clock.advance(timedelta(minutes=3))  # the lease on 1002's runs out; the next start sends it, and only it
    app2, phone2, sched2 = await make(sqlite_engine, clock)
    await sched2.tick()
    assert [(kind, user) for kind, user, *_ in phone2.got] == [("reminder", "1002")]


async def test_while_one_process_follows_the_booking_feed_another_leaves_it_to_it(pg_engine):
    """Several processes on one database: the bookings' changes are read and planned by one of them at a time,
    not by each (the rows would come out the same, the work would be done once per process)."""
    import storage

    clock = VirtualClock(MONDAY_9)
    app, _, _ = await make(pg_engine, clock)
    await app.backend.create(BookingRequest("haircut", "sarah", datetime(2026, 11, 25, 9, 0, tzinfo=BERLIN),
                                            Contact(ref="telegram:1")), "k1")
    _, _, other = await make(pg_engine, clock)
    async with storage.alone(pg_engine, "reminders: booking feed") as mine:  # the first process, mid-way
        assert mine
        async with storage.alone(pg_engine, "reminders: booking feed") as also_mine:
            assert not also_mine, "a second process does not get it meanwhile"
        await other.sync()
        assert await statuses(app) == [], "the second process left the feed to the first"
    await other.sync()  # the first one is done (or gone): the next tick of any process follows the feed
    assert [kind for kind, *_ in await statuses(app)] == ["reminder", "reminder", "follow_up"]


async def test_a_booking_gone_from_the_booking_system_does_not_stop_the_reminders(sqlite_engine):
    """The feed names a booking the booking system no longer has (deleted there): it is passed over, once, and
    the bookings after it still get their reminders."""
    from booking_client import NotFound

    clock = VirtualClock(MONDAY_9)
    app, _, sched = await make(sqlite_engine, clock)
    gone = await app.backend.create(BookingRequest("haircut", "sarah", datetime(2026, 11, 25, 9, 0, tzinfo=BERLIN),
                                                   Contact(ref="telegram:1")), "k1")
    get, get_many, asked = sched.backend.get, sched.backend.get_many, Counter()

    async def deleted_there(booking_id):
        asked[booking_id] += 1
        if booking_id == gone.id:
            raise NotFound(booking_id)
        return await get(booking_id)

    async def many_deleted_there(booking_ids):  # the feed's page is read at once
        asked.update(booking_ids)
        return {i: b for i, b in (await get_many(booking_ids)).items() if i != gone.id}

    sched.backend.get, sched.backend.get_many = deleted_there, many_deleted_there
    await asyncio.wait_for(sched.sync(), 5)  # returns: the feed moved past the booking that is gone
    await app.backend.create(BookingRequest("haircut", "tom", datetime(2026, 11, 26, 9, 0, tzinfo=BERLIN),
                                            Contact(ref="telegram:2")), "k2")
    await asyncio.wait_for(sched.sync(), 5)
    assert asked[gone.id] == 1, "the booking that is gone was looked up once, not again at every tick"
    assert [kind for kind, *_ in await statuses(app)] == ["reminder", "reminder", "follow_up"]


async def test_bookings_made_moved_and_cancelled_between_two_ticks_each_get_what_they_should(db_engine):
    """The tick replans the bookings that changed since the one before together, each kind of change in one go: a
    booking made gets its reminders, one moved gets them for its new time only, one cancelled gets none."""
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(db_engine, clock)
    await sched.tick()

    def request(staff, day, hour, phone_number):
        return BookingRequest("haircut", staff, datetime(2026, 11, day, hour, 0, tzinfo=BERLIN),
                              Contact(ref=f"whatsapp:{phone_number}", name="Kim"))

    await app.backend.create(request("sarah", 26, 10, "+4915100000001"), "made")
    moved = await app.backend.create(request("tom", 26, 11, "+4915100000002"), "moved")
    gone = await app.backend.create(request("sarah", 26, 12, "+4915100000003"), "gone")
    await app.backend.reschedule(moved.id, datetime(2026, 11, 26, 16, 0, tzinfo=BERLIN))
    await app.backend.cancel(gone.id)
    await walk(clock, sched, datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN))
    got = Counter((kind, user) for kind, user, *_ in phone.got)
    assert got == {("reminder", "+4915100000001"): 2, ("follow_up", "+4915100000001"): 1,
                   ("reminder", "+4915100000002"): 2, ("follow_up", "+4915100000002"): 1}
    assert all("16:00" in text for kind, user, text, _ in phone.got if kind == "reminder" and user.endswith("2"))


@pytest.mark.parametrize("offsets, said, arrive", [
    ("48h,3h", "48 hours and 3 hours before each appointment", ["Tue 10:00", "Thu 07:00"]),
    ("", "We don't send reminders", []),
])
async def test_will_i_get_a_reminder_is_answered_with_what_the_scheduler_then_does(sqlite_engine, offsets, said, arrive):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(sqlite_engine, clock, reminder_offsets=offsets, quiet_hours="")
    replies = await app.dialogue.handle(Inbound("telegram", "1001", text="will I get a reminder?", lang="en"))
    assert said in replies[-1].text
    await book_in_chat(app)
    sent_at = []
    await sched.tick()
    while (due := await sched.next_due()) is not None and due <= datetime(2026, 11, 26, 10, 0, tzinfo=BERLIN):
        clock.set(max(due, clock.now()))
        before = len(phone.got)
        await sched.tick()
        sent_at += [clock.now().astimezone(BERLIN).strftime("%a %H:%M")] * (len(phone.got) - before)
    assert sent_at == arrive and phone.kinds() == ["reminder"] * len(arrive)


async def test_on_whatsapp_without_a_reminder_template_the_answer_says_the_window_rule(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    app, _, _ = await make(sqlite_engine, clock)
    replies = await app.dialogue.handle(Inbound("whatsapp", "+4915100000001", text="bekomme ich eine Erinnerung?"))
    assert "24 Stunden und 2 Stunden vor jedem Termin" in replies[-1].text and "WhatsApp" in replies[-1].text
    app2, _, _ = await make(sqlite_engine, clock, twilio_templates="reminder=HX0123456789abcdef0123456789abcdef")
    replies = await app2.dialogue.handle(Inbound("whatsapp", "+4915100000002", text="bekomme ich eine Erinnerung?"))
    assert "24 Stunden und 2 Stunden vor jedem Termin" in replies[-1].text and "WhatsApp" not in replies[-1].text


@pytest.mark.parametrize("when, said, arrive", [
    ("Thursday at 10", "on Wed 25 Nov, 10:00 and Thu 26 Nov, 08:00", ["Wed 10:00", "Thu 08:00"]),
    ("tomorrow at 5pm", "on Mon 23 Nov, 17:00 and Tue 24 Nov, 15:00", ["Mon 17:00", "Tue 15:00"]),
    ("tomorrow at 10", "on Tue 24 Nov, 08:00", ["Tue 08:00"]),  # 25 hours ahead: the 24-hour one would say nothing new
])
async def test_will_i_get_a_reminder_after_booking_names_the_reminders_the_scheduler_then_sends(
        sqlite_engine, when, said, arrive):
    clock = VirtualClock(MONDAY_9)
    app, phone, sched = await make(sqlite_engine, clock, quiet_hours="")
    booking = await book_in_chat(app, when=when)
    replies = await app.dialogue.handle(Inbound("telegram", "1001", text="will I get a reminder?", lang="en"))
    assert said in replies[-1].text
    sent_at = []
    await sched.tick()
    while (due := await sched.next_due()) is not None and due <= booking.start:
        clock.set(max(due, clock.now()))
        before = len(phone.got)
        await sched.tick()
        sent_at += [clock.now().astimezone(BERLIN).strftime("%a %H:%M")] * (len(phone.got) - before)
    assert sent_at == arrive and phone.kinds() == ["reminder"] * len(arrive)
