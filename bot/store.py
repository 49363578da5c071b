"""Conversation state, persisted so a restart mid-conversation loses nothing.

A repository in the Percival & Gregory sense: the dialogue asks for a customer's
State and hands it back; how it is kept (SQLite or PostgreSQL, via SQLAlchemy) is
hidden here. The `conversations` table is this store's alone, with its own Alembic
history (`bot/migrations`); other components ask it questions (`progress`) instead
of reading the table or decoding the state themselves.

Handoffs (a customer asked for a person) live here too: the `handoffs` row and what
was said while it was open (`handoff_events`) are written in the same transaction as
the state that opened, used or closed it, so the two never disagree. So does word for the team
that opens no handoff (`team_messages`: "I'm running 10 minutes late"), which the business is told of.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import storage

from .conversation.state import HandoffEntry, State, TeamNote

VERSION_TABLE = "bot_store_version"

DECODE_LOT = 100
"""Conversation states decoded between two pauses when many are read at once (see `progress_of`)."""

metadata = sa.MetaData()

conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("state", sa.Text(), nullable=False),
    sa.Column("updated_at", storage.UTCDateTime(), nullable=False),
    sa.Column("flow", sa.String(20), nullable=True),  # the flow under way, if any (migration 0004)
    sa.Index("ix_conversations_flow_updated", "flow", "updated_at"),
)

# A customer's request to talk to a person (migration 0005).
handoffs = sa.Table(
    "handoffs",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("user_key", sa.String(200), nullable=False),
    sa.Column("lang", sa.String(8), nullable=True),
    sa.Column("name", sa.String(200), nullable=True),  # the name the customer gave, if any
    sa.Column("opened_at", storage.UTCDateTime(), nullable=False),
    sa.Column("closes_at", storage.UTCDateTime(), nullable=False),
    sa.Column("closed_at", storage.UTCDateTime(), nullable=True),
    sa.Column("closed_by", sa.String(20), nullable=True),  # operator | console | timeout
    sa.Column("transcript", sa.Text(), nullable=False, server_default="[]"),  # the last lines before it opened
    sa.Index("ix_handoffs_open", "closed_at", "closes_at"),
)

# What happened while a handoff was open, in order: opened, customer and business messages, closed.
handoff_events = sa.Table(
    "handoff_events",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("handoff_id", sa.Integer(), sa.ForeignKey("handoffs.id"), nullable=False),
    sa.Column("at", storage.UTCDateTime(), nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),  # opened | customer | business | closed
    sa.Column("text", sa.Text(), nullable=True),
    sa.Column("by", sa.String(20), nullable=True),
    sa.Column("tell_customer", sa.Boolean(), nullable=False, server_default=sa.true()),
)

# Word for the team from a customer that needs no conversation with it (migration 0006): "I'm running late".
team_messages = sa.Table(
    "team_messages",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("user_key", sa.String(200), nullable=False),
    sa.Column("lang", sa.String(8), nullable=True),
    sa.Column("name", sa.String(200), nullable=True),  # the name the customer gave, if any
    sa.Column("email", sa.String(320), nullable=True),  # the email address they gave, if any
    sa.Column("at", storage.UTCDateTime(), nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),  # late, arrived
    sa.Column("text", sa.Text(), nullable=False, server_default=""),  # the customer's words
    sa.Column("booking_id", sa.String(200), nullable=True),  # the booking it is about, if one was found
    sa.Column("booking_start", storage.UTCDateTime(), nullable=True),
    sa.Column("service", sa.String(200), nullable=True),
    sa.Column("staff", sa.String(200), nullable=True),
    sa.Column("late_minutes", sa.Integer(), nullable=True),  # "10 minutes late"
    sa.Column("arrives_at", storage.UTCDateTime(), nullable=True),  # "I'll be there in 20 minutes"
)


async def migrate(engine: AsyncEngine) -> None:
    """Bring the conversation table up to date."""
    await storage.migrate(engine, Path(__file__).with_name("migrations"), VERSION_TABLE, metadata)


@dataclass(frozen=True)
class Progress:
    """Where a customer's conversation stands, for messages the bot starts (nudges)."""

    key: str
    unfinished_booking: bool  # a new booking under way, waiting for the customer's answer
    turns: int  # messages handled so far
    nudged_turn: int | None  # the turn after which a "shall we carry on?" went out
    quiet_since: datetime  # when the customer last wrote (or the bot last saved the state)
    lang: str | None = None  # the language the conversation is in


class ConversationStore:
    """Loads and saves each customer's conversation state."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._reads = storage.reads(engine)  # reads never wait for the write lock
        self._insert = storage.insert_for(engine)
        # built once: every turn reads and writes its conversation
        c = conversations.c
        self._load = storage.Query(engine, sa.select(c.state).where(c.key == sa.bindparam("conversation")))
        stmt = self._insert(conversations)  # the columns' values come with each run
        self._save = storage.Change(engine, stmt.on_conflict_do_update(index_elements=[c.key], set_={
            "state": stmt.excluded.state, "updated_at": stmt.excluded.updated_at, "flow": stmt.excluded.flow}))
        # built once: every reminder tick reads the conversations touched since the one before
        since, most = sa.bindparam("since", type_=c.updated_at.type), sa.bindparam("most", type_=sa.Integer())
        self._booking_since = storage.Query(engine, sa.select(c.key, c.state, c.updated_at)
                                            .where(c.flow == "book", c.updated_at > since)
                                            .order_by(c.updated_at.desc()).limit(most))
        self._elsewhere_since = storage.Query(engine, sa.select(c.key)
                                              .where(sa.or_(c.flow.is_(None), c.flow != "book"), c.updated_at > since)
                                              .order_by(c.updated_at.desc()).limit(most))

    def reading(self, key: str) -> storage.Read:
        """`load`'s read, for a turn's first read to bring along (`storage.Query.all_along`)."""
        return storage.Read(self._load, {"conversation": key})

    async def load(self, key: str) -> State:
        row = await self._load.first({"conversation": key})
        return State() if row is None else _decode(row.state)

    async def save(self, key: str, state: State, now: datetime, also: Iterable[storage.Write] = ()) -> None:
        """The state, and what happened to its handoff this turn (`state.handoff_log`), in one transaction;
        `also`: other components' writes that belong to the same turn (its replies, its message handled)."""
        await storage.commit(self._engine, [*also, self._saving(key, state, now)])

    def _saving(self, key: str, state: State, now: datetime) -> storage.Write:
        if state.handoff is None and not state.handoff_log and not state.for_team:
            # nearly every turn: one statement (folded on PostgreSQL)
            return storage.Statement(self._save, {"key": key, "state": state.model_dump_json(), "updated_at": now,
                                                  "flow": state.flow})
        # what the handoff part changes in `state` is put back first: a write may run again after a rollback
        log, handoff, for_team = list(state.handoff_log), state.handoff, list(state.for_team)
        handoff_id = handoff.id if handoff is not None else None
        state.for_team = []

        async def write(conn: AsyncConnection) -> None:
            state.handoff_log, state.handoff = list(log), handoff
            if handoff is not None:
                handoff.id = handoff_id
            await self._write_handoff(conn, key, state, now)
            if for_team:
                await conn.execute(team_messages.insert(), [_team_row(key, state, note, now) for note in for_team])
            await self._save.run(conn, {"key": key, "state": state.model_dump_json(), "updated_at": now,
                                        "flow": state.flow})

        return write

    async def _write_handoff(self, conn: AsyncConnection, key: str, state: State, now: datetime) -> None:
        log, state.handoff_log = state.handoff_log, []
        handoff = state.handoff
        for entry in log:
            if entry.kind == "opened" and handoff is not None and handoff.id is None:
                handoff.id = (await conn.execute(handoffs.insert().values(
                    user_key=key, lang=state.lang, name=state.name, opened_at=handoff.opened_at,
                    closes_at=handoff.closes_at, transcript=json.dumps(entry.lines)).returning(handoffs.c.id))
                ).scalar_one()
                await _event(conn, handoff.id, entry, now)
            elif entry.kind == "closed" and entry.handoff is not None:
                await _close(conn, entry.handoff, entry, now)
            elif entry.kind in ("customer", "business") and handoff is not None and handoff.id is not None:
                await _event(conn, handoff.id, entry, now)
        if handoff is not None and handoff.id is not None and await _closed(conn, handoff.id):
            state.handoff = None  # closed by the team while this turn was under way

    # --- handoffs, as the team sees them -----------------------------------------------------

    async def handoff(self, handoff_id: int) -> HandoffRecord | None:
        async with self._reads.connect() as conn:
            row = (await conn.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id))).first()
        return _record(row) if row else None

    async def open_handoffs(self) -> list[HandoffRecord]:
        """Handoffs still open, oldest first."""
        query = sa.select(handoffs).where(handoffs.c.closed_at.is_(None)).order_by(handoffs.c.opened_at, handoffs.c.id)
        async with self._reads.connect() as conn:
            return [_record(row) for row in await conn.execute(query)]

    async def reply_handoff(self, handoff_id: int, text: str, now: datetime) -> HandoffRecord | None:
        """The team's answer, to be passed on to the customer; None if the handoff is not open."""
        async with self._engine.begin() as conn:
            row = (await conn.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id,
                                                                handoffs.c.closed_at.is_(None)))).first()
            if row is None:
                return None
            await _event(conn, handoff_id, HandoffEntry(kind="business", text=text), now)
        return _record(row)

    async def close_handoff(self, handoff_id: int, by: str, now: datetime) -> HandoffRecord | None:
        """Close an open handoff and give the conversation back to the bot; None if it was not open."""
        async with self._engine.begin() as conn:
            if not await _close(conn, handoff_id, HandoffEntry(kind="closed", by=by), now):
                return None
            row = (await conn.execute(sa.select(handoffs).where(handoffs.c.id == handoff_id))).one()
            found = (await conn.execute(sa.select(conversations.c.state).where(conversations.c.key == row.user_key)
                                        .with_for_update())).first()

            if found is not None:
                state = _decode(found.state)
                if state.handoff is not None and state.handoff.id == handoff_id:
                    state.handoff = None
                    await conn.execute(conversations.update().where(conversations.c.key == row.user_key)
                                       .values(state=state.model_dump_json()))
        return _record(row)

    async def close_expired(self, now: datetime) -> int:
        """Close the handoffs whose time ran out (the business's timeout); returns how many."""
        query = sa.select(handoffs.c.id).where(handoffs.c.closed_at.is_(None), handoffs.c.closes_at <= now)
        async with self._reads.connect() as conn:
            ids = list((await conn.execute(query)).scalars())
        return sum([await self.close_handoff(i, "timeout", now) is not None for i in ids])

    async def handoff_events(self, after: int, limit: int = 500) -> list[HandoffEvent]:
        """What happened in handoffs after event `after`, oldest first, with the handoff's customer."""
        e, h = handoff_events.c, handoffs.c
        query = (sa.select(e.id, e.handoff_id, e.at, e.kind, e.text, e.by, e.tell_customer, h.user_key, h.lang,
                           h.name)
                 .join_from(handoff_events, handoffs, e.handoff_id == h.id)
                 .where(e.id > after).order_by(e.id).limit(limit))
        async with self._reads.connect() as conn:
            return [HandoffEvent(**row._mapping) for row in await conn.execute(query)]

    async def team_messages(self, after: int, limit: int = 500) -> list[TeamMessage]:
        """Word for the team written after message `after`, oldest first."""
        query = sa.select(team_messages).where(team_messages.c.id > after).order_by(team_messages.c.id).limit(limit)
        async with self._reads.connect() as conn:
            return [TeamMessage(**row._mapping) for row in await conn.execute(query)]

    async def progress(self, key: str) -> Progress:
        """One customer's progress (an unknown customer has none under way)."""
        async with self._reads.connect() as conn:
            row = (await conn.execute(sa.select(conversations.c.key, conversations.c.state, conversations.c.updated_at)
                                      .where(conversations.c.key == key))).first()
        return _progress(row) if row else Progress(key, False, 0, None, datetime.min)

    async def progress_of(self, since: datetime, also: Iterable[str] = (), limit: int = 2000) -> list[Progress]:
        """Conversations with a booking under way touched after `since`, plus the customers in `also`, most recent
        first (an index on flow keeps this cheap)."""
        c = conversations.c
        also = list(also)
        if also:
            query = (sa.select(c.key, c.state, c.updated_at)
                     .where(sa.or_(sa.and_(c.flow == "book", c.updated_at > since), c.key.in_(also)))
                     .order_by(c.updated_at.desc()).limit(limit))
            async with self._reads.connect() as conn:
                rows = (await conn.execute(query)).all()
        else:
            rows = await self._booking_since.all({"since": since, "most": limit})
        found = []
        for n, row in enumerate(rows, 1):
            found.append(_progress(row))
            if n % DECODE_LOT == 0:
                await storage.give_way(self._engine)  # a busy tick's thousand states: turns go on in between
        return found

    async def without_booking_since(self, since: datetime, limit: int = 2000) -> list[str]:
        """The customers whose conversation was touched after `since` and has no booking under way (in another
        flow, or in none), most recent first. Their states are not read: nothing in them is worth a nudge."""
        return [row.key for row in await self._elsewhere_since.all({"since": since, "most": limit})]

    # --- many conversations at once (a batch of messages the bot starts) -----------------------

    async def load_many(self, keys: Iterable[str]) -> dict[str, tuple[State, str | None]]:
        """A batch's worth of customers' states in one query, each with the text it was stored as (None: no
        conversation yet), by which `save_many` tells whether a turn saved it meanwhile."""
        keys = list(dict.fromkeys(keys))
        query = sa.select(conversations.c.key, conversations.c.state).where(conversations.c.key.in_(keys))
        async with self._reads.connect() as conn:
            stored = {row.key: row.state for row in await conn.execute(query)}
        return {key: (_decode(stored[key]) if key in stored else State(), stored.get(key)) for key in keys}

    async def save_many(self, loaded: dict[str, tuple[State, str | None]], now: datetime) -> list[str]:
        """Save states read with `load_many`, in one transaction, except those a turn saved since they were
        read (the customer wrote, the team closed a handoff): those are left as they are and their keys
        returned. For messages the bot starts, which change no handoff (`save` writes those)."""
        if any(state.handoff_log for state, _ in loaded.values()):
            raise ValueError("save_many writes no handoff news; save the state with `save`")
        c = conversations.c
        keys = sorted(loaded)  # rows locked in one order, so two batches never wait for each other in a circle
        async with self._engine.begin() as conn:
            locked = sa.select(c.key, c.state).where(c.key.in_(keys)).order_by(c.key).with_for_update()
            current = {row.key: row.state for row in await conn.execute(locked)}
            unchanged = {key: loaded[key][0] for key in keys if current.get(key) == loaded[key][1]}
            await self._update_many(conn, {key: s for key, s in unchanged.items() if key in current}, now)
            added = await self._add_many(conn, {key: s for key, s in unchanged.items() if key not in current}, now)
        return [key for key in keys if key not in unchanged or (key not in current and key not in added)]

    async def _update_many(self, conn: AsyncConnection, states: dict[str, State], now: datetime) -> None:
        """Write customers' conversations that are there already, in one statement run for all of them."""
        if not states:
            return
        c = conversations.c
        await conn.execute(
            conversations.update().where(c.key == sa.bindparam("k")).values(
                state=sa.bindparam("s"), updated_at=sa.bindparam("u", type_=c.updated_at.type), flow=sa.bindparam("f")),
            [{"k": key, "s": state.model_dump_json(), "u": now, "f": state.flow} for key, state in states.items()])

    async def _add_many(self, conn: AsyncConnection, states: dict[str, State], now: datetime) -> set[str]:
        """Add new customers' conversations; returns the keys added (a turn may have added one meanwhile:
        then that turn's state stays)."""
        if not states:
            return set()
        rows = [{"key": key, "state": state.model_dump_json(), "updated_at": now, "flow": state.flow}
                for key, state in states.items()]
        stmt = self._insert(conversations).values(rows).on_conflict_do_nothing(index_elements=[conversations.c.key])
        return set((await conn.execute(stmt.returning(conversations.c.key))).scalars())


def _decode(text: str) -> State:
    try:
        return State.model_validate_json(text)
    except ValueError:
        # A state that no longer fits (written by a much older version): start afresh rather than fail.
        return State()


def _progress(row: sa.Row) -> Progress:
    state = _decode(row.state)
    # while the team has the conversation the bot starts nothing in it (no "shall we carry on?")
    unfinished = state.unfinished_booking and state.handoff is None
    return Progress(row.key, unfinished, state.turns, state.nudged_turn, row.updated_at, state.lang)


@dataclass(frozen=True)
class HandoffRecord:
    """One handoff: whose, when it opened and closes (or closed, and by whom), and the lines before it."""

    id: int
    user_key: str
    lang: str | None
    name: str | None
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    transcript: list[tuple[str, str]]


@dataclass(frozen=True)
class HandoffEvent:
    """Something that happened in a handoff (opened, a customer or business message, closed)."""

    id: int
    handoff_id: int
    at: datetime
    kind: str
    text: str | None
    by: str | None
    tell_customer: bool
    user_key: str
    lang: str | None
    name: str | None


@dataclass(frozen=True)
class TeamMessage:
    """Word for the team from a customer that opens no handoff: what it is, whose, and the booking it is about."""

    id: int
    user_key: str
    lang: str | None
    name: str | None
    email: str | None
    at: datetime
    kind: str
    text: str
    booking_id: str | None
    booking_start: datetime | None
    service: str | None
    staff: str | None
    late_minutes: int | None
    arrives_at: datetime | None


def _team_row(key: str, state: State, note: TeamNote, now: datetime) -> dict[str, object]:
    minutes = int(note.late_by.total_seconds() // 60) if note.late_by is not None else None
    return {"user_key": key, "lang": state.lang, "name": state.name, "email": state.email, "at": now,
            "kind": note.kind, "text": note.text, "booking_id": note.booking_id, "booking_start": note.booking_start,
            "service": note.service, "staff": note.staff, "late_minutes": minutes, "arrives_at": note.arrives_at}


def _record(row: sa.Row) -> HandoffRecord:
    lines = [(str(who), str(text)) for who, text in json.loads(row.transcript or "[]")]
    return HandoffRecord(row.id, row.user_key, row.lang, row.name, row.opened_at, row.closes_at, row.closed_at,
                         row.closed_by, lines)


async def _event(conn: AsyncConnection, handoff_id: int, entry: HandoffEntry, now: datetime) -> None:
    await conn.execute(handoff_events.insert().values(handoff_id=handoff_id, at=now, kind=entry.kind,
                                                      text=entry.text or None, by=entry.by or None,
                                                      tell_customer=entry.tell_customer))


async def _close(conn: AsyncConnection, handoff_id: int, entry: HandoffEntry, now: datetime) -> bool:
    """Close the handoff if it is still open (one closer wins) and record it; False if it was not open."""
    done = await conn.execute(handoffs.update().where(handoffs.c.id == handoff_id, handoffs.c.closed_at.is_(None))
                              .values(closed_at=now, closed_by=entry.by or None))
    if done.rowcount != 1:
        return False
    await _event(conn, handoff_id, entry, now)
    return True


async def _closed(conn: AsyncConnection, handoff_id: int) -> bool:
    found = await conn.execute(sa.select(handoffs.c.closed_at).where(handoffs.c.id == handoff_id))
    return found.scalar_one_or_none() is not None
