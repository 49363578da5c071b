"""The outbox's table: what a turn says, written in the turn's own transaction, sent afterwards.

A reply is never sent straight from a turn. The turn commits its new conversation state, its
replies (`Outbox.adding`) and its inbound message marked handled in ONE transaction, so a crash
leaves either none of it (the message is handled again from the same state) or all of it (the
replies are still owed and get sent; the message is not handled again). Each row's key comes from
the message that caused it and its position, so the same reply is never written twice.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

import storage

from ..clock import Clock
from ..messages import Attachment, Option, Reply

VERSION_TABLE = "outbox_version"
metadata = sa.MetaData()

# Every reply or notice a customer is owed, until it has been sent (or could not be).
outgoing_messages = sa.Table(
    "outgoing_messages",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False),  # <what caused it>:<position>, e.g. whatsapp:SM…:1
    sa.Column("user_key", sa.String(200), nullable=False),  # the customer (channel:id)
    sa.Column("kind", sa.String(20), nullable=False),  # reply | notice | opt_out | opt_in
    sa.Column("body", sa.Text(), nullable=False),  # the neutral reply as JSON; each channel renders it
    sa.Column("status", sa.String(12), nullable=False),  # pending | sent | failed
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),  # tries the platform refused for now
    sa.Column("not_before", storage.UTCDateTime(), nullable=True),  # after such a try: when to try again
    sa.Column("note", sa.String(300), nullable=True),  # why it could not be sent (yet)
    sa.Column("sent_ref", sa.String(100), nullable=True),  # the platform's message id
    sa.Column("created_at", storage.UTCDateTime(), nullable=False),
    sa.Column("sent_at", storage.UTCDateTime(), nullable=True),
    sa.UniqueConstraint("key", name="uq_outgoing_key"),
    sa.Index("ix_outgoing_user_status", "user_key", "status", "id"),
    sa.Index("ix_outgoing_status", "status", "id"),
)

KEEP_SENT = timedelta(days=7)
"""How long a sent row is kept (its key stops the same reply being written twice meanwhile)."""


async def migrate(engine: AsyncEngine) -> None:
    """Bring the outbox's table up to date."""
    await storage.migrate(engine, Path(__file__).with_name("migrations"), VERSION_TABLE, metadata)


@dataclass(frozen=True)
class Outgoing:
    """One message owed to a customer."""

    id: int
    key: str
    user_key: str
    kind: str
    reply: Reply
    created_at: datetime
    fresh: bool  # written by this process and not tried yet: certainly not sent before
    attempts: int = 0  # tries the platform refused for now ("try again later")
    not_before: datetime | None = None  # not to be tried again before this


class Outbox:
    """The `outgoing_messages` table: add within a turn's transaction, list what is owed, settle each."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = engine
        self.reads = storage.reads(engine)
        self.clock = clock
        self._insert = storage.insert_for(engine)
        self._fresh: set[str] = set()  # keys this process wrote and has not tried to send yet
        self._new: dict[str, list[Outgoing]] = {}  # per customer: rows this process committed and has not handed out
        # built once: every turn adds, and every send settles, rows (the columns' values come with each run)
        c = outgoing_messages.c
        self._add = storage.Change(engine, self._insert(outgoing_messages)
                                   .on_conflict_do_nothing(index_elements=["key"]).returning(c.id, c.key))
        self._settle = storage.Change(engine, sa.update(outgoing_messages).where(c.id == sa.bindparam("row")))

    def adding(self, user_key: str, cause: str, replies: Sequence[Reply], kind: str = "reply") -> storage.Write:
        """The rows for `replies`, caused by `cause` (e.g. 'whatsapp:SM…'), for the turn's transaction. Once it
        has committed, they are also kept in memory for `new` (sent without being read back)."""

        if not replies:
            return storage.nothing
        now = self.clock.now()
        rows = {f"{cause}:{n}": reply for n, reply in enumerate(replies, 1)}
        params = [{"key": key, "user_key": user_key, "kind": kind, "body": _encode(reply), "status": "pending",
                   "created_at": now} for key, reply in rows.items()]

        def added(new: list[Any]) -> storage.AfterCommit:
            # a key written before (the same message handled again after a crash) returns no row: that one is
            # owed from the earlier run, and found where such rows are (`unsent`)
            written = sorted((Outgoing(r.id, r.key, user_key, kind, rows[r.key], now, True) for r in new),
                             key=lambda item: item.id)

            def keep() -> None:
                self._fresh.update(item.key for item in written)
                self._new.setdefault(user_key, []).extend(written)

            return keep

        # on PostgreSQL folded into the turn's one statement, the rows' new ids coming back from it
        return storage.Statement(self._add, params, then=added)

    def new(self, user_key: str) -> list[Outgoing]:
        """The customer's messages this process committed since it last handed them out, oldest first: once a
        customer is owed nothing older (every earlier message was sent or settled), that is all they are owed."""
        return self._new.pop(user_key, [])

    async def unsent(self, user_key: str) -> list[Outgoing]:
        """The customer's messages not sent yet, oldest first, as the table has them."""
        c = outgoing_messages.c
        query = (sa.select(c.id, c.key, c.user_key, c.kind, c.body, c.created_at, c.attempts, c.not_before)
                 .where(c.user_key == user_key, c.status == "pending").order_by(c.id))
        self._new.pop(user_key, None)  # the table holds those too
        async with self.reads.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [Outgoing(r.id, r.key, r.user_key, r.kind, _decode(r.body), r.created_at, r.key in self._fresh,
                         r.attempts, r.not_before) for r in rows]

    async def later(self, item: Outgoing, not_before: datetime, why: str) -> None:
        """The platform asked to try again later: count the try and say when (the row stays owed)."""
        async with self.engine.begin() as conn:
            await conn.execute(sa.update(outgoing_messages).where(outgoing_messages.c.id == item.id).values(
                attempts=item.attempts + 1, not_before=not_before, note=why[:300]))

    async def settle(self, item: Outgoing, *, ref: str | None = None, failed: str | None = None,
                     also: Iterable[storage.Write] = ()) -> None:
        """Mark a message sent (with the platform's id), or failed with the reason; `also`: the channel's own
        rows about the send, in the same transaction."""
        self._fresh.discard(item.key)
        values = {"row": item.id, "status": "failed" if failed else "sent", "sent_ref": ref,
                  "note": failed[:300] if failed else None, "sent_at": self.clock.now()}
        # the rows of this customer's message alone: on PostgreSQL other customers' marks of the moment are folded in
        await storage.commit(self.engine, [storage.Statement(self._settle, values), *also], apart=item.user_key)

    def tried(self, item: Outgoing) -> None:
        """A send of `item` has begun: from now on it may have gone out."""
        self._fresh.discard(item.key)

    async def waiting_users(self, channel: str) -> list[str]:
        """Customers of `channel` who are owed a message (e.g. the process stopped before sending it)."""
        c = outgoing_messages.c
        query = (sa.select(c.user_key).where(c.status == "pending", c.user_key.startswith(f"{channel}:"))
                 .group_by(c.user_key).order_by(sa.func.min(c.id)))
        async with self.reads.connect() as conn:
            return list((await conn.execute(query)).scalars())

    async def forget_old(self, older_than: timedelta = KEEP_SENT) -> int:
        """Delete sent or failed rows older than `older_than`; returns how many."""
        c = outgoing_messages.c
        async with self.engine.begin() as conn:
            result = await conn.execute(sa.delete(outgoing_messages).where(
                c.status != "pending", c.created_at < self.clock.now() - older_than))
        return result.rowcount or 0

    async def listing(self, user_key: str | None = None) -> list[dict[str, Any]]:
        """Every row (for the operator and the tests), oldest first."""
        c = outgoing_messages.c
        query = sa.select(outgoing_messages).order_by(c.id)
        if user_key is not None:
            query = query.where(c.user_key == user_key)
        async with self.reads.connect() as conn:
            return [dict(r._mapping) for r in await conn.execute(query)]


def _encode(reply: Reply) -> str:
    return json.dumps({
        "text": reply.text,
        "options": [[o.label, o.value] for o in reply.options],
        "offer": reply.offer,
        "attachments": [{"filename": a.filename, "media_type": a.media_type,
                         "data": base64.b64encode(a.data).decode("ascii")} for a in reply.attachments],
    }, ensure_ascii=False)


def _decode(body: str) -> Reply:
    data = json.loads(body)
    return Reply(
        data["text"],
        tuple(Option(label, value) for label, value in data.get("options", [])),
        offer=data.get("offer"),
        attachments=tuple(Attachment(a["filename"], a["media_type"], base64.b64decode(a["data"]))
                          for a in data.get("attachments", [])),
    )
