"""The console's own database, so trying conversations never touches the real one.

A SQLite database is copied with SQLite's backup API (a consistent copy even while the bot
writes to it); for PostgreSQL, or a file that does not exist yet, the sandbox starts empty.
The copy lives in a temporary folder that is removed when the console closes.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

SAFE = "nothing here reaches customers or the real database"


@dataclass
class Sandbox:
    """A temporary database for the console: its URL and what it holds, in a word for the banner."""

    url: str
    holds: str  # "a copy of booking-bot.db" / "an empty database"
    _folder: tempfile.TemporaryDirectory[str] = field(repr=False)

    @property
    def banner(self) -> str:
        return f"sandbox: {self.holds} — {SAFE}"

    def close(self) -> None:
        self._folder.cleanup()


def open_sandbox(database_url: str) -> Sandbox:
    """A copy of the SQLite file `database_url` names, else an empty SQLite database."""
    folder = tempfile.TemporaryDirectory(prefix="booking-bot-console-")
    copy = Path(folder.name) / "sandbox.db"
    name = sqlite_file(database_url)
    holds = "an empty database"
    if name is not None and Path(name).is_file():  # a file not made yet: nothing to copy
        source = Path(name)
        _backup(source, copy)
        holds = f"a copy of {source.name}"
    return Sandbox(f"sqlite+aiosqlite:///{copy}", holds, folder)


def sqlite_file(database_url: str) -> str | None:
    """The file a SQLite URL names, made yet or not; None for PostgreSQL or in-memory."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return url.database


def _backup(source: Path, target: Path) -> None:
    """Copy page by page under SQLite's own locking: what a running bot commits meanwhile is in or out, never half."""
    src = sqlite3.connect(source)  # an existing file (checked), so nothing is created
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
