"""Every benchmark in one run and one table: `make bench`.

Runs, one after the other so none disturbs another: the reader (`parse_throughput.py`), full turns
through `booking-bot run` on SQLite and on PostgreSQL, one process and two (`turns.py`), 10,000 reminders due at once
(`reminders.py`, SQLite and PostgreSQL) and availability on a busy calendar (`availability.py`, SQLite
and PostgreSQL). Each script measures beside its own reference in the same run and records its
section of `bench/RESULTS.md` at its default sizes; this script collects their headline numbers
(each writes them with `--json`) and prints them beside the targets, then the machine.

    .venv/bin/python bench/all.py                       # default sizes, every section recorded
    .venv/bin/python bench/all.py --quick               # small sizes, nothing recorded (minutes)
    .venv/bin/python bench/all.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test

Without PostgreSQL (the URL cannot be reached) the PostgreSQL rows say so and the rest still runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from recording import machine

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"

QUICK = {
    "parse": ["--rounds", "2", "--runs", "3", "--no-record"],
    "turns": ["--customers", "150", "--duration", "6", "--overload-duration", "4", "--no-record"],
    "reminders": ["--planned", "20000", "--due", "2000", "--runs", "1", "--no-record"],
    "availability": ["--repeat", "3", "--no-record"],
}


def run(script: str, args: list[str], out: Path) -> dict | None:
    """One benchmark script with `--json out`; its numbers, or None if it failed (its output is shown)."""
    cmd = [sys.executable, str(BENCH / script), *args, "--json", str(out)]
    print(f"$ {' '.join(cmd[1:])}", flush=True)
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not out.exists():
        print(done.stdout[-2000:] + done.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(out.read_text(encoding="utf-8"))


def postgres_reachable(url: str) -> bool:
    probe = ("import asyncio, sys; from storage import make_engine; import sqlalchemy as sa\n"
             "async def main():\n    e = make_engine(sys.argv[1], connect_args={'timeout': 3})\n"
             "    async with e.connect() as c: await c.execute(sa.text('SELECT 1'))\n    await e.dispose()\n"
             "asyncio.run(main())")
    return subprocess.run([sys.executable, "-c", probe, url], cwd=ROOT, capture_output=True, check=False).returncode == 0


def fmt(value: float | None, spec: str = ",.0f", unit: str = "") -> str:
    return "failed" if value is None else f"{value:{spec}}{unit}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, nothing recorded")
    ap.add_argument("--database-url", default=PG_URL, help=f"PostgreSQL for the PostgreSQL rows (default {PG_URL})")
    args = ap.parse_args()
    sizes = QUICK if args.quick else {name: [] for name in QUICK}
    pg = postgres_reachable(args.database_url)
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        def measure(name: str, script: str, extra: list[str]) -> dict | None:
            return run(script, [*sizes[name], *extra], Path(tmp) / f"{name}-{len(rows)}-{len(extra)}.json")

        reader = measure("parse", "parse_throughput.py", [])
        rows.append(("reader: messages/s on one core (reference: one regex)",
                     "≥ 5,000", "failed" if reader is None else
                     f"{reader['read_per_s']:,.0f} ({reader['reference_per_s']:,.0f})"))
        for db, extra in (("SQLite", []), ("PostgreSQL", ["--database-url", args.database_url])):
            if db == "PostgreSQL" and not pg:
                rows.append((f"{db}: every row", "", f"not run: {args.database_url} cannot be reached"))
                continue
            add_turns(rows, db, measure("turns", "turns.py", extra))
            reminders = measure("reminders", "reminders.py", extra)
            due = "10,000" if not args.quick else "2,000"
            rows.append((f"{db}: {due} reminders due at once, all sent (msgs/s)", "10,000 ≤ 10 s",
                         "failed" if reminders is None else
                         f"{reminders['seconds']:,.1f} s ({reminders['per_s']:,.0f}/s), RSS "
                         f"{reminders['rss_before_mib']:.0f} -> {reminders['rss_after_mib']:.0f} MiB"))
            if db == "PostgreSQL":  # scaled out: two processes on one database, each webhook to the next
                several = measure("turns", "turns.py", [*extra, "--processes", "2"])
                rows.append((f"{db}, 2 processes: full turns/s overall / steady; every reply sent, in order",
                             "more than one process", "failed" if several is None else
                             f"{several['headline']['turns_per_s']:,.1f} / "
                             f"{several['headline']['turns_per_s_steady']:,.1f} "
                             f"({several['headline']['cpu_ms_per_turn']:.1f} ms CPU a turn); "
                             f"{'yes' if all_delivered(several) else 'NO'}"))
            availability = measure("availability", "availability.py", extra)
            rows.append((f"{db}: availability, 60 days, 10 staff, 20,000 bookings, nothing changed since the last "
                         "question (a fresh engine's first; reading the bookings only)",
                         "≤ 50 ms", "failed" if availability is None else
                         f"{availability['unchanged_ms']:.1f} ms ({availability['fresh_ms']:.0f} ms; "
                         f"{availability['reference_ms']:.0f} ms)"))
    print()
    print("| measure | target | result |")
    print("| --- | --- | --- |")
    for measure_, target, result in rows:
        print(f"| {measure_} | {target} | {result} |")
    print()
    sizes_said = "quick sizes, not recorded" if args.quick else "default sizes, each section recorded in bench/RESULTS.md"
    print(f"{machine()}; {sizes_said}")
    return 0 if all("failed" not in r for _, _, r in rows) else 1


def add_turns(rows: list[tuple[str, str, str]], db: str, t: dict | None) -> None:
    h: Callable[[str], float] = (lambda key: t["headline"][key]) if t else (lambda key: 0.0)
    if t is None:
        rows.append((f"{db}: full turns", "", "failed"))
        return
    rows += [
        (f"{db}: full turns/s (webhook in -> reply accepted by Twilio), overall / steady", "≥ 1,000",
         f"{h('turns_per_s'):,.1f} / {h('turns_per_s_steady'):,.1f} ({h('cpu_ms_per_turn'):.1f} ms CPU a turn)"),
        *([(f"{db}: the load generator and fake Twilio's CPU a turn; the most turns/s the machine's cores could give "
            "at the bot's and theirs", "",
            f"{harness:.1f} ms; {(os.cpu_count() or 1) * 1000 / (h('cpu_ms_per_turn') + harness):,.0f} turns/s")]
          if (harness := t["headline"].get("harness_cpu_ms_per_turn")) else []),
        (f"{db}: end-to-end p50 / p99 at half capacity ({h('half_capacity_rate'):,.0f} msgs/s)", "p99 ≤ 50 ms",
         f"{h('e2e_p50_ms'):,.0f} / {h('e2e_p99_ms'):,.0f} ms" + spread(t["headline"].get("e2e_p99_ms_runs", []))),
        (f"{db}: webhook ack vs bare aiohttp handler: throughput ratio, p99", "≥ 0.5, ≤ 20 ms",
         f"{h('ack_per_s') / h('bare_ack_per_s'):.3f} ({h('ack_per_s'):,.0f} vs {h('bare_ack_per_s'):,.0f} req/s), "
         f"{h('ack_p99_ms'):,.0f} ms (bare {h('bare_ack_p99_ms'):,.0f} ms)"),
        (f"{db}: overload: backlog at most; every reply sent, in order", "bounded, nothing lost",
         f"{h('backlog_max'):,} messages; {'yes' if all_delivered(t) else 'NO'}"),
        *([(f"{db}: the machine's own cost of a steady rate: pure Python back to back / on a timer at that rate", "",
             f"{ref[0]:,.0f} / {ref[1]:,.0f} µs (x{ref[1] / ref[0]:.2f})")]
          if (ref := t["headline"].get("reference_us")) else []),
        (f"{db}: bot RSS idle / after the run", "≤ 250 MB idle",
         f"{h('rss_idle_mib'):.0f} / {h('rss_after_mib'):.0f} MiB"),
    ]


def spread(p99s: list[float]) -> str:
    """The fixed-rate runs' p99s beside the median one reported."""
    return f" (the median of {len(p99s)} runs; their p99s {', '.join(f'{x:,.0f}' for x in p99s)} ms)" \
        if len(p99s) > 1 else ""


def all_delivered(t: dict) -> bool:
    phases = [p for p in t.values() if isinstance(p, dict) and "customers" in p]
    return all(p["complete"] == p["customers"] and p["non_200"] == 0 for p in phases)


if __name__ == "__main__":
    sys.exit(main())
