"""The inbox: a message recorded once however many copies race in; each customer's messages in order."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from channel_kit import START

from bot.clock import VirtualClock
from bot.inbox import FINISHED, Conveyor, Inbox, RateLimit
from bot.inbox import migrate
from bot.inbox.store import inbound_messages
import storage


async def test_copies_racing_in_are_recorded_once(db_engine):
    await migrate(db_engine)
    inbox = Inbox(db_engine, VirtualClock(START))
    results = await asyncio.gather(*(
        inbox.record("whatsapp", "SM0001", "whatsapp:+4915112345678", {"body": "yes"}) for _ in range(10)
    ))
    assert sum(results) == 1


async def test_messages_arriving_together_are_stored_together_each_answered_once_stored(db_engine):
    await migrate(db_engine)
    inbox = Inbox(db_engine, VirtualClock(START))
    inserts = []
    insert_rows = inbox._insert_rows

    async def counted(conn, rows):
        inserts.append(len(rows))
        return await insert_rows(conn, rows)

    inbox._insert_rows = counted
    sids = [f"SM{n:04d}" for n in range(60)] + ["SM0007", "SM0030"]  # two redeliveries among them
    results = await asyncio.gather(*(inbox.record("whatsapp", sid, f"whatsapp:+49151{int(sid[2:]) % 3}", {"n": sid})
                                     for sid in sids))
    assert results == [True] * 60 + [False, False]
    assert sum(inserts) == 62 and len(inserts) < 10, "messages that arrive together share a transaction"
    for user in range(3):  # each customer's messages in arrival order
        order = []
        while (entry := await inbox.next_for(f"whatsapp:+49151{user}")) is not None:
            order.append(entry.payload["n"])
            await inbox.finish(entry)
        assert order == [sid for sid in sids[:60] if int(sid[2:]) % 3 == user]


async def test_when_the_database_refuses_every_waiting_webhook_hears_it(sqlite_engine):
    await migrate(sqlite_engine)
    inbox = Inbox(sqlite_engine, VirtualClock(START))

    async def refused(conn, rows):
        raise sa.exc.OperationalError("INSERT", {}, Exception("attempt to write a readonly database"))

    inbox._insert_rows = refused
    results = await asyncio.gather(*(inbox.record("whatsapp", f"SM{n}", "whatsapp:+49151", {}) for n in range(5)),
                                   return_exceptions=True)
    assert all(isinstance(r, sa.exc.OperationalError) for r in results)
    del inbox._insert_rows  # the database is back: the same messages are stored when sent again
    assert await inbox.record("whatsapp", "SM1", "whatsapp:+49151", {})


async def test_webhooks_that_cannot_wait_longer_hear_so_and_the_message_is_still_kept(sqlite_engine):
    """A caller with a patience hears `TimeoutError` once it has passed (the platform gets a 503 and delivers again);
    callers without one keep waiting; the rows are stored once the database can take them, so the redelivery of a
    message that timed out finds it there."""
    await migrate(sqlite_engine)
    inbox = Inbox(sqlite_engine, VirtualClock(START))
    stuck = asyncio.Event()
    insert_rows = inbox._insert_rows

    async def slow(conn, rows):
        await stuck.wait()  # the database cannot take them yet
        return await insert_rows(conn, rows)

    inbox._insert_rows = slow
    hurried = [asyncio.create_task(inbox.record("whatsapp", f"SM{n}", "whatsapp:+49151", {}, patience=0.05))
               for n in range(3)]
    patient = asyncio.create_task(inbox.record("whatsapp", "SM9", "whatsapp:+49151", {}))
    later = asyncio.create_task(inbox.record("whatsapp", "SM4", "whatsapp:+49151", {}, patience=0.1))
    done, _ = await asyncio.wait(hurried + [later], timeout=5)
    assert len(done) == 4 and all(isinstance(t.exception(), TimeoutError) for t in done)
    assert not patient.done()
    stuck.set()
    assert await asyncio.wait_for(patient, 5) is True
    assert await inbox.record("whatsapp", "SM4", "whatsapp:+49151", {}) is False, "stored although it timed out"
    assert await inbox.record("whatsapp", "SM5", "whatsapp:+49151", {}, patience=5) is True


async def test_each_customer_in_order_and_customers_side_by_side(db_engine):
    await migrate(db_engine)
    inbox = Inbox(db_engine, VirtualClock(START))
    seen: list[tuple[str, str]] = []
    running: set[str] = set()
    overlap: list[bool] = []
    both_in = asyncio.Barrier(2)

    async def handler(entry):
        overlap.append(bool(running - {entry.user_key}))
        running.add(entry.user_key)
        if entry.payload["n"] == "0":  # each customer's first turn ends only once the other's has begun
            try:
                async with asyncio.timeout(5):  # a safety limit: handled one after the other, `overlap` stays False
                    await both_in.wait()
            except TimeoutError:
                pass
        seen.append((entry.user_key, entry.payload["n"]))
        running.discard(entry.user_key)

    conveyor = Conveyor(inbox, handler)
    for n in range(5):
        for user in ("a", "b"):
            assert await inbox.record("telegram", f"{user}{n}", user, {"n": str(n)})
            conveyor.kick(user)
    assert await conveyor.drain(10)
    assert [n for u, n in seen if u == "a"] == ["0", "1", "2", "3", "4"]
    assert [n for u, n in seen if u == "b"] == ["0", "1", "2", "3", "4"]
    assert any(overlap), "two customers were handled at the same time"
    assert await inbox.waiting_users("telegram") == []


async def test_a_failing_message_does_not_block_the_next(sqlite_engine):
    await migrate(sqlite_engine)
    inbox = Inbox(sqlite_engine, VirtualClock(START))
    handled = []

    async def handler(entry):
        if entry.payload["text"] == "boom":
            raise RuntimeError("boom")
        handled.append(entry.payload["text"])

    conveyor = Conveyor(inbox, handler)
    for i, text in enumerate(["boom", "hello"]):
        await inbox.record("telegram", str(i), "u", {"text": text})
    conveyor.kick("u")
    assert await conveyor.drain(5)
    assert handled == ["hello"]


async def test_the_rate_window_counts_per_customer(sqlite_engine):
    await migrate(sqlite_engine)
    clock = VirtualClock(START)
    inbox = Inbox(sqlite_engine, clock, RateLimit(messages=2, seconds=60))
    from datetime import timedelta

    async def position_of_next(user: str) -> int:
        entry = await inbox.next_for(user)
        await inbox.finish(entry)
        return entry.position

    for i in range(3):
        await inbox.record("telegram", str(i), "u", {})
    await inbox.record("telegram", "other", "v", {})
    assert [await position_of_next("u") for _ in range(3)] == [1, 2, 3]
    assert await position_of_next("v") == 1
    clock.advance(timedelta(seconds=61))
    await inbox.record("telegram", "later", "u", {})
    assert await position_of_next("u") == 1


async def test_many_customers_at_once_do_not_exhaust_the_connection_pool(db_engine):
    await migrate(db_engine)
    inbox = Inbox(db_engine, VirtualClock(START))
    done = []
    all_slots_busy = asyncio.Barrier(inbox.parallel_quiet)  # 40 customers: rounds of every turn slot at once

    async def handler(entry):
        # a turn uses the database, too (its reads: on SQLite writes take turns on one connection)
        async with storage.reads(db_engine).connect() as conn:
            async with asyncio.timeout(10):  # a safety limit: a turn that got no connection fails the test
                await all_slots_busy.wait()  # hold the connection until every parallel turn holds one
            await conn.run_sync(lambda c: None)
        done.append(entry.user_key)

    conveyor = Conveyor(inbox, handler)
    for i in range(40):
        await inbox.record("whatsapp", f"SM{i}", f"whatsapp:+49151000000{i:02d}", {})
        conveyor.kick(f"whatsapp:+49151000000{i:02d}")
    assert await conveyor.drain(20)
    assert len(done) == 40


async def test_whether_a_message_could_be_stored_is_known_without_storing_one(tmp_path, fresh_pg_url):
    from storage import make_engine

    writable = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await migrate(writable)
    await Inbox(writable, VirtualClock(START)).can_record()
    read_only = [make_engine(f"sqlite+aiosqlite:///file:{tmp_path / 'bot.db'}?mode=ro&uri=true"),
                 make_engine(fresh_pg_url, connect_args={"server_settings": {"default_transaction_read_only": "on"}})]
    setup = make_engine(fresh_pg_url)
    try:
        await migrate(setup)
        for engine in read_only:
            with pytest.raises(sa.exc.DBAPIError, match="read-only|readonly"):
                await Inbox(engine, VirtualClock(START)).can_record()
        async with storage.reads(writable).connect() as conn:
            assert (await conn.execute(sa.select(sa.func.count()).select_from(inbound_messages))).scalar_one() == 0
    finally:
        for engine in (writable, setup, *read_only):
            await engine.dispose()


async def _waiting(engine, count: int) -> tuple[Inbox, list[str]]:
    """An inbox on `engine` with one message waiting from each of `count` customers."""
    await migrate(engine)
    inbox = Inbox(engine, VirtualClock(START))
    customers = [f"whatsapp:+49151{n:04d}" for n in range(count)]
    for n, customer in enumerate(customers):
        await inbox.record("whatsapp", f"SM{n}", customer, {})
    return inbox, customers


async def test_on_sqlite_more_customers_are_handled_at_once_while_no_webhook_is_being_stored(sqlite_engine):
    inbox, customers = await _waiting(sqlite_engine, 15)
    assert (inbox.parallel, inbox.parallel_quiet) == (5, 10)
    running, started = 0, 0
    five_running, release = asyncio.Event(), asyncio.Event()
    ten_at_once = asyncio.Barrier(10)

    async def handler(entry):
        nonlocal running, started
        running += 1
        started += 1
        if started <= 5:  # the first five hold on while a webhook is being stored
            if running == 5:
                five_running.set()
            await release.wait()
        else:  # the next ten only get through together
            async with asyncio.timeout(10):
                await ten_at_once.wait()
        running -= 1
        return FINISHED

    conveyor = Conveyor(inbox, handler)
    async with sqlite_engine.begin() as conn:  # holds the writer: the next webhook's row waits to be stored
        await conn.execute(sa.text("SELECT 1"))
        arriving = asyncio.create_task(inbox.record("whatsapp", "SM-late", "whatsapp:+4915199999", {}))
        while not inbox.arriving:
            await asyncio.sleep(0)
        for customer in customers:
            conveyor.kick(customer)
        await five_running.wait()
        for _ in range(20):
            await asyncio.sleep(0)  # every chance for a sixth turn to start
        assert running == 5
    assert await arriving  # stored: nothing is arriving any more
    release.set()
    assert await conveyor.drain(20)  # the ten after them ran at once, or their barrier timed out
    assert started == 15


async def test_on_postgresql_five_customers_are_handled_at_once_each_under_its_lock(pg_engine):
    """On PostgreSQL five turns run at once, each holding its customer's lock on a connection of the pool, and there
    is still room for their reads."""
    inbox, customers = await _waiting(pg_engine, 12)
    assert (inbox.parallel, inbox.parallel_quiet) == (5, 5)
    five_at_once = asyncio.Barrier(5)
    met = []

    async def handler(entry):
        if len(met) < 5:
            met.append(entry.user_key)
            async with asyncio.timeout(10):
                await five_at_once.wait()  # the fifth only comes while the other four hold their locks
            async with storage.reads(pg_engine).connect() as conn:  # a read beside five held locks
                await conn.execute(sa.text("SELECT 1"))
        return "done"  # the conveyor marks it handled

    conveyor = Conveyor(inbox, handler)
    for customer in customers:
        conveyor.kick(customer)
    assert await conveyor.drain(20)
    assert len(set(met)) == 5
    async with storage.reads(pg_engine).connect() as conn:
        pending = await conn.execute(sa.select(sa.func.count()).select_from(inbound_messages)
                                     .where(inbound_messages.c.status == "pending"))
        assert pending.scalar_one() == 0


async def test_a_flood_of_customers_waits_in_a_queue_not_as_a_task_each(sqlite_engine):
    await migrate(sqlite_engine)
    inbox = Inbox(sqlite_engine, VirtualClock(START), parallel=3)
    handled, most = [], 0

    async def handler(entry):
        nonlocal most
        most = max(most, len([t for t in asyncio.all_tasks() if t.get_name().startswith("conveyor")]))
        handled.append(entry.user_key)

    conveyor = Conveyor(inbox, handler)
    for n in range(200):
        await inbox.record("whatsapp", f"SM{n}", f"whatsapp:+49151{n:04d}", {})
    for n in range(200):
        conveyor.kick(f"whatsapp:+49151{n:04d}")
    assert conveyor.busy == 200  # customers waiting or being handled, as /healthz shows them
    assert await conveyor.drain(20)
    assert sorted(handled) == sorted(f"whatsapp:+49151{n:04d}" for n in range(200))
    assert most <= 3, "never more workers than turns may run at once"
    assert conveyor.busy == 0


async def test_messages_and_the_turns_finishing_with_them_share_one_transaction(db_engine, group_transactions):
    await migrate(db_engine)
    inbox = Inbox(db_engine, VirtualClock(START))
    await inbox.record("whatsapp", "SM0001", "whatsapp:+491511", {"body": "hi"})
    entry = await inbox.next_for("whatsapp:+491511")
    group_transactions.clear()
    # a turn finishing while two new messages come in
    stored = await asyncio.gather(inbox.record("whatsapp", "SM0002", "whatsapp:+491512", {"body": "hello"}),
                                  storage.commit(db_engine, [inbox.finishing(entry)]),
                                  inbox.record("whatsapp", "SM0003", "whatsapp:+491513", {"body": "hallo"}))
    assert stored == [True, None, True]
    assert group_transactions == [db_engine]
    assert await inbox.next_for("whatsapp:+491511") is None  # handled
    assert (await inbox.next_for("whatsapp:+491513")).payload == {"body": "hallo"}


async def _held_insert(inbox: Inbox, held_id: str) -> tuple[asyncio.Event, asyncio.Event]:
    """Make the insert holding message `held_id` wait for `release` (its webhook waits meanwhile)."""
    begun, release = asyncio.Event(), asyncio.Event()
    insert_rows = inbox._insert_rows

    async def held(conn, rows):
        if any(row["message_id"] == held_id for row in rows):
            begun.set()
            await release.wait()
        return await insert_rows(conn, rows)

    inbox._insert_rows = held
    return begun, release


async def test_on_postgresql_messages_arriving_while_one_is_stored_go_together_in_the_next_insert(pg_engine):
    """Group commit: one insert under way at a time, the messages that arrive meanwhile all in the next one."""
    await migrate(pg_engine)
    inbox = Inbox(pg_engine, VirtualClock(START))
    begun, release = await _held_insert(inbox, "SM00")
    inserts: list[list[str]] = []
    insert_rows = inbox._insert_rows

    async def counted(conn, rows):
        inserts.append(sorted(row["message_id"] for row in rows))
        return await insert_rows(conn, rows)

    inbox._insert_rows = counted
    first = asyncio.create_task(inbox.record("whatsapp", "SM00", "whatsapp:+4915100000000", {}))
    await begun.wait()
    later = []
    for wave in (range(1, 11), range(11, 21)):  # two bursts while the first insert is under way
        later += [asyncio.create_task(inbox.record("whatsapp", f"SM{n:02d}", f"whatsapp:+491510000{n:04d}", {}))
                  for n in wave]
        async with asyncio.timeout(10):
            while inbox.arriving < len(later) + 1:  # every webhook of the burst has handed its row over
                await asyncio.sleep(0)
        for _ in range(5):  # the event loop goes round: an insert of the burst's own would begin now
            await asyncio.sleep(0)
    assert inserts == [["SM00"]], "nothing more is inserted while the first insert is under way"
    assert not any(task.done() for task in later), "no webhook is answered before its row is stored"
    release.set()
    assert await first and all(await asyncio.gather(*later))
    assert inserts == [["SM00"], [f"SM{n:02d}" for n in range(1, 21)]]
    async with storage.reads(pg_engine).connect() as conn:
        stored = (await conn.execute(sa.select(sa.func.count()).select_from(inbound_messages))).scalar_one()
    assert stored == 21


async def test_webhooks_being_stored_are_answered_before_a_turn_runs(db_engine):
    """In a burst the platforms hear their answers first: a turn waits while messages are being stored."""
    await migrate(db_engine)
    inbox = Inbox(db_engine, VirtualClock(START))
    inbox.arrivals_first = 30.0  # far longer than the test: only the stored message lets the turn go
    turns: list[tuple[str, bool, int, bool]] = []  # message; SM2's insert let go, messages being stored, SM2 answered
    handled = asyncio.Event()

    async def handler(entry):
        turns.append((entry.message_id, release.is_set(), inbox.arriving, second.done()))
        handled.set()

    conveyor = Conveyor(inbox, handler)
    begun, release = await _held_insert(inbox, "SM2")
    assert await inbox.record("whatsapp", "SM1", "whatsapp:+4915100000001", {})
    second = asyncio.create_task(inbox.record("whatsapp", "SM2", "whatsapp:+4915100000002", {}))
    await begun.wait()
    fetched = asyncio.Event()
    waiting_with = inbox.waiting_with

    async def fetching(user_key, reads=(), most=20):
        found = await waiting_with(user_key, reads, most)
        fetched.set()  # next, without the wait, the turn would run at once
        return found

    inbox.waiting_with = fetching
    conveyor.kick("whatsapp:+4915100000001")  # SM1's turn, while SM2 is being stored
    await fetched.wait()
    assert inbox.arriving == 1 and turns == []
    release.set()
    assert await second
    async with asyncio.timeout(10):
        await handled.wait()
    assert turns[0] == ("SM1", True, 0, True)  # not before SM2 was stored and its webhook answered
    assert await conveyor.drain(10)


async def test_a_turn_gives_way_to_webhooks_only_for_a_moment(db_engine):
    """However long a burst lasts, turns still run: each waits `arrivals_first` at most."""
    await migrate(db_engine)
    inbox = Inbox(db_engine, VirtualClock(START))
    inbox.arrivals_first = 0.05
    handled = asyncio.Event()

    async def handler(entry):
        handled.set()

    conveyor = Conveyor(inbox, handler)
    begun, release = await _held_insert(inbox, "SM2")
    await inbox.record("whatsapp", "SM1", "whatsapp:+4915100000001", {})
    second = asyncio.create_task(inbox.record("whatsapp", "SM2", "whatsapp:+4915100000002", {}))
    await begun.wait()
    conveyor.kick("whatsapp:+4915100000001")
    async with asyncio.timeout(10):
        await handled.wait()  # while SM2 is still being stored
    assert inbox.arriving == 1 and not second.done()
    release.set()
    assert await second
    assert inbox.arriving == 0
    assert await conveyor.drain(10)
