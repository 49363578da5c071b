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

    # SQLite: the text is written and read directly, in the form SQLAlchemy's DATETIME uses
    # ("2026-03-02 07:00:00.000000"), instead of through its regex parser and a second conversion;
    # reading a busy calendar spent most of its time there.
    def bind_processor(self, dialect: Dialect) -> Any:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def to_text(value: datetime | None) -> str | None:
            if value is None:
                return None
            if value.tzinfo is None:
                raise ValueError(f"naive datetime {value!r}: only aware datetimes are stored")
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        return to_text

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        parse = datetime.fromisoformat

        def from_text(value: Any) -> datetime | None:
            if value is None:
                return None
            if isinstance(value, str):
                return parse(value).replace(tzinfo=UTC)
            return self.process_result_value(value, dialect)
        return from_text


def insert_for(engine: AsyncEngine) -> Any:
    """The dialect's INSERT with ON CONFLICT (upsert) support: PostgreSQL's or SQLite's."""
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


def greatest(engine: AsyncEngine, *values: Any) -> Any:
    """The larger of SQL values: GREATEST on PostgreSQL, the two-argument MAX on SQLite."""
    return (sa.func.max if engine.dialect.name == "sqlite" else sa.func.greatest)(*values)
