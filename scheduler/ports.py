"""What the scheduler needs from the rest of the bot, as narrow ports (the composition root plugs them in)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any, Protocol

from booking_client import Booking
from bot.messages import Reply
from bot.store import Progress


class Notices(Protocol):
    """The dialogue's side of a message the bot starts: its text and quick actions."""

    async def notice(self, key: str, kind: str, booking: Booking | None) -> Reply: ...


class Conversations(Protocol):
    """Where customers' conversations stand (the conversation store answers; the state stays its own)."""

    async def progress(self, key: str) -> Progress: ...

    async def progress_of(self, since: datetime, also: Iterable[str] = (), limit: int = 2000) -> list[Progress]: ...


Sender = Callable[[str, str, Reply, dict[str, str]], Awaitable[Any]]
"""(kind, channel user id, reply, template variables) -> a result with `.sent` and `.reason` (or a bool);
raises to be tried again later."""
