"""The shared database layer: on SQLite a transaction that only reads never queues behind a writer."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from storage import Change, commit, make_engine, reads


@pytest.fixture
async def file_engine(tmp_path):
    """An engine on a fresh SQLite file (the direct paths of storage.direct are taken only for a file)."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    yield engine
    await engine.dispose()


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


async def test_the_kept_writer_is_left_clean_by_each_holder_and_waited_for_in_order(file_engine, monkeypatch):
    """The SQLite writer's one connection is kept between transactions: what a holder leaves begun (through
    SQLAlchemy or on the driver) is rolled back when it lets go, holders take turns in the order they asked, one that
    waits too long hears the pool's TimeoutError, and a connection found broken is replaced."""
    import storage.writer
    from storage.direct import transaction

    async with file_engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE visits (n INTEGER)"))
    async with file_engine.connect() as conn:  # begun by SQLAlchemy, never committed
        await conn.execute(sa.text("INSERT INTO visits VALUES (1)"))
    async with file_engine.connect() as conn:  # begun on the driver, never ended
        assert not conn.in_transaction(), "the last holder's transaction is over"
        conn.sync_connection.connection.driver_connection._conn.execute("BEGIN IMMEDIATE")
        conn.sync_connection.connection.driver_connection._conn.execute("INSERT INTO visits VALUES (2)")
    order: list[int] = []

    async def add(n: int) -> None:
        async with transaction(file_engine) as conn:
            order.append(n)
            await conn.execute(sa.text("INSERT INTO visits VALUES (:n)"), {"n": n})
            await asyncio.sleep(0)  # others queue meanwhile

    await asyncio.gather(*(add(n) for n in range(10, 15)))
    assert order == [10, 11, 12, 13, 14]
    async with reads(file_engine).connect() as conn:
        assert sorted((await conn.execute(sa.text("SELECT n FROM visits"))).scalars()) == [10, 11, 12, 13, 14]

    monkeypatch.setattr(storage.writer.writer_of(file_engine.sync_engine), "wait_s", 0.05)
    async with file_engine.connect():
        with pytest.raises(sa.exc.TimeoutError):
            async with file_engine.connect():
                pass
    async with file_engine.connect() as conn:
        await conn.invalidate()  # SQLAlchemy found it broken
    async with file_engine.begin() as conn:
        await conn.execute(sa.text("INSERT INTO visits VALUES (15)"))
    async with reads(file_engine).connect() as conn:
        assert (await conn.execute(sa.text("SELECT count(*) FROM visits"))).scalar_one() == 6


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


async def test_a_second_writer_of_the_same_file_waits_without_stopping_the_process(tmp_path):
    """Two engines on one file (two components, or a tool beside the bot): while one holds the write lock, the
    other's write waits for it, and everything else the process does goes on meanwhile."""
    path = tmp_path / "x.db"
    first, second = make_engine(f"sqlite+aiosqlite:///{path}"), make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with first.begin() as conn:
            await conn.execute(sa.text("CREATE TABLE visits (n INTEGER)"))
        writer_started, ticks = asyncio.Event(), []

        async def second_write() -> None:
            writer_started.set()
            async with second.begin() as conn:  # waits for `first` to let go of the lock
                await conn.execute(sa.text("INSERT INTO visits VALUES (2)"))

        async with first.begin() as conn:
            await conn.execute(sa.text("INSERT INTO visits VALUES (1)"))
            waiting = asyncio.create_task(second_write())
            await writer_started.wait()
            for n in range(5):  # the event loop keeps running while the second writer waits
                ticks.append(n)
                await asyncio.sleep(0.01)
            assert not waiting.done()
        await asyncio.wait_for(waiting, 5)
        assert ticks == [0, 1, 2, 3, 4]
        async with reads(first).connect() as conn:
            assert sorted((await conn.execute(sa.text("SELECT n FROM visits"))).scalars()) == [1, 2]
    finally:
        await first.dispose()
        await second.dispose()


async def test_a_write_gives_up_when_the_lock_is_held_past_its_patience(tmp_path):
    import sqlite3

    path = tmp_path / "x.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}", connect_args={"timeout": 0.3})
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text("CREATE TABLE visits (n INTEGER)"))
        other = sqlite3.connect(path, isolation_level=None)  # another program holds the write lock
        other.execute("BEGIN IMMEDIATE")
        try:
            started = asyncio.get_running_loop().time()
            with pytest.raises(sa.exc.OperationalError, match="locked"):
                async with engine.begin() as conn:
                    await conn.execute(sa.text("INSERT INTO visits VALUES (1)"))
            assert 0.3 <= asyncio.get_running_loop().time() - started < 2
        finally:
            other.execute("ROLLBACK")
            other.close()
        async with engine.begin() as conn:  # the lock is free again: the same engine writes at once
            await conn.execute(sa.text("INSERT INTO visits VALUES (1)"))
    finally:
        await engine.dispose()


async def _terminate(pg_engine, backend_pid: int) -> None:
    """End one server process of `pg_engine`'s database, as a restart or a proxy would end its connection."""
    admin = make_engine(pg_engine.url.render_as_string(hide_password=False))
    try:
        async with admin.connect() as conn:
            assert (await conn.execute(sa.select(sa.func.pg_terminate_backend(backend_pid)))).scalar_one()
    finally:
        await admin.dispose()


async def test_a_postgres_connection_that_died_while_idle_is_replaced_unnoticed(pg_engine, monkeypatch):
    """The database restarted (or a proxy dropped the connection) while the pool held it: the next request
    still works, on a new connection, instead of failing once per stale connection."""
    import storage.engine

    monkeypatch.setattr(storage.engine, "IDLE_PING_S", 0.0)  # any idle time counts, so no test waits for it
    backend_pid = sa.select(sa.func.pg_backend_pid())
    async with pg_engine.connect() as conn:
        before = (await conn.execute(backend_pid)).scalar_one()
    await _terminate(pg_engine, before)
    async with pg_engine.connect() as conn:
        after = (await conn.execute(backend_pid)).scalar_one()
    assert after != before


def _rows_in_database_file(path) -> int:
    """Rows of `visits` in the database file itself, leaving the write-ahead log aside (immutable=1 reads no WAL)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM visits").fetchone()[0]
    except sqlite3.OperationalError:  # the table itself is still only in the log
        return 0
    finally:
        conn.close()


async def _until_in_the_database_file(path, rows: int) -> None:
    """Wait (at most 10 s) until the database file itself holds `rows` rows: the checkpoint thread copies the log
    into it within a second or so."""
    async with asyncio.timeout(10):
        while _rows_in_database_file(path) < rows:
            await asyncio.sleep(0.05)


async def test_the_write_ahead_log_reaches_the_database_file_without_a_commit_copying_it(file_engine, tmp_path):
    from storage.checkpoint import BACKSTOP_PAGES

    async with file_engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE visits (n INTEGER)"))
        # a commit copies the log into the file only past the backstop, far beyond these few pages
        assert (await conn.exec_driver_sql("PRAGMA wal_autocheckpoint")).scalar_one() == BACKSTOP_PAGES
    for n in range(50):
        async with file_engine.begin() as conn:
            await conn.execute(sa.text("INSERT INTO visits VALUES (:n)"), {"n": n})
    await _until_in_the_database_file(tmp_path / "x.db", 50)


async def test_an_engine_used_again_after_dispose_gets_its_checkpoints_back(file_engine, tmp_path):
    async with file_engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE visits (n INTEGER)"))
    await file_engine.dispose()
    async with file_engine.begin() as conn:
        await conn.execute(sa.text("INSERT INTO visits VALUES (1)"))
    await _until_in_the_database_file(tmp_path / "x.db", 1)


async def test_a_prepared_read_on_a_file_gives_what_sqlalchemy_gives(file_engine):
    """storage.Query runs on SQLite's driver for a file: the same rows, aware UTC times, None kept, counts."""
    await _reads_as_sqlalchemy_does(file_engine)


async def test_a_prepared_read_on_postgres_gives_what_sqlalchemy_gives(pg_engine):
    """storage.Query runs on asyncpg directly on PostgreSQL, as a prepared statement: the same rows and values."""
    from storage import Query

    await _reads_as_sqlalchemy_does(pg_engine)
    notes = sa.Table("notes", sa.MetaData(), sa.Column("n", sa.Integer, primary_key=True), sa.Column("data", sa.JSON))
    async with pg_engine.begin() as conn:
        await conn.run_sync(notes.metadata.create_all)
        await conn.execute(sa.insert(notes), [{"n": 1, "data": {"lang": "de"}}])
    # a JSON column is decoded by the codecs SQLAlchemy gives asyncpg's connections: such a read stays with it
    assert [tuple(r) for r in await Query(pg_engine, sa.select(notes.c.n, notes.c.data)).all()] == [(1, {"lang": "de"})]


async def _reads_as_sqlalchemy_does(engine) -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from storage import Query, UTCDateTime

    metadata = sa.MetaData()
    visits = sa.Table("visits", metadata, sa.Column("n", sa.Integer, primary_key=True), sa.Column("who", sa.Text),
                      sa.Column("at", UTCDateTime(), nullable=True))
    berlin_noon = datetime(2026, 12, 3, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(sa.insert(visits), [{"n": 1, "who": "Anna", "at": berlin_noon},
                                               {"n": 2, "who": None, "at": None}])
    query = sa.select(visits.c.n, visits.c.who, visits.c.at).where(visits.c.n <= sa.bindparam("upto"))
    async with reads(engine).connect() as conn:
        expected = (await conn.execute(query, {"upto": 2})).all()
    rows = await Query(engine, query.order_by(visits.c.n)).all({"upto": 2})
    assert [tuple(r) for r in rows] == [tuple(r) for r in expected]
    assert rows[0].at == datetime(2026, 12, 3, 11, 0, tzinfo=UTC) and rows[0].at.tzinfo is UTC
    assert rows[0]._mapping == {"n": 1, "who": "Anna", "at": rows[0].at} and rows[1].who is None
    before = Query(engine, sa.select(sa.func.count()).select_from(visits).where(visits.c.at < sa.bindparam("t")))
    assert await before.scalar({"t": berlin_noon + timedelta(minutes=1)}) == 1
    assert await Query(engine, query).first({"upto": 0}) is None
    # an IN list changes the statement's text with each call: that one goes through SQLAlchemy
    listed = Query(engine, sa.select(visits.c.n).where(visits.c.who.in_(["Anna", "Ben"])))
    assert [r.n for r in await listed.all()] == [1]


async def test_a_prepared_statement_takes_values_written_into_it_and_names_a_missing_one(db_engine):
    """A value the statement carries itself (a comparison with a constant), a parameter given by name, one left out:
    read and written as through SQLAlchemy, and a missing one reported by SQLAlchemy's own error."""
    from storage import Change, Query

    metadata = sa.MetaData()
    visits = sa.Table("visits", metadata, sa.Column("n", sa.Integer, primary_key=True),
                      sa.Column("who", sa.Text), sa.Column("kind", sa.Text))
    async with db_engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    add = Change(db_engine, sa.insert(visits))
    rename = Change(db_engine, sa.update(visits).where(visits.c.kind == "walk-in", visits.c.n == sa.bindparam("row")))
    async with db_engine.begin() as conn:
        await add.run(conn, [{"n": 1, "who": "Anna", "kind": "walk-in"}, {"n": 2, "who": "Ben", "kind": "booked"}])
        await rename.run(conn, [{"row": 1, "who": "Anna S."}, {"row": 2, "who": "Ben B."}])  # Ben is no walk-in
    walk_ins = Query(db_engine, sa.select(visits.c.who).where(visits.c.kind == "walk-in",
                                                              visits.c.n <= sa.bindparam("upto")).order_by(visits.c.n))
    assert [r.who for r in await walk_ins.all({"upto": 5})] == ["Anna S."]
    everyone = Query(db_engine, sa.select(visits.c.who).where(visits.c.n <= sa.bindparam("upto")).order_by(visits.c.n))
    assert [r.who for r in await everyone.all({"upto": 5})] == ["Anna S.", "Ben"]
    with pytest.raises(sa.exc.InvalidRequestError, match="upto"):
        await walk_ins.all({})


async def test_a_prepared_read_that_fails_says_so_as_sqlalchemy_does_without_what_was_asked(db_engine):
    """On SQLite's driver and on asyncpg's pool alike."""
    from storage import Query

    error, says = {"sqlite": (sa.exc.OperationalError, "no such table"),
                   "postgresql": (sa.exc.DBAPIError, "does not exist")}[db_engine.dialect.name]
    gone = sa.table("visits", sa.column("who"))
    query = Query(db_engine, sa.select(gone.c.who).where(gone.c.who == sa.bindparam("who")))  # no such table
    with pytest.raises(error, match=says) as failed:
        await query.all({"who": "Anna Schmidt"})
    assert "Anna Schmidt" not in str(failed.value)


async def test_a_prepared_read_on_postgres_survives_its_connection_dying(pg_engine):
    """The server restarted (or a proxy dropped the connection) while the read pool held it: the next read still
    works, on a new connection."""
    from storage import Query

    backend_pid = Query(pg_engine, sa.select(sa.func.pg_backend_pid()))
    before = await backend_pid.scalar()
    await _terminate(pg_engine, before)
    after = await backend_pid.scalar()
    assert after is not None and after != before


async def test_a_prepared_change_runs_in_the_callers_transaction_and_fails_as_sqlalchemy_would(db_engine):
    """storage.Change on a SQLite file (its driver) and on PostgreSQL (asyncpg, in SQLAlchemy's transaction):
    RETURNING rows, an upsert's conflict, and an error that rolls back everything the transaction wrote (reported as
    SQLAlchemy's IntegrityError)."""
    from storage import Change, insert_for

    metadata = sa.MetaData()
    visits = sa.Table("visits", metadata, sa.Column("n", sa.Integer, primary_key=True, autoincrement=True),
                      sa.Column("who", sa.Text, unique=True, nullable=False),
                      sa.Column("kind", sa.Text, nullable=False, default="walk-in"))  # a default SQLAlchemy fills in
    engine = db_engine
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    add = Change(engine, insert_for(engine)(visits).on_conflict_do_nothing(index_elements=["who"])
                 .returning(visits.c.n, visits.c.who))
    async with engine.begin() as conn:
        added = await add.run(conn, [{"who": "Anna", "kind": "booked"}, {"who": "Ben", "kind": "booked"},
                                     {"who": "Anna", "kind": "booked"}])
    assert [(r.n, r.who) for r in added] == [(1, "Anna"), (2, "Ben")]  # the repeated one returns nothing
    plain = Change(engine, sa.insert(visits))
    with pytest.raises(sa.exc.IntegrityError, match="visits") as failed:
        async with engine.begin() as conn:
            await plain.run(conn, {"who": "Cleo", "kind": "booked"})
            await plain.run(conn, {"who": "Ben", "kind": "booked"})  # taken: the whole transaction goes
    assert "Cleo" not in str(failed.value)
    async with engine.begin() as conn:
        await plain.run(conn, {"who": "Dana"})  # without `kind`: SQLAlchemy's default applies
    async with reads(engine).connect() as conn:
        rows = (await conn.execute(sa.select(visits.c.who, visits.c.kind).order_by(visits.c.n))).all()
    assert [tuple(r) for r in rows] == [("Anna", "booked"), ("Ben", "booked"), ("Dana", "walk-in")]
    # a change that returns no rows, with several sets (on PostgreSQL in one round trip): each applies, or none
    rename = Change(engine, sa.update(visits).where(visits.c.who == sa.bindparam("was")).values(kind=sa.bindparam("k")))
    async with engine.begin() as conn:
        assert await rename.run(conn, [{"was": "Anna", "k": "regular"}, {"was": "Dana", "k": "regular"}]) == []
    retag = Change(engine, sa.update(visits).where(visits.c.who == sa.bindparam("was")).values(who=sa.bindparam("to")))
    with pytest.raises(sa.exc.IntegrityError, match="visits") as failed:
        async with engine.begin() as conn:
            await retag.run(conn, [{"was": "Anna", "to": "Eve"}, {"was": "Dana", "to": "Ben"}])  # Ben is taken
    assert "Eve" not in str(failed.value)
    async with reads(engine).connect() as conn:
        rows = (await conn.execute(sa.select(visits.c.who, visits.c.kind).order_by(visits.c.n))).all()
    assert [tuple(r) for r in rows] == [("Anna", "regular"), ("Ben", "booked"), ("Dana", "regular")]
    async with engine.begin() as conn:  # new rows, several at once, with nobody asking for what they return
        assert await plain.run(conn, [{"who": "Finn", "kind": "booked"}, {"who": "Gus", "kind": "booked"}]) == []
    async with reads(engine).connect() as conn:
        rows = (await conn.execute(sa.select(visits.c.who).order_by(visits.c.who))).scalars().all()
    assert rows == ["Anna", "Ben", "Dana", "Finn", "Gus"]


async def test_a_prepared_change_on_a_connection_without_a_transaction_gets_one(db_engine):
    """A change run before anything began a transaction joins the one SQLAlchemy begins, so a rollback takes it;
    on PostgreSQL also when it is the transaction's first statement (the driver's BEGIN comes only then)."""
    from storage import Change

    async with db_engine.begin() as conn:
        await conn.execute(sa.text("CREATE TABLE visits (who TEXT)"))
    add = Change(db_engine, sa.insert(sa.table("visits", sa.column("who"))))
    async with db_engine.connect() as conn:
        await add.run(conn, {"who": "Anna"})
        await conn.rollback()
    async with db_engine.begin() as conn:
        await add.run(conn, {"who": "Ben"})
        await conn.rollback()
    async with db_engine.begin() as conn:
        await add.run(conn, {"who": "Cleo"})  # committed as the block ends
    async with reads(db_engine).connect() as conn:
        assert (await conn.execute(sa.text("SELECT who FROM visits"))).scalars().all() == ["Cleo"]


# --- group commit: writes of callers that commit at the same moment share one transaction ----------------

_visits = sa.Table("group_visits", sa.MetaData(), sa.Column("customer", sa.String, primary_key=True))


@pytest.fixture
async def writer(db_engine):
    """Each database in turn (a SQLite file, a PostgreSQL schema of its own), with the visits table."""
    async with db_engine.begin() as conn:
        await conn.run_sync(_visits.metadata.create_all)
    return db_engine


def _visit(customer: str, done: list[str] | None = None):
    """A write that records a visit and, once committed, notes it in `done`."""

    async def write(conn):
        await conn.execute(_visits.insert().values(customer=customer))
        return None if done is None else (lambda: done.append(customer))

    return write


async def _visitors(engine) -> set[str]:
    async with reads(engine).connect() as conn:
        return set((await conn.execute(sa.select(_visits.c.customer))).scalars())


async def test_callers_committing_together_share_a_transaction_and_each_returns_once_its_rows_are_in(
        writer, group_transactions):
    done: list[str] = []

    async def one(customer: str) -> set[str]:
        await commit(writer, [_visit(customer, done)])
        return await _visitors(writer)  # what a reader sees the moment the caller hears "committed"

    seen = await asyncio.gather(*(one(f"c{n}") for n in range(20)))
    assert all(f"c{n}" in seen[n] for n in range(20))
    assert sorted(done) == sorted(f"c{n}" for n in range(20))  # every caller's after-commit ran
    assert group_transactions == [writer]


async def test_a_caller_alone_commits_at_once_and_its_after_commit_runs_only_if_it_committed(writer):
    """One caller at a time (a quiet hour): each commit is in the database when it returns, what it asked for after
    the commit has run, and a failing one leaves nothing of its own behind and runs nothing."""
    done: list[str] = []
    await commit(writer, [_visit("anna", done)])
    assert await _visitors(writer) == {"anna"} and done == ["anna"]
    await commit(writer, [_visit("ben", done)])
    assert await _visitors(writer) == {"anna", "ben"} and done == ["anna", "ben"]
    with pytest.raises(sa.exc.IntegrityError):
        await commit(writer, [_visit("carla", done), _visit("anna", done)])  # anna is there: all of it fails
    assert await _visitors(writer) == {"anna", "ben"} and done == ["anna", "ben"]
    await commit(writer, [_visit("carla", done)])  # and the writer is free again afterwards
    assert await _visitors(writer) == {"anna", "ben", "carla"}


async def test_callers_arriving_while_a_lone_commit_waits_for_the_file_gather_into_one_transaction(
        tmp_path, group_transactions):
    """While another process holds the file's write lock, a caller alone goes first and waits for it; the callers
    arriving meanwhile do not each wait on their own but share the next transaction, and everybody's rows land."""
    import sqlite3

    from storage import idle as storage_idle

    path = tmp_path / "x.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_visits.metadata.create_all)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process's write under way
        first = asyncio.ensure_future(commit(engine, [_visit("anna")]))
        await asyncio.wait([first], timeout=0.05)  # nothing else to do meanwhile: anna's is a transaction of her own
        assert group_transactions and not first.done()  # begun, and waiting for the lock
        idle = asyncio.ensure_future(storage_idle(engine))  # as the bot stops: what is under way ends first
        later = [asyncio.ensure_future(commit(engine, [_visit(name)])) for name in ("ben", "carla", "dora")]
        for _ in range(5):
            await asyncio.sleep(0)
        assert not first.done() and not any(c.done() for c in later) and not idle.done()
        other.execute("COMMIT")
        other.close()
        await asyncio.wait_for(asyncio.gather(first, *later, idle), 10)
        assert await _visitors(engine) == {"anna", "ben", "carla", "dora"}
        assert len(group_transactions) == 2  # anna's, then one for the three who came while it waited
    finally:
        await engine.dispose()


async def test_a_long_queue_of_commits_lets_other_work_in_between_its_transactions(writer):
    """Callers beyond one transaction's share are committed in the next ones, and between two of them the event loop
    serves whatever else waits (a webhook to read): on SQLite a transaction never pauses by itself."""
    from storage.group import BATCH_MAX

    done: list[str] = []
    callers = [asyncio.ensure_future(commit(writer, [_visit(f"c{n}", done)])) for n in range(3 * BATCH_MAX)]
    seen: list[int] = []

    async def meanwhile() -> None:
        while not done:
            await asyncio.sleep(0)
        seen.append(len(done))  # how many were committed when it next got the loop

    await asyncio.gather(meanwhile(), *callers)
    assert len(done) == 3 * BATCH_MAX
    assert seen[0] < 3 * BATCH_MAX  # it ran before the last transaction


async def test_a_caller_whose_writes_fail_does_not_take_the_others_with_it(writer):
    done: list[str] = []
    await commit(writer, [_visit("anna")])
    results = await asyncio.gather(commit(writer, [_visit("ben", done)]),
                                   commit(writer, [_visit("carla", done), _visit("anna", done)]),  # anna is there
                                   commit(writer, [_visit("dora", done)]), return_exceptions=True)
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], sa.exc.IntegrityError)
    assert await _visitors(writer) == {"anna", "ben", "dora"}  # carla's visit went with her failed transaction
    assert sorted(done) == ["ben", "dora"]


async def test_a_caller_that_goes_away_before_its_batch_begins_writes_nothing(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_visits.metadata.create_all)
        async with engine.begin():  # the one writer is busy: the batch waits for it
            first = asyncio.ensure_future(commit(engine, [_visit("anna")]))
            second = asyncio.ensure_future(commit(engine, [_visit("ben")]))
            for _ in range(3):
                await asyncio.sleep(0)
            second.cancel()
            with pytest.raises(asyncio.CancelledError):
                await second
        await first
        assert await _visitors(engine) == {"anna"}
    finally:
        await engine.dispose()


async def test_a_transaction_begun_on_the_driver_holds_prepared_and_sqlalchemy_statements_alike(file_engine):
    from storage.direct import transaction

    async with file_engine.begin() as conn:
        await conn.run_sync(_visits.metadata.create_all)
    prepared = Change(file_engine, _visits.insert())
    with pytest.raises(RuntimeError):
        async with transaction(file_engine) as conn:
            await prepared.run(conn, {"customer": "anna"})
            await conn.execute(_visits.insert().values(customer="ben"))  # through SQLAlchemy: joins the transaction
            raise RuntimeError("the turn failed")
    assert await _visitors(file_engine) == set()  # both rolled back
    async with transaction(file_engine) as conn:
        await prepared.run(conn, {"customer": "anna"})
    async with transaction(file_engine) as conn:
        await prepared.run(conn, {"customer": "carla"})
        await conn.execute(_visits.insert().values(customer="ben"))
    assert await _visitors(file_engine) == {"anna", "ben", "carla"}
    async with file_engine.begin() as conn:  # the writer is free again for SQLAlchemy's own transactions
        await conn.execute(_visits.delete().where(_visits.c.customer == "ben"))
    assert await _visitors(file_engine) == {"anna", "carla"}


@pytest.mark.parametrize("customer", ["whatsapp:+4915100000001", "x$k", "$k$", "k$k", "$kk$k", "a'b; COMMIT",
                                      "back\\slash", "Jürgen 😀", ""])
async def test_a_customers_turn_on_postgres_is_locked_under_their_exact_key(pg_engine, customer):
    """The turn's lock is begun with its transaction in one round trip, the key written into the statement: whatever
    the key holds, the lock taken is the one for exactly that key (as `hashtext` of it bound as a parameter gives)."""
    import random

    from storage import in_turn

    space = random.randrange(1, 2**31)
    probe = sa.text("SELECT pg_try_advisory_xact_lock(:space, hashtext(:name))")
    async with in_turn(pg_engine, space, customer):
        async with pg_engine.connect() as conn:
            assert (await conn.execute(probe, {"space": space, "name": customer})).scalar_one() is False
            assert (await conn.execute(probe, {"space": space, "name": customer + "."})).scalar_one() is True
    async with pg_engine.connect() as conn:  # let go with the turn
        assert (await conn.execute(probe, {"space": space, "name": customer})).scalar_one() is True


async def test_a_customers_turn_on_postgres_waits_for_another_process_holding_it_and_only_for_that(pg_engine):
    """`in_turn` (the conveyor's per-customer lock): a second process wanting the same customer waits until the
    first lets go; another customer is not held up; a lock's connection that died meanwhile is replaced."""
    from storage import in_turn

    import random

    name = f"bb-other-{id(pg_engine)}"
    space = random.randrange(1, 2**31)  # advisory locks are the database's: another test run keeps to its own
    other_process = make_engine(pg_engine.url.render_as_string(hide_password=False),
                                connect_args={"server_settings": {"application_name": name}})
    order: list[str] = []
    first_in, let_go = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with in_turn(pg_engine, space, "whatsapp:+4915100000001"):
            order.append("first in")
            first_in.set()
            await let_go.wait()
            order.append("first out")

    async def second(customer: str, label: str) -> None:
        await first_in.wait()
        async with in_turn(other_process, space, customer):
            order.append(label)

    async def waiting_for_a_lock() -> int:
        async with pg_engine.connect() as conn:
            return (await conn.execute(sa.text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = :space AND NOT granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
                {"space": space})).scalar_one()

    try:
        holder = asyncio.create_task(first())
        await asyncio.wait_for(second("whatsapp:+4915100000002", "another customer"), 10)
        waiter = asyncio.create_task(second("whatsapp:+4915100000001", "second in"))
        async with asyncio.timeout(10):
            while not await waiting_for_a_lock():
                await asyncio.sleep(0.01)
        assert order == ["first in", "another customer"]
        let_go.set()
        await asyncio.wait_for(asyncio.gather(holder, waiter), 10)
        assert order == ["first in", "another customer", "first out", "second in"]
        from storage import Query

        await asyncio.gather(*(Query(other_process, sa.select(sa.func.pg_sleep(0.05))).all() for _ in range(3)))
        async with pg_engine.connect() as conn:  # every connection of the other process dies while idle
            killed = await conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                                "WHERE application_name = :name"), {"name": name})
            assert len(killed.all()) >= 3
        async with asyncio.timeout(10), in_turn(other_process, space, "whatsapp:+4915100000001"):
            order.append("after a restart")
        assert order[-1] == "after a restart"
    finally:
        await other_process.dispose()


# --- prebuilt statements committed together -----------------------------------------------------------------------

def _replies_and_deliveries() -> tuple[sa.MetaData, sa.Table, sa.Table]:
    """Two tables like the outbox's and the delivery log's: a reply's mark and its delivery record."""
    metadata = sa.MetaData()
    replies = sa.Table("replies", metadata, sa.Column("id", sa.Integer, primary_key=True),
                       sa.Column("status", sa.Text, nullable=False))
    deliveries = sa.Table("deliveries", metadata, sa.Column("ref", sa.Text, primary_key=True),
                          sa.Column("status", sa.Text, nullable=False))
    return metadata, replies, deliveries


async def test_prebuilt_statements_on_two_tables_commit_together_all_or_nothing(db_engine, group_transactions):
    """A reply's mark and its delivery record are two prebuilt statements on two tables: committed together both
    are in, and when one fails neither is (on PostgreSQL they are one statement, with no transaction of the group
    commit; on SQLite they share one), the error naming no value."""
    from storage import Statement, insert_for

    metadata, replies, deliveries = _replies_and_deliveries()
    async with db_engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(replies.insert(), [{"id": 1, "status": "pending"}, {"id": 2, "status": "pending"}])
    mark = Change(db_engine, replies.update().where(replies.c.id == sa.bindparam("row")))
    record = insert_for(db_engine)(deliveries)
    upsert = Change(db_engine, record.on_conflict_do_update(index_elements=["ref"],
                                                             set_={"status": record.excluded.status}))
    plain = Change(db_engine, sa.insert(deliveries))

    await commit(db_engine, [Statement(mark, {"row": 1, "status": "sent"}),
                             Statement(upsert, {"ref": "SM1", "status": "queued"})])
    with pytest.raises(sa.exc.IntegrityError) as failed:  # SM1 is there: the mark of reply 2 goes with it
        await commit(db_engine, [Statement(mark, {"row": 2, "status": "sent"}),
                                 Statement(plain, {"ref": "SM1", "status": "secret words"})])
    assert "secret words" not in str(failed.value)
    # two changes to one table are never one statement: the second sees the first
    await commit(db_engine, [Statement(upsert, {"ref": "SM2", "status": "queued"}),
                             Statement(upsert, {"ref": "SM2", "status": "delivered"})])
    async with reads(db_engine).connect() as conn:
        assert (await conn.execute(sa.select(replies.c.id, replies.c.status).order_by(replies.c.id))).all() == [
            (1, "sent"), (2, "pending")]
        assert dict((await conn.execute(sa.select(deliveries.c.ref, deliveries.c.status))).all()) == {
            "SM1": "queued", "SM2": "delivered"}
    on_postgres = db_engine.dialect.name == "postgresql"
    assert len(group_transactions) == (1 if on_postgres else 3)  # only the two changes to one table, there


async def test_new_rows_kept_after_the_commit_come_back_from_the_one_statement_with_the_others(db_engine,
                                                                                              group_transactions):
    """A turn's replies are kept in memory once committed, with the ids their rows got: on PostgreSQL they come back
    from the one statement that also marks the message handled (no transaction of the group commit). A key written
    before gives no row back; when another change fails, nothing is written and nothing is kept."""
    from storage import Statement, insert_for, nothing

    metadata = sa.MetaData()
    outgoing = sa.Table("outgoing", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                        sa.Column("key", sa.Text, nullable=False, unique=True), sa.Column("body", sa.Text))
    inbound = sa.Table("inbound", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                       sa.Column("status", sa.Text, nullable=False))
    async with db_engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(inbound.insert(), [{"id": 1, "status": "pending"}, {"id": 2, "status": "pending"}])
    add = Change(db_engine, insert_for(db_engine)(outgoing).on_conflict_do_nothing(index_elements=["key"])
                 .returning(outgoing.c.id, outgoing.c.key))
    handled = Change(db_engine, inbound.update().where(inbound.c.id == sa.bindparam("row")))
    again = Change(db_engine, sa.insert(inbound))
    kept: list[tuple[int, str]] = []

    def keep(rows: list) -> object:
        return lambda: kept.extend((row.id, row.key) for row in rows)

    two = [{"key": "SM1:1", "body": "Hi!"}, {"key": "SM1:2", "body": "What can I do for you?"}]
    await commit(db_engine, [Statement(add, two, then=keep), nothing, Statement(handled, {"row": 1, "status": "done"})])
    first = sorted(kept)
    assert [key for _, key in first] == ["SM1:1", "SM1:2"] and first[0][0] < first[1][0]
    await commit(db_engine, [Statement(add, {"key": "SM1:1", "body": "Hi!"}, then=keep),  # handled again
                             Statement(handled, {"row": 2, "status": "done"})])
    assert sorted(kept) == first, "a reply written before is owed from before, not kept twice"
    with pytest.raises(sa.exc.IntegrityError):
        await commit(db_engine, [Statement(add, {"key": "SM2:1", "body": "secret words"}, then=keep),
                                 Statement(again, {"id": 1, "status": "pending"})])
    assert sorted(kept) == first
    async with reads(db_engine).connect() as conn:
        assert (await conn.execute(sa.select(outgoing.c.key).order_by(outgoing.c.id))).scalars().all() == [
            "SM1:1", "SM1:2"]
        assert (await conn.execute(sa.select(inbound.c.status).order_by(inbound.c.id))).scalars().all() == [
            "done", "done"]
    assert len(group_transactions) == (0 if db_engine.dialect.name == "postgresql" else 3)


async def test_reads_brought_along_answer_the_next_reads_once_and_not_after_a_commit(db_engine):
    """On PostgreSQL the reads a turn makes next (a contact, a conversation) come in the round trip of its first read,
    and inside `serving` each is answered from there once, a row not found included; after a commit, or a second
    time, a read goes to the database. On SQLite nothing is brought along: a read there costs a few µs."""
    from storage import Query, Read, Statement, serving

    metadata = sa.MetaData()
    messages = sa.Table("messages", metadata, sa.Column("n", sa.Integer, primary_key=True), sa.Column("who", sa.Text))
    people = sa.Table("people", metadata, sa.Column("key", sa.Text, primary_key=True), sa.Column("name", sa.Text),
                      sa.Column("visits", sa.Integer))
    notes = sa.Table("notes", metadata, sa.Column("key", sa.Text, primary_key=True), sa.Column("body", sa.Text))
    async with db_engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(sa.insert(messages), [{"n": 1, "who": "anna"}, {"n": 2, "who": "anna"}, {"n": 3, "who": "ben"}])
        await conn.execute(sa.insert(people), [{"key": "anna", "name": "Anna", "visits": 1}])
    waiting = Query(db_engine, sa.select(messages.c.n).where(messages.c.who == sa.bindparam("who")).order_by(messages.c.n))
    person = Query(db_engine, sa.select(people.c.name, people.c.visits).where(people.c.key == sa.bindparam("person")))
    note = Query(db_engine, sa.select(notes.c.body).where(notes.c.key == sa.bindparam("note")))
    renamed = Change(db_engine, sa.update(people).where(people.c.key == sa.bindparam("person_key"))
                     .values(name=sa.bindparam("new_name")))
    noted = Change(db_engine, sa.insert(notes))

    rows, brought = await waiting.all_along({"who": "anna"}, [Read(person, {"person": "anna"}), Read(note, {"note": "anna"})])
    assert [r.n for r in rows] == [1, 2]
    on_postgres = db_engine.dialect.name == "postgresql"
    assert len(brought) == (2 if on_postgres else 0)
    async with db_engine.begin() as conn:  # changed behind the turn's back, without a commit of the storage layer
        await conn.execute(sa.update(people).values(name="Anne"))
    with serving(brought):
        assert await person.first({"person": "ben"}) is None  # other parameters: from the database
        first = await person.first({"person": "anna"})
        assert (first.name, first.visits) == ("Anna" if on_postgres else "Anne", 1)
        assert (await person.first({"person": "anna"})).name == "Anne"  # once only
        assert await note.first({"note": "anna"}) is None
    _, brought = await waiting.all_along({"who": "anna"}, [Read(person, {"person": "anna"})])
    with serving(brought):
        await commit(db_engine, [Statement(renamed, {"person_key": "anna", "new_name": "Anja"}),  # one statement
                                 Statement(noted, {"key": "anna", "body": "prefers mornings"})])  # on PostgreSQL
        assert (await person.first({"person": "anna"})).name == "Anja"  # after the commit: the database
    _, brought = await waiting.all_along({"who": "nobody"}, [Read(person, {"person": "anna"})])
    assert brought == {}  # no messages, no turn: nothing kept


async def test_reads_brought_together_are_what_the_database_holds_then(db_engine):
    """A customer's next message: the reads its turn makes come in one round trip on PostgreSQL (`bring`), each answered
    once as the database had it then, a row not found included; on SQLite nothing is brought (each read is its own)."""
    from storage import Query, Read, bring, serving

    metadata = sa.MetaData()
    people = sa.Table("people", metadata, sa.Column("key", sa.Text, primary_key=True), sa.Column("name", sa.Text))
    notes = sa.Table("notes", metadata, sa.Column("key", sa.Text, primary_key=True), sa.Column("body", sa.Text))
    async with db_engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(sa.insert(people), [{"key": "anna", "name": "Anna"}])
    person = Query(db_engine, sa.select(people.c.name).where(people.c.key == sa.bindparam("person")))
    note = Query(db_engine, sa.select(notes.c.body).where(notes.c.key == sa.bindparam("note")))
    reads = [Read(person, {"person": "anna"}), Read(note, {"note": "anna"})]
    on_postgres = db_engine.dialect.name == "postgresql"

    async with db_engine.begin() as conn:  # what the first message's turn wrote
        await conn.execute(sa.update(people).values(name="Anja"))
    brought = await bring(reads)
    assert len(brought) == (2 if on_postgres else 0)
    async with db_engine.begin() as conn:  # changed behind the turn's back
        await conn.execute(sa.update(people).values(name="Anne"))
    with serving(brought):
        assert (await person.first({"person": "anna"})).name == ("Anja" if on_postgres else "Anne")
        assert (await person.first({"person": "anna"})).name == "Anne"  # once only
        assert await note.first({"note": "anna"}) is None
    assert await bring([Read(person, {"person": "nobody"}), Read(note, {"note": "anna"})]) == {}  # no first row
    assert await bring(reads[:1]) == {}  # one read alone is one round trip anyway


async def test_marks_of_several_customers_at_once_are_one_statement_and_a_failing_one_fails_alone(pg_engine,
                                                                                                 monkeypatch):
    """Replies of different customers sent at the same moment are marked, each with its delivery record, in one round
    trip; a mark whose record is refused fails alone, the others are in, and two marks of one customer are never one
    statement."""
    from storage import Statement, postgres

    metadata, replies, deliveries = _replies_and_deliveries()
    async with pg_engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(replies.insert(), [{"id": n, "status": "pending"} for n in range(1, 9)])
        await conn.execute(deliveries.insert(), [{"ref": "SM-taken", "status": "queued"}])
    mark = Change(pg_engine, replies.update().where(replies.c.id == sa.bindparam("row")))
    record = Change(pg_engine, sa.insert(deliveries))
    statements: list[int] = []
    real = postgres.execute_once

    async def counted(engine, sql, args):
        statements.append(sql.count(" AS (UPDATE replies"))
        return await real(engine, sql, args)

    monkeypatch.setattr(postgres, "execute_once", counted)

    def marking(row: int, ref: str) -> list:
        return [Statement(mark, {"row": row, "status": "sent"}), Statement(record, {"ref": ref, "status": "queued"})]

    customers = ["anna", "ben", "cleo", "dan", "eve", "finn"]
    results = await asyncio.gather(*(commit(pg_engine, marking(n, f"SM{n}"), apart=who)
                                     for n, who in enumerate(customers, 1)),
                                   commit(pg_engine, marking(7, "SM-taken"), apart="gus"),  # its record is refused
                                   commit(pg_engine, marking(8, "SM8"), apart="anna"),  # anna's second
                                   return_exceptions=True)

    assert [type(r).__name__ for r in results] == ["NoneType"] * 6 + ["IntegrityError", "NoneType"]
    async with reads(pg_engine).connect() as conn:
        assert (await conn.execute(sa.select(replies.c.status).order_by(replies.c.id))).scalars().all() == [
            "sent"] * 6 + ["pending", "sent"]
    # the seven customers of that moment together, refused; each again alone; then anna's second
    assert statements == [7] + [1] * 7 + [1]
