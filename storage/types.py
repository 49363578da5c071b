"""Column types and statements that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import DateTime
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; always read back aware, in UTC.

    PostgreSQL keeps it as timestamptz. SQLite has no zone type, so it is stored as
    naive UTC text — one fixed form, so comparisons in SQL order correctly.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: only aware datetimes are stored")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def insert_for(engine: AsyncEngine) -> Any:
    """The dialect's INSERT with ON CONFLICT (upsert) support: PostgreSQL's or SQLite's."""
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


def greatest(engine: AsyncEngine, *values: Any) -> Any:
    """The larger of SQL values: GREATEST on PostgreSQL, the two-argument MAX on SQLite."""
    return (sa.func.max if engine.dialect.name == "sqlite" else sa.func.greatest)(*values)
