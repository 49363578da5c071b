"""The composition root: settings -> business, database, backend, store, dialogue."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from booking_client import Business, BookingBackend, load_business
from booking_client.local import LocalBackend, make_engine
from booking_client.local import migrate as migrate_engine

from . import store as store_module
from .clock import Clock, SystemClock
from .dialogue import Dialogue
from .settings import Settings, load_settings
from .store import ConversationStore


@dataclass
class App:
    """Everything one bot process needs, wired together."""

    settings: Settings
    business: Business
    engine: AsyncEngine
    backend: BookingBackend
    store: ConversationStore
    dialogue: Dialogue
    clock: Clock

    async def aclose(self) -> None:
        await self.backend.aclose()
        await self.engine.dispose()


async def build_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    business: Business | None = None,
    engine: AsyncEngine | None = None,
    wrap_backend=None,
) -> App:
    """Build the app; `wrap_backend` lets the console put a tracing proxy around the backend."""
    settings = settings or load_settings()
    business = business or load_business(settings.business_file)
    clock = clock or SystemClock()
    engine = engine or make_engine(settings.database_url)
    await migrate_engine(engine)
    await store_module.migrate(engine)
    backend: BookingBackend = LocalBackend(business, engine, clock.now)
    if wrap_backend is not None:
        backend = wrap_backend(backend)
    store = ConversationStore(engine)
    dialogue = Dialogue(business, backend, store, clock, default_lang=settings.default_language)
    return App(settings, business, engine, backend, store, dialogue, clock)


def run_main() -> int:
    """`booking-bot run`: every channel whose credentials are set; with none, the operator console."""
    from .settings import SettingsError, check_channels

    try:
        settings = load_settings()
        check_channels(settings)
    except SettingsError as exc:
        print(f"booking-bot: {exc}", file=sys.stderr)
        return 2
    if not (settings.telegram_enabled or settings.whatsapp_enabled):
        from channels.console import chat_main

        print("booking-bot: no channel is configured (set TELEGRAM_BOT_TOKEN or TWILIO_ACCOUNT_SID); "
              "opening the operator console on the embedded engine.", file=sys.stderr)
        return chat_main(user="console:operator", lang=None, clock=None)

    import asyncio

    from .logmask import setup_logging

    setup_logging(settings.log_level)
    from channels.server import serve  # only here: aiogram and twilio load only when a channel runs

    try:
        return asyncio.run(serve(settings))
    except KeyboardInterrupt:
        return 130
