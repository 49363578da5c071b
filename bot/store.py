"""Conversation state, persisted so a restart mid-conversation loses nothing.

A repository in the Percival & Gregory sense: the dialogue asks for a customer's
State and hands it back; how it is kept (SQLite or PostgreSQL, via SQLAlchemy) is
hidden here. The bot's tables have their own Alembic history (`bot/migrations`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from booking_client.local.models import UTCDateTime

from .state import State

VERSION_TABLE = "bot_store_version"
metadata = sa.MetaData()

conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("state", sa.Text(), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("flow", sa.String(20), nullable=True),  # the flow under way, if any (migration 0004)
    sa.Index("ix_conversations_flow_updated", "flow", "updated_at"),
)


def _upgrade(sync_connection, config: Config) -> None:
    config.attributes["connection"] = sync_connection
    command.upgrade(config, "head")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the bot's tables up to date."""
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, config)


class ConversationStore:
    """Loads and saves each customer's conversation state."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    async def load(self, key: str) -> State:
        async with self._engine.connect() as conn:
            row = (await conn.execute(sa.select(conversations.c.state).where(conversations.c.key == key))).first()
        if row is None:
            return State()
        try:
            return State.model_validate_json(row.state)
        except ValueError:
            # A state written by an older version that no longer fits: start afresh rather than fail.
            return State()

    async def save(self, key: str, state: State, now: datetime | None = None) -> None:
        values = {"key": key, "state": state.model_dump_json(), "updated_at": now or datetime.now(UTC),
                  "flow": state.flow}
        stmt = self._insert(conversations).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[conversations.c.key],
            set_={"state": stmt.excluded.state, "updated_at": stmt.excluded.updated_at, "flow": stmt.excluded.flow},
        )
        async with self._engine.begin() as conn:
            await conn.execute(stmt)


# --- channel bookkeeping (migration 0002) ---------------------------------------------------
# Every inbound channel message, recorded once (unique per channel + message id) before it is
# acknowledged; its payload is kept until it has been handled, then cleared.
inbound_messages = sa.Table(
    "inbound_messages",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("message_id", sa.String(100), nullable=False),
    sa.Column("user_key", sa.String(200), nullable=False),
    sa.Column("payload", sa.Text(), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),  # pending | done | limited | failed
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.UniqueConstraint("channel", "message_id", name="uq_inbound_channel_message"),
    sa.Index("ix_inbound_user_status", "user_key", "status", "id"),
    sa.Index("ix_inbound_user_received", "user_key", "received_at"),
)

# Per customer and channel: when they last wrote (WhatsApp's 24-hour window) and whether
# they opted out (STOP); nothing is sent to an opted-out customer.
channel_contacts = sa.Table(
    "channel_contacts",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("opted_out", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
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
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


# --- reminders and follow-ups (migration 0003) -----------------------------------------------
# One row per message the bot starts (reminder, follow-up, no-show follow-up, nudge). The
# scheduler claims due rows with a short lease, sends, then marks them; `dedupe` keeps planning
# idempotent (the same booking, kind, offset and start are planned once).
reminders = sa.Table(
    "reminders",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("dedupe", sa.String(300), nullable=False, unique=True),
    sa.Column("kind", sa.String(20), nullable=False),  # reminder | follow_up | no_show | nudge
    sa.Column("booking_id", sa.String(64), nullable=True),
    sa.Column("user_key", sa.String(200), nullable=False),
    sa.Column("due_at", UTCDateTime(), nullable=False),  # when it was meant for (after quiet hours)
    sa.Column("not_before", UTCDateTime(), nullable=False),  # due_at, or later after a failed try
    # planned | sending | sent | skipped | missed | cancelled | failed
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("lease_until", UTCDateTime(), nullable=True),
    sa.Column("lease_token", sa.String(40), nullable=True),
    sa.Column("note", sa.String(300), nullable=True),  # why skipped, moved, missed or failed
    sa.Column("booking_start", UTCDateTime(), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("sent_at", UTCDateTime(), nullable=True),
    sa.Index("ix_reminders_status_not_before", "status", "not_before"),
    sa.Index("ix_reminders_booking", "booking_id"),
)

# How far the scheduler has read the booking engine's change log.
scheduler_cursor = sa.Table(
    "scheduler_cursor",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("position", sa.Integer(), nullable=False),
)
