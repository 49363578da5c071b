"""One HTTP server for every configured channel: their webhooks, GET /healthz, and a clean stop
that finishes the turns in flight.

The composition root builds the channels and hands them over; nothing here builds a
core object, and nothing here knows the reminder loop (it reaches customers through
`senders`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.inbox import Conveyor, Inbox
from bot.outbox import Outbox
from bot.settings import Settings

from .errors import ChannelStartError

log = logging.getLogger(__name__)

HOUSEKEEPING_EVERY = 3600.0  # seconds between clean-ups of old de-duplication keys
OWED_EVERY = 15.0  # seconds between looks for replies a platform asked to send later
STOP_TIMEOUT = 30.0  # how long a stop waits for turns in flight
HEALTH_TIMEOUT = 3.0  # seconds GET /healthz waits for the database before it says degraded
MAX_BODY = 1024 * 1024
"""Largest request body read (bytes): a bigger one is answered 413 before it is parsed. Twilio's forms and
Telegram's updates stay far below it; Cal.com's bookings too."""

DatabaseCheck = Callable[[], Awaitable[None]]
"""Raises if the database cannot be reached."""


@web.middleware
async def last_resort(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                      ) -> web.StreamResponse:
    """A request that failed where nobody expected it: one line in the log, a plain 500 (never a traceback)
    to the caller. Every known way a request can be wrong is answered with a 4xx by its handler."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception as exc:
        log.error("%s %s failed: %s; answered 500", request.method, request.path, type(exc).__name__)
        log.debug("%s %s failed", request.method, request.path, exc_info=True)
        return web.Response(status=500, text="Internal Server Error")


class OneLineServerLog(logging.LoggerAdapter):
    """aiohttp's log of a request it could not read (malformed HTTP, a Content-Encoding it cannot decode):
    it answers 400 and would log the error with a traceback; here it is one WARNING line naming the error's
    kind (its text may quote the request), the traceback at DEBUG."""

    def exception(self, msg: object, *args: object, exc_info: Any = True, **kwargs: Any) -> None:
        where = str(msg) % args if args else str(msg)
        self.debug("%s", where, exc_info=exc_info)
        if isinstance(exc_info, web.RequestPayloadError):  # a body that did not decode, after its handler's
            return                                         # 4xx (and its line): aiohttp's drain meets it again
        kind = type(exc_info).__name__ if isinstance(exc_info, BaseException) else "error"
        self.warning("request refused by the HTTP server: %s (%s)", kind, where)


class Channel(Protocol):
    name: str
    conveyor: Conveyor
    sent_check: Callable[..., Awaitable[str | None]] | None  # did a message already go out? (None: cannot tell)

    def mount(self, web_app: web.Application) -> None: ...
    async def start(self) -> None: ...
    def describe(self) -> str: ...
    async def stop_receiving(self) -> None: ...
    async def close(self) -> None: ...
    async def notify(self, kind: str, user: str, text: str, variables: dict[str, str] | None = None) -> Any: ...


class Endpoint(Protocol):
    """Another service's webhook served beside the channels (e.g. the booking system's)."""

    def mount(self, web_app: web.Application) -> None: ...
    def describe(self) -> str: ...


class Server:
    """The configured channels, other webhooks, the HTTP server for them, and /healthz."""

    def __init__(self, settings: Settings, channels: Mapping[str, Channel], inbox: Inbox,
                 database_check: DatabaseCheck, endpoints: Sequence[Endpoint] = (), *,
                 outbox: Outbox | None = None) -> None:
        self.settings = settings
        self.inbox = inbox
        self.outbox = outbox
        self.channels: dict[str, Channel] = dict(channels)
        self.endpoints = list(endpoints)
        self._database_check = database_check
        self.web = web.Application(client_max_size=MAX_BODY, middlewares=[last_resort],
                                   handler_args={"logger": OneLineServerLog(log)})
        self.web.router.add_get("/healthz", self.healthz)
        for part in (*self.channels.values(), *self.endpoints):
            part.mount(self.web)
        self.state = "starting"
        self._runner: web.AppRunner | None = None
        self._housekeeping: asyncio.Task[None] | None = None
        self._owed: asyncio.Task[None] | None = None

    @property
    def senders(self):
        """channel name -> notify(kind, user, text, variables): how the reminder loop reaches customers."""
        return {name: channel.notify for name, channel in self.channels.items()}

    @property
    def checks(self):
        """channel name -> sent_check(key, reply, since): channels that can tell whether a message went out."""
        return {name: check for name, channel in self.channels.items()
                if (check := channel.sent_check) is not None}

    @property
    def turns_in_flight(self) -> int:
        return sum(c.conveyor.busy for c in self.channels.values())

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
        await self.inbox.count_backlog()  # messages a previous run stored and did not handle
        for channel in self.channels.values():
            await channel.start()
        self._housekeeping = asyncio.create_task(self._forget_old_keys(), name="inbox-housekeeping")
        self._owed = asyncio.create_task(self._send_owed_now_and_then(), name="outbox-retries")
        self.state = "ready"

    def describe(self) -> list[str]:
        lines = [part.describe() for part in (*self.channels.values(), *self.endpoints)]
        lines.append(f"HTTP: listening on {', '.join(self.addresses)} (GET /healthz)")
        return lines

    async def healthz(self, request: web.Request) -> web.Response:
        """Ready, or degraded (503) when a message could not be stored now: the database cannot be reached,
        or cannot be written (read-only, locked), found within HEALTH_TIMEOUT; and the backlog of messages."""
        database = "ok"
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT):
                await self._database_check()
                try:
                    await self.inbox.can_record()
                except SQLAlchemyError as exc:
                    database = f"cannot be written: {type(exc).__name__}"
        except (SQLAlchemyError, OSError) as exc:
            database = f"unreachable: {type(exc).__name__}"
        except TimeoutError:
            database = f"no answer within {HEALTH_TIMEOUT:g}s (locked or overloaded)"
        ok = self.state == "ready" and database == "ok"
        body = {"status": self.state if database == "ok" else "degraded", "database": database,
                "channels": sorted(self.channels),
                "turns_in_flight": self.turns_in_flight,
                "backlog": self.inbox.backlog, "max_backlog": self.inbox.max_backlog}
        return web.json_response(body, status=200 if ok else 503)

    async def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Stop taking messages, finish the turns in flight, then close the connections."""
        self.state = "stopping"
        for task in (self._housekeeping, self._owed):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
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

    async def send_owed(self) -> None:
        """Hand each customer who is still owed a reply (a platform asked to try later) to their channel's
        conveyor, which sends it in order once its time has come."""
        if self.outbox is None:
            return
        for name, channel in self.channels.items():
            for key in await self.outbox.waiting_users(name):
                channel.conveyor.kick(key, owed=True)

    async def _send_owed_now_and_then(self) -> None:
        while True:
            await asyncio.sleep(OWED_EVERY)
            with contextlib.suppress(SQLAlchemyError, OSError):
                await self.send_owed()

    async def _forget_old_keys(self) -> None:
        while True:
            with contextlib.suppress(SQLAlchemyError, OSError):
                gone = await self.inbox.forget_old()
                if gone:
                    log.info("forgot %d handled messages older than a week", gone)
                sent = await self.outbox.forget_old() if self.outbox is not None else 0
                if sent:
                    log.info("forgot %d sent replies older than a week", sent)
            await asyncio.sleep(HOUSEKEEPING_EVERY)
