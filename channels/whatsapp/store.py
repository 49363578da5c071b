"""WhatsApp's own tables: each customer's last message and opt-out, and every message sent.

The 24-hour customer-service window is counted from `last_inbound_at`; an opted-out
customer gets nothing. The delivery log keeps what was sent (or deliberately not sent,
and why) and the status Twilio reports later. Own Alembic history: `migrations/`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

import storage
from bot.clock import Clock

VERSION_TABLE = "whatsapp_version"
metadata = sa.MetaData()

# Per customer: when they last wrote (WhatsApp's 24-hour window) and whether they opted out (STOP).
channel_contacts = sa.Table(
    "channel_contacts",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("last_inbound_at", storage.UTCDateTime(), nullable=True),
    sa.Column("opted_out", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("changed_at", storage.UTCDateTime(), nullable=False),
)

# Messages we sent (or decided not to send, with the reason) and their delivery status.
outbound_messages = sa.Table(
    "outbound_messages",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("provider_id", sa.String(64), nullable=True, unique=True),  # Twilio MessageSid
    sa.Column("user_key", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),  # reply | reminder | follow_up | ...
    sa.Column("status", sa.String(20), nullable=False),  # queued | sent | delivered | read | failed | not_sent
    sa.Column("detail", sa.String(300), nullable=True),  # error code or why it was not sent
    sa.Column("created_at", storage.UTCDateTime(), nullable=False),
    sa.Column("updated_at", storage.UTCDateTime(), nullable=False),
)


async def migrate(engine: AsyncEngine) -> None:
    """Bring WhatsApp's tables up to date."""
    await storage.migrate(engine, Path(__file__).with_name("migrations"), VERSION_TABLE, metadata)


class Contacts:
    """Per customer and channel: last inbound time (24-hour window) and opt-out."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = engine
        self.reads = storage.reads(engine)  # reads never wait for the write lock
        self.clock = clock
        self._insert = storage.insert_for(engine)
        # built once: every turn writes and reads a contact (an upsert per column it changes)
        self._upserts = {column: storage.Change(engine, self._upsert_statement(column))
                         for column in ("last_inbound_at", "opted_out")}
        c = channel_contacts.c
        self._get = storage.Query(engine, sa.select(c.last_inbound_at, c.opted_out)
                                  .where(c.key == sa.bindparam("contact")))

    def _upsert_statement(self, column: str) -> Any:
        stmt = self._insert(channel_contacts)  # the columns' values come with each run
        return stmt.on_conflict_do_update(index_elements=["key"], set_={
            column: stmt.excluded[column], "changed_at": stmt.excluded.changed_at})

    def _upsert(self, key: str, column: str, value: Any) -> storage.Write:
        return storage.Statement(self._upserts[column], {"key": key, column: value, "changed_at": self.clock.now()})

    async def saw_inbound(self, key: str, at: datetime | None = None) -> None:
        await storage.commit(self.engine, [self.seeing(key, at)])

    def seeing(self, key: str, at: datetime | None = None) -> storage.Write:
        """`saw_inbound`, as part of the turn's transaction."""
        return self._upsert(key, "last_inbound_at", at or self.clock.now())

    async def set_opted_out(self, key: str, opted_out: bool) -> None:
        await storage.commit(self.engine, [self.opting(key, opted_out)])

    def opting(self, key: str, opted_out: bool) -> storage.Write:
        """`set_opted_out`, as part of the turn's transaction."""
        return self._upsert(key, "opted_out", opted_out)

    def reading(self, key: str) -> storage.Read:
        """`get`'s read, for a turn's first read to bring along (`storage.Query.all_along`)."""
        return storage.Read(self._get, {"contact": key})

    async def get(self, key: str) -> tuple[datetime | None, bool]:
        """(last inbound time, opted out) for the customer."""
        row = await self._get.first({"contact": key})
        if row is None:
            return None, False
        return row.last_inbound_at, bool(row.opted_out)


class DeliveryLog:
    """What was sent (or deliberately not sent, and why), and the delivery status reported later."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = engine
        self.reads = storage.reads(engine)  # reads never wait for the write lock
        self.clock = clock
        self._insert = storage.insert_for(engine)
        # built once: every reply sent is recorded (the columns' values come with each run)
        record = self._insert(outbound_messages)
        self._record = storage.Change(engine, record)
        self._record_sent = storage.Change(engine, record.on_conflict_do_update(  # a status callback may come first
            index_elements=["provider_id"], set_={"user_key": record.excluded.user_key, "kind": record.excluded.kind}))

    async def sent(self, channel: str, user_key: str, kind: str, provider_id: str | None, status: str,
                   detail: str | None = None) -> None:
        await storage.commit(self.engine, [self.recording(channel, user_key, kind, provider_id, status, detail)])

    def recording(self, channel: str, user_key: str, kind: str, provider_id: str | None, status: str,
                  detail: str | None = None) -> storage.Write:
        """`sent`, as part of another transaction (the outbox marking the reply sent)."""
        now = self.clock.now()
        values = dict(channel=channel, user_key=user_key, kind=kind, provider_id=provider_id, status=status,
                      detail=detail, created_at=now, updated_at=now)
        return storage.Statement(self._record if provider_id is None else self._record_sent, values)

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
        async with self.reads.connect() as conn:
            return [dict(r._mapping) for r in await conn.execute(query)]
