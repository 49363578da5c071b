"""The booking engine's schema history (Alembic), run in code: no alembic.ini needed.

The bot's conversation store keeps its own history on the same database, so this one
records its revision in its own version table.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from ..errors import map_exceptions

VERSION_TABLE = "booking_engine_version"
SCRIPT_LOCATION = Path(__file__).resolve().parent

# Any constant works; it keeps two processes starting at once from migrating together.
_PG_MIGRATION_LOCK = 0x626F6F6B  # "book"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config for this history; pass it to `alembic.command` to make revisions."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes["connection"] = connection
    return config


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the booking tables up to `revision` (the newest by default)."""
    with map_exceptions():
        async with engine.begin() as conn:
            await conn.run_sync(_upgrade, revision)


def _upgrade(connection: Connection, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
    command.upgrade(alembic_config(connection), revision)
