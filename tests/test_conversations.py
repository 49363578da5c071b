"""Every scripted conversation under tests/conversations passes, and the runner reports failures readably."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.main import build_app
from bot.scripted import run_file

HERE = Path(__file__).parent / "conversations"
FILES = sorted(HERE.glob("*.yaml"))


def test_there_are_enough_conversations_in_both_languages():
    assert len(FILES) >= 30
    assert sum(f.name.startswith("de_") for f in FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
async def test_conversation(path: Path):
    result = await run_file(path, build_app)
    assert result.ok, "\n".join(result.failures)


def test_cli_fails_with_a_readable_diff(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "name: expects the wrong reply\nclock: 2026-11-23T09:00\nturns:\n"
        "  - user: hello\n    reply: [this text is never said]\n",
        encoding="utf-8",
    )
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "test", str(broken)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "FAIL" in proc.stdout and "reply should contain 'this text is never said'" in proc.stdout
    assert "you: hello" in proc.stdout


def test_cli_passes_a_good_file(tmp_path: Path):
    good = tmp_path / "good.yaml"
    good.write_text("clock: 2026-11-23T09:00\nturns:\n  - user: hello\n    intent: greet\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "test", str(good)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed, 0 failed" in proc.stdout


def test_cli_names_a_key_a_script_does_not_have(tmp_path: Path):
    """A misspelt or misplaced key is an error naming it, not silently ignored (a check that could never fail)."""
    odd = tmp_path / "odd.yaml"
    odd.write_text("clock: 2026-11-23T09:00\nbookings: []\nturns:\n  - user: hello\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "test", str(odd)], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "odd.yaml: unknown key(s) bookings" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
