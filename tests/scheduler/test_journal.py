"""Booking systems without a change log the bot can read: reminders follow the journal (the bot's own
changes, signed Cal.com webhooks) and a reconciliation repairs what a lost webhook missed."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace
from datetime import datetime, timedelta

import aiohttp
import sqlalchemy as sa
from aiohttp import web
from aiohttp.test_utils import TestServer

from booking_client import BookingRequest, Capability, Contact
from booking_client.journal import Journal, JournaledBackend
from booking_client.journal import migrate as migrate_journal
from booking_client.local import LocalBackend
from bot.clock import VirtualClock
from bot.main import build_app, build_scheduler
from bot.settings import Settings
from channels.calcom import PATH, CalcomWebhook
from scheduler.store import reminders
from test_reminders import BERLIN, MONDAY_9, Phone

SECRET = "whsec_test_journal"
ANNA = Contact(ref="telegram:1001", name="Anna", email="anna@example.com")


class WithoutFeed(LocalBackend):
    """The embedded engine as an outside booking system would look: no change log to read."""

    capabilities = LocalBackend.capabilities - {Capability.CHANGE_FEED}


async def make(engine, clock):
    app = await build_app(Settings(_env_file=None), clock=clock, engine=engine)
    await migrate_journal(engine)
    inner = WithoutFeed(app.business, engine, clock.now)
    journaled = JournaledBackend(inner, Journal(engine), clock.now)
    phone = Phone()
    sched = build_scheduler(app, {"telegram": phone}, journaled)
    sched.timing = replace(sched.timing, reconcile_every=timedelta(minutes=5))
    return inner, journaled, phone, sched


async def planned(engine):
    async with engine.connect() as conn:
        rows = await conn.execute(sa.select(reminders.c.booking_id, reminders.c.kind, reminders.c.status)
                                  .order_by(reminders.c.due_at))
        return [(k, s) for _, k, s in rows]


def signed(event: dict) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    return body, {"X-Cal-Signature-256": hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest(),
                  "Content-Type": "application/json"}


async def test_the_bots_own_booking_and_a_cancel_made_in_the_booking_system_move_the_reminders(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    inner, journaled, phone, sched = await make(sqlite_engine, clock)
    booking = await journaled.create(BookingRequest("haircut", "sarah", datetime(2026, 11, 26, 10, tzinfo=BERLIN),
                                                    ANNA), "chat-1")
    await sched.tick()
    assert await planned(sqlite_engine) == [("reminder", "planned"), ("reminder", "planned"), ("follow_up", "planned")]
    await inner.cancel(booking.id, "cancelled in the booking system")  # not through the bot ...
    await journaled.record(booking.id, "cancelled", "webhook-1")  # ... but its webhook arrives
    await sched.tick()
    assert [s for _, s in await planned(sqlite_engine)] == ["cancelled"] * 3


async def test_a_lost_webhook_is_repaired_by_the_reconciliation(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    inner, journaled, phone, sched = await make(sqlite_engine, clock)
    made = await inner.create(BookingRequest("haircut", "sarah", datetime(2026, 11, 26, 10, tzinfo=BERLIN), ANNA),
                              "front-desk-1")  # booked in the booking system; its webhook never came
    await sched.tick()
    assert [s for _, s in await planned(sqlite_engine)] == ["planned"] * 3
    await inner.reschedule(made.id, datetime(2026, 11, 27, 15, tzinfo=BERLIN))  # moved there, webhook lost too
    await sched.tick()  # within five minutes of the last reconciliation: nothing read yet
    clock.advance(timedelta(minutes=5))
    await sched.tick()
    rows = await planned(sqlite_engine)
    assert rows.count(("reminder", "cancelled")) == 2 and rows.count(("reminder", "planned")) == 2


async def webhook_server(journal: Journal, clock):
    endpoint = CalcomWebhook(SECRET, lambda uid, kind, key: journal.append(uid, kind, clock.now(), key))
    app = web.Application()
    endpoint.mount(app)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server


async def test_signed_cal_com_webhooks_are_recorded_once_and_forged_ones_refused(sqlite_engine):
    clock = VirtualClock(MONDAY_9)
    await migrate_journal(sqlite_engine)
    journal = Journal(sqlite_engine)
    server = await webhook_server(journal, clock)
    url = str(server.make_url(PATH))
    cancelled = {"triggerEvent": "BOOKING_CANCELLED", "createdAt": "2026-11-23T08:00:00.000Z",
                 "payload": {"uid": "bk-1", "status": "CANCELLED", "cancellationReason": "ill"}}
    moved = {"triggerEvent": "BOOKING_RESCHEDULED", "createdAt": "2026-11-23T08:01:00.000Z",
             "payload": {"uid": "bk-2", "rescheduleUid": "bk-0", "status": "ACCEPTED"}}
    try:
        async with aiohttp.ClientSession() as http:
            body, headers = signed(cancelled)
            for _ in range(2):  # Cal.com delivers it again
                async with http.post(url, data=body, headers=headers) as response:
                    assert response.status == 200
            async with http.post(url, data=body, headers={**headers, "X-Cal-Signature-256": "0" * 64}) as response:
                assert response.status == 401
            async with http.post(url, data=body, headers={"Content-Type": "application/json"}) as response:
                assert response.status == 401
            body, headers = signed(moved)
            async with http.post(url, data=body, headers=headers) as response:
                assert response.status == 200
            body, headers = signed({"not": "an event"})
            async with http.post(url, data=body[:-1], headers=headers) as response:
                assert response.status == 401  # the signature covers the bytes: a cut body is forged
    finally:
        await server.close()
    assert [(e.booking_id, e.kind) for e in await journal.since()] == [
        ("bk-1", "cancelled"), ("bk-2", "rescheduled"), ("bk-0", "rescheduled")]
