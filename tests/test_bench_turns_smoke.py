"""`make bench-turns` still runs: the full-turn benchmark at tiny sizes, not recorded (never timed here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_customer_of_the_turn_benchmark_gets_every_reply_in_order(tmp_path):
    check_smoke_run(tmp_path, [])


def test_two_bot_processes_behind_a_round_robin_balancer_answer_every_customer_in_order(tmp_path, fresh_pg_url):
    """Each webhook goes to the other process than the one before, so every customer's messages are split
    between two processes sharing one PostgreSQL database: still every reply, once, in order."""
    check_smoke_run(tmp_path, ["--database-url", fresh_pg_url, "--processes", "2"])


def check_smoke_run(tmp_path: Path, extra: list[str]) -> None:
    results = ROOT / "bench" / "RESULTS.md"
    before = results.read_text(encoding="utf-8")
    summary = tmp_path / "summary.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "turns.py"), "--smoke", "--json", str(summary),
                           *extra], capture_output=True, text=True, cwd=ROOT, timeout=180, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    seen = json.loads(summary.read_text(encoding="utf-8"))
    phases = {name: p for name, p in seen.items() if isinstance(p, dict) and "customers" in p}
    assert len(phases) == 3, seen  # as fast as possible, a fixed rate, overload
    for name, p in phases.items():
        assert p["customers"] > 0, name
        assert p["complete"] == p["customers"], f"{name}: a customer is missing replies: {p}"
        assert p["as_expected"] == p["customers"], f"{name}: a conversation went differently: {p}"
        assert p["non_200"] == 0, f"{name}: a webhook was not answered 200: {p}"
    assert seen["bare"]["non_200"] == 0 and seen["exit_code"] == 0, seen
    for row in ("webhook ack, bare aiohttp handler", "full turns/s", "overload: backlog", "bot RSS"):
        assert row in proc.stdout
    assert results.read_text(encoding="utf-8") == before, "a smoke run is never recorded"


def test_the_back_to_back_comparison_runs_a_revision_against_the_working_tree(tmp_path):
    """`bench/compare.py` still runs: the committed tree (a worktree of HEAD) against the working tree, one tiny
    round, every reply awaited; it prints a median row for each and records nothing."""
    results = ROOT / "bench" / "RESULTS.md"
    before = results.read_text(encoding="utf-8")
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "compare.py"), "--rounds", "1", "--customers", "3",
                           "--connections", "5", "HEAD", "."],
                          capture_output=True, text=True, cwd=ROOT, timeout=180, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    rows = [line.split(" | ") for line in proc.stdout.splitlines() if line.startswith("| HEAD") or line.startswith("| .")]
    assert [row[0] for row in rows] == ["| HEAD", "| ."], proc.stdout
    for row in rows:
        assert float(row[1]) > 0 and int(row[3].replace(",", "")) > 0, row  # acknowledged, and turns answered
    trees = subprocess.run(["git", "-C", str(ROOT), "worktree", "list"], capture_output=True, text=True, check=True)
    assert "bench-compare-" not in trees.stdout, "a worktree was left behind"
    assert results.read_text(encoding="utf-8") == before
