"""Delivers what the outbox owes a customer, in order, each message marked once it went out.

A channel hands over how it sends (`Send`) and, where the platform can tell, how to find out
whether a message already went out (`Lookup`): a message written by an earlier run of the
process and never marked sent may have gone out just before a crash, so it is looked up before
it is sent again. A platform without such a lookup (Telegram) may get that one message twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
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


class Sender:
    """Sends one channel's owed messages, customer by customer, oldest first."""

    def __init__(self, outbox: Outbox, send: Send, lookup: Lookup | None = None) -> None:
        self.outbox = outbox
        self.send = send
        self.lookup = lookup

    async def deliver(self, user_key: str) -> bool:
        """Send what the customer is owed; False if something is left for later (a lookup that could not tell)."""
        for item in await self.outbox.unsent(user_key):
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
            except Exception:
                log.exception("sending %s message %s failed", item.kind, item.id)
                await self.outbox.settle(item, failed="the channel failed while sending")
                continue
            await self.outbox.settle(item, ref=result.id, failed=None if result.sent else result.reason or "not sent",
                                     also=result.records)
        return True
