"""Dialogue behaviour a customer notices: persistence, confirmations, stale buttons, bad input."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from booking_client import BackendUnavailable
from bot.main import build_app
from bot.clock import VirtualClock
from bot.messages import Inbound
from bot.settings import Settings

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)


async def _app(engine, clock=None):
    return await build_app(Settings(_env_file=None), clock=clock or VirtualClock(MONDAY_9), engine=engine)


async def say(app, text="", user="1001", choice=None, lang="en"):
    replies = await app.dialogue.handle(Inbound("telegram", user, text=text, choice=choice, lang=lang))
    return replies


def joined(replies) -> str:
    return "\n".join(r.text for r in replies)


async def to_confirmation(app, user="1001"):
    await say(app, "haircut with Sarah tomorrow at 10", user)
    replies = await say(app, "Anna", user)  # no email asked on Telegram without email confirmations
    assert joined(replies).startswith("Shall I book")
    return replies


async def test_a_restart_mid_conversation_loses_nothing(db_engine):
    clock = VirtualClock(MONDAY_9)
    first = await _app(db_engine, clock)
    await to_confirmation(first)
    # a new process on the same database: the customer's "yes" still books what was agreed
    second = await _app(db_engine, clock)
    replies = await say(second, "yes")
    assert "booked" in joined(replies)
    bookings = await second.backend.list_all()
    assert [(b.staff, b.start.astimezone(BERLIN).hour) for b in bookings] == [("sarah", 10)]


async def test_saying_yes_twice_books_once(db_engine):
    app = await _app(db_engine)
    await to_confirmation(app)
    await say(app, "yes")
    await say(app, "yes")
    assert len(await app.backend.list_all()) == 1


async def test_a_stale_button_gets_a_polite_reply_and_no_booking(db_engine):
    app = await _app(db_engine)
    confirm = await to_confirmation(app)
    offer = confirm[-1].offer
    await say(app, "no")  # the offer is over
    replies = await say(app, choice=f"{offer}:0")
    assert "expired" in joined(replies)
    assert await app.backend.list_all() == []


async def test_pressing_the_yes_button_books(db_engine):
    app = await _app(db_engine)
    confirm = await to_confirmation(app)
    replies = await say(app, choice=f"{confirm[-1].offer}:0")
    assert "booked" in joined(replies)
    assert len(await app.backend.list_all()) == 1


@pytest.mark.parametrize("noise", [
    "",
    "   ",
    "😀🎉🙈",
    "".join(random.Random(7).choice("abcdefghijklmnopqrstuvwxyzäöüß0123456789 .,!?@#:/-") for _ in range(5000)),
    "".join(chr(random.Random(11).randrange(0x20, 0x2FFF)) for _ in range(300)),
    "\x00\x1b[31m",
    "99",
])
async def test_bad_input_is_answered_and_loses_nothing_agreed(sqlite_engine, noise):
    app = await _app(sqlite_engine)
    await to_confirmation(app)
    replies = await say(app, noise)
    assert replies and all(r.text.strip() for r in replies)
    assert await app.backend.list_all() == []  # noise never books
    replies = await say(app, "yes")
    assert "booked" in joined(replies)


async def test_an_unreachable_booking_system_is_explained_and_the_confirmation_kept(sqlite_engine, monkeypatch):
    app = await _app(sqlite_engine)
    await to_confirmation(app)

    async def down(*args, **kwargs):
        raise BackendUnavailable("connection refused")

    real_create = app.backend.create
    monkeypatch.setattr(app.backend, "create", down)
    replies = await say(app, "yes")
    assert "can't reach the booking system" in joined(replies)
    monkeypatch.setattr(app.backend, "create", real_create)
    replies = await say(app, "yes")
    assert "booked" in joined(replies)


async def test_nobody_sees_or_cancels_someone_elses_booking(sqlite_engine):
    app = await _app(sqlite_engine)
    await to_confirmation(app, user="1001")
    await say(app, "yes", user="1001")
    replies = await say(app, "cancel my appointment", user="2002")
    assert "no upcoming appointments" in joined(replies)
    replies = await say(app, "my bookings", user="2002")
    assert "Sarah" not in joined(replies)
    assert [b.status.value for b in await app.backend.list_all()] == ["confirmed"]
