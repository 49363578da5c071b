"""Rows of messages the bot starts, claimed with a lease, marked, retried: one way for every outbox table.

A row is `planned` until a process claims it (`sending`, with a lease token and a time
limit); the claim takes `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite's `BEGIN
IMMEDIATE` serializes claims). Marking needs the token, so a process whose lease ran
out cannot overwrite what another process did since. A lapsed lease is claimable again.

A loop either sends row by row (`send_due`: each row marked as soon as it is sent) or hands
whole batches over (`send_batches`) and writes every row's result in one transaction
(`finish`), which is what makes thousands of reminders due at once cheap.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

import storage


IN_DOUBT = "in doubt: a send was under way when the lease ran out"
"""The note of a claimed row that may already have gone out (see `LeasedRows.claim`)."""


@dataclass(frozen=True)
class Finished:
    """What became of one claimed row, written back with the rest of its batch (`LeasedRows.finish`)."""

    row_id: int
    status: str  # sent | failed | cancelled | planned (to be tried again, or handed back untried)
    note: str | None = None  # None keeps the row's note as it is
    sent_at: datetime | None = None
    not_before: datetime | None = None  # a retry: when the row may be tried again
    untried: bool = False  # handed back without a try (its lease was running out): the try is not counted

    @classmethod
    def retry(cls, row_id: int, not_before: datetime, note: str) -> Finished:
        return cls(row_id, "planned", note, not_before=not_before)

    @classmethod
    def release(cls, row_id: int) -> Finished:
        return cls(row_id, "planned", untried=True)


BatchSender = Callable[[Sequence[Any], str, datetime], Awaitable[int]]
"""(claimed rows, lease token, when to stop starting sends) -> how many were sent."""


class LeasedRows:
    """Claim, mark, retry and release the rows of one table with `status`, `not_before`, `attempts`,
    `lease_until`, `lease_token`, `note` and `sent_at` columns."""

    def __init__(self, engine: AsyncEngine, table: sa.Table) -> None:
        self.engine = engine
        self.reads = storage.reads(engine)  # reads never wait for the write lock
        self.table = table
        self._insert = storage.insert_for(engine)

    async def next_due(self) -> datetime | None:
        """When the next planned row falls due."""
        t = self.table.c
        async with self.reads.connect() as conn:
            return (await conn.execute(sa.select(sa.func.min(t.not_before)).where(t.status == "planned"))
                    ).scalar_one_or_none()

    async def claim(self, now: datetime, *, lease: timedelta, limit: int, grace: timedelta | None = None
                    ) -> tuple[str, list[Any]]:
        """Take up to `limit` due rows, leased, in due order; with `grace`, those older than it are marked missed."""
        token, r = uuid.uuid4().hex, self.table
        lapsed = sa.or_(r.c.status == "planned", sa.and_(r.c.status == "sending", r.c.lease_until < now))
        async with self.engine.begin() as conn:
            if grace is not None:
                await conn.execute(r.update().where(lapsed, r.c.not_before < now - grace).values(
                    status="missed", note="came due while the bot was not running", lease_token=None))
            ids = (await conn.execute(
                sa.select(r.c.id).where(lapsed, r.c.not_before <= now).order_by(r.c.not_before, r.c.id)
                .limit(limit).with_for_update(skip_locked=True))).scalars().all()
            if not ids:
                return token, []
            # a row still `sending` had a send under way when its lease ran out (the process died): it may
            # have gone out; the note tells the sender to find out before it sends again
            await conn.execute(r.update().where(r.c.id.in_(ids), r.c.status == "sending").values(note=IN_DOUBT))
            await conn.execute(r.update().where(r.c.id.in_(ids)).values(
                status="sending", lease_until=now + lease, lease_token=token, attempts=r.c.attempts + 1))
            rows = (await conn.execute(sa.select(r).where(r.c.id.in_(ids)).order_by(r.c.not_before, r.c.id))).all()
        return token, list(rows)

    async def send_due(self, now: Callable[[], datetime], send: Callable[[Any, str], Awaitable[int]], *,
                       lease: timedelta, limit: int, grace: timedelta | None = None) -> int:
        """Claim due rows batch by batch and `send` each (row, lease token) -> how many were sent; sums them."""
        sent = 0
        while True:
            token, rows = await self.claim(now(), lease=lease, limit=limit, grace=grace)
            if not rows:
                return sent
            # stop before the lease runs out: a peer may claim the rest then, and must not resend
            deadline = rows[0].lease_until - lease / 4
            for i, row in enumerate(rows):
                if now() >= deadline:
                    await self.release([r.id for r in rows[i:]], token)
                    break
                sent += await send(row, token)
            if len(rows) < limit:
                return sent

    async def mark(self, row_id: int, token: str, status: str, note: str | None, sent_at: datetime | None,
                   **more: Any) -> bool:
        """Finish a claimed row; False if its lease was lost meanwhile (another process owns it now)."""
        values: dict[str, Any] = {"status": status, "lease_token": None, **more}
        if note is not None:
            values["note"] = note[:300]
        if sent_at is not None:
            values["sent_at"] = sent_at
        t = self.table
        async with self.engine.begin() as conn:
            result = await conn.execute(t.update().where(t.c.id == row_id, t.c.lease_token == token).values(**values))
        return result.rowcount == 1

    async def retry(self, row_id: int, token: str, not_before: datetime, note: str) -> None:
        """Hand a failed row back to be tried again from `not_before`."""
        t = self.table
        async with self.engine.begin() as conn:
            await conn.execute(t.update().where(t.c.id == row_id, t.c.lease_token == token)
                               .values(status="planned", not_before=not_before, lease_token=None, note=note[:300]))

    async def release(self, row_ids: Sequence[int], token: str) -> None:
        """Hand back claimed rows that were not tried (the try is not counted)."""
        t = self.table
        async with self.engine.begin() as conn:
            await conn.execute(t.update().where(t.c.id.in_(row_ids), t.c.lease_token == token)
                               .values(status="planned", lease_token=None, lease_until=None,
                                       attempts=t.c.attempts - 1))

    # --- whole batches ---------------------------------------------------------------------------

    async def send_batches(self, now: Callable[[], datetime], send: BatchSender, *, lease: timedelta, limit: int,
                           grace: timedelta | None = None) -> int:
        """Claim due rows batch by batch and hand each whole batch to `send` with its lease token and the
        moment to stop starting sends (a quarter of the lease before it runs out: a peer may claim the rows
        then, and must not resend them); sums what was sent."""
        sent = 0
        while True:
            token, rows = await self.claim(now(), lease=lease, limit=limit, grace=grace)
            if not rows:
                return sent
            sent += await send(rows, token, rows[0].lease_until - lease / 4)
            if len(rows) < limit:
                return sent

    async def finish(self, token: str, finished: Sequence[Finished]) -> set[int]:
        """Write what became of claimed rows, all in one transaction; returns the ids written. A row whose
        lease was lost meanwhile belongs to another process now and is left as it is."""
        if not finished:
            return set()
        t = self.table
        async with self.engine.begin() as conn:
            held = set((await conn.execute(
                sa.select(t.c.id).where(t.c.id.in_([f.row_id for f in finished]), t.c.lease_token == token)
                .order_by(t.c.id).with_for_update())).scalars())
            mine = [f for f in finished if f.row_id in held]
            for statement, params in self._finishing(token, mine):
                if params:
                    await conn.execute(statement, params)
        return held

    def _finishing(self, token: str, finished: Sequence[Finished]) -> list[tuple[Any, list[dict[str, Any]]]]:
        """The three statements `finish` runs, each for many rows at once: done (sent, failed, cancelled),
        to be tried again later, handed back untried (the same changes as `mark`, `retry` and `release`)."""
        t = self.table
        mine = sa.and_(t.c.id == sa.bindparam("f_id"), t.c.lease_token == token)
        done = t.update().where(mine).values(
            status=sa.bindparam("f_status"), lease_token=None,
            note=sa.func.coalesce(sa.bindparam("f_note", type_=t.c.note.type), t.c.note),
            sent_at=sa.func.coalesce(sa.bindparam("f_sent_at", type_=t.c.sent_at.type), t.c.sent_at))
        again = t.update().where(mine).values(status="planned", lease_token=None,
                                               not_before=sa.bindparam("f_not_before", type_=t.c.not_before.type),
                                               note=sa.bindparam("f_note", type_=t.c.note.type))
        back = t.update().where(mine).values(status="planned", lease_token=None, lease_until=None,
                                              attempts=t.c.attempts - 1)

        def note(f: Finished) -> str | None:
            return None if f.note is None else f.note[:300]

        return [
            (done, [{"f_id": f.row_id, "f_status": f.status, "f_note": note(f), "f_sent_at": f.sent_at}
                    for f in finished if f.status != "planned"]),
            (again, [{"f_id": f.row_id, "f_not_before": f.not_before, "f_note": note(f)}
                     for f in finished if f.status == "planned" and not f.untried]),
            (back, [{"f_id": f.row_id} for f in finished if f.untried]),
        ]


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed try: 30 s, doubling, at most 30 minutes."""
    return min(timedelta(seconds=30) * 2 ** (attempts - 1), timedelta(minutes=30))
