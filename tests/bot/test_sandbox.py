"""The console's sandbox database: a consistent copy of a SQLite file, or an empty database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.sandbox import open_sandbox


def sandbox_file(url: str) -> Path:
    return Path(make_url(url).database)


def test_a_copy_holds_what_a_running_bot_committed_and_writes_never_reach_the_original(tmp_path):
    real = tmp_path / "booking-bot.db"
    bot = sqlite3.connect(real)
    bot.execute("PRAGMA journal_mode=WAL")
    bot.execute("CREATE TABLE bookings (id TEXT)")
    bot.execute("INSERT INTO bookings VALUES ('b1')")
    bot.commit()  # still in the write-ahead log: the bot keeps its connection open

    sandbox = open_sandbox(f"sqlite+aiosqlite:///{real}")
    try:
        assert sandbox.banner == ("sandbox: a copy of booking-bot.db — nothing here reaches customers or the "
                                  "real database")
        with sqlite3.connect(sandbox_file(sandbox.url)) as copy:
            assert copy.execute("SELECT id FROM bookings").fetchall() == [("b1",)]
            copy.execute("INSERT INTO bookings VALUES ('console')")
        assert bot.execute("SELECT id FROM bookings").fetchall() == [("b1",)]
    finally:
        sandbox.close()
        bot.close()
    assert not sandbox_file(sandbox.url).exists(), "the copy is removed when the console closes"


def test_postgresql_or_a_missing_file_gives_an_empty_database(tmp_path):
    for url in ("postgresql+asyncpg://bot:secret@127.0.0.1:5432/bookings", f"sqlite+aiosqlite:///{tmp_path / 'no.db'}"):
        sandbox = open_sandbox(url)
        try:
            assert sandbox.banner.startswith("sandbox: an empty database — ")
            assert sandbox.url.startswith("sqlite+aiosqlite:///") and not sandbox_file(sandbox.url).exists()
        finally:
            sandbox.close()
    assert not (tmp_path / "no.db").exists()
