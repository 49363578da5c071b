"""What the scheduler needs from the rest of the bot, as narrow ports (the composition root plugs them in)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from email.message import EmailMessage
from typing import Any, Protocol

from booking_client import Booking
from bot.messages import Reply
from bot.store import HandoffEvent, HandoffRecord, Progress, TeamMessage


class Notices(Protocol):
    """The dialogue's side of a message the bot starts: its text and quick actions."""

    async def notice(self, key: str, kind: str, booking: Booking | None) -> Reply: ...

    async def notice_many(self, wanted: list[tuple[str, str, Booking | None]]) -> list[Reply]: ...


class Conversations(Protocol):
    """Where customers' conversations stand (the conversation store answers; the state stays its own)."""

    async def progress(self, key: str) -> Progress: ...

    async def progress_of(self, since: datetime, also: Iterable[str] = (), limit: int = 2000) -> list[Progress]: ...

    async def without_booking_since(self, since: datetime, limit: int = 2000) -> list[str]: ...


Sender = Callable[[str, str, Reply, dict[str, str]], Awaitable[Any]]
"""(kind, channel user id, reply, template variables) -> a result with `.sent` and `.reason` (or a bool);
raises to be tried again later."""

SentCheck = Callable[[str, Reply, datetime], Awaitable[str | None]]
"""(customer key, message, since) -> the platform's id if that message already went out to them since then
(a channel that can tell, e.g. WhatsApp through Twilio's Messages list), else None; raises if it cannot tell."""


class Handoffs(Protocol):
    """The conversation store's handoffs: what happened in them, and closing those whose time ran out."""

    async def handoff_events(self, after: int, limit: int = 500) -> list[HandoffEvent]: ...

    async def handoff(self, handoff_id: int) -> HandoffRecord | None: ...

    async def close_expired(self, now: datetime) -> int: ...

    async def open_handoffs(self) -> list[HandoffRecord]: ...

    async def reply_handoff(self, handoff_id: int, text: str, now: datetime) -> HandoffRecord | None: ...

    async def close_handoff(self, handoff_id: int, by: str, now: datetime) -> HandoffRecord | None: ...


class TeamMessages(Protocol):
    """Word for the team from customers that opens no handoff ("I'm running late"), oldest first after a cursor."""

    async def team_messages(self, after: int, limit: int = 500) -> list[TeamMessage]: ...


class Mailer(Protocol):
    """Sends one email; raises to be tried again later."""

    async def send(self, message: EmailMessage) -> None: ...


OperatorChat = Callable[[str, "int | None"], Awaitable[Any]]
"""(text, the handoff it is about or None) -> a result with `.sent`, `.id` (the message id) and `.reason`;
sends to the business's operator chat (with a Close button for a handoff); raises to be tried again later."""

Compose = Callable[[Booking, str, str], EmailMessage]
"""(booking, the customer's language, change: booked | moved | cancelled | requested) -> the confirmation email."""


class Ticking(Protocol):
    """A loop run on the reminders' trigger: one round of planning and sending per tick."""

    async def tick(self) -> int: ...
