"""Two or more revisions of the bot, back to back in one run: floods of signed webhooks taking turns.

On a shared machine whose speed drifts from minute to minute (seen: the same fixed Python loop taking 225 ms and,
an hour later, 338 ms; a bare aiohttp handler answering anywhere from 4,800 to 9,300 requests a second), two
`bench/turns.py` runs a few minutes apart cannot tell a 10 % change from the drift. Here every revision's
`booking-bot run` is started at once, each on a database of its own, and the rounds alternate: the bare aiohttp
handler, then each revision, with a flood of the same size (N new customers x the conversation, 50 connections,
every reply awaited). Each round's acknowledgement throughput is taken relative to the bare handler's in the same
round, so what the machine does to all of them cancels out. The medians over the rounds are printed; nothing is
recorded (the figures of `make bench` are `bench/turns.py`'s).

    .venv/bin/python bench/compare.py HEAD~1 .               # the commit before against the working tree
    .venv/bin/python bench/compare.py --rounds 8 --customers 200 main my-branch
    .venv/bin/python bench/compare.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test HEAD~1 .

A revision other than "." is checked out into a temporary git worktree and run from there (its `bot`,
`channels`, … come first on the bot's PYTHONPATH); the virtualenv is this checkout's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

import turns as T

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Contender:
    revision: str
    path: Path  # the checkout it runs from
    rounds: list[tuple[float, float, float, float]] = field(default_factory=list)  # ratio, ack p99 s, turns/s, CPU s a turn


def worktree(revision: str, into: Path) -> Path:
    """`revision` checked out (detached) into a fresh worktree under `into`; "." is this checkout itself."""
    if revision == ".":
        return ROOT
    path = into / f"rev-{len(list(into.iterdir()))}"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(path), revision], check=True)
    return path


async def flood(load: T.Load, url: str, pid: int | None, prefix: int, customers: int) -> tuple[T.Phase, float]:
    """One flood: every customer's conversation as fast as possible; the phase and the bot's CPU seconds."""
    people = load.customers(prefix, customers)
    phase = T.Phase("flood", people, T.round_robin(people), [1] * len(T.SCRIPT))
    cpu = T.cpu_seconds(pid) if pid else 0.0
    await load.as_fast_as_possible(url + T.INBOUND, phase.messages)
    phase.sent_until = max(m.acked for m in phase.messages)
    if pid:
        await load.wait_for_replies(people, phase.expected)
    return phase, (T.cpu_seconds(pid) - cpu if pid else 0.0)


async def run(args: argparse.Namespace) -> list[Contender]:
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp_name:
        tmp = Path(tmp_name)
        trees = tmp / "trees"
        trees.mkdir()
        contenders = [Contender(rev, worktree(rev, trees)) for rev in args.revisions]
        fake = T.FakeTwilio()
        await fake.start()
        bots = []
        try:
            async with AsyncExitStack() as stack:
                bare_port = T.free_port()
                bare = await T.start_child([sys.executable, str(ROOT / "bench" / "turns.py"), "--serve-bare",
                                            str(bare_port)], dict(os.environ), tmp, "ready", tmp / "bare.log")
                bots.append(bare)
                ports = []
                for n, contender in enumerate(contenders):
                    (tmp / f"db-{n}").mkdir()
                    db = await stack.enter_async_context(T.Database(args.database_url, tmp / f"db-{n}"))
                    port = T.free_port()
                    env = T.bot_env(db.url, fake.base, port)
                    env["PYTHONPATH"] = os.pathsep.join([str(contender.path), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
                    bots.append(await T.start_child([str(T.BOT), "run"], env, tmp, "is running", tmp / f"bot-{n}.log"))
                    ports.append(port)
                await asyncio.sleep(1.0)  # let the start-up settle (first reminder tick)
                async with T.Load(fake, args.connections) as load:
                    prefix = 10
                    for r in range(args.rounds):
                        bare_phase, _ = await flood(load, f"http://127.0.0.1:{bare_port}", None, prefix, args.customers)
                        prefix += 1
                        for contender, port, bot in zip(contenders, ports, bots[1:], strict=True):
                            phase, cpu = await flood(load, f"http://127.0.0.1:{port}", bot.pid, prefix, args.customers)
                            prefix += 1
                            contender.rounds.append((phase.ack_rate() / bare_phase.ack_rate(), T.pct(phase.ack(), .99),
                                                     phase.turn_rate(), cpu / len(phase.messages)))
                            ratio, p99, rate, per_turn = contender.rounds[-1]
                            print(f"round {r + 1}: {contender.revision:>12}  ack {ratio:.3f} of the bare handler's "
                                  f"({bare_phase.ack_rate():,.0f} req/s), p99 {p99 * 1e3:.0f} ms; {rate:,.0f} turns/s; "
                                  f"{per_turn * 1e3:.2f} ms CPU a turn", flush=True)
        finally:
            for proc in bots:
                await T.stop_child(proc)
            await fake.stop()
            for contender in contenders:
                if contender.path != ROOT:
                    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(contender.path)],
                                   check=False)
        return contenders


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revisions", nargs="+", help='git revisions to compare; "." is the working tree')
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--customers", type=int, default=300, help="new customers in each flood (8 messages each)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--database-url", default=None, help="PostgreSQL to make each bot a database on "
                        "(default: a SQLite file each)")
    args = parser.parse_args()
    started = time.perf_counter()
    contenders = asyncio.run(run(args))
    print(f"\nmedians over {args.rounds} rounds ({time.perf_counter() - started:.0f} s), "
          f"{'PostgreSQL' if args.database_url else 'SQLite'}, {args.customers} customers a flood:")
    print("| revision | ack / bare handler | ack p99 | full turns/s | CPU a turn |")
    print("| --- | --- | --- | --- | --- |")
    for c in contenders:
        ratio, p99, rate, per_turn = (statistics.median(column) for column in zip(*c.rounds, strict=True))
        print(f"| {c.revision} | {ratio:.3f} | {p99 * 1e3:.0f} ms | {rate:,.0f} | {per_turn * 1e3:.2f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
