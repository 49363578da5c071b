"""The operator console: play one customer, move the clock, see every booking.

Interactive on a terminal; with piped stdin it reads one message per line, so a
whole conversation can be scripted: `printf 'hi\nbook a haircut\n' | booking-bot chat`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol, TextIO

from booking_client import BookingBackend, BookingError, BookingStatus, lists_all, operator_marks

from bot.clock import VirtualClock, parse_delta
from bot.core import Core
from bot.messages import Inbound, Reply, parse_user
from bot.tracing import TracingBackend

HELP = """console commands:
  /as CHANNEL:ID      switch customer (e.g. /as whatsapp:+4915112345678)
  /clock ISO | +1d2h  set or move the virtual clock (e.g. /clock 2026-12-01T09:00 or /clock +2h30m)
  /bookings           every booking of the business, with status
  /reminders          every reminder and follow-up: planned, sent, skipped, missed, failed
  /mark ID STATUS     mark a booking completed or no_show (ID: the first characters shown by /bookings)
  /handoff [list]     open handoffs (customers who asked for a person)
  /handoff reply ID TEXT   answer the customer of handoff ID in their chat
  /handoff close ID   close handoff ID: the bot answers that customer again
  /debug on|off       show the parsed intent and every backend call
  /help               this list
  /quit               leave"""


class Reminders(Protocol):
    """The reminder loop as the console drives it: one tick at a time, through the virtual clock."""

    async def tick(self) -> int: ...
    async def next_due(self) -> datetime | None: ...
    async def listing(self) -> list[Any]: ...


class Handoffs(Protocol):
    """What the team can do with handoffs: list the open ones, answer, close."""

    async def open_handoffs(self) -> list[Any]: ...
    async def reply(self, handoff_id: int, text: str) -> Any: ...
    async def close(self, handoff_id: int, by: str) -> Any: ...


class Console:
    """Reads lines, sends them to the dialogue as one customer, prints the replies.

    The composition root hands it the core, the backend (for the operator's views) and,
    once built, the reminder loop whose messages it prints (`sender`). Live on the real
    database it never runs that loop and never moves the clock."""

    def __init__(self, core: Core, backend: BookingBackend, clock: VirtualClock, tracer: TracingBackend, user: str,
                 lang: str | None, out: TextIO, *,
                 live: bool = False) -> None:
        self.core, self.backend, self.clock, self.tracer, self.out = core, backend, clock, tracer, out
        self.live = live  # the real database: the reminder loop never runs here and the clock is the real one
        self.channel, self.user = parse_user(user)
        self.lang = lang
        self.debug = False
        self.scheduler: Reminders | None = None
        self.notifier: Handoffs | None = None  # the team's side of handoffs (and what the business is told)

    def sender(self, channel: str) -> Callable[[str, str, Reply, dict[str, str]], Awaitable[bool]]:
        """How a message the bot starts reaches this console: printed, as the customer would see it."""
        async def deliver(kind: str, user: str, reply: Reply, variables: dict[str, str]) -> bool:
            when = self.clock.now().astimezone(self.core.business.tz)
            self.print(f"console: {kind.replace('_', '-')} to {channel}:{user} at {when:%a %d %b %H:%M}")
            self.show(reply)
            return True

        return deliver

    async def to_team(self, text: str, handoff: int | None) -> bool:
        """How a notification to the business's operator chat shows here."""
        self.print("console: to the team:")
        for line in text.split("\n"):
            self.print(f"     {line}")
        return True

    def print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def show(self, reply: Reply) -> None:
        first, *rest = reply.text.split("\n") or [""]
        self.print(f"bot: {first}")
        for line in rest:
            self.print(f"     {line}")
        for i, option in enumerate(reply.options, 1):
            self.print(f"  {i}. {option.label}")
        for attachment in reply.attachments:  # a chat app would show the file; the console names it
            self.print(f"     [{attachment.filename} attached]")

    async def tick(self) -> None:
        if self.scheduler is not None and not self.live:
            await self.scheduler.tick()

    async def line(self, text: str) -> bool:
        """Handle one input line; False means quit."""
        text = text.rstrip("\r\n")
        if text.startswith("/") and text[1:2].isalpha():
            return await self.command(text)
        msg = Inbound(channel=self.channel, user=self.user, text=text, at=self.clock.now(), lang=self.lang)
        for reply in await self.core.dialogue.handle(msg):
            self.show(reply)
        await self.tick()  # plan reminders for what just changed
        if self.debug and self.core.dialogue.last_reading is not None:
            r = self.core.dialogue.last_reading
            fields = {k: v for k, v in vars(r).items() if v not in (None, False)}
            self.print("debug: reading " + ", ".join(f"{k}={v}" for k, v in fields.items()))
        self.core.dialogue.last_reading = None
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
        elif name == "/handoff":
            await self.handoff(arg)
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
        if self.live:
            self.print("console: the live console runs on the real time, so /clock is off here; "
                       "try times in the sandbox (booking-bot chat without --live)")
            return
        tz = self.core.business.tz
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
        if target > self.clock.now() and self.scheduler is not None:
            # walk through every reminder that falls due on the way, in order, as if time passed
            await self.scheduler.tick()
            while (due := await self.scheduler.next_due()) is not None and due <= target:
                self.clock.set(max(due, self.clock.now()))
                await self.scheduler.tick()
        self.clock.set(target)
        await self.tick()
        self.print(f"console: clock is {self.clock.now().astimezone(tz):%a %Y-%m-%d %H:%M %Z}")

    async def mark(self, arg: str) -> None:
        """The operator records what happened: completed, or no_show (which sends a "we missed you")."""
        prefix, _, status = arg.partition(" ")
        marks, listing = operator_marks(self.backend), lists_all(self.backend)
        if marks is None or listing is None:
            self.print(f"console: the {self.backend.name} backend does not let the operator mark bookings")
            return
        if status.strip() not in ("completed", "no_show") or not prefix:
            self.print("console: use /mark ID completed or /mark ID no_show (ID from /bookings)")
            return
        matches = [b for b in await listing.list_all() if b.id.startswith(prefix.strip())]
        if len(matches) != 1:
            self.print(f"console: {'no booking' if not matches else 'more than one booking'} starts with {prefix!r}")
            return
        if matches[0].start > self.clock.now():  # a slip of the ID would cancel a customer's reminders
            when = matches[0].start.astimezone(self.core.business.tz)
            self.print(f"console: {matches[0].id[:8]} is on {when:%a %d %b %H:%M}, still to come; "
                       "mark it once it has taken place")
            return
        try:
            booking = await marks.mark(matches[0].id, BookingStatus(status.strip()))
        except BookingError as exc:
            self.print(f"console: {exc}")
            return
        self.print(f"console: {booking.id[:8]} is {booking.status.value}")
        await self.tick()

    async def handoff(self, arg: str) -> None:
        """/handoff: the open ones; /handoff close ID; /handoff reply ID TEXT (sent by the running bot)."""
        if self.notifier is None:
            self.print("console: handoffs are not available here")
            return
        action, _, rest = arg.partition(" ")
        number, _, text = rest.strip().partition(" ")
        if action in ("", "list"):
            await self.open_handoffs()
            return
        if action not in ("close", "reply") or not number.lstrip("#").isdigit() or (action == "reply") != bool(text):
            self.print("console: use /handoff, /handoff close ID or /handoff reply ID your text (ID from /handoff)")
            return
        handoff_id = int(number.lstrip("#"))
        if action == "close":
            done = await self.notifier.close(handoff_id, "console")
        else:
            done = await self.notifier.reply(handoff_id, text.strip())
        if done is None:
            self.print(f"console: handoff #{handoff_id} is not open")
            return
        told = " (the running bot passes it on to the customer)" if self.live else ""
        self.print(f"console: handoff #{handoff_id} {'closed' if action == 'close' else 'answered'}{told}")
        await self.tick()

    async def open_handoffs(self) -> None:
        rows = await self.notifier.open_handoffs() if self.notifier is not None else []
        if not rows:
            self.print("console: no open handoffs")
            return
        tz = self.core.business.tz
        for h in rows:
            self.print(f"  #{h.id}  {h.user_key}  {h.name or '?'}  opened {h.opened_at.astimezone(tz):%a %d %b %H:%M}, "
                       f"closes by itself {h.closes_at.astimezone(tz):%a %d %b %H:%M}")
            for who, line in h.transcript:
                self.print(f"       {who}: {line}")

    async def reminders(self) -> None:
        rows = await self.scheduler.listing() if self.scheduler is not None else []
        if not rows:
            self.print("console: no reminders planned")
            return
        tz = self.core.business.tz
        for r in rows:
            note = f"  ({r.note})" if r.note else ""
            self.print(f"  {r.due_at.astimezone(tz):%a %d %b %H:%M}  {r.kind:<9} {r.status:<9} {r.user_key}{note}")

    async def bookings(self) -> None:
        listing = lists_all(self.backend)
        if listing is None:
            self.print(f"console: the {self.backend.name} backend cannot list every booking")
            return
        rows = await listing.list_all()
        if not rows:
            self.print("console: no bookings")
            return
        biz = self.core.business
        for b in rows:
            when = self.core.texts.formats("en").when(b.start.astimezone(biz.tz))
            who = b.contact.name or "?"
            self.print(f"  {b.id[:8]}  {when}  {biz.service(b.service).display('en'):<11} {biz.person(b.staff).name:<6} "
                       f"{b.status.value:<11} {who} ({b.contact.ref})")
            if b.notes:
                self.print("            note: " + b.notes.replace("\n", " / "))
