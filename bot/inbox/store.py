"""Durable intake for channel messages: each one recorded once, handled once, in order per customer.

Channels call `Inbox.record` before they acknowledge a message (answer Telegram's or
Twilio's HTTP request, or confirm a polled update). The insert itself is the
de-duplication: a unique key on (channel, message id) means a redelivery finds the
row already there, however many copies race in at once — no check-then-mark window.

`Conveyor` then works through each customer's recorded messages in arrival order,
while different customers are handled concurrently. On PostgreSQL a transaction-level
advisory lock per customer keeps that order across several processes, too. A message
still pending at start-up (the process stopped mid-turn) is picked up again.

Nothing here knows any channel SDK; `channels/` plugs a handler into the conveyor.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from .clock import Clock
from .store import channel_contacts, inbound_messages, outbound_messages

log = logging.getLogger(__name__)

KEEP_FINISHED = timedelta(days=7)
"""How long a handled message's key is kept for de-duplication (Telegram keeps updates 24 h)."""

_LOCK_NAMESPACE = 0x626F74  # "bot": first key of pg_advisory_xact_lock(int, int)

PARALLEL_TURNS = 5
"""Customers handled at the same moment (per process). On PostgreSQL each holds one pooled
connection for its lock and uses another for the turn, so this stays well inside the pool."""


@dataclass(frozen=True)
class Entry:
    """One recorded inbound message."""

    id: int
    channel: str
    message_id: str
    user_key: str
    payload: dict[str, Any]
    received_at: datetime
    position: int = 1  # how many messages this customer sent within the rate-limit window, this one included


@dataclass(frozen=True)
class RateLimit:
    """At most `messages` per customer within `seconds`; the first one over gets a polite answer."""

    messages: int = 20
    seconds: int = 60


def _insert_for(engine: AsyncEngine):
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


class Inbox:
    """The `inbound_messages` table: record, fetch in order, finish, forget."""

    def __init__(self, engine: AsyncEngine, clock: Clock, limit: RateLimit | None = None,
                 parallel: int = PARALLEL_TURNS) -> None:
        self.engine = engine
        self.clock = clock
        self.limit = limit or RateLimit()
        self._insert = _insert_for(engine)
        self._slots = asyncio.Semaphore(parallel)  # shared by every channel's conveyor

    async def record(self, channel: str, message_id: str, user_key: str, payload: dict[str, Any]) -> Entry | None:
        """Store a new message durably; None if this (channel, message id) was seen before."""
        now = self.clock.now()
        stmt = (
            self._insert(inbound_messages)
            .values(channel=channel, message_id=message_id, user_key=user_key, payload=json.dumps(payload),
                    status="pending", received_at=now)
            .on_conflict_do_nothing(index_elements=["channel", "message_id"])
            .returning(inbound_messages.c.id)
        )
        since = now - timedelta(seconds=self.limit.seconds)
        async with self.engine.begin() as conn:
            row = (await conn.execute(stmt)).first()
            if row is None:
                return None
            position = (await conn.execute(
                sa.select(sa.func.count()).select_from(inbound_messages).where(
                    inbound_messages.c.user_key == user_key,
                    inbound_messages.c.received_at > since,
                    inbound_messages.c.id <= row.id,
                )
            )).scalar_one()
        return Entry(row.id, channel, message_id, user_key, payload, now, position)

    async def next_for(self, user_key: str) -> Entry | None:
        """The customer's oldest message not handled yet."""
        c = inbound_messages.c
        async with self.engine.connect() as conn:
            row = (await conn.execute(
                sa.select(c.id, c.channel, c.message_id, c.user_key, c.payload, c.received_at)
                .where(c.user_key == user_key, c.status == "pending").order_by(c.id).limit(1)
            )).first()
            if row is None:
                return None
            position = (await conn.execute(
                sa.select(sa.func.count()).select_from(inbound_messages).where(
                    c.user_key == user_key,
                    c.received_at > row.received_at - timedelta(seconds=self.limit.seconds),
                    c.id <= row.id,
                )
            )).scalar_one()
        return Entry(row.id, row.channel, row.message_id, row.user_key, json.loads(row.payload), row.received_at,
                     position)

    async def finish(self, entry: Entry, status: str = "done") -> None:
        """Mark a message handled and drop its payload (the key stays, for de-duplication)."""
        async with self.engine.begin() as conn:
            await conn.execute(
                sa.update(inbound_messages).where(inbound_messages.c.id == entry.id)
                .values(status=status, payload="{}", finished_at=self.clock.now())
            )

    async def waiting_users(self, channel: str) -> list[str]:
        """Customers with messages recorded but not handled (e.g. the process stopped mid-turn)."""
        c = inbound_messages.c
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(c.user_key).where(c.channel == channel, c.status == "pending").group_by(c.user_key)
                .order_by(sa.func.min(c.id))
            )
            return [r.user_key for r in rows]

    async def forget_old(self, older_than: timedelta = KEEP_FINISHED) -> int:
        """Delete handled messages older than `older_than`; returns how many."""
        c = inbound_messages.c
        async with self.engine.begin() as conn:
            result = await conn.execute(
                sa.delete(inbound_messages).where(c.status != "pending",
                                                  c.received_at < self.clock.now() - older_than)
            )
        return result.rowcount or 0

    @contextlib.asynccontextmanager
    async def user_lock(self, user_key: str) -> AsyncIterator[None]:
        """A turn slot, and across processes on PostgreSQL one worker per customer at a time
        (a transaction-level advisory lock, released when the transaction ends)."""
        async with self._slots:
            if self.engine.dialect.name != "postgresql":
                yield
                return
            async with self.engine.begin() as conn:
                key = sa.func.hashtext(user_key)
                await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_NAMESPACE, key)))
                yield


Handler = Callable[[Entry], Awaitable[str | None]]


class Conveyor:
    """Handles each customer's recorded messages one after another, different customers at once.

    `handler(entry)` returns the status to finish the entry with ("done" if None). An
    exception is logged and the entry finished as "failed", so one bad message never
    blocks the customer's next ones.
    """

    def __init__(self, inbox: Inbox, handler: Handler) -> None:
        self.inbox = inbox
        self.handler = handler
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()

    def kick(self, user_key: str) -> None:
        """Make sure the customer's waiting messages get handled (call after `Inbox.record`)."""
        if user_key in self._workers:
            self._again.add(user_key)  # the running worker looks once more before it ends
            return
        task = asyncio.create_task(self._work(user_key), name=f"conveyor:{user_key}")
        self._workers[user_key] = task

    async def _work(self, user_key: str) -> None:
        try:
            while True:
                self._again.discard(user_key)
                async with self.inbox.user_lock(user_key):
                    while (entry := await self.inbox.next_for(user_key)) is not None:
                        await self._handle(entry)
                if user_key not in self._again:
                    break
        except Exception:
            log.exception("could not work through the messages of %s", user_key)
        finally:
            self._workers.pop(user_key, None)

    async def _handle(self, entry: Entry) -> None:
        try:
            status = await self.handler(entry) or "done"
        except Exception:
            log.exception("handling %s message %s failed", entry.channel, entry.message_id)
            status = "failed"
        await self.inbox.finish(entry, status)

    @property
    def busy(self) -> int:
        return len(self._workers)

    async def drain(self, timeout: float = 30.0) -> bool:
        """Wait for the turns in flight to finish; False if some did not within `timeout`."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._workers:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return False
            await asyncio.wait(list(self._workers.values()), timeout=left)
        return True


class Contacts:
    """Per customer and channel: last inbound time (24-hour window) and opt-out."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        self._insert = _insert_for(engine)

    async def _upsert(self, key: str, **values: Any) -> None:
        values["changed_at"] = self.clock.now()
        stmt = self._insert(channel_contacts).values(key=key, **values)
        stmt = stmt.on_conflict_do_update(index_elements=["key"], set_={k: stmt.excluded[k] for k in values})
        async with self.engine.begin() as conn:
            await conn.execute(stmt)

    async def saw_inbound(self, key: str, at: datetime | None = None) -> None:
        await self._upsert(key, last_inbound_at=at or self.clock.now())

    async def set_opted_out(self, key: str, opted_out: bool) -> None:
        await self._upsert(key, opted_out=opted_out)

    async def get(self, key: str) -> tuple[datetime | None, bool]:
        """(last inbound time, opted out) for the customer."""
        c = channel_contacts.c
        async with self.engine.connect() as conn:
            row = (await conn.execute(sa.select(c.last_inbound_at, c.opted_out).where(c.key == key))).first()
        if row is None:
            return None, False
        last = row.last_inbound_at
        if last is not None and last.tzinfo is None:  # SQLite hands back naive UTC
            last = last.replace(tzinfo=self.clock.now().tzinfo)
        return last, bool(row.opted_out)


class Outbox:
    """What was sent (or deliberately not sent, and why), and the delivery status reported later."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        self._insert = _insert_for(engine)

    async def sent(self, channel: str, user_key: str, kind: str, provider_id: str | None, status: str,
                   detail: str | None = None) -> None:
        now = self.clock.now()
        values = dict(channel=channel, user_key=user_key, kind=kind, provider_id=provider_id, status=status,
                      detail=detail, created_at=now, updated_at=now)
        stmt = self._insert(outbound_messages).values(**values)
        if provider_id is not None:  # a status callback may have arrived first
            stmt = stmt.on_conflict_do_update(
                index_elements=["provider_id"],
                set_={"user_key": stmt.excluded.user_key, "kind": stmt.excluded.kind},
            )
        async with self.engine.begin() as conn:
            await conn.execute(stmt)

    async def status(self, channel: str, provider_id: str, status: str, detail: str | None = None) -> None:
        """Record a delivery status report (Twilio status callback) for a message we sent."""
        now = self.clock.now()
        stmt = self._insert(outbound_messages).values(
            channel=channel, provider_id=provider_id, user_key="", kind="unknown", status=status, detail=detail,
            created_at=now, updated_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["provider_id"],
            set_={"status": stmt.excluded.status, "detail": stmt.excluded.detail,
                  "updated_at": stmt.excluded.updated_at},
        )
        async with self.engine.begin() as conn:
            await conn.execute(stmt)

    async def list(self, user_key: str | None = None) -> list[dict[str, Any]]:
        c = outbound_messages.c
        query = sa.select(outbound_messages).order_by(c.id)
        if user_key is not None:
            query = query.where(c.user_key == user_key)
        async with self.engine.connect() as conn:
            return [dict(r._mapping) for r in await conn.execute(query)]
