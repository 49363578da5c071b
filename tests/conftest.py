"""Shared fixtures: migrated databases (SQLite file, PostgreSQL schema) for any test that needs one."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from booking_client.local import migrate
from bot.logmask import mask
from storage import group, make_engine

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")

# What the tests' customers say and are called most often: none of it may reach the log at INFO or above.
CUSTOMER_WORDS = ("book a haircut", "Anna Schmidt", "anna@example.com", "ich möchte einen Termin", "Haarschnitt")


class LogScan(logging.Handler):
    """Every record at INFO or above as the product's handlers write it (masked), checked for customers' words."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.format_with = logging.Formatter("%(name)s %(levelname)s: %(message)s")
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = mask(self.format_with.format(record))
        except Exception:  # a record that cannot be formatted says nothing
            return
        if any(word.lower() in text.lower() for word in CUSTOMER_WORDS):
            self.found.append(text[:300])


@pytest.fixture(scope="session", autouse=True)
def no_customer_words_in_the_log() -> Iterator[None]:
    """After the whole suite: no log line at INFO or above carried what a customer wrote or their name."""
    scan, root = LogScan(), logging.getLogger()
    level = root.level
    root.addHandler(scan)
    root.setLevel(min(level, logging.INFO))
    yield
    root.removeHandler(scan)
    root.setLevel(level)
    assert not scan.found, "customers' words in the log:\n" + "\n".join(scan.found[:20])


@pytest.fixture
async def sqlite_engine(tmp_path) -> AsyncIterator[AsyncEngine]:
    """A migrated SQLite database in a fresh file."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
    await migrate(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def pg_engine() -> AsyncIterator[AsyncEngine]:
    """A migrated PostgreSQL schema of its own (t_<random>), dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL, connect_args={"timeout": 3})
    try:
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # refused, unknown host, bad credentials: all mean "no PostgreSQL here"
        await admin.dispose()
        _postgres_missing(exc)
    engine = make_engine(PG_URL, schema=schema)
    try:
        await migrate(engine)
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
async def fresh_pg_url() -> AsyncIterator[str]:
    """The URL of a new, empty PostgreSQL database of its own (for several processes at once); dropped after."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL, connect_args={"timeout": 3}, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        await admin.dispose()
        _postgres_missing(exc)
    try:
        yield str(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


def _postgres_missing(exc: BaseException) -> None:
    reason = f"PostgreSQL is not reachable at {PG_URL} ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the PostgreSQL tests", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(params=["sqlite", "postgres"])
def db_engine(request) -> AsyncEngine:
    """Each migrated database in turn: the test runs once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue({"sqlite": "sqlite_engine", "postgres": "pg_engine"}[request.param])


@pytest.fixture
def group_transactions(monkeypatch) -> list[AsyncEngine]:
    """The engine of every transaction the group commit (`storage.group`) begins while the test runs, in order."""
    begun: list[AsyncEngine] = []
    real = group.transaction

    def counted(engine: AsyncEngine) -> Any:
        begun.append(engine)
        return real(engine)

    monkeypatch.setattr(group, "transaction", counted)
    return begun
