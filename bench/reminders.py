"""Benchmark of the reminder scheduler: 100,000 planned reminders, 10,000 of them due at once.

How long `ReminderScheduler.send_due()` takes to send every due one through a fake channel, how late
the last one goes out, and whether memory stays flat while it does. Writes the numbers, with the
machine, into the "## reminders" section of bench/RESULTS.md.

    .venv/bin/python bench/reminders.py                                   # SQLite file in a temp dir
    .venv/bin/python bench/reminders.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/reminders.py --planned 200 --due 50 --runs 1   # smoke run, not recorded

Not a test, and never run in CI: the numbers depend on the machine and its disk. Only a run at the
issue's sizes (the defaults) is recorded unless `--record` is given; `--no-record` only prints.

What it builds, and why:
- A real App (`build_app`) on a fresh database: a new SQLite file, or on PostgreSQL a schema of its
  own (`t_bench_<random>`, dropped afterwards), with the bot's and the engine's migrations applied.
- One real booking per reminder row, bulk-inserted straight into the engine's `bookings` table
  (going through `backend.create` would time the booking engine's overlap checks, not the scheduler,
  and 100,000 slots do not fit one salon's calendar anyway: they follow one another, from two days on, for years,
  since PostgreSQL refuses a staff member's overlapping bookings). Each booking has its own
  customer (`telegram:<n>`), so every send loads a different booking and conversation: no cache
  helps, as on a real morning when many customers are reminded. The rows are what a send needs:
  an active booking whose start matches `booking_start`, so none is dropped as moved or cancelled.
- `--planned` rows in `reminders`, kind "reminder" (the 24-hour one, distinct `dedupe` per booking),
  also bulk-inserted: `--due` of them due exactly at the clock's "now", the rest spread over 60 days
  from tomorrow (so none falls due while the benchmark runs). No change-log entries are written, so
  nothing is re-planned; the timed part is `send_due()` alone (per batch: claim it with a lease, load its
  bookings, load its conversations, render the notices and save the offers, send, mark the rows), which is
  what `tick()` spends its time on at such a peak.
- A fake "telegram" sender that counts, notes the wall time of each send and samples RSS every
  1,000 sends.
- The clock is a VirtualClock standing still while the rows are made, then running at wall speed
  from the moment sending starts, as a bot whose tick lands the instant the rows fall due would
  see it. So leases, the grace period and `sent_at` behave as in production, and the delay of a
  message is both its wall time after the start and `sent_at - due_at` in the table (cross-checked).
At the end it checks the table: exactly `--due` rows sent and the rest still planned. Each of `--runs`
runs uses a fresh database; the median one is reported. One process sends, a few messages at once
(`SENDS_AT_ONCE`), and the fake channel takes no time, so the numbers are the scheduler's and the
database's own cost: a real channel's latency (and rate limit) comes on top, overlapped a few at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from recording import machine, revision, write_subsection  # noqa: E402

MEASURED = ("scheduler", "bot", "booking_client", "storage", "bench/reminders.py")  # what a change in the working tree makes the numbers not the commit's

import sqlalchemy as sa

from storage import make_engine
from booking_client.local.models import BookingRow
from bot.main import App, build_app, build_scheduler
from bot.clock import VirtualClock
from bot.settings import Settings
from scheduler.store import reminders

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday morning, outside quiet hours
HORIZON = timedelta(days=60)
CHUNK = 5_000  # rows per bulk insert
SAMPLE_EVERY = 1_000  # sends between RSS samples
BOOKINGS = BookingRow.__table__


class RunningClock(VirtualClock):
    """Stands still until `run()`, then moves at wall speed from where it stood."""

    def __init__(self, start: datetime) -> None:
        super().__init__(start)
        self._t0: float | None = None

    def run(self) -> None:
        self._t0 = time.perf_counter()

    def now(self) -> datetime:
        base = super().now()
        return base if self._t0 is None else base + timedelta(seconds=time.perf_counter() - self._t0)


def rss_mib() -> float:
    """Resident set size now (not the peak), in MiB."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return peak_rss_mib()


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@dataclass
class FakeChannel:
    """The "telegram" sender: counts, and notes when each message went out."""

    t0: float = 0.0
    users: set[str] = field(default_factory=set)
    at: list[float] = field(default_factory=list)  # wall seconds after t0, per send
    rss: list[tuple[int, float]] = field(default_factory=list)  # (sends so far, RSS MiB)

    async def __call__(self, kind: str, user: str, reply, variables) -> bool:
        assert kind == "reminder" and reply.options, reply
        self.at.append(time.perf_counter() - self.t0)
        self.users.add(user)
        if len(self.at) % SAMPLE_EVERY == 0:
            self.rss.append((len(self.at), rss_mib()))
        return True


class Phases:
    """Wall time spent in each step of a send, by wrapping the instance's collaborators."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()

    def wrap(self, obj, name: str, label: str) -> None:
        inner = getattr(obj, name)

        async def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return await inner(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - t
                self.calls[label] += 1

        setattr(obj, name, timed)

    def snapshot(self) -> Phases:
        copy = Phases()
        copy.seconds, copy.calls = Counter(self.seconds), Counter(self.calls)
        return copy


# --- the database ---------------------------------------------------------------------------


def _pairs(app: App) -> list[tuple[str, str, timedelta]]:
    """(staff, service, duration) combinations the business offers."""
    return [(p.id, s.id, s.duration) for s in app.business.services for p in app.business.staff_for(s.id)]


def _rows(i: int, due: datetime, pairs, now: datetime) -> tuple[dict, dict]:
    """Booking i and its reminder, due at `due`. The bookings follow one another from two days on, none meeting
    another (PostgreSQL's table refuses a staff member's overlapping bookings), so most start long after a day."""
    staff, service, duration = pairs[i % len(pairs)]
    booking_id = str(uuid.UUID(int=i + 1))
    start = now.replace(microsecond=0) + timedelta(days=2) + i * max(d for _, _, d in pairs)
    ref = f"telegram:{100_000_000 + i}"
    made = now - timedelta(days=3)
    booking = {"id": booking_id, "service": service, "staff": staff, "start_at": start, "end_at": start + duration,
               "blocked_until": start + duration, "status": "confirmed", "contact_ref": ref,
               "contact_name": f"Customer {i}", "contact_email": None, "contact_phone": None, "channel": "telegram",
               "notes": None, "cancel_reason": None, "idempotency_key": None, "created_at": made, "updated_at": made}
    reminder = {"dedupe": f"{booking_id}:reminder:24h:{start.isoformat()}", "kind": "reminder",
                "booking_id": booking_id, "user_key": ref, "due_at": due, "not_before": due, "status": "planned",
                "attempts": 0, "lease_until": None, "lease_token": None, "note": None, "booking_start": start,
                "created_at": made, "sent_at": None}
    return booking, reminder


async def fill(app: App, planned: int, due: int) -> float:
    """Bulk-insert `planned` bookings with one reminder each, `due` of them due now. Returns seconds."""
    t = time.perf_counter()
    now, pairs = app.clock.now(), _pairs(app)
    future = max(planned - due, 1)
    for lo in range(0, planned, CHUNK):
        bookings, rows = [], []
        for i in range(lo, min(lo + CHUNK, planned)):
            # due rows first in id order would flatter nothing: interleave them with the future ones
            is_due = i * due // planned != (i + 1) * due // planned
            # the future ones from a day on, so none falls due while the clock runs during the benchmark
            when = now if is_due else now + timedelta(days=1) + HORIZON * ((i * 7919) % future) / future
            b, r = _rows(i, when.replace(microsecond=0), pairs, now)
            bookings.append(b)
            rows.append(r)
        async with app.engine.begin() as conn:
            await conn.execute(BOOKINGS.insert(), bookings)
            await conn.execute(reminders.insert(), rows)
    if app.engine.dialect.name == "postgresql":
        async with app.engine.begin() as conn:
            await conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - t


async def status_counts(app: App) -> dict[str, int]:
    async with app.engine.connect() as conn:
        rows = (await conn.execute(sa.select(reminders.c.status, sa.func.count()).group_by(reminders.c.status))).all()
    return {status: n for status, n in rows}


async def db_delays(app: App) -> list[float]:
    """sent_at - due_at of every sent row, in seconds, as the table records it."""
    async with app.engine.connect() as conn:
        rows = (await conn.execute(sa.select(reminders.c.due_at, reminders.c.sent_at)
                                   .where(reminders.c.status == "sent"))).all()
    return sorted((r.sent_at - r.due_at).total_seconds() for r in rows)


async def describe_db(app: App, url: str) -> str:
    if app.engine.dialect.name == "postgresql":
        async with app.engine.connect() as conn:
            version = (await conn.exec_driver_sql("SHOW server_version")).scalar_one()
        host = sa.engine.make_url(url).host
        return f"PostgreSQL {version.split()[0]} ({host}, asyncpg)"
    return f"SQLite {sqlite3.sqlite_version} (file in {tempfile.gettempdir()}, WAL, synchronous=NORMAL, statements on the event loop's thread)"


# --- the run --------------------------------------------------------------------------------


@dataclass
class Result:
    database: str
    planned: int
    due: int
    fill_seconds: float
    send_seconds: float
    sent: int
    delays: list[float]
    table_delays: list[float]
    counts: dict[str, int]
    users: int
    rss_before: float
    rss_after: float
    rss_samples: list[tuple[int, float]]
    peak_before: float
    peak_after: float
    idle_tick_ms: float
    phases: Phases


async def run(url: str | None, planned: int, due: int) -> Result:
    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as tmp:
        url = url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        schema = admin = None
        if sa.engine.make_url(url).get_backend_name() == "postgresql":
            schema = f"t_bench_{uuid.uuid4().hex[:10]}"
            admin = make_engine(url)
            async with admin.begin() as conn:
                await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        engine = make_engine(url, schema=schema) if schema else make_engine(url)
        try:
            clock = RunningClock(NOW)
            app = await build_app(Settings(_env_file=None, database_url=url), clock=clock, engine=engine)
            try:
                return await measure(app, url, planned, due)
            finally:
                await app.aclose()
        finally:
            await engine.dispose()
            if admin is not None:
                async with admin.begin() as conn:
                    await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
                await admin.dispose()


async def measure(app: App, url: str, planned: int, due: int) -> Result:
    fill_seconds = await fill(app, planned, due)
    channel = FakeChannel()
    scheduler = build_scheduler(app, {"telegram": channel})
    phases = Phases()
    # one after another within a batch, so their times never overlap (the sends inside one step do)
    phases.wrap(scheduler.store, "claim", "claim a batch (lease)")
    phases.wrap(scheduler, "_bookings", "load the batch's bookings (one read: the engine's get_many)")
    phases.wrap(app.store, "load_many", "load the batch's conversations")
    phases.wrap(app.store, "save_many", "save the conversations' offers")
    phases.wrap(app.store, "load", "load a conversation again (a turn saved it meanwhile)")
    phases.wrap(app.store, "save", "save a conversation again (a turn saved it meanwhile)")
    phases.wrap(scheduler, "_deliver", "send (fake channel, a few at once)")
    phases.wrap(scheduler.store, "finish", "mark the batch's rows (one transaction)")
    gc.collect()
    rss_before, peak_before = rss_mib(), peak_rss_mib()
    channel.rss.append((0, rss_before))

    app.clock.run()  # the due rows fall due now, and the clock starts moving
    channel.t0 = t0 = time.perf_counter()
    sent = 0
    while sent < due:
        n = await scheduler.send_due()
        if n == 0:
            break
        sent += n
    send_seconds = time.perf_counter() - t0
    gc.collect()
    rss_after, peak_after = rss_mib(), peak_rss_mib()
    sending = phases.snapshot()

    idle = []  # what a tick's send_due costs afterwards, with only the future rows left
    for _ in range(20):
        t = time.perf_counter()
        await scheduler.send_due()
        idle.append(time.perf_counter() - t)
    return Result(await describe_db(app, url), planned, due, fill_seconds, send_seconds, sent, sorted(channel.at),
                  await db_delays(app), await status_counts(app), len(channel.users), rss_before, rss_after,
                  channel.rss, peak_before, peak_after, statistics.median(idle) * 1000, sending)


# --- reporting ------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")


def check(r: Result) -> list[str]:
    """What went wrong, if anything: the table must say exactly `due` sent and the rest planned."""
    problems = []
    if r.counts.get("sent", 0) != r.due or r.sent != r.due or r.users != r.due:
        problems.append(f"expected {r.due:,} sent to {r.due:,} customers; send_due said {r.sent:,}, "
                        f"the channel saw {r.users:,}, the table says {r.counts.get('sent', 0):,}")
    if r.counts.get("planned", 0) != r.planned - r.due:
        problems.append(f"expected {r.planned - r.due:,} still planned, the table says {r.counts.get('planned', 0):,}")
    others = {k: v for k, v in r.counts.items() if k not in ("sent", "planned")}
    if others:
        problems.append(f"unexpected rows: {others}")
    return problems


def section(r: Result, rates: list[float]) -> str:
    rss = [m for _, m in r.rss_samples]
    samples = ", ".join(f"{m:.0f}" for _, m in r.rss_samples)
    skew = max(abs(a - b) for a, b in zip(r.delays, r.table_delays)) if r.delays and r.table_delays else float("nan")
    total = sum(r.phases.seconds.values())
    phase_rows = "".join(
        f"| {label} | {r.phases.calls[label]:,} | {s:.2f} s | {s / r.send_seconds:.0%} |\n"
        for label, s in sorted(r.phases.seconds.items(), key=lambda kv: -kv[1]))
    phase_rows += (f"| rest (rendering the notices, the scheduler's own work) | | {r.send_seconds - total:.2f} s | "
                   f"{(r.send_seconds - total) / r.send_seconds:.0%} |\n")
    return (
        f"### {r.database.split(' (')[0].split()[0]}\n\n"
        f"Run {datetime.now().strftime('%Y-%m-%d %H:%M')} with `bench/reminders.py` at {revision(*MEASURED)} on {machine()}; "
        f"{r.database}.\n\n"
        "| measure | result |\n| --- | --- |\n"
        f"| runs | {len(rates)}, each on a fresh database; the figures below are the median run's |\n"
        f"| rows | {r.planned:,} planned reminders (one booking and customer each), {r.due:,} due at once |\n"
        f"| setting up (bulk insert of bookings and rows) | {r.fill_seconds:.1f} s |\n"
        f"| `send_due()` until all {r.due:,} are sent | {r.send_seconds:.1f} s |\n"
        f"| throughput | {r.sent / r.send_seconds:,.0f} messages/s (each run: "
        f"{', '.join(f'{x:,.0f}' for x in rates)}) |\n"
        f"| delay after falling due: median / p99 / last | {pct(r.delays, .5):.1f} s / {pct(r.delays, .99):.1f} s / "
        f"{r.delays[-1] if r.delays else float('nan'):.1f} s |\n"
        f"| same, from `sent_at - due_at` in the table (largest difference) | {r.table_delays[-1] if r.table_delays else float('nan'):.1f} s "
        f"({skew:.2f} s) |\n"
        f"| RSS before / after sending (after gc) | {r.rss_before:.0f} MiB / {r.rss_after:.0f} MiB |\n"
        f"| RSS every {SAMPLE_EVERY:,} sends (min-max) | {min(rss):.0f}-{max(rss):.0f} MiB: {samples} |\n"
        f"| peak RSS (ru_maxrss) before / after sending | {r.peak_before:.0f} MiB / {r.peak_after:.0f} MiB |\n"
        f"| table afterwards | {', '.join(f'{v:,} {k}' for k, v in sorted(r.counts.items()))} |\n"
        f"| a tick's `send_due()` afterwards, nothing due, {r.planned - r.due:,} rows planned (median of 20) | "
        f"{r.idle_tick_ms:.1f} ms |\n\n"
        "Where the sending time went (wall time inside each step; rendering the notices is in the rest):\n\n"
        "| step | calls | time | share |\n| --- | --- | --- | --- |\n"
        f"{phase_rows}\n"
    )


INTRO = (
    "## reminders\n\n"
    "The issue's load: 100,000 planned reminders, 10,000 due at once, sent through a fake channel by "
    "`ReminderScheduler.send_due()` on a real App. How the rows are made, and why, is in the docstring of "
    "`bench/reminders.py`. Reproduce with\n\n"
    "    .venv/bin/python bench/reminders.py\n"
    "    .venv/bin/python bench/reminders.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test\n\n"
    "The delay is measured from the moment the rows fall due, as if a tick started exactly then; a real "
    "bot adds up to one poll interval (`REMINDER_POLL_SECONDS`, 5 s by default).\n\n"
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--planned", type=int, default=100_000, help="reminder rows in the table (default 100000)")
    ap.add_argument("--due", type=int, default=10_000, help="how many of them are due at once (default 10000)")
    ap.add_argument("--database-url", default=None,
                    help="PostgreSQL URL (a fresh schema is made and dropped); default: a SQLite file in a temp dir")
    ap.add_argument("--runs", type=int, default=3, help="fresh databases to run on; the median run is shown (default 3)")
    rec = ap.add_mutually_exclusive_group()
    rec.add_argument("--record", action="store_true", help="write bench/RESULTS.md even at other sizes")
    rec.add_argument("--no-record", action="store_true", help="only print")
    ap.add_argument("--json", type=Path, default=None, help="also write the median run's numbers here (bench/all.py)")
    args = ap.parse_args()
    if not 0 < args.due <= args.planned:
        ap.error("need 0 < --due <= --planned")
    results = []
    for n in range(args.runs):
        results.append(r := asyncio.run(run(args.database_url, args.planned, args.due)))
        print(f"run {n + 1}/{args.runs}: {r.sent:,} sent in {r.send_seconds:.1f} s, "
              f"{r.sent / r.send_seconds:,.0f} messages/s", flush=True)
        problems = check(r)
        for p in problems:
            print(f"FAILED: {p}", file=sys.stderr)
        if problems:
            return 1
    result = sorted(results, key=lambda r: r.send_seconds)[len(results) // 2]  # the median run
    sub = section(result, [r.sent / r.send_seconds for r in results])
    print(sub)
    print(f"ok: {result.counts.get('sent', 0):,} sent, {result.counts.get('planned', 0):,} still planned")
    if args.json:
        args.json.write_text(json.dumps({"due": args.due, "seconds": result.send_seconds,
                                         "per_s": result.sent / result.send_seconds,
                                         "rss_before_mib": result.rss_before, "rss_after_mib": result.rss_after}),
                             encoding="utf-8")
    default_size = (args.planned, args.due) == (100_000, 10_000)
    if args.record or (default_size and not args.no_record):
        write_subsection("reminders", INTRO, sub)
        print("recorded in bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
