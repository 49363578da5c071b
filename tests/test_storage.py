"""The shared database layer: on SQLite a transaction that only reads never queues behind a writer."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from storage import make_engine, reads


async def test_a_read_does_not_wait_for_a_write_under_way(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", connect_args={"timeout": 5})
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text("CREATE TABLE visits (n INTEGER)"))
        async with engine.begin() as writer:  # holds SQLite's write lock until the block ends
            await writer.execute(sa.text("INSERT INTO visits VALUES (1)"))
            async with asyncio.timeout(2):  # a read taking the write lock would wait the whole busy timeout
                async with reads(engine).connect() as conn:
                    seen = (await conn.execute(sa.text("SELECT count(*) FROM visits"))).scalar_one()
            assert seen == 0  # the snapshot before the writer commits
        async with reads(engine).connect() as conn:
            assert (await conn.execute(sa.text("SELECT count(*) FROM visits"))).scalar_one() == 1
    finally:
        await engine.dispose()


async def test_writes_still_take_turns(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text("CREATE TABLE visits (n INTEGER)"))

        async def add(n: int) -> None:
            async with engine.begin() as conn:
                count = (await conn.execute(sa.text("SELECT count(*) FROM visits"))).scalar_one()
                await conn.execute(sa.text("INSERT INTO visits VALUES (:n)"), {"n": count})

        await asyncio.gather(*(add(i) for i in range(10)))
        async with reads(engine).connect() as conn:
            numbers = sorted((await conn.execute(sa.text("SELECT n FROM visits"))).scalars())
        assert numbers == list(range(10))  # each writer saw the one before it: no two read the same count
    finally:
        await engine.dispose()


async def test_a_write_through_the_readers_is_refused_at_once(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text("CREATE TABLE visits (n INTEGER)"))
        with pytest.raises(sa.exc.OperationalError, match="readonly"):
            async with reads(engine).begin() as conn:
                await conn.execute(sa.text("INSERT INTO visits VALUES (1)"))
        async with reads(engine).connect() as conn:
            assert (await conn.execute(sa.text("SELECT count(*) FROM visits"))).scalar_one() == 0
    finally:
        await engine.dispose()


async def test_a_database_error_does_not_carry_what_the_customer_wrote(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text("CREATE TABLE said (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"))
            await conn.execute(sa.text("INSERT INTO said VALUES (1, 'first')"))
        with pytest.raises(sa.exc.IntegrityError) as failed:
            async with engine.begin() as conn:
                await conn.execute(sa.text("INSERT INTO said VALUES (:id, :body)"),
                                   {"id": 1, "body": "my card number is 4111 1111"})
        assert "4111" not in str(failed.value) and "UNIQUE" in str(failed.value)
    finally:
        await engine.dispose()
