"""The operator console: play one customer, move the clock, see every booking.

Interactive on a terminal; with piped stdin it reads one message per line, so a
whole conversation can be scripted: `printf 'hi\nbook a haircut\n' | booking-bot chat`.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from booking_client import BookingError, BookingStatus, BusinessFileError

from bot import replies
from bot.app import App, build_app
from bot.clock import VirtualClock, parse_delta
from bot.messages import CHANNELS, Inbound, Reply, parse_user
from bot.settings import SettingsError
from bot.tracing import TracingBackend
from scheduler import ReminderScheduler

HELP = """console commands:
  /as CHANNEL:ID      switch customer (e.g. /as whatsapp:+4915112345678)
  /clock ISO | +1d2h  set or move the virtual clock (e.g. /clock 2026-12-01T09:00 or /clock +2h30m)
  /bookings           every booking of the business, with status
  /reminders          every reminder and follow-up: planned, sent, skipped, missed, failed
  /mark ID STATUS     mark a booking completed or no_show (ID: the first characters shown by /bookings)
  /debug on|off       show the parsed intent and every backend call
  /help               this list
  /quit               leave"""


class Console:
    """Reads lines, sends them to the dialogue as one customer, prints the replies."""

    def __init__(self, app: App, clock: VirtualClock, tracer: TracingBackend, user: str, lang: str | None,
                 out: TextIO) -> None:
        self.app, self.clock, self.tracer, self.out = app, clock, tracer, out
        self.channel, self.user = parse_user(user)
        self.lang = lang
        self.debug = False
        self.scheduler = ReminderScheduler.from_settings(app, {name: self._sender(name) for name in CHANNELS})

    def _sender(self, channel: str):
        async def deliver(kind: str, user: str, reply: Reply, variables: dict[str, str]) -> bool:
            when = self.clock.now().astimezone(self.app.business.tz)
            self.print(f"console: {kind.replace('_', '-')} to {channel}:{user} at {when:%a %d %b %H:%M}")
            self.show(reply)
            return True

        return deliver

    def print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def show(self, reply: Reply) -> None:
        first, *rest = reply.text.split("\n") or [""]
        self.print(f"bot: {first}")
        for line in rest:
            self.print(f"     {line}")
        for i, option in enumerate(reply.options, 1):
            self.print(f"  {i}. {option.label}")

    async def line(self, text: str) -> bool:
        """Handle one input line; False means quit."""
        text = text.rstrip("\r\n")
        if text.startswith("/") and text[1:2].isalpha():
            return await self.command(text)
        msg = Inbound(channel=self.channel, user=self.user, text=text, at=self.clock.now(), lang=self.lang)
        for reply in await self.app.dialogue.handle(msg):
            self.show(reply)
        await self.scheduler.tick()  # plan reminders for what just changed
        if self.debug and self.app.dialogue.last_reading is not None:
            r = self.app.dialogue.last_reading
            fields = {k: v for k, v in vars(r).items() if v not in (None, False)}
            self.print("debug: reading " + ", ".join(f"{k}={v}" for k, v in fields.items()))
        self.app.dialogue.last_reading = None
        return True

    async def command(self, text: str) -> bool:
        name, _, arg = text.partition(" ")
        arg = arg.strip()
        if name in ("/quit", "/exit", "/q"):
            return False
        if name == "/help":
            self.print(HELP)
        elif name == "/as":
            try:
                self.channel, self.user = parse_user(arg)
                self.print(f"console: now talking as {self.channel}:{self.user}")
            except ValueError as exc:
                self.print(f"console: {exc}")
        elif name == "/clock":
            await self.set_clock(arg)
        elif name == "/bookings":
            await self.bookings()
        elif name == "/reminders":
            await self.reminders()
        elif name == "/mark":
            await self.mark(arg)
        elif name == "/debug":
            if arg not in ("on", "off"):
                self.print("console: use /debug on or /debug off")
            else:
                self.debug = self.tracer.enabled = arg == "on"
                self.print(f"console: debug {arg}")
        else:
            self.print(f"console: unknown command {name}; /help lists them")
        return True

    async def set_clock(self, arg: str) -> None:
        tz = self.app.business.tz
        try:
            if arg.startswith("+"):
                target = self.clock.now() + parse_delta(arg)
            elif arg:
                moment = datetime.fromisoformat(arg)
                target = moment if moment.tzinfo else moment.replace(tzinfo=tz)
            else:
                target = self.clock.now()
        except ValueError:
            self.print("console: use /clock 2026-12-01T09:00 (business time) or /clock +1d2h30m")
            return
        if target > self.clock.now():
            # walk through every reminder that falls due on the way, in order, as if time passed
            await self.scheduler.tick()
            while (due := await self.scheduler.next_due()) is not None and due <= target:
                self.clock.set(max(due, self.clock.now()))
                await self.scheduler.tick()
        self.clock.set(target)
        await self.scheduler.tick()
        self.print(f"console: clock is {self.clock.now().astimezone(tz):%a %Y-%m-%d %H:%M %Z}")

    async def mark(self, arg: str) -> None:
        """The operator records what happened: completed, or no_show (which sends a "we missed you")."""
        prefix, _, status = arg.partition(" ")
        backend = self.tracer.inner
        if status.strip() not in ("completed", "no_show") or not prefix or not hasattr(backend, "mark"):
            self.print("console: use /mark ID completed or /mark ID no_show (ID from /bookings)")
            return
        matches = [b for b in await backend.list_all() if b.id.startswith(prefix.strip())]
        if len(matches) != 1:
            self.print(f"console: {'no booking' if not matches else 'more than one booking'} starts with {prefix!r}")
            return
        try:
            booking = await backend.mark(matches[0].id, BookingStatus(status.strip()))
        except BookingError as exc:
            self.print(f"console: {exc}")
            return
        self.print(f"console: {booking.id[:8]} is {booking.status.value}")
        await self.scheduler.tick()

    async def reminders(self) -> None:
        rows = await self.scheduler.listing()
        if not rows:
            self.print("console: no reminders planned")
            return
        tz = self.app.business.tz
        for r in rows:
            note = f"  ({r.note})" if r.note else ""
            self.print(f"  {r.due_at.astimezone(tz):%a %d %b %H:%M}  {r.kind:<9} {r.status:<9} {r.user_key}{note}")

    async def bookings(self) -> None:
        backend = self.tracer.inner
        list_all = getattr(backend, "list_all", None)
        if list_all is None:
            self.print(f"console: the {backend.name} backend cannot list every booking")
            return
        rows = await list_all()
        if not rows:
            self.print("console: no bookings")
            return
        biz = self.app.business
        for b in rows:
            when = replies.when(b.start.astimezone(biz.tz), "en")
            who = b.contact.name or "?"
            self.print(f"  {b.id[:8]}  {when}  {biz.service(b.service).display('en'):<11} {biz.person(b.staff).name:<6} "
                       f"{b.status.value:<11} {who} ({b.contact.ref})")


async def _chat(user: str, lang: str | None, start: str | None, stdin: TextIO, out: TextIO) -> int:
    try:
        parse_user(user)
    except ValueError as exc:
        print(f"booking-bot chat: --user {exc}", file=sys.stderr)
        return 2
    try:
        moment = datetime.fromisoformat(start) if start else None
    except ValueError:
        print("booking-bot chat: --clock must be an ISO datetime such as 2026-12-01T09:00", file=sys.stderr)
        return 2
    clock = VirtualClock()
    clock.set(clock.now().replace(second=0, microsecond=0))
    tracer_box: list[TracingBackend] = []
    console_box: list[Console] = []

    def wrap(backend):
        tracer = TracingBackend(backend, lambda line: console_box[0].print(f"debug: {line}"))
        tracer_box.append(tracer)
        return tracer

    try:
        app = await build_app(clock=clock, wrap_backend=wrap)
    except (SettingsError, BusinessFileError) as exc:
        print(f"booking-bot: {exc}", file=sys.stderr)
        return 2
    except (OSError, SQLAlchemyError, BookingError) as exc:
        print(f"booking-bot: setting DATABASE_URL: cannot open the database: {_first_line(exc)}", file=sys.stderr)
        return 2
    if moment is not None:
        clock.set(moment if moment.tzinfo else moment.replace(tzinfo=app.business.tz))
    console = Console(app, clock, tracer_box[0], user, lang, out)
    console_box.append(console)
    interactive = stdin.isatty()
    try:
        if interactive:
            console.print(f"{app.business.name} — operator console. You are {user}; /help for commands.")
        while True:
            if interactive:
                try:
                    text = await asyncio.to_thread(input, "you: ")
                except EOFError:
                    break
            else:
                text = stdin.readline()
                if not text:
                    break
            if not await console.line(text):
                break
    finally:
        await app.aclose()
    return 0


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def chat_main(user: str = "telegram:1001", lang: str | None = None, clock: str | None = None) -> int:
    return asyncio.run(_chat(user, lang, clock, sys.stdin, sys.stdout))
