"""Run one component's Alembic history in code, one process at a time.

Every component keeps its own history and version table in the same database. On
PostgreSQL each run first takes one transaction-level advisory lock, shared by all
histories, so several processes starting at once on a fresh database migrate one after
another instead of racing to create the same tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine


class MigrationError(Exception):
    """A history cannot bring the database up to date until its operator does something; the message says what."""


MIGRATION_LOCK = 0x626F6F6B  # any constant: the key of pg_advisory_xact_lock for schema changes


async def migrate(engine: AsyncEngine, script_location: Path, version_table: str, metadata: MetaData | None = None,
                  revision: str = "head") -> None:
    """Bring one history up to `revision` (the newest by default)."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, script_location, version_table, metadata, revision)


def _upgrade(connection: Connection, script_location: Path, version_table: str, metadata: MetaData | None,
             revision: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    if revision == "head" and _current(connection, version_table) == _heads(script_location):
        return  # up to date: nothing for Alembic to load or run (every start but the first)
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes.update(connection=connection, version_table=version_table, metadata=metadata)
    command.upgrade(config, revision)


_HEADS: dict[Path, frozenset[str]] = {}


def _heads(script_location: Path) -> frozenset[str]:
    """The history's newest revisions, read from its files once per process."""
    if script_location not in _HEADS:
        _HEADS[script_location] = frozenset(ScriptDirectory(str(script_location)).get_heads())
    return _HEADS[script_location]


def _current(connection: Connection, version_table: str) -> frozenset[str]:
    """The revisions the database's version table says it is at (none before the first migration)."""
    context = MigrationContext.configure(connection, opts={"version_table": version_table})
    return frozenset(context.get_current_heads())


def run_alembic_env(context: Any) -> None:
    """The body of every history's `env.py`: run on the connection `migrate` hands over.

    Autogenerate compares only the history's own tables, never another component's.
    """
    attributes = context.config.attributes
    connection = attributes.get("connection")
    if connection is None:
        raise RuntimeError("run these migrations through storage.migrate(engine, ...)")
    metadata: MetaData | None = attributes.get("metadata")

    def ours(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        return type_ != "table" or metadata is None or name in metadata.tables

    context.configure(connection=connection, target_metadata=metadata, version_table=attributes["version_table"],
                      include_object=ours, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
