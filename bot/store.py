"""Conversation state, persisted so a restart mid-conversation loses nothing.

A repository in the Percival & Gregory sense: the dialogue asks for a customer's
State and hands it back; how it is kept (SQLite or PostgreSQL, via SQLAlchemy) is
hidden here. The `conversations` table is this store's alone, with its own Alembic
history (`bot/migrations`); other components ask it questions (`progress`) instead
of reading the table or decoding the state themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

import storage

from .conversation.state import State

VERSION_TABLE = "bot_store_version"
metadata = sa.MetaData()

conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("state", sa.Text(), nullable=False),
    sa.Column("updated_at", storage.UTCDateTime(), nullable=False),
    sa.Column("flow", sa.String(20), nullable=True),  # the flow under way, if any (migration 0004)
    sa.Index("ix_conversations_flow_updated", "flow", "updated_at"),
)


async def migrate(engine: AsyncEngine) -> None:
    """Bring the conversation table up to date."""
    await storage.migrate(engine, Path(__file__).with_name("migrations"), VERSION_TABLE, metadata)


@dataclass(frozen=True)
class Progress:
    """Where a customer's conversation stands, for messages the bot starts (nudges)."""

    key: str
    unfinished_booking: bool  # a new booking under way, waiting for the customer's answer
    turns: int  # messages handled so far
    nudged_turn: int | None  # the turn after which a "shall we carry on?" went out
    quiet_since: datetime  # when the customer last wrote (or the bot last saved the state)


class ConversationStore:
    """Loads and saves each customer's conversation state."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._insert = storage.insert_for(engine)

    async def load(self, key: str) -> State:
        async with self._engine.connect() as conn:
            row = (await conn.execute(sa.select(conversations.c.state).where(conversations.c.key == key))).first()
        return State() if row is None else _decode(row.state)

    async def save(self, key: str, state: State, now: datetime) -> None:
        values = {"key": key, "state": state.model_dump_json(), "updated_at": now, "flow": state.flow}
        stmt = self._insert(conversations).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[conversations.c.key],
            set_={"state": stmt.excluded.state, "updated_at": stmt.excluded.updated_at, "flow": stmt.excluded.flow},
        )
        async with self._engine.begin() as conn:
            await conn.execute(stmt)

    async def progress(self, key: str) -> Progress:
        """One customer's progress (an unknown customer has none under way)."""
        async with self._engine.connect() as conn:
            row = (await conn.execute(sa.select(conversations.c.key, conversations.c.state, conversations.c.updated_at)
                                      .where(conversations.c.key == key))).first()
        return _progress(row) if row else Progress(key, False, 0, None, datetime.min)

    async def progress_of(self, since: datetime, also: Iterable[str] = (), limit: int = 2000) -> list[Progress]:
        """Conversations with a booking under way touched after `since`, plus the customers in `also`,
        most recent first (an index on flow keeps this cheap)."""
        c = conversations.c
        also = list(also)
        query = (sa.select(c.key, c.state, c.updated_at)
                 .where(sa.or_(sa.and_(c.flow == "book", c.updated_at > since), c.key.in_(also)))
                 .order_by(c.updated_at.desc()).limit(limit))
        async with self._engine.connect() as conn:
            return [_progress(row) for row in await conn.execute(query)]


def _decode(text: str) -> State:
    try:
        return State.model_validate_json(text)
    except ValueError:
        # A state that no longer fits (written by a much older version): start afresh rather than fail.
        return State()


def _progress(row: sa.Row) -> Progress:
    state = _decode(row.state)
    return Progress(row.key, state.unfinished_booking, state.turns, state.nudged_turn, row.updated_at)
