"""Channel fixtures: the fake Telegram, Twilio and SMTP servers, and the bot's server wired to them.

Everything runs on 127.0.0.1 in the test's event loop: aiogram and the Twilio SDK make
real HTTP requests to the fakes, and the fakes make real HTTP requests (webhooks) to
the bot. The business clock stands at Monday 2026-11-23 09:00 in Berlin.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from channel_kit import START
from fake_smtp import FakeSMTP
from fake_telegram import FakeTelegram
from fake_twilio import FakeTwilio
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.main import App, build_app, build_server
from bot.clock import VirtualClock
from bot.settings import Settings
from channels.server import Server


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(START)


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def smtp() -> AsyncIterator[FakeSMTP]:
    server = FakeSMTP()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def fake_twilio(clock) -> AsyncIterator[FakeTwilio]:
    fake = FakeTwilio(now=clock.now().timestamp())
    await fake.start()
    yield fake
    await fake.stop()


Running = Callable[..., Any]


@pytest.fixture
def run_bot(clock) -> Callable[..., Any]:
    """`async with run_bot(settings, engine) as (server, app):` the bot, started, stopped after."""

    @asynccontextmanager
    async def run(settings: Settings, engine: AsyncEngine) -> AsyncIterator[tuple[Server, App]]:
        app = await build_app(settings, clock=clock, engine=engine)
        server = build_server(app)
        await server.start()
        try:
            yield server, app
        finally:
            await server.stop(timeout=5)

    return run


