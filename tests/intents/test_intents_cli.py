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


# --- the optional context object -------------------------------------------------------------------------

OFFERS = [{"label": "Tue 31 Mar, 10:00", "start": "2026-03-31T10:00:00", "staff": "sarah"},
          {"label": "Tue 31 Mar, 11:00", "start": "2026-03-31T11:00:00", "staff": "tom"},
          {"label": "Wed 1 Apr, 11:00", "start": "2026-04-01T11:00:00+02:00"}]


def test_a_reply_is_read_against_the_offers_and_the_anchor_of_its_context() -> None:
    out = _run([
        _case("pick", "the 2nd one then", context={"expecting": "choice", "offers": OFFERS}),
        _case("day", "Wednesday please", context={"expecting": "choice", "offers": OFFERS}),
        _case("shift", "an hour later", context={"expecting": "when", "anchor": "2026-03-31T10:00:00"}),
        _case("same", "same time on Thursday", context={"anchor": "2026-03-31T10:00:00"}),
        _case("earlier", "anything earlier?", context={"expecting": "choice", "offers": OFFERS}),
        _case("fix", "actually make it 3", context={"expecting": "confirm", "anchor": "2026-03-31T10:00:00"}),
    ])
    by_id = {o["id"]: o for o in out}
    assert by_id["pick"]["pick"] == 2 and (by_id["pick"]["date"], by_id["pick"]["time"]) == ("2026-03-31", "11:00")
    assert by_id["day"]["pick"] == 3 and by_id["day"]["date"] == "2026-04-01"
    assert by_id["shift"]["shift_minutes"] == 60 and by_id["shift"]["time"] == "11:00"
    assert by_id["same"]["same_time"] is True and (by_id["same"]["date"], by_id["same"]["time"]) == ("2026-04-02", "10:00")
    assert by_id["earlier"]["direction"] == -1 and by_id["earlier"]["end"] == "2026-03-31T10:00:00+02:00"
    assert by_id["fix"]["correction"] is True and by_id["fix"]["time"] == "15:00"
    assert all(KEYS <= set(o) and "error" not in o for o in out)


def test_the_context_keys_appear_only_when_said() -> None:
    out = _run([_case("a", "book a haircut with Sarah tomorrow at 10"), _case("b", "right now"),
                _case("c", "haircut with Sarah on thuesday at 3pm")])
    assert set(out[0]) == KEYS
    assert out[1]["earliest"] is True and out[1]["date"] is None and out[1]["time"] is None
    assert out[2]["unclear"] == "thuesday" and out[2]["date"] is None


@pytest.mark.parametrize(("context", "says"), [
    ([1, 2], "context must be an object"),
    ({"expecting": "maybe"}, "context.expecting"),
    ({"offers": {"label": "x"}}, "context.offers must be a list"),
    ({"offers": [{"start": "2026-03-31T10:00:00"}]}, "label"),
    ({"offers": [{"label": "x", "start": "soon"}]}, "context.offers[1].start"),
    ({"offers": [{"label": "x", "when": "2026-03-31T10:00:00"}]}, "unknown key"),
    ({"anchor": "next week"}, "context.anchor"),
    ({"anchor": "2026-03-31T10:00:00", "booking": "b1"}, "unknown context key"),
])
def test_a_bad_context_gets_an_error_line_like_any_other_broken_line(context, says) -> None:
    out = _run([_case("bad", "the 2nd one", context=context), _case("ok", "the 2nd one", context={"offers": OFFERS})])
    bad, good = out
    assert bad["id"] == "bad" and says in bad["error"] and bad["intent"] == "other"
    assert all(bad[k] is None for k in KEYS - {"id", "intent"})
    assert good["pick"] == 2 and "error" not in good


def test_a_null_context_is_no_context() -> None:
    out = _run([_case("a", "the 2nd one", context=None)])
    assert "error" not in out[0] and "pick" not in out[0]


def test_several_services_and_the_party_are_printed_when_said() -> None:
    both, people, one = _run([
        _case("s", "haircut and beard trim with Tom tomorrow at 11"),
        _case("p", "haircuts for me and my son tomorrow at 3"),
        _case("o", "book a haircut with Sarah tomorrow at 10"),
    ])
    assert both["services"] == ["haircut", "beard"] and "party" not in both
    assert people["party"] == 2 and "services" not in people
    assert "services" not in one and "party" not in one


def test_a_shift_by_days_or_weeks_counts_from_the_anchor() -> None:
    out, = _run([_case("w", "a week later", context={"expecting": "when", "anchor": "2026-03-25T10:00:00"})])
    assert out["shift_minutes"] == 7 * 24 * 60
    assert out["date"] == "2026-04-01" and out["time"] == "10:00"
