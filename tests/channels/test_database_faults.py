"""When the database cannot take a message, or the backlog is full, the platform hears 503 in time and delivers
the message again; /healthz says degraded within its timeout; nothing is lost and nothing is handled twice."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import aiohttp
import pytest
import sqlalchemy as sa
from channel_kit import settings_for, settle, within
from test_whatsapp import ANNA, say, wire

import channels.common
import channels.server
import storage.engine
from bot.inbox.store import inbound_messages
from storage import make_engine

BEN = "+4915187654321"
CARL = "+4915111122233"


async def healthz(server) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http:
        async with http.get(server.addresses[0] + "/healthz") as response:
            return response.status, await response.json()


async def stored(engine) -> list[str]:
    async with storage.reads(engine).connect() as conn:
        return list((await conn.execute(sa.select(inbound_messages.c.message_id))).scalars())


async def test_a_full_backlog_turns_messages_away_until_there_is_room_and_loses_none(sqlite_engine, fake_twilio,
                                                                                     run_bot):
    async with run_bot(settings_for(twilio=fake_twilio, max_backlog=2), sqlite_engine) as (server, app):
        wire(fake_twilio, server)
        handle, release = app.dialogue.handle, asyncio.Event()

        async def slow(msg, also=None):
            await release.wait()  # a slow booking system: the backlog builds up
            return await handle(msg, also)

        app.dialogue.handle = slow
        assert (await fake_twilio.send(ANNA, "hello"))[0] == 200
        assert (await fake_twilio.send(BEN, "hello"))[0] == 200
        status, _, params = await fake_twilio.send(CARL, "hello")
        assert status == 503, "over the backlog: Twilio is told to deliver it again"
        code, health = await healthz(server)
        assert code == 200 and health["backlog"] == 2 and health["max_backlog"] == 2
        release.set()
        await settle(server)
        status, _, _ = await fake_twilio.send(CARL, "hello", sid=params["MessageSid"])  # Twilio's retry (#rc)
        assert status == 200
        await settle(server)
        for phone in (ANNA, BEN, CARL):
            [hi] = fake_twilio.to(phone)
            assert hi.body.startswith("Hi!")
        assert (await healthz(server))[1]["backlog"] == 0


async def test_a_read_only_database_answers_503_and_healthz_says_degraded(tmp_path, fake_twilio, run_bot, caplog,
                                                                          fresh_pg_url):
    path = tmp_path / "bot.db"
    writable = make_engine(f"sqlite+aiosqlite:///{path}")
    async with run_bot(settings_for(twilio=fake_twilio), writable) as (server, app):
        wire(fake_twilio, server)
        await say(fake_twilio, "hello", 1)
    read_only = {"sqlite": make_engine(f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true"),
                 "postgres": make_engine(fresh_pg_url, connect_args={"server_settings": {
                     "default_transaction_read_only": "on"}})}
    setup = make_engine(fresh_pg_url)
    async with run_bot(settings_for(twilio=fake_twilio), setup):
        pass  # the PostgreSQL database's tables, made while it could be written
    await setup.dispose()
    for name, engine in read_only.items():
        caplog.clear()
        async with run_bot(settings_for(twilio=fake_twilio), engine) as (server, app):
            wire(fake_twilio, server)
            code, health = await within(healthz(server), "healthz answered", timeout=3.5)
            assert code == 503 and health["status"] == "degraded", (name, health)
            assert health["database"].startswith("cannot be written"), (name, health)
            status, _, _ = await fake_twilio.send(BEN, "hello")
            assert status == 503, name
        refused = [r for r in caplog.records if "not stored" in r.getMessage()]
        assert len(refused) == 1 and refused[0].exc_info is None, name
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], name
    async with run_bot(settings_for(twilio=fake_twilio), writable) as (server, app):
        wire(fake_twilio, server)
        status, _, _ = await fake_twilio.send(BEN, "hello")  # delivered again once the database is back
        assert status == 200
        await settle(server)
        assert len(fake_twilio.to(BEN)) == 1
    for engine in (writable, *read_only.values()):
        await engine.dispose()


async def test_a_locked_database_answers_503_before_the_platform_gives_up(tmp_path, fake_twilio, run_bot,
                                                                          monkeypatch):
    monkeypatch.setattr(storage.engine, "BUSY_TIMEOUT_MS", 3000)
    monkeypatch.setattr(channels.common, "STORE_PATIENCE", 1.0)
    monkeypatch.setattr(channels.server, "HEALTH_TIMEOUT", 1.0)
    path = tmp_path / "bot.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    async with run_bot(settings_for(twilio=fake_twilio), engine) as (server, app):
        wire(fake_twilio, server)
        other = sqlite3.connect(path, isolation_level=None)  # another program holds the write lock
        other.execute("BEGIN IMMEDIATE")
        try:
            started = asyncio.get_running_loop().time()
            status, _, params = await fake_twilio.send(ANNA, "hello")
            assert status == 503 and asyncio.get_running_loop().time() - started < 5
            code, health = await within(healthz(server), "healthz answered", timeout=2.5)
            assert code == 503 and health["status"] == "degraded"
        finally:
            other.execute("ROLLBACK")
            other.close()
        await settle(server)
        status = 0
        while status != 200:  # Twilio's retries; the writer frees once its wait for the lock has ended
            status, _, _ = await fake_twilio.send(ANNA, "hello", sid=params["MessageSid"])
        await settle(server)
        [hi] = fake_twilio.to(ANNA)
        assert hi.body.startswith("Hi!")
        assert await stored(engine) == [params["MessageSid"]]
    await engine.dispose()
