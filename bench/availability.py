"""Availability of the embedded engine on a busy calendar: 60 days, 10 staff, 20,000 bookings (14,000 of them ahead).

    .venv/bin/python bench/availability.py                  # SQLite file in a temp dir
    .venv/bin/python bench/availability.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/availability.py --smoke          # tiny sizes, to keep the script working

One question is timed: every free haircut slot with anyone over the whole 60-day horizon (the widest
question the dialogue can ask). Side by side in the same run, as the reference, the database read
that question cannot do without: fetching the same staff members' bookings in that range (the floor
for any algorithm on this schema). Each figure is the median of `--repeat` runs after one warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from booking_client.business import parse_business  # noqa: E402
from booking_client.local import LocalBackend, migrate  # noqa: E402
from booking_client.local.models import BookingRow  # noqa: E402
from storage import make_engine  # noqa: E402

NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday morning


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
    past = [(f"s{rnd.randrange(staff)}", NOW - timedelta(days=rnd.randrange(1, 31), minutes=15 * rnd.randrange(36)))
            for _ in range(count - coming)]
    rows = []
    for person, start in ahead[:coming] + past:
        end = start + timedelta(minutes=15)
        rows.append(dict(id=str(uuid.uuid4()), service="haircut", staff=person, start_at=start, end_at=end,
                         blocked_until=end, status="confirmed", contact_ref=f"bench:{len(rows)}",
                         contact_name=None, contact_email=None, contact_phone=None, channel="bench", notes=None,
                         cancel_reason=None, idempotency_key=None, created_at=NOW, updated_at=NOW))
    return rows


async def median_ms(repeat: int, run) -> tuple[float, object]:
    result = await run()  # warm-up: caches, prepared statements
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = await run()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


async def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url")
    p.add_argument("--staff", type=int, default=10)
    p.add_argument("--days", type=int, default=60)
    p.add_argument("--bookings", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--smoke", action="store_true", help="2 staff, 7 days, 50 bookings, 1 repeat")
    args = p.parse_args()
    if args.smoke:
        args.staff, args.days, args.bookings, args.repeat = 2, 7, 50, 1

    business = parse_business(business_toml(args.staff, args.days))
    schema = None
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        if url.startswith("postgresql"):
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = make_engine(url)
            async with admin.begin() as conn:
                await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            await admin.dispose()
            engine = make_engine(url, connect_args={"server_settings": {"search_path": schema}})
        else:
            engine = make_engine(url)
        try:
            await migrate(engine)
            rows = bookings(args.staff, args.days, args.bookings)
            async with engine.begin() as conn:
                for i in range(0, len(rows), 1000):
                    await conn.execute(sa.insert(BookingRow.__table__), rows[i:i + 1000])
            backend = LocalBackend(business, engine, lambda: NOW)
            end = NOW + timedelta(days=args.days)

            async def ask():
                return await backend.availability(NOW, end, "haircut")

            async def floor():
                async with engine.connect() as conn:
                    t = BookingRow.__table__.c
                    return (await conn.execute(sa.select(t.staff, t.start_at, t.blocked_until).where(
                        t.staff.in_([f"s{i}" for i in range(args.staff)]), t.status.in_(("confirmed", "pending")),
                        t.start_at < end + timedelta(minutes=30), t.blocked_until > NOW))).all()

            ms, slots = await median_ms(args.repeat, ask)
            floor_ms, busy = await median_ms(args.repeat, floor)
        finally:
            await engine.dispose()
            if schema:
                admin = make_engine(url)
                async with admin.begin() as conn:
                    await conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
                await admin.dispose()

    db = "PostgreSQL" if schema else "SQLite"
    print(f"availability, {args.days} days, {args.staff} staff, {len(busy):,} bookings in range, {db} "
          f"({platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()})")
    print("| measure | median |")
    print("| --- | --- |")
    print(f"| `LocalBackend.availability` over the horizon ({len(slots):,} free slots) | {ms:.1f} ms |")
    print(f"| reference: reading the same bookings only | {floor_ms:.1f} ms |")
    if not slots:
        print("no free slots found: the benchmark is broken", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
