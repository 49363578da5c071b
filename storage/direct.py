"""The statements every turn runs, straight on the driver (SQLite's, asyncpg) instead of through SQLAlchemy's layer.

A one-row read transaction through an AsyncEngine costs some 250 µs of CPU (greenlet hand-offs, a pooled
connection checked out and in, an execution context, a result object) against under 10 µs for the same SELECT
on `sqlite3` (bench/RESULTS.md, "Where the time goes"). A turn reads its waiting messages, its contact, its
conversation and the booking engine's change log: a sixth of its CPU went to that layer alone.

`Query` wraps one prebuilt SELECT. On a SQLite file it is compiled once, by SQLAlchemy, into the statement
text and the bind and result processors of its columns (so a `UTCDateTime` reads and writes exactly as it does
through SQLAlchemy), and runs on a read-only connection of its own (`query_only`, WAL: it never waits for the
writer) on the event loop's thread, like `storage.inline`. On PostgreSQL it is a prepared statement on an asyncpg
pool of its own (`storage.postgres`). Anywhere else (an in-memory database, a statement with expanding IN lists, on
PostgreSQL a JSON column) it runs through the engine's `reads`, as before. Either way the rows carry their columns
as attributes and `_mapping`, as SQLAlchemy's rows do.

`Change` does the same for a prebuilt INSERT, UPDATE or DELETE inside a write transaction, on the same
connection (on PostgreSQL the asyncpg connection of SQLAlchemy's transaction, `storage.postgres.change`).
`transaction` begins and ends such a transaction on SQLite's writer driver too (BEGIN IMMEDIATE and COMMIT through
SQLAlchemy cost 105 µs against 59 µs with only the check-out and check-in left to it); a statement run through
SQLAlchemy inside it joins it, and SQLAlchemy then ends it.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import weakref
from collections import namedtuple
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from . import along, inline, postgres
from .readers import reads

_connections: weakref.WeakKeyDictionary[Any, _ReadConnection] = weakref.WeakKeyDictionary()
_begun: set[int] = set()  # the connections (ids of their SQLAlchemy Connection) in a `transaction` begun on the driver


class _ReadConnection:
    """One read-only `sqlite3` connection to a database file, opened at first use, closed with its engine."""

    def __init__(self, database: str, options: Mapping[str, Any], patience: float) -> None:
        self.database = database
        self.options = options
        self.patience = patience
        self._conn: inline.Connection | None = None

    def get(self) -> inline.Connection:
        if self._conn is None:
            raw = inline.open_sqlite(self.database, self.options)
            raw.execute("PRAGMA query_only = ON")
            self._conn = inline.Connection(raw, self.patience)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.stop()
            self._conn = None


def register(engine: AsyncEngine, database: str, options: Mapping[str, Any], patience: float) -> None:
    """Let `Query` read `engine`'s SQLite file directly (called by `make_engine` for a file)."""
    _connections[engine.sync_engine] = _ReadConnection(database, options, patience)


def inline_writes(engine: AsyncEngine) -> bool:
    """Whether `engine`'s write transactions run on this thread without waiting (a SQLite file's writer)."""
    return engine.sync_engine in _connections


def close(engine: AsyncEngine) -> None:
    """Close the direct read connection of `engine`, if it has one (its `dispose`)."""
    reader = _connections.get(engine.sync_engine)
    if reader is not None:
        reader.close()


class Query:
    """One prebuilt SELECT for `engine`, run with parameters by name: `all`, `first`, `scalar`."""

    def __init__(self, engine: AsyncEngine, statement: sa.Select[Any]) -> None:
        self.engine = engine
        self.statement = statement
        self._reads = reads(engine)
        self._reader = _connections.get(engine.sync_engine)
        self._pool = postgres.pool_of(engine)  # PostgreSQL: prepared on asyncpg directly
        self._plan = _Plan(engine, statement) if self._reader is not None or self._pool is not None else None
        if self._plan is not None and not self._plan.usable:
            self._plan = None
        self._along_plans: dict[tuple[Query, ...], _Plan | None] = {}  # `all_along`'s, by the queries brought along

    async def all(self, params: Mapping[str, Any] | None = None) -> list[Any]:
        """Every row."""
        brought = along.take(self, params or {})
        if brought is not None:
            return brought
        if self._plan is None:
            async with self._reads.connect() as conn:
                return list((await conn.execute(self.statement, dict(params or {}))).all())
        if self._pool is not None:
            return self._plan.rows(await postgres.fetch(self._pool, self._plan.sql, self._plan.bind(params or {})))
        assert self._reader is not None
        return await self._plan.run(self._reader.get(), params or {})

    async def all_along(self, params: Mapping[str, Any], reads: Sequence[along.Read]) -> tuple[list[Any], along.Brought]:
        """Every row, and on PostgreSQL the row of each of `reads` (reads of at most one row each, which a turn makes
        next) from the same statement, for `along.serving`; elsewhere, or where they cannot be one statement, the rows
        alone (a read on SQLite costs a few µs)."""
        plan = self._along_plan(tuple(read.query for read in reads)) if reads and self._pool is not None else None
        if plan is None:
            return await self.all(params), {}
        values: dict[str, Any] = dict(params)
        for read in reads:
            values.update(read.params)
        records = plan.rows(await postgres.fetch(self._pool, plan.sql, plan.bind(values)))
        assert self._plan is not None
        width, make = len(self._plan.results), self._plan.row
        rows = [make(*record[:width]) for record in records]
        brought: along.Brought = {}
        if records:  # with no rows of its own the turn has nothing to do, and nothing is kept
            first, at = records[0], width
            for read in reads:
                fields = len(read.query._plan.results)
                found, columns = first[at], first[at + 1:at + 1 + fields]
                brought[along.key(read.query, read.params)] = [] if found is None else [read.query._plan.row(*columns)]
                at += 1 + fields
        return rows, brought

    def _along_plan(self, queries: tuple[Query, ...]) -> _Plan | None:
        """This query with each of `queries`' columns beside its own (compiled once per set of them), or None where
        that is not the same: a query that is not a prepared one on the same pool, or parameters of the same name."""
        if queries not in self._along_plans:
            self._along_plans[queries] = _along_statement(self, queries)
        return self._along_plans[queries]

    async def first(self, params: Mapping[str, Any] | None = None) -> Any | None:
        """The first row, or None."""
        rows = await self.all(params)
        return rows[0] if rows else None

    async def scalar(self, params: Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row (None without one)."""
        row = await self.first(params)
        return None if row is None else row[0]


async def bring(reads: Sequence[along.Read]) -> along.Brought:
    """The rows of `reads` (reads of at most one row each, which a turn makes next), on PostgreSQL in one round trip,
    for `along.serving`: the first read's statement with the others' columns beside its own (`Query.all_along`).
    Elsewhere, or where they cannot be one statement, nothing: each read then goes to the database itself."""
    if len(reads) < 2:
        return {}
    first, rest = reads[0], reads[1:]
    if first.query._pool is None or first.query._along_plan(tuple(read.query for read in rest)) is None:
        return {}
    rows, brought = await first.query.all_along(first.params, rest)
    if rows:  # else the others came with no row either: each is read when it comes
        brought[along.key(first.query, first.params)] = rows[:1]
    return brought


def _along_statement(main: Query, queries: tuple[Query, ...]) -> _Plan | None:
    """`main`'s statement with, for each of `queries`, whether it finds a row and each of its columns, as scalar
    subqueries of its first row (PostgreSQL runs each once, not once per row of `main`)."""
    if main._plan is None or any(q._plan is None or q._pool is not main._pool for q in queries):
        return None
    names = set(main._plan.names)
    extra: list[Any] = []
    for query in queries:
        assert query._plan is not None
        own = set(query._plan.names)
        if names & own:
            return None
        names |= own
        statement = query.statement.limit(1)
        extra.append(statement.with_only_columns(sa.true(), maintain_column_froms=True).scalar_subquery())
        extra.extend(statement.with_only_columns(column, maintain_column_froms=True).scalar_subquery()
                     for column in query.statement.selected_columns)
    plan = _Plan(main.engine, main.statement.add_columns(*extra))
    return plan if plan.usable else None


class Change:
    """One prebuilt INSERT, UPDATE or DELETE (RETURNING allowed) for `engine`, or a SELECT that must see the
    transaction (a row locked FOR UPDATE, a re-check under the writer's lock), run inside a transaction the caller
    began on it: `await change.run(conn, params)` with one set of parameters or a list of them; returns the rows
    RETURNING (or the SELECT) gives. On a SQLite file the statement runs on the transaction's own driver connection
    (the one writer), on PostgreSQL as a prepared statement on the transaction's asyncpg connection, compiled once
    for each set of columns given; a statement SQLAlchemy would complete in Python (a column default, an expanding
    list) and any other engine go through `conn.execute`, as before."""

    def __init__(self, engine: AsyncEngine, statement: Any) -> None:
        self.engine = engine
        self.statement = statement
        self._postgres = postgres.pool_of(engine) is not None and postgres.adapter_known()
        self._direct = engine.sync_engine in _connections or self._postgres
        self._plans: dict[frozenset[str], _Plan | None] = {}
        self._rows_plans: dict[tuple[frozenset[str], int], _Plan | None] = {}  # multi-row INSERTs, for `folded`

    async def run(self, conn: Any, params: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> list[Any]:
        many = [params] if isinstance(params, Mapping) else list(params)
        if not many:
            return []
        # a connection with no transaction begun goes through SQLAlchemy, which begins one (the driver would
        # commit the statement on its own at once)
        in_transaction = conn.in_transaction() or id(conn.sync_connection) in _begun
        plan = self._plan_for(many) if self._direct and in_transaction else None
        if plan is None:
            result = await conn.execute(self.statement, many[0] if isinstance(params, Mapping) else many)
            return list(result.all()) if result.returns_rows else []
        if self._postgres:  # several sets of a change that returns no rows: one round trip
            return plan.rows(await postgres.change(conn, plan.sql, [plan.bind(one) for one in many],
                                                   rows_wanted=bool(plan.row._fields)))
        driver = conn.sync_connection.connection.driver_connection  # the writer, inside the caller's transaction
        if len(many) > 1 and not plan.row._fields and not plan.silent:  # no RETURNING: the driver loops (executemany)
            await plan.run_many(driver, many)
            return []
        rows: list[Any] = []
        for one in many:
            rows.extend(await plan.run(driver, one))
        return rows

    @property
    def stands_alone(self) -> bool:
        """Whether `run_alone` may be used: on PostgreSQL, where a batch committed on its own costs one round trip
        instead of a transaction's BEGIN, statements and COMMIT (on SQLite the one writer's transactions are the
        cheap way, shared by the group commit)."""
        return self._postgres

    async def run_alone(self, params: Sequence[Mapping[str, Any]]) -> list[Any]:
        """Every set of parameters, as one atomic batch committed on its own, outside any caller's transaction (only
        where `stands_alone`); the rows RETURNING gives."""
        many = list(params)
        if not many:
            return []
        plan = self._plan_for(many)
        if plan is None:
            async with transaction(self.engine) as conn:
                return await self.run(conn, many)
        if len(many) == 1:  # its error as SQLAlchemy's (an IntegrityError for a constraint that refused it)
            return plan.rows(await postgres.execute_once(self.engine, plan.sql, plan.bind(many[0])))
        pool = postgres.pool_of(self.engine)
        assert pool is not None
        return plan.rows(await postgres.fetch_many(pool, plan.sql, [plan.bind(one) for one in many]))

    def _plan_for(self, many: Sequence[Mapping[str, Any]]) -> _Plan | None:
        """The compiled statement for these sets of parameters, if they all give the same columns and it is usable."""
        plan = self._plan(frozenset(many[0]))
        return plan if plan is not None and all(frozenset(p) == plan.keys for p in many) else None

    def folding(self, params: Mapping[str, Any] | Sequence[Mapping[str, Any]]
                ) -> tuple[_Plan, Mapping[str, Any]] | None:
        """The compiled statement and the parameters to fold it with (`folded`): one set as it is; a few rows of an
        INSERT as one INSERT of them all (compiled once per set of columns and number of rows); else None."""
        many = [params] if isinstance(params, Mapping) else list(params)
        if len(many) == 1:
            plan = self._plan_for(many)
            return None if plan is None else (plan, many[0])
        keys = frozenset(many[0]) if many else frozenset()
        if not isinstance(self.statement, sa.Insert) or not 1 < len(many) <= FOLDED_ROWS or \
                any(frozenset(p) != keys for p in many):
            return None
        if (keys, len(many)) not in self._rows_plans:
            self._rows_plans[keys, len(many)] = self._rows_plan(keys, len(many))
        plan = self._rows_plans[keys, len(many)]
        if plan is None:
            return None
        return plan, {f"{key}__{n}": value for n, one in enumerate(many) for key, value in one.items()}

    def _rows_plan(self, keys: frozenset[str], rows: int) -> _Plan | None:
        table = self.statement.table
        try:
            statement = self.statement.values([{key: sa.bindparam(f"{key}__{n}", type_=table.c[key].type)
                                                for key in sorted(keys)} for n in range(rows)])
        except (sa.exc.ArgumentError, sa.exc.InvalidRequestError, KeyError):  # values of its own already, say
            return None
        plan = _Plan(self.engine, statement, frozenset(f"{key}__{n}" for key in keys for n in range(rows)))
        return plan if plan.usable else None

    def _plan(self, keys: frozenset[str]) -> _Plan | None:
        if keys not in self._plans:
            plan = _Plan(self.engine, self.statement, keys)
            self._plans[keys] = plan if plan.usable else None
        return self._plans[keys]


class Statement:
    """One prebuilt change with its parameters (one set, or a list of them), as a `Write`: run inside a transaction
    like any other, or, by `storage.commit` on PostgreSQL, together with the other statements of a commit in a single
    statement (`folded`). `then` gets the rows RETURNING gives, once they are written, and returns what is to follow
    the commit (e.g. keeping the new rows in memory), as a `Write` may."""

    __slots__ = ("change", "params", "then")

    def __init__(self, change: Change, params: Mapping[str, Any] | Sequence[Mapping[str, Any]],
                 then: Callable[[list[Any]], Callable[[], None] | None] | None = None) -> None:
        self.change = change
        self.params = params
        self.then = then

    async def __call__(self, conn: AsyncConnection) -> Callable[[], None] | None:
        rows = await self.change.run(conn, self.params)
        return self.then(rows) if self.then is not None else None


async def nothing(conn: AsyncConnection) -> None:
    """A `Write` that writes nothing (a turn with no replies): left out when statements are folded."""


class Folded:
    """Statements folded into one (`folded`): its text and parameters, and where the rows it returns go."""

    __slots__ = ("engine", "sql", "args", "returning", "plan", "plans")

    def __init__(self, engine: AsyncEngine, sql: str, args: tuple[Any, ...], returning: Statement | None,
                 plan: _Plan | None, plans: tuple[_Plan, ...] = ()) -> None:
        self.engine = engine
        self.sql = sql
        self.args = args
        self.returning = returning  # the one statement whose rows come back, if any
        self.plan = plan  # its compiled form, which reads them as SQLAlchemy would
        self.plans = plans  # the statements folded, in order (their parameters are `args`, in the same order)

    def after(self, records: Sequence[Any]) -> list[Callable[[], None]]:
        """What is to follow the commit, given the rows the statement returned."""
        if self.returning is None or self.returning.then is None or self.plan is None:
            return []
        then = self.returning.then(self.plan.rows(records))
        return [then] if then is not None else []


_PARAMETER = re.compile(r"\$(\d+)")

FOLDED_ROWS = 10
"""Rows of one INSERT folded at most (a turn's replies); more go through a transaction of the group commit."""


def folded(writes: Sequence[Any]) -> Folded | None:
    """Several `Statement`s on PostgreSQL as one statement of data-modifying CTEs, with its parameters: committed on
    its own it is atomic, as their transaction would be, in one round trip instead of BEGIN, each statement and
    COMMIT (a turn's new state, its replies, its message handled and its customer's last message: 6 round trips
    in 1). The rows of at most one of them come back (its `then`: the replies' new ids). None where that would not
    be the same: anything but a statement, another database, a change whose rows nobody takes, a change SQLAlchemy
    completes in Python, a list of parameters other than a few rows to insert, or two changes to one table (a
    statement's parts all see the rows as they were before it, so a row changed twice would be changed once)."""
    writes = [w for w in writes if w is not nothing]
    if len(writes) < 2 or not all(type(w) is Statement and w.change._postgres for w in writes):
        return None
    engine = writes[0].change.engine
    tables, plans, given, returning = set(), [], [], None
    for n, write in enumerate(writes):
        change = write.change
        table = getattr(change.statement, "table", None)
        found = change.folding(write.params)
        if change.engine is not engine or table is None or table in tables or found is None:
            return None
        plan, params = found
        if not plan.silent and plan.row._fields:  # it returns rows: only to a `then`, and only one of them
            if write.then is None or returning is not None:
                return None
            returning = n
        tables.add(table)
        plans.append(plan)
        given.append(params)
    sql = _folded_text(tuple(plans), returning)
    if sql is None:
        return None
    args = tuple(value for params, plan in zip(given, plans) for value in plan.bind(params))
    return Folded(engine, sql, args, None if returning is None else writes[returning],
                  None if returning is None else plans[returning], tuple(plans))


def folded_together(parts: Sequence[Folded]) -> Folded | None:
    """Folded statements of several callers that return no rows as one statement (their parts one after another),
    or None where that cannot be. Only for callers whose writes touch none of the same rows: two parts of one
    statement changing one row would change it once."""
    if any(part.returning is not None or part.engine is not parts[0].engine for part in parts):
        return None
    plans = tuple(plan for part in parts for plan in part.plans)
    sql = _folded_text(plans)
    if sql is None:
        return None
    return Folded(parts[0].engine, sql, tuple(arg for part in parts for arg in part.args), None, None, plans)


@functools.lru_cache(maxsize=128)
def _folded_text(plans: tuple[_Plan, ...], returning: int | None = None) -> str | None:
    """The one statement for these compiled changes, their parameters numbered on, ending in a SELECT of the rows the
    `returning`-th gives (built once per combination: a turn's changes, a reply's mark and its delivery record, are
    nearly always the same few)."""
    parts, offset = [], 0
    for n, plan in enumerate(plans):
        numbers = {int(m) for m in _PARAMETER.findall(plan.sql)}
        if numbers != set(range(1, len(plan.names) + 1)):  # a "$" elsewhere in its text: not ours to renumber
            return None
        parts.append(f"s{n} AS ({_PARAMETER.sub(lambda m, at=offset: f'${int(m[1]) + at}', plan.sql)})")
        offset += len(plan.names)
    return f"WITH {', '.join(parts)} SELECT " + ("1" if returning is None else f"* FROM s{returning}")


@asynccontextmanager
async def transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A write transaction on `engine`, committed if the block ends normally and rolled back if it raises. On a
    SQLite file it is begun and ended on the writer's driver; elsewhere it is `engine.begin()`."""
    along.forget()  # what a turn's first read brought along may change now
    if engine.sync_engine not in _connections:
        async with engine.begin() as conn:
            yield conn
        return
    async with engine.connect() as conn:  # the one writer, in its turn
        driver = conn.sync_connection.connection.driver_connection
        await _on_driver(driver, "BEGIN IMMEDIATE", driver._conn.execute, "BEGIN IMMEDIATE")
        key = id(conn.sync_connection)
        _begun.add(key)
        try:
            yield conn
            if conn.in_transaction():  # a statement through SQLAlchemy joined the transaction: SQLAlchemy ends it
                await conn.commit()
            else:
                await _on_driver(driver, "COMMIT", driver._conn.commit)
        except BaseException:
            if conn.in_transaction():
                await conn.rollback()
            else:
                driver._conn.rollback()
            raise
        finally:
            _begun.discard(key)


async def _on_driver(driver: inline.Connection, sql: str, call: Callable[..., Any], *args: Any) -> Any:
    """`call(*args)` on the driver, waiting for a busy database; its error reported as SQLAlchemy would."""
    try:
        return await driver.patiently(call, *args)
    except sqlite3.Error as exc:
        raise sa.exc.DBAPIError.instance(sql, None, exc, sqlite3.Error, hide_parameters=True) from exc


class _Plan:
    """A statement compiled once for the engine's dialect, SQLite's or asyncpg's (a DML one for the set of columns
    `keys`): its text, and how to bind and read each value."""

    def __init__(self, engine: AsyncEngine, statement: Any, keys: frozenset[str] | None = None) -> None:
        dialect = engine.sync_engine.dialect
        compiled = statement.compile(dialect=dialect, column_keys=sorted(keys) if keys is not None else None)
        # expanding IN lists and literal renders change the text per call, and a column default or onupdate is
        # computed in Python by SQLAlchemy's execution: those go through SQLAlchemy
        self.usable = dialect.paramstyle in ("qmark", "numeric_dollar") and not compiled.literal_execute_params and \
            not getattr(compiled, "post_compile_params", ()) and "POSTCOMPILE" not in compiled.string and \
            not compiled.insert_prefetch and not compiled.update_prefetch
        self.keys = keys
        self.sql = compiled.string
        self.compiled = compiled
        self.names = tuple(compiled.positiontup or ())
        self.binds: list[Callable[[Any], Any] | None] = [
            compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in self.names]
        self.lookups = _lookups(compiled, self.names)
        columns = list(statement.exported_columns if keys is not None else statement.selected_columns)
        self.results: list[Callable[[Any], Any] | None] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns]
        self.row = _row_type([column.key or f"column_{n}" for n, column in enumerate(columns)])
        # an INSERT SQLAlchemy gives a RETURNING of its own (the new primary key, on PostgreSQL) returns no rows to
        # its caller, as through SQLAlchemy
        self.silent = not columns and bool(getattr(compiled, "effective_returning", None))
        if dialect.name == "postgresql":  # SQLAlchemy gives asyncpg's connections codecs for JSON: such reads stay its
            types = [compiled.binds[name].type for name in self.names] + [column.type for column in columns]
            self.usable = self.usable and not any(isinstance(t, sa.JSON) for t in types)

    def bind(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        """The parameters by position, each as the driver takes it."""
        if self.lookups is None:
            values = self.compiled.construct_params(dict(params))
            given = [values[name] for name in self.names]
        else:
            given = []
            for key, name, required, fixed in self.lookups:
                if key in params:
                    given.append(params[key])
                elif name in params:
                    given.append(params[name])
                elif required:  # SQLAlchemy's own error names the missing parameter (or it finds the value)
                    given.append(self.compiled.construct_params(dict(params))[name])
                else:
                    given.append(fixed)
        return tuple(value if bind is None or value is None else bind(value)
                     for bind, value in zip(self.binds, given, strict=True))

    async def run(self, conn: inline.Connection, params: Mapping[str, Any]) -> list[Any]:
        try:
            cursor = await conn.patiently(conn._conn.execute, self.sql, self.bind(params))
            rows = cursor.fetchall()
        except sqlite3.Error as exc:  # reported as SQLAlchemy would, without the parameters (customers' text)
            raise sa.exc.DBAPIError.instance(self.sql, None, exc, sqlite3.Error, hide_parameters=True) from exc
        return self.rows(rows)

    async def run_many(self, conn: inline.Connection, many: Sequence[Mapping[str, Any]]) -> None:
        """The statement (one that returns no rows) once for each set of parameters, in one call of the driver's."""
        try:
            await conn.patiently(conn._conn.executemany, self.sql, [self.bind(one) for one in many])
        except sqlite3.Error as exc:  # reported as SQLAlchemy would, without the parameters (customers' text)
            raise sa.exc.DBAPIError.instance(self.sql, None, exc, sqlite3.Error, hide_parameters=True) from exc

    def rows(self, rows: Sequence[Any]) -> list[Any]:
        """The driver's rows as rows with attributes, each value as SQLAlchemy would have read it."""
        processors, make = self.results, self.row
        if self.silent:
            return []
        if not any(processors):
            return [make(*r) for r in rows]
        return [make(*(value if (p := processors[n]) is None else p(value) for n, value in enumerate(r)))
                for r in rows]


def _lookups(compiled: Any, names: Sequence[str]) -> list[tuple[str, str, bool, Any]] | None:
    """Where each positional parameter's value comes from, as `construct_params` finds it: the caller's value by the
    parameter's key or its name, else the value written into the statement; worked out once, so a run skips that
    walk over every parameter (about 2 % of a turn's CPU). None where it is not that simple (a value computed
    when run, escaped names, values SQLAlchemy collected from a text clause): `construct_params` then does it every
    time."""
    if compiled.escaped_bind_names or getattr(compiled, "_collected_params", None):
        return None
    by_name = {name: bindparam for bindparam, name in compiled.bind_names.items()}
    found = []
    for name in names:
        bindparam = by_name.get(name)
        if bindparam is None or bindparam.callable is not None:
            return None
        found.append((bindparam.key, name, bool(bindparam.required), bindparam.value))
    return found


def _row_type(keys: list[str]) -> type:
    base = namedtuple("Row", keys, rename=True)  # type: ignore[misc]

    class Row(base):  # type: ignore[valid-type, misc]
        """A row with its columns as attributes, and `_mapping` as SQLAlchemy's rows have it."""

        __slots__ = ()

        @property
        def _mapping(self) -> dict[str, Any]:
            return self._asdict()

    return Row
