"""Availability of the embedded engine on a busy calendar: 60 days, 10 staff, 20,000 bookings (14,000 of them ahead).

    .venv/bin/python bench/availability.py                  # SQLite file in a temp dir
    .venv/bin/python bench/availability.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/availability.py --smoke          # tiny sizes, to keep the script working

One question is timed: every free haircut slot with anyone over the whole 60-day horizon (the widest
question the dialogue can ask). The engine keeps busy times in memory and brings them up to date from
the change log, so the question is timed three ways:

- nothing changed since the last question (the common case: one look at the change log);
- right after another process booked a time on the same database (a second engine with its own
  connections books before each timed question; the booked time must not be offered);
- the first question of a fresh engine, which reads every coming booking (what every question cost
  before busy times were kept).

Side by side in the same run, as the reference, the database read that a question without kept busy
times cannot do without: fetching the same staff members' bookings in that range. The measures take
turns in each round; each figure is the median of `--repeat` rounds after one warm-up round.

At the default sizes the result is written, with the machine, into the "### SQLite" or
"### PostgreSQL" part of the "## availability" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from recording import machine, revision, write_subsection  # noqa: E402

MEASURED = ("booking_client/local", "storage", "bench/availability.py")  # what a change in the working tree makes the numbers not the commit's

from booking_client import BookingRequest, Contact  # noqa: E402
from booking_client.business import parse_business  # noqa: E402
from booking_client.local import LocalBackend, migrate  # noqa: E402
from booking_client.local.models import BookingRow  # noqa: E402
from storage import make_engine  # noqa: E402

NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday morning
DEFAULTS = {"staff": 10, "days": 60, "bookings": 20_000, "repeat": 7}


def business_toml(staff: int, days: int) -> str:
    people = "\n".join(f'[[staff]]\nid = "s{i}"\nname = "Staff {i}"\nservices = ["haircut"]\n' for i in range(staff))
    return f"""
name = "Bench Salon"
timezone = "Europe/Berlin"
min_notice_minutes = 60
horizon_days = {days}
slot_step_minutes = 15

[hours]
mon = ["09:00-18:00"]
tue = ["09:00-18:00"]
wed = ["09:00-18:00"]
thu = ["09:00-18:00"]
fri = ["09:00-18:00"]
sat = ["10:00-14:00"]

[[services]]
id = "haircut"
name = {{ en = "Haircut" }}
duration_minutes = 30

{people}
"""


def bookings(staff: int, days: int, count: int, seed: int = 7) -> list[dict]:
    """`count` bookings of 15 minutes: 70% fill the staff's coming working days at random, the rest lie in
    the past month (a calendar keeps its history)."""
    rnd = random.Random(seed)
    ahead = [(f"s{s}", NOW.replace(hour=8) + timedelta(days=d, minutes=15 * k))
             for s in range(staff) for d in range(days) for k in range(36)
             if (NOW + timedelta(days=d)).weekday() < 5]
    rnd.shuffle(ahead)
    coming = min(len(ahead), count * 7 // 10)
    before = [(f"s{s}", NOW.replace(hour=8) - timedelta(days=d) + timedelta(minutes=15 * k))
              for s in range(staff) for d in range(1, 31) for k in range(36)]  # no two meet (PostgreSQL refuses it)
    past = rnd.sample(before, min(len(before), count - coming))
    rows = []
    for person, start in ahead[:coming] + past:
        end = start + timedelta(minutes=15)
        rows.append(dict(id=str(uuid.uuid4()), service="haircut", staff=person, start_at=start, end_at=end,
                         blocked_until=end, status="confirmed", contact_ref=f"bench:{len(rows)}",
                         contact_name=None, contact_email=None, contact_phone=None, channel="bench", notes=None,
                         cancel_reason=None, idempotency_key=None, created_at=NOW, updated_at=NOW))
    return rows


async def timed(run: Callable[[], Awaitable[object]]) -> tuple[float, object]:
    t = time.perf_counter()
    result = await run()
    return (time.perf_counter() - t) * 1000, result


async def measure(url: str, args: argparse.Namespace, schema: str | None) -> dict:
    """Fill the database, then time the measures in turns; the medians (ms) and what was found."""
    business = parse_business(business_toml(args.staff, args.days))
    engine = make_engine(url, schema=schema)
    other_engine = make_engine(url, schema=schema)  # another process: its own connections, its own kept times
    try:
        await migrate(engine)
        rows = bookings(args.staff, args.days, args.bookings)
        async with engine.begin() as conn:
            for i in range(0, len(rows), 1000):
                await conn.execute(sa.insert(BookingRow.__table__), rows[i:i + 1000])
        here = LocalBackend(business, engine, lambda: NOW)
        there = LocalBackend(business, other_engine, lambda: NOW)
        end = NOW + timedelta(days=args.days)
        staff = [f"s{i}" for i in range(args.staff)]
        t = BookingRow.__table__.c
        read_bookings = sa.select(t.staff, t.start_at, t.blocked_until).where(
            t.staff.in_(staff), t.status.in_(("confirmed", "pending", "rescheduled")),
            t.start_at < end + timedelta(minutes=30), t.blocked_until > NOW)

        async def ask(backend: LocalBackend) -> list:
            return await backend.availability(NOW, end, "haircut")

        async def reference() -> list:
            async with engine.connect() as conn:
                return (await conn.execute(read_bookings)).all()

        first = await ask(here)
        to_book = random.Random(11).sample(first, min(len(first), args.repeat + 1))
        times: dict[str, list[float]] = {"unchanged": [], "after": [], "fresh": [], "reference": []}
        for n, slot in enumerate(to_book):  # round 0 is the warm-up
            await there.create(BookingRequest("haircut", slot.staff, slot.start, Contact(f"bench:other:{n}")), f"o{n}")
            ms_after, slots = await timed(lambda: ask(here))
            if any((s.start, s.staff) == (slot.start, slot.staff) for s in slots):
                raise SystemExit("a time booked by another process was offered: the engine is broken")
            ms_unchanged, again = await timed(lambda: ask(here))
            ms_fresh, fresh = await timed(lambda: ask(LocalBackend(business, engine, lambda: NOW)))
            if again != slots or fresh != slots:
                raise SystemExit("kept busy times and a fresh read disagree: the engine is broken")
            ms_reference, busy = await timed(reference)
            if n:
                for key, ms in (("unchanged", ms_unchanged), ("after", ms_after), ("fresh", ms_fresh),
                                ("reference", ms_reference)):
                    times[key].append(ms)
        if schema:
            async with engine.connect() as conn:
                version = (await conn.exec_driver_sql("SHOW server_version")).scalar_one()
            db = f"PostgreSQL {version.split()[0]} ({sa.engine.make_url(url).host}, asyncpg)"
        else:
            db = f"SQLite {sqlite3.sqlite_version} (file in a temp dir, WAL, statements on the event loop's thread)"
        return {"ms": {k: statistics.median(v) for k, v in times.items()},
                "range": {k: (min(v), max(v)) for k, v in times.items()},
                "slots": len(slots), "busy": len(busy), "db": db}
    finally:
        await other_engine.dispose()
        await engine.dispose()


def section(r: dict, args: argparse.Namespace) -> str:
    ms, lo_hi = r["ms"], r["range"]

    def cell(key: str) -> str:
        return f"**{ms[key]:.1f} ms** ({lo_hi[key][0]:.1f}-{lo_hi[key][1]:.1f})"

    title = "### PostgreSQL" if r["db"].startswith("PostgreSQL") else "### SQLite"
    return (
        f"{title}\n\n"
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} with `bench/availability.py` at {revision(*MEASURED)} on {machine()}; "
        f"{r['db']}; load average {os.getloadavg()[0]:.2f} at the end. {args.days} days, {args.staff} staff, "
        f"{args.bookings:,} bookings ({r['busy']:,} of them in range), {r['slots']:,} free slots in the answer; "
        f"median of {args.repeat} rounds (slowest and fastest in brackets).\n\n"
        "| measure | median |\n| --- | --- |\n"
        f"| `LocalBackend.availability` over the horizon, nothing changed since the last question | {cell('unchanged')} |\n"
        f"| the same, right after another process booked a time | {cell('after')} |\n"
        f"| the same, first question of a fresh engine (reads every coming booking) | {cell('fresh')} |\n"
        f"| reference: reading the same bookings only | {cell('reference')} |\n"
    )


INTRO = (
    "## availability\n\n"
    "One question: every free haircut slot with anyone over the whole 60-day horizon, 10 staff, 20,000 bookings "
    "(14,000 of them ahead, filling about 70 % of the working time); the target is 50 ms. The engine keeps each "
    "staff member's busy times in memory and brings them up to date from the booking change log "
    "(`booking_client/local/busy.py`), so the question is timed when nothing changed, right after another "
    "process (a second engine with its own connections on the same database) booked a time, and as the first "
    "question of a fresh engine. Reference in the same run, taking turns with the question: reading the same "
    "bookings and nothing else, which every question did before. How it is measured is in the docstring of "
    "`bench/availability.py`. Reproduce with\n\n"
    "    .venv/bin/python bench/availability.py\n"
    "    .venv/bin/python bench/availability.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test\n\n"
    "Before, at commit 30d7abb (every question read every coming booking; busy times already sorted and "
    "bisected), the script of that commit on the same machine on 2026-12-04: 104 ms on SQLite (reference "
    "54 ms), 88 ms on PostgreSQL (reference 28 ms) at load average 0.5; 118-138 ms and 101-109 ms when run "
    "again just before the runs below, at load average 3. At commit 0a5cdf6 (each start checked against the "
    "whole busy list, on another machine): 652 ms and 694 ms.\n\n"
)


async def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", help="PostgreSQL URL (a fresh schema is made and dropped); "
                                          "default: a SQLite file in a temp dir")
    p.add_argument("--staff", type=int, default=DEFAULTS["staff"])
    p.add_argument("--days", type=int, default=DEFAULTS["days"])
    p.add_argument("--bookings", type=int, default=DEFAULTS["bookings"])
    p.add_argument("--repeat", type=int, default=DEFAULTS["repeat"])
    p.add_argument("--smoke", action="store_true", help="2 staff, 7 days, 50 bookings, 1 repeat (never recorded)")
    p.add_argument("--json", type=Path, default=None, help="also write the medians here (for bench/all.py)")
    rec = p.add_mutually_exclusive_group()
    rec.add_argument("--record", action="store_true", help="write bench/RESULTS.md even at other sizes")
    rec.add_argument("--no-record", action="store_true", help="only print")
    args = p.parse_args()
    if args.smoke:
        args.staff, args.days, args.bookings, args.repeat = 2, 7, 50, 1

    schema = None
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        if url.startswith("postgresql"):
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = make_engine(url)
            async with admin.begin() as conn:
                await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            await admin.dispose()
        try:
            result = await measure(url, args, schema)
        finally:
            if schema:
                admin = make_engine(url)
                async with admin.begin() as conn:
                    await conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
                await admin.dispose()

    if not result["slots"]:
        print("no free slots found: the benchmark is broken", file=sys.stderr)
        return 1
    sub = section(result, args)
    print(sub)
    if args.json:
        args.json.write_text(json.dumps({"database": result["db"], **{f"{k}_ms": v for k, v in result["ms"].items()}}),
                             encoding="utf-8")
    default_size = not args.smoke and all(getattr(args, k) == v for k, v in DEFAULTS.items())
    if args.record or (default_size and not args.no_record):
        write_subsection("availability", INTRO, sub)
        print("recorded in bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
