"""The composition root: the one place that builds every part and hands each what it needs.

`booking-bot run`, `chat` and `test` all start here. Settings -> business, database (every
component's tables migrated), backend, conversation store, dialogue; then, per command,
the inbox and channels, the reminder loop, or the operator console. No other module
builds a core object, so the rest of the code only sees the narrow parts it is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import sqlite3
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

import intents
import storage
from booking_client import (
    Booking, BookingBackend, BookingError, Business, BusinessFileError, load_business, self_check,
)
from booking_client.journal import JournaledBackend
from booking_client.local import migrate as migrate_engine
from storage import make_engine

from . import inbox as inbox_module
from . import outbox as outbox_module
from . import scripted
from . import store as store_module
from .backends import build_backend
from .clock import Clock, SystemClock, VirtualClock
from .conversation import Dialogue
from .core import Core
from .messages import CHANNELS, parse_user
from .readers import build_reader
from .replies import check_overrides
from .sandbox import Sandbox, open_sandbox, sqlite_file
from .settings import (
    Settings,
    SettingsError,
    check_backend,
    check_channels,
    check_email,
    check_operators,
    check_reader,
    durations,
    load_settings,
    optional_duration,
)
from .store import ConversationStore

if TYPE_CHECKING:  # loaded only by the commands that run them (aiohttp, APScheduler)
    from channels.email import Mailer
    from channels.server import Server
    from scheduler import Notifier, ReminderScheduler


LIVE_USER = "console:operator"  # who the operator talks as on the real database, unless --user says otherwise
CONTEXT_LINES = 6  # the last lines of a conversation a language model reads the next message with


@dataclass
class App:
    """Everything one bot process runs on, wired together."""

    settings: Settings
    business: Business
    engine: AsyncEngine
    backend: BookingBackend
    store: ConversationStore
    dialogue: Dialogue
    clock: Clock
    mailer: Mailer | None = None  # sends email (confirmations) when SMTP_HOST is set

    @property
    def core(self) -> Core:
        """What the channels get: the dialogue, the conversations, the business, the clock."""
        return Core(self.business, self.dialogue, self.store, self.clock, self.settings.default_language)

    async def database_check(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))

    async def aclose(self) -> None:
        await self.backend.aclose()
        await storage.idle(self.engine)  # a batch of writes under way ends before its connection closes
        await self.engine.dispose()


async def migrate_all(engine: AsyncEngine) -> None:
    """Every component's tables, each through its own history (one process at a time on PostgreSQL)."""
    from channels.whatsapp import store as whatsapp_store  # the tables only: the Twilio SDK is not loaded
    from scheduler import store as scheduler_store

    await migrate_engine(engine)
    await store_module.migrate(engine)
    await inbox_module.migrate(engine)
    await outbox_module.migrate(engine)
    await scheduler_store.migrate(engine)
    await whatsapp_store.migrate(engine)


async def build_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    business: Business | None = None,
    engine: AsyncEngine | None = None,
    wrap_backend: Callable[[BookingBackend], BookingBackend] | None = None,
    retry: Any = None,
) -> App:
    """Build the core; `wrap_backend` lets the console put a tracing proxy around the backend."""
    settings = settings or load_settings()
    reader = build_reader(settings)  # a missing model setting stops the build before anything opens
    mailer = _mailer(settings)  # so does a bad SMTP setting
    source = "business file" if business else settings.business_file or "bundled demo business"
    business = business or load_business(settings.business_file)
    check_overrides(business, source)  # its texts, languages and locales
    clock = clock or SystemClock()
    engine = engine or make_engine(settings.database_url)
    await migrate_all(engine)
    backend = await build_backend(settings, business, engine, clock, retry=retry)
    if wrap_backend is not None:
        backend = wrap_backend(backend)
    store = ConversationStore(engine)
    reminder_rules = _reminder_rules(settings, business)
    dialogue = Dialogue(business, backend, store, clock, default_lang=settings.default_language, reader=reader,
                        booking_link=settings.booking_link_url, questions=business.questions,
                        context_lines=_context_lines(settings),
                        email_confirmations=mailer is not None,
                        team_reachable=settings.team_reachable,
                        reminders=reminder_rules.offsets, upcoming_reminders=_upcoming_reminders(reminder_rules),
                        # WhatsApp lets a reminder out after 24 hours of silence only as an approved template
                        reminders_in_window=frozenset() if "reminder" in settings.templates else frozenset({"whatsapp"}))
    return App(settings, business, engine, backend, store, dialogue, clock, mailer=mailer)


def _reminder_rules(settings: Settings, business: Business) -> Any:
    """The reminder settings as the scheduler plans by them (one reading of them for the plan and the answers)."""
    from scheduler import QuietHours, Rules

    return Rules(tuple(durations(settings.reminder_offsets)), QuietHours.parse(settings.quiet_hours),
                 optional_duration(settings.follow_up_after), business.tz)


def _upcoming_reminders(rules: Any) -> Callable[[Booking, datetime], list[datetime]]:
    """When a booking's reminders still to come go out, by the scheduler's own plan ("will I get a reminder?")."""
    from scheduler.plan import plan_booking

    def upcoming(booking: Booking, now: datetime) -> list[datetime]:
        planned = plan_booking(booking, rules, now, booking.updated_at or booking.created_at)
        return [p.due_at for p in planned if p.kind == "reminder" and p.status == "planned"]

    return upcoming


def _context_lines(settings: Settings) -> int:
    """How many of a conversation's last lines are kept: for a language-model reader, which reads each
    message with them, and for a handoff, which passes them to the team; otherwise none."""
    return CONTEXT_LINES if settings.intent_extractor != "rules" or settings.team_reachable else 0


def _mailer(settings: Settings) -> Mailer | None:
    """The SMTP mailer, when SMTP_HOST is set (SettingsError naming a bad SMTP setting)."""
    from channels.email import mailer_from

    return mailer_from(settings)


def build_scheduler(app: App, senders: Mapping[str, Any], backend: BookingBackend | None = None, *,
                    also: Sequence[Any] = (), checks: Mapping[str, Any] | None = None) -> ReminderScheduler:
    """The reminder loop on its narrow ports: its store, the backend (and its change feed), the
    conversations' progress, the dialogue's notices, the channels' senders, the clock; `also`: loops
    on the same trigger (the notifications)."""
    from scheduler import ReminderScheduler, ReminderStore
    from scheduler.reminders import Timing

    s = app.settings
    rules = _reminder_rules(s, app.business)
    timing = Timing(rules, grace=optional_duration(s.reminder_grace) or timedelta(0),
                    max_attempts=s.reminder_max_attempts,
                    lease=optional_duration(s.reminder_lease) or timedelta(minutes=2),
                    nudge_after=optional_duration(s.nudge_after),
                    # a booking system that tells us of changes by webhook: repair what a lost one missed
                    reconcile_every=None if s.booking_backend == "local" else optional_duration(s.reconcile_every))
    backend = backend or app.backend
    return ReminderScheduler(ReminderStore(app.engine), backend, app.store, app.dialogue, senders, app.clock,
                             app.business, timing, also=also, checks=checks)


def build_notifier(app: App, senders: Mapping[str, Any], *, operator_chat: Any = None,
                   backend: BookingBackend | None = None, email: bool = True,
                   chat_answers: str = "telegram") -> Notifier:
    """The notifications on their narrow ports: the outbox, the backend's change feed, the conversations'
    handoffs, the customers' channels, the operator chat (Telegram, or the console: `chat_answers` says
    which, so a handoff note tells the team how to answer there), the mailer (unless `email` is off: the
    console never emails anybody)."""
    from channels.errors import ChannelError, Undeliverable
    from scheduler import NotificationStore, Notifier, Targets

    from .confirmations import confirmation_email

    s, texts = app.settings, app.dialogue.texts

    def compose(booking: Any, lang: str, change: str) -> Any:
        return confirmation_email(booking, app.business, texts, lang, change, now=app.clock.now(), sender=s.smtp_from)

    targets = Targets(operator_chat=operator_chat, operator_email=s.operator_email or None,
                      mailer=app.mailer if email else None,
                      compose=compose, max_attempts=s.reminder_max_attempts,
                      lease=optional_duration(s.reminder_lease) or timedelta(minutes=2), permanent=(Undeliverable,),
                      explained=(ChannelError,), chat_answers=chat_answers)
    return Notifier(NotificationStore(app.engine), backend or app.backend, app.store, app.store, senders, app.clock,
                    app.business, texts, targets, team_messages=app.store)


async def notifier_for(app: App, server: Server) -> Notifier:
    """The notifications for a running bot: the operator chat (if Telegram has one) sends them and
    hands the team's replies and Close buttons back; begun before the first message is handled."""
    operator = getattr(server.channels.get("telegram"), "operator", None)
    notifier = build_notifier(app, server.senders, operator_chat=operator.notify if operator else None)
    await notifier.begin()  # on a first start only what happens from now on is notified
    if operator is not None:
        operator.desk = notifier
    return notifier


def build_server(app: App, *, telegram_session: Any = None) -> Server:
    """The inbox, every channel whose credentials are set, and the HTTP server for their webhooks.
    Each channel's SDK is imported only when it is configured."""
    from bot.inbox import Inbox, RateLimit
    from bot.outbox import Outbox
    from channels.server import Server

    settings = app.settings
    inbox = Inbox(app.engine, app.clock, RateLimit(settings.rate_limit_messages, settings.rate_limit_seconds),
                  max_backlog=settings.max_backlog)
    outbox = Outbox(app.engine, app.clock)
    channels: dict[str, Any] = {}
    if settings.telegram_enabled:
        from channels.telegram import TelegramChannel

        channels["telegram"] = TelegramChannel(app.core, settings, inbox, outbox, session=telegram_session)
    if settings.whatsapp_enabled:
        from channels.whatsapp.channel import WhatsAppChannel
        from channels.whatsapp.store import Contacts, DeliveryLog

        channels["whatsapp"] = WhatsAppChannel(app.core, settings, inbox, outbox, Contacts(app.engine, app.clock),
                                               DeliveryLog(app.engine, app.clock))
    endpoints = []
    if settings.calcom_webhook_secret is not None and isinstance(app.backend, JournaledBackend):
        from channels.calcom import CalcomWebhook

        endpoints.append(CalcomWebhook(settings.calcom_webhook_secret.get_secret_value(), app.backend.record,
                                       settings.public_base_url))
    return Server(settings, channels, inbox, app.database_check, endpoints, outbox=outbox)


async def backend_ready(app: App) -> bool:
    """Check the booking system's credentials and configuration, where it can tell; say what is wrong."""
    checker = self_check(app.backend)
    if checker is None:
        return True
    try:
        problems = await checker.check()
    except BookingError as exc:
        problems = [f"CALCOM_API_BASE: the booking system did not answer ({exc})"]
    for problem in problems:  # each names the setting to fix
        print(f"booking-bot: setting {problem}", file=sys.stderr)
    return not problems


def describe_notifications(notifier: Notifier, settings: Settings) -> str:
    """Where the business hears about its customers (the start-up summary), with the chat and address
    so that a mistyped one shows."""
    where = {"operator_telegram": f"Telegram chat {settings.operator_telegram_chat_id}",
             "operator_email": f"email to {settings.operator_email}"}
    targets = [where[t] for t in notifier.targets.operators]
    if not targets:
        return ("Operator notifications: off (set OPERATOR_TELEGRAM_CHAT_ID or OPERATOR_EMAIL); "
                "a customer who asks for a person is given the business's phone or email")
    hours = notifier.business.handoff.timeout_hours
    return f"Operator notifications: {', '.join(targets)}; a handoff closes by itself after {hours:g}h"


async def describe_email(mailer: Mailer | None) -> str:
    """The mail server, checked with a login but nothing sent: trouble shows at start, not at the first
    booking; the bot starts anyway (emails wait in the outbox and are tried again)."""
    if mailer is None:
        return "Email: off (SMTP_HOST is empty); confirmations only in the chat"
    problem = await mailer.check()
    trouble = f" — NOT WORKING NOW: {problem}; emails wait and are tried again" if problem else ""
    return mailer.describe() + trouble


def describe_backend(app: App) -> str:
    s = app.settings
    if s.booking_backend == "calcom":
        found = ("changes made in Cal.com arrive by webhook" if s.calcom_webhook_secret
                 else "no CALCOM_WEBHOOK_SECRET: changes made in Cal.com are found by the reconciliation")
        return (f"Bookings: Cal.com at {s.calcom_api_base} (credentials and event types checked); {found}, "
                f"checked again every {s.reconcile_every}")
    return "Bookings: the embedded engine (DATABASE_URL)"


# --- booking-bot run -------------------------------------------------------------------------


def run_main() -> int:
    """`booking-bot run`: every channel whose credentials are set; with none, the operator console."""
    try:
        settings = load_settings()
        check_channels(settings)
        check_backend(settings)
        check_reader(settings)
        check_operators(settings)
        check_email(settings)  # before the console a missing channel would open
    except SettingsError as exc:
        print(f"booking-bot: {exc}", file=sys.stderr)
        return 2
    if not (settings.telegram_enabled or settings.whatsapp_enabled):
        where = "the embedded engine" if settings.booking_backend == "local" else "Cal.com"
        print("booking-bot: no channel is configured (set TELEGRAM_BOT_TOKEN or TWILIO_ACCOUNT_SID); "
              f"opening the operator console on {where}.", file=sys.stderr)
        return chat_main(user="console:operator", lang=None, clock=None)

    from .logmask import setup_logging

    setup_logging(settings.log_level)
    try:
        return asyncio.run(serve(settings))
    except KeyboardInterrupt:
        return 130


async def serve(settings: Settings, *, clock: Clock | None = None, stop: asyncio.Event | None = None) -> int:
    """Start the channels and the reminder loop, print what runs where, wait for SIGTERM/SIGINT, stop cleanly."""
    from channels.errors import ChannelStartError

    try:
        app = await build_app(settings, clock=clock)
    except (SettingsError, BusinessFileError) as exc:
        print(f"booking-bot: {exc}", file=sys.stderr)
        return 2
    except (OSError, SQLAlchemyError, BookingError, storage.MigrationError) as exc:  # the embedded engine's tables are in it too
        print(f"booking-bot: setting DATABASE_URL: cannot open the database: {_first_line(exc)}", file=sys.stderr)
        return 2
    if not await backend_ready(app):
        await app.aclose()
        return 2
    server = build_server(app)
    notifier = await notifier_for(app, server)
    try:
        await server.start()
    except ChannelStartError as exc:
        print(f"booking-bot: {exc}", file=sys.stderr)
        await server.stop(timeout=1)
        await app.aclose()
        return 2
    reminders = build_scheduler(app, server.senders, also=[notifier], checks=server.checks)
    reminders.start(settings.reminder_poll_seconds)
    intents.prepare()  # the reader's patterns compiled now, not at the first customer's message (0.1 s)
    # What start-up built (modules, tables, the reader's patterns, texts) lives as long as the process: kept out
    # of the garbage collector's full passes, which otherwise walk all of it and stop every turn for 40-90 ms.
    gc.collect()
    gc.freeze()
    print(f"booking-bot: {app.business.name} is running", flush=True)
    print(f"  {describe_backend(app)}", flush=True)
    for line in server.describe():
        print(f"  {line}", flush=True)
    print(f"  {await describe_email(app.mailer)}", flush=True)
    print(f"  Reminders: {settings.reminder_offsets} before, quiet hours {settings.quiet_hours or 'none'}, "
          f"checked every {settings.reminder_poll_seconds:g}s", flush=True)
    print(f"  {describe_notifications(notifier, settings)}", flush=True)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    print(f"booking-bot: stopping (finishing {server.turns_in_flight} conversation(s) in flight)", flush=True)
    await reminders.stop()
    await server.stop()
    await app.aclose()
    print("booking-bot: stopped", flush=True)
    return 0


# --- booking-bot chat ------------------------------------------------------------------------


def chat_main(user: str | None = None, lang: str | None = None, clock: str | None = None, *,
              live: bool = False) -> int:
    """The console as a customer (`user`); on the real database an operator's own conversation by default,
    never a real customer's (telegram:1001 may be somebody's chat)."""
    user = user or (LIVE_USER if live else "telegram:1001")
    return asyncio.run(chat(user, lang, clock, sys.stdin, sys.stdout, live=live))


async def chat(user: str, lang: str | None, start: str | None, stdin: TextIO, out: TextIO, *,
               live: bool = False) -> int:
    """The operator console. By default on its own sandbox database and a virtual clock, with the
    reminder loop printing to it; `live` opens the real database on the real time, reminder loop off."""
    try:
        parse_user(user)
    except ValueError as exc:
        print(f"booking-bot chat: --user {exc}", file=sys.stderr)
        return 2
    if live and start:
        print("booking-bot chat: --clock cannot be used with --live (the live console runs on the real time)",
              file=sys.stderr)
        return 2
    try:
        moment = datetime.fromisoformat(start) if start else None
    except ValueError:
        print("booking-bot chat: --clock must be an ISO datetime such as 2026-12-01T09:00", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
        sandbox = None if live else open_sandbox(settings.database_url)
    except SettingsError as exc:
        print(f"booking-bot: {exc}", file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error) as exc:
        print(f"booking-bot: setting DATABASE_URL: cannot copy the database for the console: {_first_line(exc)}",
              file=sys.stderr)
        return 2
    if live and (missing := _missing_sqlite_file(settings.database_url)) is not None:
        print(f"booking-bot chat: setting DATABASE_URL: --live opens the bot's database, but {missing} does not "
              "exist (run it from the bot's folder, or set DATABASE_URL as the bot has it)", file=sys.stderr)
        return 2
    if sandbox is not None:
        settings = settings.model_copy(update={"database_url": sandbox.url})
    try:
        return await _console(settings, sandbox, user, lang, moment, stdin, out)
    finally:
        if sandbox is not None:
            sandbox.close()


async def _console(settings: Settings, sandbox: Sandbox | None, user: str, lang: str | None,
                   moment: datetime | None, stdin: TextIO, out: TextIO) -> int:
    """Build the app for the console (sandbox or live), say which in the banner, then read lines until the end."""
    from channels.console import Console

    from .tracing import TracingBackend

    live = sandbox is None
    virtual = VirtualClock()
    virtual.set(virtual.now().replace(second=0, microsecond=0))
    lines: list[Callable[[str], None]] = []
    tracers: list[TracingBackend] = []

    def trace(backend: BookingBackend) -> BookingBackend:
        tracers.append(TracingBackend(backend, lambda line: lines[0](f"debug: {line}")))
        return tracers[0]

    try:
        app = await build_app(settings, clock=SystemClock() if live else virtual, wrap_backend=trace)
    except (SettingsError, BusinessFileError) as exc:
        print(f"booking-bot: {exc}", file=sys.stderr)
        return 2
    except (OSError, SQLAlchemyError, BookingError, storage.MigrationError) as exc:
        print(f"booking-bot: setting DATABASE_URL: cannot open the database: {_first_line(exc)}", file=sys.stderr)
        return 2
    if not await backend_ready(app):
        await app.aclose()
        return 2
    if moment is not None:
        virtual.set(moment if moment.tzinfo else moment.replace(tzinfo=app.business.tz))
    app.dialogue.email_confirmations = False  # the console emails nobody, so its replies promise no email
    if live:
        app.dialogue.reminders = ()  # the live console sends no reminders, so its replies promise none
    tracer = tracers[0]
    console = Console(app.core, tracer.inner, app.clock, tracer, user, lang, out, live=live)
    lines.append(console.print)
    # live: built only to list the reminders (/reminders); the console never ticks it, so nothing is sent
    senders = {name: console.sender(name) for name in CHANNELS}
    # the team's notifications are printed; the live console never ticks them (the running bot sends them)
    team = console.to_team if settings.team_reachable else None  # what the business would be told, printed
    console.notifier = build_notifier(app, senders, operator_chat=team, backend=tracer.inner, email=False,
                                      chat_answers="console")
    console.scheduler = build_scheduler(app, senders, tracer.inner, also=[console.notifier])
    await console.notifier.begin()

    print(f"booking-bot chat: {console_banner(settings, sandbox)}", file=sys.stderr, flush=True)
    try:
        if stdin.isatty():
            console.print(f"{app.business.name} — operator console. You are {user}; /help for commands.")
        await _read_lines(console, stdin)
    finally:
        await app.aclose()
    return 0


async def _read_lines(console: Any, stdin: TextIO) -> None:
    """Hand the console one line at a time (prompted on a terminal) until the input ends or it says quit."""
    interactive = stdin.isatty()
    while True:
        if interactive:
            try:
                text = await asyncio.to_thread(input, "you: ")
            except EOFError:
                return
        else:
            text = stdin.readline()
            if not text:
                return
        if not await console.line(text):
            return


def _missing_sqlite_file(database_url: str) -> str | None:
    """The SQLite file a URL names when it does not exist (a live console would make an empty one there)."""
    from pathlib import Path

    name = sqlite_file(database_url)
    return None if name is None or Path(name).is_file() else name


def console_banner(settings: Settings, sandbox: Sandbox | None) -> str:
    """What the console runs on, said before anything else: a sandbox (a copy or empty), or LIVE."""
    elsewhere = "" if settings.booking_backend == "local" else f", but bookings are made in {settings.booking_backend}"
    if sandbox is None:
        return ("LIVE: the real database — bookings, marks and handoffs here are real; reminders and notifications "
                "are left to the running bot, and /clock is refused")
    return sandbox.banner + elsewhere


# --- booking-bot test ------------------------------------------------------------------------


def script_main(paths: list[str], verbose: bool = False) -> int:
    """`booking-bot test`: scripted conversations, each against a fresh database."""
    return asyncio.run(scripted.run_all(paths, build_app, verbose))


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
