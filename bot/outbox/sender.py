"""Delivers what the outbox owes a customer, in order, each message marked once it went out.

A channel hands over how it sends (`Send`) and, where the platform can tell, how to find out
whether a message already went out (`Lookup`): a message written by an earlier run of the
process and never marked sent may have gone out just before a crash, so it is looked up before
it is sent again. A platform without such a lookup (Telegram) may get that one message twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Protocol

from .store import Outbox, Outgoing

log = logging.getLogger(__name__)


class Result(Protocol):
    """What became of one send (a channel's `SendResult`)."""

    sent: bool
    id: str | None
    reason: str | None
    records: tuple[Any, ...]  # the channel's own rows about the send (`storage.Write`), written with the mark


Send = Callable[[Outgoing], Awaitable[Result]]
"""Render and send one message; failures the platform reports come back as a result, not raised."""

Lookup = Callable[[Outgoing], Awaitable[str | None]]
"""The platform's id of this message if it already went out, else None (raises if it cannot tell)."""


MAX_ATTEMPTS = 6
"""Tries a platform may answer "try again later" before the message is given up (about 16 minutes)."""


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th refused try: 30 s, doubling, at most 8 minutes."""
    return min(timedelta(seconds=30) * 2 ** (attempts - 1), timedelta(minutes=8))


class Sender:
    """Sends one channel's owed messages, customer by customer, oldest first."""

    def __init__(self, outbox: Outbox, send: Send, lookup: Lookup | None = None, *,
                 retry_later: tuple[type[BaseException], ...] = ()) -> None:
        self.outbox = outbox
        self.send = send
        self.lookup = lookup
        self.retry_later = retry_later  # the channel's "the platform cannot take it now" errors

    async def deliver(self, user_key: str, everything: bool = True) -> bool:
        """Send what the customer is owed, in order; False if something is left for later (the platform asked
        to wait, or a lookup could not tell): the rest waits behind it, so the order holds. Unless
        `everything`, only what this process committed for them since the last delivery is sent, without
        reading the table: for a customer known to be owed nothing older (the caller keeps track)."""
        for item in await self.outbox.unsent(user_key) if everything else self.outbox.new(user_key):
            if item.not_before is not None and item.not_before > self.outbox.clock.now():
                return False
            if not item.fresh and self.lookup is not None:
                try:
                    ref = await self.lookup(item)
                except Exception as exc:  # cannot tell whether it went out: try again later rather than twice
                    log.warning("%s message %s: could not check whether it was sent (%s); trying later",
                                item.kind, item.id, type(exc).__name__)
                    return False
                if ref is not None:
                    log.info("%s message %s had gone out before a restart; not sent again", item.kind, item.id)
                    await self.outbox.settle(item, ref=ref)
                    continue
            self.outbox.tried(item)
            try:
                result = await self.send(item)
            except self.retry_later as exc:
                if item.attempts + 1 < MAX_ATTEMPTS:
                    why = f"try {item.attempts + 1} refused for now: {exc}"
                    await self.outbox.later(item, self.outbox.clock.now() + backoff(item.attempts + 1), why)
                    log.warning("%s message %s: %s; trying again later", item.kind, item.id, exc)
                    return False
                await self.outbox.settle(item, failed=f"gave up after {MAX_ATTEMPTS} tries: {exc}")
                continue
            except Exception:
                log.exception("sending %s message %s failed", item.kind, item.id)
                await self.outbox.settle(item, failed="the channel failed while sending")
                continue
            await self.outbox.settle(item, ref=result.id, failed=None if result.sent else result.reason or "not sent",
                                     also=result.records)
        return True
