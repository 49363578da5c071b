"""The notification outbox: one row per message to the business or a customer, planned once, sent once.

`dedupe` is unique, so planning the same change twice (two ticks, two processes) adds
nothing; rows are claimed with a lease (`leases.LeasedRows`) before they are sent.
The table belongs to the scheduler's Alembic history (`scheduler/migrations`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

import storage

from .leases import LeasedRows
from .store import metadata

notifications = sa.Table(
    "notifications",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("dedupe", sa.String(300), nullable=False, unique=True),
    sa.Column("audience", sa.String(10), nullable=False),  # business | customer
    # operator_telegram | operator_email | customer_email | customer_chat
    sa.Column("target", sa.String(20), nullable=False),
    # booked | requested | moved | cancelled | no_show | handoff | handoff_message | handoff_reply | handoff_closed
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("booking_id", sa.String(64), nullable=True),
    sa.Column("booking_start", storage.UTCDateTime(), nullable=True),  # where the booking stood when planned
    sa.Column("handoff_id", sa.Integer(), nullable=True),
    sa.Column("user_key", sa.String(200), nullable=True),  # the customer (channel:id)
    sa.Column("lang", sa.String(8), nullable=True),
    sa.Column("body", sa.Text(), nullable=True),  # the text, written when planned (none for customer emails)
    sa.Column("not_before", storage.UTCDateTime(), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),  # planned | sending | sent | failed | cancelled
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("lease_until", storage.UTCDateTime(), nullable=True),
    sa.Column("lease_token", sa.String(40), nullable=True),
    sa.Column("note", sa.String(300), nullable=True),  # why it failed, or was given up
    sa.Column("sent_ref", sa.String(100), nullable=True),  # e.g. the operator chat's message id
    sa.Column("created_at", storage.UTCDateTime(), nullable=False),
    sa.Column("sent_at", storage.UTCDateTime(), nullable=True),
    sa.Index("ix_notifications_status_not_before", "status", "not_before"),
    sa.Index("ix_notifications_booking", "booking_id"),
    sa.Index("ix_notifications_sent_ref", "target", "sent_ref"),
)


@dataclass(frozen=True)
class Notification:
    """One message to plan."""

    dedupe: str
    audience: Literal["business", "customer"]
    target: str
    kind: str
    body: str | None = None
    booking_id: str | None = None
    booking_start: datetime | None = None
    handoff_id: int | None = None
    user_key: str | None = None
    lang: str | None = None


class NotificationStore(LeasedRows):
    """Plan notifications idempotently; claim, mark and retry them (shared with the reminders)."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, notifications)

    async def plan(self, planned: Iterable[Notification], now: datetime) -> None:
        """Add each notification unless its dedupe key is there already, in one transaction (none for none)."""
        planned = list(planned)
        if not planned:
            return
        async with self.engine.begin() as conn:
            for n in planned:
                await conn.execute(self._insert(notifications).values(
                    **vars(n), not_before=now, status="planned", created_at=now,
                ).on_conflict_do_nothing(index_elements=[notifications.c.dedupe]))

    async def previous_start(self, booking_id: str) -> datetime | None:
        """Where the booking stood in its last notification (for "moved from ... to ...")."""
        n = notifications.c
        query = (sa.select(n.booking_start).where(n.booking_id == booking_id, n.booking_start.is_not(None))
                 .order_by(n.id.desc()).limit(1))
        async with self.reads.connect() as conn:
            return (await conn.execute(query)).scalar_one_or_none()

    async def handoff_of(self, target: str, sent_ref: str) -> int | None:
        """The handoff a sent notification was about (the operator answers by replying to it)."""
        n = notifications.c
        query = sa.select(n.handoff_id).where(n.target == target, n.sent_ref == sent_ref, n.handoff_id.is_not(None))
        async with self.reads.connect() as conn:
            return (await conn.execute(query.limit(1))).scalar_one_or_none()

    async def listing(self) -> list[Any]:
        async with self.reads.connect() as conn:
            return list((await conn.execute(sa.select(notifications).order_by(notifications.c.id))).all())
