"""SQLite's write-ahead log copied back into the database file on a thread of its own, not inside a turn.

SQLite checkpoints in the commit that grows the WAL past `wal_autocheckpoint` pages. With statements on the
event loop's thread (`storage.inline`) that commit stops every conversation for the copy and its fsync:
15-20 ms stalls under load (bench/RESULTS.md, "turns"). Here a thread with a connection of its own runs a
PASSIVE checkpoint every `EVERY_S` seconds while the database is written (every `IDLE_EVERY_S` while it is
not): it neither waits for nor blocks the writer or a reader, and SQLite's calls release the GIL while they
copy and sync. The writer keeps its own automatic checkpoint as a backstop at `BACKSTOP_PAGES`, for a WAL
that grows faster than the thread copies it.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from typing import Any

from .inline import open_sqlite

log = logging.getLogger(__name__)

EVERY_S = 0.1
"""Seconds between checkpoints while the database is being written. Small and often is what keeps commits quick:
the writer's commit waits for the file system while a checkpoint syncs the database file, so one large sync now
and then stalls it for longer (bench/RESULTS.md: every 0.1 s, commits over 15 ms took 15-19 ms; every 0.5 s,
17-33 ms; every 5 s, 90-175 ms)."""

IDLE_EVERY_S = 1.0
"""Seconds between looks while nothing was written since the last checkpoint."""

BACKSTOP_PAGES = 20_000
"""The writer's own automatic checkpoint (about 80 MB of WAL): reached only if the thread falls behind."""


class Checkpointer:
    """A daemon thread that checkpoints one SQLite file's WAL now and then, until `stop`."""

    def __init__(self, database: str, options: dict[str, Any]) -> None:
        self.database = database
        self.options = options
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the thread, once (called at each writer connect: the first one starts it)."""
        with self._lock:
            if self._thread is None and not self._stopped.is_set():
                self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for a checkpoint under way (an engine used again after `dispose` starts
        another at its next connect)."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stopped.set()
        if thread is not None:
            thread.join()
        with self._lock:
            if self._thread is None:
                self._stopped = threading.Event()

    def stop_soon(self) -> None:
        """Let the thread end after its current wait (for an engine the garbage collector takes)."""
        self._stopped.set()

    def _run(self) -> None:
        stopped = self._stopped  # this thread's own: a later start gets a new one
        try:
            conn = open_sqlite(self.database, self.options)
        except sqlite3.Error as exc:  # the writer's backstop still checkpoints
            log.warning("SQLite checkpoints stay with the writer: %s", exc)
            return
        wait, last = IDLE_EVERY_S, None
        try:
            while not stopped.wait(wait):
                frames = self.checkpoint(conn)
                wait, last = (EVERY_S if frames != last else IDLE_EVERY_S), frames  # the log changed: written
        finally:
            conn.close()

    @staticmethod
    def checkpoint(conn: sqlite3.Connection) -> int | None:
        """One PASSIVE checkpoint; the frames in the log (None if the database was busy or locked: tried again
        next time)."""
        with contextlib.suppress(sqlite3.OperationalError):
            for _busy, frames, _copied in conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall():
                return frames
        return None
