"""With BOOKING_BACKEND=calcom the whole bot runs against the fake Cal.com: the scripted conversations in
tests/conversations/calcom, a booking cancelled in Cal.com dropping its reminders, a forged webhook refused,
and the operator console."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
import sqlalchemy as sa

from booking_client import Business, load_business
from booking_client.http import RetryPolicy
from bot.clock import VirtualClock
from bot.main import build_app, build_scheduler, build_server
from bot.messages import Inbound
from bot.scripted import run_file
from bot.settings import Settings
from conftest import no_wait
from fake_calcom import EVENT_TYPE_IDS, STAFF_EVENT_TYPE_IDS, FakeCalcom
from local_ports import free_port
from scheduler.store import reminders

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "tests" / "conversations" / "calcom").glob("*.yaml"))
BERLIN = ZoneInfo("Europe/Berlin")
# coloring needs the salon's confirmation, whoever does it
COLORING = {EVENT_TYPE_IDS["coloring"], *(i for (_, service), i in STAFF_EVENT_TYPE_IDS.items() if service == "coloring")}
NO_WAIT = RetryPolicy(attempts=3, backoff=0, sleep=no_wait)


class Clocked:
    """The fake Cal.com's clock: whichever virtual clock the bot under test runs on."""

    def __init__(self) -> None:
        self.clock: VirtualClock | None = None

    def __call__(self) -> datetime:
        return (self.clock or VirtualClock()).now()


def calcom_settings(fake: FakeCalcom, **extra: Any) -> dict[str, Any]:
    return {"booking_backend": "calcom", "calcom_api_key": fake.api_key, "calcom_api_base": fake.base,
            "calcom_event_types": ",".join(f"{s}={i}" for s, i in EVENT_TYPE_IDS.items()), **extra}


@pytest.fixture
async def calcom() -> AsyncIterator[tuple[FakeCalcom, Clocked]]:
    clocked = Clocked()
    fake = FakeCalcom(load_business(), now=clocked, requires_confirmation=COLORING)
    await fake.start()
    yield fake, clocked
    await fake.stop()
    fake.assert_clean()


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.stem)
async def test_scripted_conversation_against_cal_com(path: Path, calcom):
    fake, clocked = calcom

    async def build(settings: Settings, *, clock: VirtualClock, business: Business):
        clocked.clock = clock
        settings = settings.model_copy(update=Settings(_env_file=None, **calcom_settings(fake)).model_dump(
            include={"booking_backend", "calcom_api_key", "calcom_api_base", "calcom_event_types"}))
        return await build_app(settings, clock=clock, business=business, retry=NO_WAIT)

    async def someone_else_books_first() -> None:
        fake.conflict_next = 1

    async def booking_system_down() -> None:
        fake.down_forever = True

    async def booking_system_back() -> None:
        fake.down_forever = False

    hooks = {"someone_else_books_first": someone_else_books_first, "booking_system_down": booking_system_down,
             "booking_system_back": booking_system_back}
    result = await run_file(path, build, hooks=hooks)
    assert result.ok, "\n".join(result.failures)


def test_there_are_cal_com_conversations_for_each_promise():
    assert {p.stem for p in SCRIPTS} >= {"book", "race", "move_and_cancel", "pending", "down"}


async def statuses(engine) -> list[tuple[str, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(sa.select(reminders.c.kind, reminders.c.status).order_by(reminders.c.due_at))
        return [tuple(r) for r in rows]


async def test_a_booking_cancelled_in_cal_com_drops_its_reminders_and_a_forged_webhook_is_refused(
        calcom, tmp_path):
    fake, clocked = calcom
    clock = clocked.clock = VirtualClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                        calcom_webhook_secret="whsec_bot_secret", http_port=free_port(),
                        public_base_url="https://bot.example.com", **calcom_settings(fake))
    fake.webhook_secret = "whsec_bot_secret"
    app = await build_app(settings, clock=clock, retry=NO_WAIT)
    server = build_server(app)
    await server.start()
    sent: list[tuple[str, str]] = []

    async def phone(kind, user, reply, variables):
        sent.append((kind, user))
        return True

    sched = build_scheduler(app, {"telegram": phone})
    try:
        url = server.addresses[0] + "/calcom/webhook"
        fake.webhook_urls = [url]
        for text in ("haircut with Sarah on Thursday at 10", "Anna, anna@example.com", "yes"):
            replies = await app.dialogue.handle(Inbound("telegram", "1001", text=text, lang="en"))
        assert "You're booked" in replies[-1].text
        await fake.settle()  # Cal.com's own BOOKING_CREATED webhook for the bot's booking
        await sched.tick()
        assert await statuses(app.engine) == [("reminder", "planned"), ("reminder", "planned"),
                                              ("follow_up", "planned")]
        [booking] = fake.bookings_of("anna@example.com")
        uid = booking.uid
        assert await fake.cancel_in_calcom(uid, "the stylist is ill") == 200
        await sched.tick()
        assert [s for _, s in await statuses(app.engine)] == ["cancelled"] * 3
        clock.advance(timedelta(days=4))
        await sched.tick()
        assert sent == [], "no reminder for a booking cancelled in Cal.com"

        forged = json.dumps({"triggerEvent": "BOOKING_CANCELLED", "payload": {"uid": "someone-elses"}}).encode()
        wrong = hmac.new(b"guessed", forged, hashlib.sha256).hexdigest()
        async with aiohttp.ClientSession() as http:
            for headers in ({"X-Cal-Signature-256": wrong}, {}):
                async with http.post(url, data=forged, headers={**headers, "Content-Type": "application/json"}
                                     ) as response:
                    assert response.status == 401
    finally:
        await sched.stop()
        await server.stop(timeout=5)
        await app.aclose()


async def chat(env: dict[str, str], cwd: Path, lines: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "chat", "--clock", "2026-11-23T09:00", cwd=cwd, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(lines.encode()), 60)
    return proc.returncode, out.decode(), err.decode()


def console_env(fake: FakeCalcom, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_", "CALCOM_", "BOOKING_"))}
    env.update({k.upper(): str(v) for k, v in calcom_settings(fake).items()},
               DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}", PYTHONPATH=str(ROOT), **extra)
    return env


async def test_a_wrong_key_or_event_type_stops_the_start_with_one_line_naming_the_setting(calcom, tmp_path):
    fake, clocked = calcom
    code, _, err = await chat(console_env(fake, tmp_path, CALCOM_API_KEY="cal_live_wrong"), tmp_path, "hi\n")
    assert code == 2 and "setting CALCOM_API_KEY: Cal.com refused the key (401)" in err and "Traceback" not in err
    code, _, err = await chat(console_env(fake, tmp_path, CALCOM_EVENT_TYPES="haircut=101,coloring=999,beard=103"),
                              tmp_path, "hi\n")
    assert code == 2 and "setting CALCOM_EVENT_TYPES" in err and "999" in err and "Traceback" not in err


async def test_the_operator_console_books_into_cal_com(calcom, tmp_path):
    fake, clocked = calcom
    clocked.clock = VirtualClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    code, out, err = await chat(console_env(fake, tmp_path), tmp_path,
                                "haircut with Tom on Wednesday at 15:00\nPaul, paul@example.com\nyes\n/bookings\n")
    assert code == 0, err
    assert "no channel" not in out and "You're booked: Haircut with Tom on Wed 25 Nov, 15:00" in out
    assert "Wed 25 Nov, 15:00  Haircut     Tom    confirmed   Paul (telegram:1001)" in out
    [booking] = fake.bookings_of("paul@example.com")
    assert booking.status == "accepted"


async def test_the_time_asked_about_is_held_in_cal_com_until_the_customer_answers(calcom, tmp_path):
    fake, clocked = calcom
    clock = clocked.clock = VirtualClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                        **calcom_settings(fake))
    app = await build_app(settings, clock=clock, retry=NO_WAIT)

    async def say(text: str, user: str = "1001") -> str:
        return "\n".join(r.text for r in await app.dialogue.handle(Inbound("telegram", user, text=text, lang="en")))

    try:
        for text in ("haircut with Sarah on Thursday at 10", "Anna, anna@example.com"):
            reply = await say(text)
        assert "Shall I book Haircut with Sarah on Thu 26 Nov, 10:00" in reply
        [held] = fake.reservations.values()
        assert held.start == datetime(2026, 11, 26, 10, 0, tzinfo=BERLIN)
        # meanwhile another customer is not offered that time
        reply = await say("haircut with Sarah on Thursday at 10", user="2002")
        assert "Thu 26 Nov, 10:00 isn't free" in reply, reply
        assert "no problem" in (await say("no")).lower()
        assert fake.reservations == {} and fake.bookings == {}
        assert [r.version for r in fake.sent("POST", "/v2/slots/reservations")] == ["2024-09-04"]
    finally:
        await app.aclose()


async def test_when_cal_com_does_not_answer_the_customer_is_asked_to_say_it_again_and_that_books_once(calcom,
                                                                                                     tmp_path):
    fake, clocked = calcom
    clock = clocked.clock = VirtualClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                        **calcom_settings(fake))
    app = await build_app(settings, clock=clock, retry=NO_WAIT)

    async def say(text: str) -> str:
        return "\n".join(r.text for r in await app.dialogue.handle(Inbound("telegram", "1001", text=text, lang="en")))

    try:
        for text in ("haircut with Sarah on Thursday at 10", "Anna, anna@example.com"):
            await say(text)
        fake.down_forever = True
        reply = await say("yes")
        assert "can't reach the booking system" in reply and "say it again" in reply
        assert "nothing has been changed" not in reply
        fake.down_forever = False
        assert "You're booked: Haircut with Sarah on Thu 26 Nov, 10:00" in await say("yes")
        assert len(fake.bookings_of("anna@example.com")) == 1
    finally:
        await app.aclose()
