"""`booking-bot run` killed with SIGKILL at each step of a turn, then started again: the customer gets every
intended reply exactly once, in order, and the booking is made once.

The fake Twilio can hold the bot's send: the process is killed while Twilio holds the request, with the
message taken (the answer was lost) or not (the request was), or right after the webhook's 200.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

import pytest
from channel_kit import free_port
from fake_twilio import ACCOUNT_SID, AUTH_TOKEN, SENDER, FakeTwilio
from test_run import BIN, clean_env

ANNA = "+4915112345678"
PUBLIC = "https://bot.example.com"
EXPECTED = ["What name should I put the booking under?", "Shall I book Haircut with Sarah", "You're booked"]


class Bot:
    """One `booking-bot run` process on a database that outlives it."""

    def __init__(self, tmp_path: Path, twilio: FakeTwilio) -> None:
        self.port = free_port()
        self.env = clean_env(tmp_path, TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                             TWILIO_WHATSAPP_FROM=SENDER, TWILIO_API_BASE=twilio.base, PUBLIC_BASE_URL=PUBLIC,
                             HTTP_PORT=str(self.port))
        self.tmp_path = tmp_path
        twilio.webhook_url = f"http://127.0.0.1:{self.port}/whatsapp/inbound"
        twilio.public_url = PUBLIC + "/whatsapp/inbound"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            str(BIN), "run", cwd=self.tmp_path, env=self.env, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        while True:
            line = (await asyncio.wait_for(self.proc.stdout.readline(), 30)).decode()
            assert line, (await self.proc.stderr.read()).decode()
            if "listening on" in line:
                return

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> str:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(self.proc.communicate(), 30)
        return err.decode()


def bookings(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "bot.db") as db:
        return db.execute("SELECT count(*) FROM bookings WHERE status = 'confirmed'").fetchone()[0]


async def replies(twilio: FakeTwilio, count: int) -> list[str]:
    return [m.body or "" for m in await twilio.wait_for(ANNA, count, timeout=20)]


async def answered(twilio: FakeTwilio) -> list[str]:
    """Every message to the customer up to the answer to their "thanks" (the first that is none of EXPECTED)."""
    count = 4
    while True:
        said = await replies(twilio, count)
        if not any(expected in said[-1] for expected in EXPECTED):
            return said
        count = len(said) + 1


@pytest.mark.parametrize("moment", ["after the webhook's 200", "mid-send, taken by Twilio", "mid-send, lost"])
async def test_a_turn_killed_at_any_moment_is_answered_once_after_the_restart(tmp_path, moment):
    fake_twilio = FakeTwilio(real_clock=True)  # the bot in its own process is on the real clock
    await fake_twilio.start()
    bot = Bot(tmp_path, fake_twilio)
    await bot.start()
    try:
        await fake_twilio.send(ANNA, "book a haircut with Sarah on Tuesday at 10")
        await replies(fake_twilio, 1)
        await fake_twilio.send(ANNA, "Anna Schmidt")
        await replies(fake_twilio, 2)
        if moment == "after the webhook's 200":
            status, _, _ = await fake_twilio.send(ANNA, "yes")
            assert status == 200
            await bot.kill()
        else:
            fake_twilio.hold, fake_twilio.accept_held = asyncio.Event(), moment.endswith("Twilio")
            status, _, _ = await fake_twilio.send(ANNA, "yes")
            assert status == 200
            await asyncio.wait_for(fake_twilio.held.wait(), 20)
            await bot.kill()
            fake_twilio.hold.set()  # the held request is answered to nobody
            fake_twilio.hold = None
        await bot.start()
        said = await replies(fake_twilio, 3)
        await fake_twilio.send(ANNA, "thanks")  # the next turn runs only after what was owed went out
        said = await answered(fake_twilio)
    finally:
        err = await bot.stop()
        await fake_twilio.stop()
    assert len(said) == 4, said
    for reply, expected in zip(said, EXPECTED):
        assert expected in reply, said
    assert bookings(tmp_path) == 1
    assert "Traceback" not in err
