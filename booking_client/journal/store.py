"""The journal's table: one row per booking change, in order; a change reported twice is kept once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

import storage

VERSION_TABLE = "booking_journal_version"
metadata = sa.MetaData()

booking_journal = sa.Table(
    "booking_journal",
    metadata,
    sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("booking_id", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # created | cancelled | rescheduled | status | seen
    sa.Column("at", storage.UTCDateTime(), nullable=False),
    sa.Column("dedupe", sa.String(200), nullable=True, unique=True),  # e.g. a webhook delivery, seen once
)


async def migrate(engine: AsyncEngine) -> None:
    """Bring the journal's table up to date."""
    await storage.migrate(engine, Path(__file__).with_name("migrations"), VERSION_TABLE, metadata)


@dataclass(frozen=True)
class JournalEntry:
    """One change: continue reading after `cursor`."""

    cursor: int
    booking_id: str
    kind: str
    at: datetime


class Journal:
    """Append changes; read them in order."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._insert = storage.insert_for(engine)

    async def append(self, booking_id: str, kind: str, at: datetime, dedupe: str | None = None) -> bool:
        """Record a change; False if a change with the same `dedupe` key was recorded before."""
        stmt = self._insert(booking_journal).values(booking_id=booking_id[:100], kind=kind, at=at,
                                                    dedupe=dedupe[:200] if dedupe else None)
        if dedupe is not None:
            stmt = stmt.on_conflict_do_nothing(index_elements=[booking_journal.c.dedupe])
        async with self.engine.begin() as conn:
            result = await conn.execute(stmt)
        return result.rowcount == 1

    async def since(self, cursor: int = 0, limit: int = 500) -> list[JournalEntry]:
        c = booking_journal.c
        query = sa.select(c.seq, c.booking_id, c.kind, c.at).where(c.seq > cursor).order_by(c.seq).limit(limit)
        async with self.engine.connect() as conn:
            return [JournalEntry(r.seq, r.booking_id, r.kind, r.at) for r in await conn.execute(query)]
