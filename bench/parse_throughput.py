"""Benchmark of the offline reader beside a reference measured in the same run: its speed on one core,
how long `booking-bot parse` takes to start, and how much memory it takes. Writes the numbers, with the
machine and the commit, into the "## parse" section of bench/RESULTS.md.

    .venv/bin/python bench/parse_throughput.py                        # what `make bench-parse` runs; recorded
    .venv/bin/python bench/parse_throughput.py --rounds 1 --runs 1 --limit 50   # smoke run, not recorded

Not a test: the numbers depend on the machine and on whatever else it is doing. Only a run at the
default sizes is recorded unless `--record` is given; `--no-record` only prints.

What is measured, each beside its reference:
- Throughput: `intents.read` alone, and the whole `parse --jsonl` loop (`intents.cli.run_jsonl`: a JSON
  line in, the reading, a JSON line out), over the same messages; the reference is a reader that only
  lowercases the message and runs one regular expression over it (`reference_read`), alone and through
  the same loop. What the reference takes in the loop is the loop's own cost; the rest is reading.
- Start-up: wall and CPU time of `booking-bot parse --jsonl` on empty input and on one line, beside
  `python -c pass` (the same interpreter doing nothing) and `python -c "import intents.cli"` (the rules'
  own import).
- Memory: the peak RSS of each of those processes (through GNU time, /usr/bin/time, where installed).
The subjects take turns (round by round, run by run), so a change in the machine's load hits all of them.
One thread does all the reading, so "one core" is the single-thread rate. The messages are the shared
SGD development set when it is present (the `text`, `now`, `tz` and `lang` its cases carry), else a
built-in mix of English and German; the vocabulary is the bundled demo business's, as `parse` has it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from recording import machine, revision, write_section  # noqa: E402

MEASURED = ("intents", "bot")  # what a change in the working tree makes the numbers not the commit's

from bot.parse_setup import business_words  # noqa: E402
from intents import Context, Reading, read  # noqa: E402
from intents.cli import run_jsonl  # noqa: E402

DEFAULT_SET = ROOT.parent / "shared" / "nlu-dev" / "sgd_dev.jsonl"
ROUNDS, RUNS, RSS_RUNS = 5, 21, 3
GNU_TIME = "/usr/bin/time"
BUILT_IN = [
    "book a haircut with Sarah tomorrow at 10", "Haarschnitt morgen um 10 bei Sarah", "what's free on Friday afternoon?",
    "any slots tomorrow?", "cancel my appointment", "Termin absagen", "move it to Thursday 3pm", "yes", "nein danke",
    "kann ich meinen Termin auf Donnerstag verschieben?", "zwischen 14 und 16 Uhr", "halb drei", "thanks, bye!",
    "I'd like to see Dr. Thomas Stodgel next week", "what's the weather like", "my name is Anna Schmidt",
]
ONE_LINE = json.dumps({"id": "1", "text": "book a haircut with Sarah tomorrow at 10", "now": "2026-03-27T10:00:00",
                       "tz": "Europe/Berlin"})
_REFERENCE = re.compile(r"\b(?:book|appointment|haircut|termin)\b")


def reference_read(text: str, context: Context) -> Reading:
    """The least a reader can do: lowercase the message and run one regular expression over it."""
    return Reading(intent="book" if _REFERENCE.search(text.lower()) else "other", lang=context.lang or "en")


def _lines(path: Path | None, limit: int | None) -> list[str]:
    """JSON lines as `parse --jsonl` gets them: only the keys a caller sends."""
    if path and path.exists():
        with path.open(encoding="utf-8") as f:
            cases = [json.loads(line) for line in f if line.strip()]
    else:
        cases = [{"id": str(i), "text": t, "now": "2019-03-01T08:00:00", "tz": "America/Los_Angeles"}
                 for i, t in enumerate(BUILT_IN * 500)]
    keys = ("id", "text", "now", "tz", "lang")
    return [json.dumps({k: c[k] for k in keys if k in c}, ensure_ascii=False) for c in cases[:limit]]


# --- throughput ---------------------------------------------------------------------------------------


def throughput(lines: list[str], rounds: int) -> dict[str, list[float]]:
    """Messages per second (wall, and per CPU second as "<name> cpu") of each subject, one value per round;
    the subjects alternate within a round."""
    _, vocabulary = business_words("")
    cases = [json.loads(line) for line in lines]
    contexts = [Context(now=datetime.fromisoformat(c["now"]).replace(tzinfo=ZoneInfo(c["tz"])), lang=c.get("lang"),
                        vocabulary=vocabulary) for c in cases]
    texts = [c["text"] for c in cases]
    stdin = "\n".join(lines) + "\n"

    def alone(reader: Callable[[str, Context], Reading]) -> Callable[[], None]:
        def run() -> None:
            for text, context in zip(texts, contexts):
                reader(text, context)
        return run

    def loop(reader: Callable[[str, Context], Reading]) -> Callable[[], None]:
        def run() -> None:
            run_jsonl(io.StringIO(stdin), io.StringIO(), vocabulary, default_tz="UTC", reader=reader)
        return run

    subjects = {"read": alone(read), "loop": loop(read), "ref read": alone(reference_read),
                "ref loop": loop(reference_read)}
    for run in subjects.values():  # warm-up: caches, first-use compilation
        run()
    rates: dict[str, list[float]] = {name + kind: [] for name in subjects for kind in ("", " cpu")}
    for _ in range(rounds):
        for name, run in subjects.items():
            start, cpu = time.perf_counter(), time.process_time()
            run()
            rates[name].append(len(lines) / (time.perf_counter() - start))
            rates[name + " cpu"].append(len(lines) / (time.process_time() - cpu))
    return rates


# --- start-up and memory ------------------------------------------------------------------------------


def startup(runs: int) -> dict[str, tuple[list[float], list[float], list[float]]]:
    """Wall and CPU times of each command, `runs` times, the commands taking turns; and their peak RSS."""
    script = Path(sys.executable).with_name("booking-bot")
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]
    parse = [*cli, "parse", "--jsonl"]
    commands = {
        "`python -c pass` (reference: the interpreter alone)": ([sys.executable, "-c", "pass"], ""),
        '`python -c "import intents.cli"` (the rules\' own import)': ([sys.executable, "-c", "import intents.cli"], ""),
        "`booking-bot parse --jsonl`, empty input": (parse, ""),
        "`booking-bot parse --jsonl`, one line": (parse, ONE_LINE + "\n"),
    }
    results: dict[str, tuple[list[float], list[float], list[float]]] = {name: ([], [], []) for name in commands}
    for cmd, stdin in commands.values():  # warm-up: bytecode caches, the page cache
        _wall(cmd, stdin)
    for _ in range(runs):
        for name, (cmd, stdin) in commands.items():
            wall, cpu = _wall(cmd, stdin)
            results[name][0].append(wall)
            results[name][1].append(cpu)
    for _ in range(min(runs, RSS_RUNS)):
        for name, (cmd, stdin) in commands.items():
            results[name][2].append(_peak_rss(cmd, stdin))
    return results


def _wall(cmd: list[str], stdin: str) -> tuple[float, float]:
    """Seconds from starting the process to its exit, and the CPU seconds (user + system) it used, which
    other work on the machine disturbs less than the wall time."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    proc.stdin.write(stdin.encode())  # a line or none: never fills the pipe
    proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def _peak_rss(cmd: list[str], stdin: str) -> float:
    """Peak RSS in MiB, through GNU time (NaN without it). A child of this process would start out with this
    process's own peak (the kernel keeps the larger of the two across fork and exec); GNU time's is tiny."""
    if not Path(GNU_TIME).exists():
        return float("nan")
    proc = subprocess.run([GNU_TIME, "-f", "%M", *cmd], input=stdin, text=True, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, cwd=ROOT, check=True)
    return int(proc.stderr.strip().splitlines()[-1]) / 1024


# --- reporting ----------------------------------------------------------------------------------------


def report(rates: dict[str, list[float]], starts: dict[str, tuple[list[float], list[float], list[float]]],
           count: int, source: str, rounds: int, runs: int, load: float) -> str:
    med = {name: statistics.median(values) for name, values in rates.items()}
    lines = [
        "## parse\n",
        f"Run {datetime.now().strftime('%Y-%m-%d %H:%M')} with `make bench-parse` (`bench/parse_throughput.py`) "
        f"at {revision(*MEASURED)} on {machine()}; load average {load:.2f} when it started (where other work shares the "
        "machine, the CPU columns are the steadier measure).\n",
        "Every measure ran beside its reference in the same run, the two taking turns (see the script's docstring).\n",
        f"Throughput on one core: {count:,} messages from {source}, median of {rounds} rounds (in brackets: "
        "slowest and fastest round). The reference reader only lowercases each message and runs one regular "
        "expression; through the loop, its rate is the ceiling the JSON-lines loop itself sets.\n",
        "| measure | messages/s | per CPU second | reference, same run: messages/s (per CPU second) "
        "| time per message over the reference |",
        "| --- | --- | --- | --- | --- |",
    ]
    for label, subject, ref in (
        ("`parse --jsonl` loop with the rules (JSON in, `intents.read`, JSON out)", "loop", "ref loop"),
        ("`intents.read` alone", "read", "ref read"),
    ):
        spread = f"({min(rates[subject]):,.0f}-{max(rates[subject]):,.0f})"
        extra = 1e6 / med[subject + " cpu"] - 1e6 / med[ref + " cpu"]
        lines.append(f"| {label} | **{med[subject]:,.0f}** {spread} | {med[subject + ' cpu']:,.0f} | "
                     f"{med[ref]:,.0f} ({med[ref + ' cpu']:,.0f}) | +{extra:.0f} µs of CPU |")
    lines += [
        "",
        f"Start-up and exit: wall time from start to exit (median and best of {runs} runs), CPU time (user + "
        f"system, median), and peak RSS (median of {min(runs, RSS_RUNS)} runs, through GNU time); the commands "
        "took turns.\n",
        "| command | wall, median | wall, best | CPU, median | CPU over the reference | peak RSS |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    ref_cpu = statistics.median(next(iter(starts.values()))[1])
    for name, (walls, cpus, rss) in starts.items():
        over = "" if name.startswith("`python -c pass`") else f"+{statistics.median(cpus) - ref_cpu:.3f} s"
        bold = "**" if "parse" in name else ""
        lines.append(f"| {name} | {bold}{statistics.median(walls):.3f} s{bold} | {min(walls):.3f} s | "
                     f"{statistics.median(cpus):.3f} s | {over} | {statistics.median(rss):.0f} MiB |")
    lines += [
        "",
        "With the rules (the default), `parse` reads INTENT_EXTRACTOR, BUSINESS_FILE and the business file's "
        "words without pydantic (`bot/parse_setup.py`); nearly all it takes over the interpreter is the rules' "
        "own import, which compiles their patterns.\n",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=Path, default=DEFAULT_SET, help="JSON lines with text, now, tz (and lang)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N messages")
    ap.add_argument("--rounds", type=int, default=ROUNDS, help=f"throughput rounds (default {ROUNDS})")
    ap.add_argument("--runs", type=int, default=RUNS, help=f"start-up runs of each command (default {RUNS})")
    ap.add_argument("--json", type=Path, default=None, help="also write the medians here (for bench/all.py)")
    rec = ap.add_mutually_exclusive_group()
    rec.add_argument("--record", action="store_true", help="write bench/RESULTS.md even at other sizes")
    rec.add_argument("--no-record", action="store_true", help="only print")
    args = ap.parse_args(argv)
    load = os.getloadavg()[0]
    lines = _lines(args.messages, args.limit)
    source = args.messages.name if args.messages and args.messages.exists() else "a built-in sample"
    rates = throughput(lines, args.rounds)
    starts = startup(args.runs)
    section = report(rates, starts, len(lines), source, args.rounds, args.runs, load)
    print(section)
    if args.json:
        args.json.write_text(json.dumps({"read_per_s": statistics.median(rates["read"]),
                                         "reference_per_s": statistics.median(rates["ref read"])}), encoding="utf-8")
    default_size = args.limit is None and args.rounds == ROUNDS and args.runs == RUNS
    if args.record or (default_size and not args.no_record):
        write_section("parse", section)
        print("recorded in bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
