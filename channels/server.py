"""One process for every configured channel: their webhooks on one aiohttp server, GET /healthz,
and a clean stop that finishes the turns in flight.

Each channel is imported only when its credentials are set, so a WhatsApp-only bot never
loads aiogram (and nothing here is imported by `booking-bot parse` or `chat`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any, Protocol

import sqlalchemy as sa
from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.app import App, build_app
from bot.clock import Clock
from bot.inbox import Contacts, Conveyor, Inbox, Outbox, RateLimit
from bot.settings import Settings

from .common import ChannelStartError

log = logging.getLogger(__name__)

HOUSEKEEPING_EVERY = 3600.0  # seconds between clean-ups of old de-duplication keys
STOP_TIMEOUT = 30.0  # how long a stop waits for turns in flight


class Channel(Protocol):
    name: str
    conveyor: Conveyor

    def mount(self, web_app: web.Application) -> None: ...
    async def start(self) -> None: ...
    def describe(self) -> str: ...
    async def stop_receiving(self) -> None: ...
    async def close(self) -> None: ...
    async def notify(self, kind: str, user: str, text: str, variables: dict[str, str] | None = None) -> Any: ...


class Server:
    """The configured channels, the HTTP server for their webhooks, and /healthz."""

    def __init__(self, app: App, settings: Settings, **channel_options: Any) -> None:
        self.app = app
        self.settings = settings
        limit = RateLimit(settings.rate_limit_messages, settings.rate_limit_seconds)
        self.inbox = Inbox(app.engine, app.clock, limit)
        self.contacts = Contacts(app.engine, app.clock)
        self.outbox = Outbox(app.engine, app.clock)
        self.channels: dict[str, Channel] = {}
        if settings.telegram_enabled:
            from .telegram import TelegramChannel

            self.channels["telegram"] = TelegramChannel(app, settings, self.inbox,
                                                        session=channel_options.get("telegram_session"))
        if settings.whatsapp_enabled:
            from .whatsapp import WhatsAppChannel

            self.channels["whatsapp"] = WhatsAppChannel(app, settings, self.inbox, self.contacts, self.outbox)
        self.web = web.Application()
        self.web.router.add_get("/healthz", self.healthz)
        for channel in self.channels.values():
            channel.mount(self.web)
        self.state = "starting"
        self._runner: web.AppRunner | None = None
        self._housekeeping: asyncio.Task[None] | None = None

    @property
    def senders(self):
        """channel name -> notify(kind, user, text, variables): how the reminder loop reaches customers."""
        return {name: channel.notify for name, channel in self.channels.items()}

    @property
    def addresses(self) -> list[str]:
        if self._runner is None:
            return []
        return [f"http://{host}:{port}" for host, port, *_ in self._runner.addresses]

    async def start(self) -> None:
        """Listen first (webhooks may arrive as soon as Telegram knows the URL), then start each channel."""
        self._runner = web.AppRunner(self.web, access_log=None, shutdown_timeout=10.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.http_host, self.settings.http_port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            self._runner = None
            raise ChannelStartError(f"setting HTTP_PORT: cannot listen on {self.settings.http_host}:"
                                    f"{self.settings.http_port} ({exc.strerror or exc})") from None
        for channel in self.channels.values():
            await channel.start()
        self._housekeeping = asyncio.create_task(self._forget_old_keys(), name="inbox-housekeeping")
        self.state = "ready"

    def describe(self) -> list[str]:
        lines = [channel.describe() for channel in self.channels.values()]
        lines.append(f"HTTP: listening on {', '.join(self.addresses)} (GET /healthz)")
        return lines

    async def healthz(self, request: web.Request) -> web.Response:
        database = "ok"
        try:
            async with asyncio.timeout(3):
                async with self.app.engine.connect() as conn:
                    await conn.execute(sa.text("SELECT 1"))
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            database = f"unreachable: {type(exc).__name__}"
        ok = self.state == "ready" and database == "ok"
        body = {"status": self.state if database == "ok" else "degraded", "database": database,
                "channels": sorted(self.channels),
                "turns_in_flight": sum(c.conveyor.busy for c in self.channels.values())}
        return web.json_response(body, status=200 if ok else 503)

    async def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Stop taking messages, finish the turns in flight, then close the connections."""
        self.state = "stopping"
        if self._housekeeping is not None:
            self._housekeeping.cancel()
            await asyncio.gather(self._housekeeping, return_exceptions=True)
        for channel in self.channels.values():
            await channel.stop_receiving()
        if self._runner is not None:
            await self._runner.cleanup()  # stops listening; requests in progress finish (and are recorded)
            self._runner = None
        for channel in self.channels.values():
            if not await channel.conveyor.drain(timeout):
                log.warning("%s: turns still running after %.0fs; they are handled again at the next start",
                            channel.name, timeout)
        for channel in self.channels.values():
            await channel.close()
        self.state = "stopped"

    async def _forget_old_keys(self) -> None:
        while True:
            with contextlib.suppress(SQLAlchemyError, OSError):
                gone = await self.inbox.forget_old()
                if gone:
                    log.info("forgot %d handled messages older than a week", gone)
            await asyncio.sleep(HOUSEKEEPING_EVERY)


async def serve(settings: Settings, *, clock: Clock | None = None, stop: asyncio.Event | None = None) -> int:
    """`booking-bot run` with channels: start, print what runs where, wait for SIGTERM/SIGINT, stop cleanly."""
    try:
        app = await build_app(settings, clock=clock)
    except (OSError, SQLAlchemyError) as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        reason = first[0] if first else type(exc).__name__
        print(f"booking-bot: setting DATABASE_URL: cannot open the database: {reason}", file=sys.stderr)
        return 2
    server = Server(app, settings)
    try:
        await server.start()
    except ChannelStartError as exc:
        print(f"booking-bot: {exc}", file=sys.stderr)
        await server.stop(timeout=1)
        await app.aclose()
        return 2
    from scheduler import ReminderScheduler

    reminders = ReminderScheduler.from_settings(app, server.senders, settings)
    reminders.start(settings.reminder_poll_seconds)
    print(f"booking-bot: {app.business.name} is running", flush=True)
    for line in server.describe():
        print(f"  {line}", flush=True)
    print(f"  Reminders: {settings.reminder_offsets} before, quiet hours {settings.quiet_hours or 'none'}, "
          f"checked every {settings.reminder_poll_seconds:g}s", flush=True)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    in_flight = sum(c.conveyor.busy for c in server.channels.values())
    print(f"booking-bot: stopping (finishing {in_flight} conversation(s) in flight)", flush=True)
    await reminders.stop()
    await server.stop()
    await app.aclose()
    print("booking-bot: stopped", flush=True)
    return 0
