"""Helpers for the channel tests: settings pointing at the fakes, waiting for turns to finish."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fake_telegram import FakeTelegram
from fake_twilio import ACCOUNT_SID, AUTH_TOKEN, SENDER, FakeTwilio

from bot.settings import Settings
from channels.server import Server

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
PUBLIC = "https://bot.example.com"  # what Twilio calls: not where the bot listens (behind a proxy)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings_for(telegram: FakeTelegram | None = None, twilio: FakeTwilio | None = None, **extra: Any) -> Settings:
    values: dict[str, Any] = {"http_port": free_port(), "database_url": "sqlite:///unused.db"}
    if telegram is not None:
        values |= {"telegram_bot_token": telegram.token, "telegram_api_base": telegram.base}
    if twilio is not None:
        values |= {"twilio_account_sid": ACCOUNT_SID, "twilio_auth_token": AUTH_TOKEN,
                   "twilio_whatsapp_from": SENDER, "twilio_api_base": twilio.base, "public_base_url": PUBLIC}
    values |= extra
    return Settings(_env_file=None, **values)


async def settle(server: Server, fake_telegram: FakeTelegram | None = None, quiet: float = 0.15) -> None:
    """Wait until every update is confirmed and every turn has finished (and nothing new started)."""
    if fake_telegram is not None and fake_telegram.webhook is None:
        await fake_telegram.confirmed()
    while True:
        for channel in server.channels.values():
            assert await channel.conveyor.drain(5), "turns did not finish"
        await asyncio.sleep(quiet)
        if all(c.conveyor.busy == 0 for c in server.channels.values()):
            return


async def eventually(check: Callable[[], Awaitable[bool] | bool], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = check()
        if isinstance(result, Awaitable):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition never became true")
        await asyncio.sleep(0.02)
