"""Helpers for the channel tests: settings pointing at the fakes, waiting for turns to finish."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from fake_telegram import FakeTelegram
from fake_twilio import ACCOUNT_SID, AUTH_TOKEN, SENDER, FakeTwilio
from local_ports import free_port

from bot.settings import Settings
from channels.server import Server

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
PUBLIC = "https://bot.example.com"  # what Twilio calls: not where the bot listens (behind a proxy)
T = TypeVar("T")


def settings_for(telegram: FakeTelegram | None = None, twilio: FakeTwilio | None = None, **extra: Any) -> Settings:
    values: dict[str, Any] = {"http_port": free_port(), "database_url": "sqlite:///unused.db"}
    if telegram is not None:
        values |= {"telegram_bot_token": telegram.token, "telegram_api_base": telegram.base}
    if twilio is not None:
        values |= {"twilio_account_sid": ACCOUNT_SID, "twilio_auth_token": AUTH_TOKEN,
                   "twilio_whatsapp_from": SENDER, "twilio_api_base": twilio.base, "public_base_url": PUBLIC}
    values |= extra
    return Settings(_env_file=None, **values)


async def settle(server: Server, fake_telegram: FakeTelegram | None = None) -> None:
    """Wait until every update is confirmed and every turn has finished.

    A channel records and queues a message (`Conveyor.kick`) before it acknowledges it: before
    a webhook's answer, before the getUpdates that confirms a polled update. So once the
    webhook requests have returned (or `confirmed()` has), every turn is queued, and waiting
    on the conveyors' worker tasks (`drain`) waits for all of them; nothing is left to guess.
    """
    if fake_telegram is not None and fake_telegram.webhook is None:
        await fake_telegram.confirmed()
    while any(c.conveyor.busy for c in server.channels.values()):
        for channel in server.channels.values():
            assert await channel.conveyor.drain(5), "turns did not finish"  # 5 s: a safety limit only


async def within(awaitable: Awaitable[T], what: str, timeout: float = 5.0) -> T:
    """Await an event, failing the test with `what` if it has not happened within `timeout`
    (a safety limit, never the thing waited for)."""
    try:
        async with asyncio.timeout(timeout):
            return await awaitable
    except TimeoutError:
        raise AssertionError(f"{what}: did not happen within {timeout:g}s") from None
