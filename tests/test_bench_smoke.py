"""`make bench-parse` still runs: the reader's benchmark at tiny sizes, not recorded (benchmarks are never timed here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_reader_benchmark_measures_each_subject_beside_its_reference(tmp_path):
    results = ROOT / "bench" / "RESULTS.md"
    before = results.read_text(encoding="utf-8")
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "parse_throughput.py"), "--messages",
                           str(tmp_path / "none.jsonl"), "--limit", "20", "--rounds", "1", "--runs", "1"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    for row in ("`parse --jsonl` loop with the rules", "`intents.read` alone", "`python -c pass` (reference",
                "`booking-bot parse --jsonl`, empty input", "`booking-bot parse --jsonl`, one line"):
        assert row in proc.stdout
    assert "20 messages from a built-in sample" in proc.stdout
    assert results.read_text(encoding="utf-8") == before, "a smoke run is never recorded"
