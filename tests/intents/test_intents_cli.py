"""The `booking-bot parse --jsonl` contract: one output line per input line, in order, errors inline."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from intents.cli import run_jsonl, run_text

from intent_cases import DEMO

KEYS = {"id", "intent", "service", "staff", "date", "time", "start", "end"}
ROOT = Path(__file__).resolve().parents[2]


def _run(lines: list[str]) -> list[dict]:
    out = io.StringIO()
    assert run_jsonl(io.StringIO("".join(line + "\n" for line in lines)), out, DEMO, default_tz="Europe/Berlin") == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _case(i: str, text: str, **extra: object) -> str:
    return json.dumps({"id": i, "text": text, "now": "2026-03-27T10:00:00", "tz": "Europe/Berlin", "lang": "en", **extra})


def test_every_line_is_answered_in_order_with_all_keys() -> None:
    out = _run([
        _case("a", "book a haircut with Sarah tomorrow at 10"),
        _case("b", "Monday afternoon"),
        json.dumps({"id": "c", "text": "Termin morgen um 10", "now": "2026-03-27T10:00:00", "tz": "Europe/Berlin"}),
    ])
    assert [o["id"] for o in out] == ["a", "b", "c"]
    assert all(KEYS <= set(o) for o in out)
    assert out[0] == {"id": "a", "intent": "book", "service": "haircut", "staff": "Sarah", "date": "2026-03-28",
                      "time": "10:00", "start": None, "end": None}
    assert out[1]["start"] == "2026-03-30T12:00:00+02:00" and out[1]["end"] == "2026-03-30T17:00:00+02:00"
    assert out[2]["intent"] == "book" and out[2]["date"] == "2026-03-28"


@pytest.mark.parametrize("line, known_id", [
    ("this is not json", None),
    ("[1, 2, 3]", None),
    (json.dumps({"id": "x1", "now": "2026-03-27T10:00:00", "tz": "Europe/Berlin"}), "x1"),
    (json.dumps({"id": "x2", "text": 42, "now": "2026-03-27T10:00:00", "tz": "Europe/Berlin"}), "x2"),
    (json.dumps({"id": "x3", "text": "hi", "now": "yesterday-ish", "tz": "Europe/Berlin"}), "x3"),
    (json.dumps({"id": "x4", "text": "hi", "now": "2026-03-27T10:00:00", "tz": "Mars/Olympus"}), "x4"),
    (json.dumps({"id": "x5", "text": "hi", "now": 5, "tz": "Europe/Berlin"}), "x5"),
    (json.dumps({"id": "x6", "text": "hi", "tz": "Europe/Berlin"}), "x6"),
])
def test_a_bad_line_gets_an_error_line_and_the_run_goes_on(line: str, known_id: str | None) -> None:
    out = _run([line, _case("ok", "yes")])
    assert len(out) == 2
    bad, good = out
    assert "error" in bad and bad["id"] == known_id and bad["intent"] == "other"
    assert all(bad[k] is None for k in KEYS - {"id", "intent"})
    assert good["id"] == "ok" and good["intent"] == "affirm" and "error" not in good


def test_blank_lines_are_skipped_and_output_is_flushed_per_line() -> None:
    class Recorder(io.StringIO):
        flushes = 0

        def flush(self) -> None:
            Recorder.flushes += 1

    out = Recorder()
    run_jsonl(io.StringIO(_case("1", "hi") + "\n\n" + _case("2", "bye") + "\n"), out, DEMO)
    assert len(out.getvalue().splitlines()) == 2 and Recorder.flushes >= 2


def test_run_text_is_readable() -> None:
    text = run_text("Haarschnitt morgen um 10 bei Sarah", now="2026-03-27T10:00:00", tz="Europe/Berlin",
                    vocabulary=DEMO)
    assert "intent" in text and "book" in text and "2026-03-28" in text and "10:00" in text
    assert "error" in run_text("hi", now="2026-03-27T10:00:00", tz="Nowhere/Land")


def _console_script() -> Path:
    script = Path(sys.executable).with_name("booking-bot")
    if not script.exists():
        pytest.skip("the booking-bot console script is not installed (pip install -e .)")
    return script


def test_console_script_speaks_the_contract() -> None:
    lines = [_case("1", "any slots tomorrow?"), "{broken", _case("3", "cancel my Netflix"),
             _case("4", "übermorgen halb drei", lang=None)]
    proc = subprocess.run([str(_console_script()), "parse", "--jsonl"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=60, cwd=ROOT, env={**os.environ})
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["1", None, "3", "4"]
    assert out[0]["intent"] == "availability" and out[0]["date"] == "2026-03-28"
    assert "error" in out[1]
    assert out[2]["intent"] == "other"
    assert out[3]["date"] == "2026-03-29" and out[3]["time"] == "14:30"
