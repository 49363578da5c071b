"""The booking engine's schema history (Alembic), run in code: no alembic.ini needed.

Every component keeps its own history on the same database, so this one records its
revision in its own version table.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

import storage

from ..errors import map_exceptions
from ..models import Base

VERSION_TABLE = "booking_engine_version"
SCRIPT_LOCATION = Path(__file__).resolve().parent


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config for this history; pass it to `alembic.command` to make revisions."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes.update(connection=connection, version_table=VERSION_TABLE, metadata=Base.metadata)
    return config


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the booking tables up to `revision` (the newest by default)."""
    with map_exceptions():
        await storage.migrate(engine, SCRIPT_LOCATION, VERSION_TABLE, Base.metadata, revision)
