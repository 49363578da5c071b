"""Benchmark of the offline extractor: messages/s of `intents.read` on one core, and how long
`booking-bot parse` takes to start. Writes the numbers, with the machine, into bench/RESULTS.md.

    .venv/bin/python bench/parse_throughput.py [--messages FILE.jsonl] [--seconds 5]

Not a test: numbers depend on the machine. FILE defaults to the shared SGD development set when it
is present, else a built-in mix of English and German messages.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from intents import Context, Vocabulary, read  # noqa: E402

DEFAULT_SET = ROOT.parent / "shared" / "nlu-dev" / "sgd_dev.jsonl"
BUILT_IN = [
    "book a haircut with Sarah tomorrow at 10", "Haarschnitt morgen um 10 bei Sarah", "what's free on Friday afternoon?",
    "any slots tomorrow?", "cancel my appointment", "Termin absagen", "move it to Thursday 3pm", "yes", "nein danke",
    "kann ich meinen Termin auf Donnerstag verschieben?", "zwischen 14 und 16 Uhr", "halb drei", "thanks, bye!",
    "I'd like to see Dr. Thomas Stodgel next week", "what's the weather like", "my name is Anna Schmidt",
]
VOCAB = Vocabulary(
    services={"haircut": ["Haircut", "Haarschnitt", "hair cut", "cut"], "coloring": ["Coloring", "Färben", "colour"],
              "beard": ["Beard trim", "Bartschnitt", "beard"]},
    staff={"sarah": ["Sarah"], "tom": ["Tom"]}, opening_hours=(9, 18),
)


def _messages(path: Path | None) -> list[str]:
    if path and path.exists():
        with path.open(encoding="utf-8") as f:
            return [json.loads(line)["text"] for line in f if line.strip()]
    return BUILT_IN * 500


def throughput(texts: list[str], seconds: float) -> float:
    """Messages per second of `read`, single thread, after one warm-up pass."""
    ctx = Context(now=datetime(2019, 3, 1, 8, tzinfo=ZoneInfo("America/Los_Angeles")), lang=None, vocabulary=VOCAB)
    for t in texts[:500]:
        read(t, ctx)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for t in texts:
            read(t, ctx)
        done += len(texts)
    return done / (time.perf_counter() - start)


def startup(runs: int = 7) -> tuple[float, float]:
    """Median and best wall time of `booking-bot parse --jsonl` on empty input (start-up and exit)."""
    script = Path(sys.executable).with_name("booking-bot")
    cmd = [str(script), "parse", "--jsonl"] if script.exists() else [sys.executable, "-m", "bot.cli", "parse", "--jsonl"]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, input="", capture_output=True, text=True, cwd=ROOT, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def intents_import_time() -> float:
    """Seconds to import the extractor alone in a fresh interpreter."""
    code = "import time; t=time.perf_counter(); import intents.rules, intents.cli; print(time.perf_counter()-t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return float(out.stdout.strip())


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        info = Path("/proc/cpuinfo").read_text()
        m = re.search(r"model name\s*:\s*(.+)", info)
        if m:
            cpu = m.group(1).strip()
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def write_results(section: str) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    pattern = re.compile(r"^## parse\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=Path, default=DEFAULT_SET)
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    texts = _messages(args.messages)
    rate = throughput(texts, args.seconds)
    med, best = startup()
    imp = intents_import_time()
    source = args.messages.name if args.messages and args.messages.exists() else "built-in sample"
    section = (
        "## parse\n\n"
        f"Run {datetime.now().strftime('%Y-%m-%d %H:%M')} with `bench/parse_throughput.py` on {machine()}.\n\n"
        "| measure | result |\n| --- | --- |\n"
        f"| `intents.read`, one core ({len(texts)} messages from {source}) | {rate:,.0f} messages/s |\n"
        f"| `booking-bot parse --jsonl` start-up and exit, empty input (median of 7 / best) | {med:.3f} s / {best:.3f} s |\n"
        f"| import of `intents` alone | {imp * 1000:.0f} ms |\n\n"
        "Start-up includes the CLI loading settings (pydantic-settings) and the business file; the "
        "extractor itself compiles its patterns at import.\n\n"
    )
    write_results(section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
