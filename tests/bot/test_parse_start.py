"""`booking-bot parse` reads the business file and the settings the way the bot does, and starts without
loading what it does not need."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from booking_client import load_business, parse_business
from bot import cli
from bot.parse_setup import business_words
from bot.vocabulary import business_vocabulary

ROOT = Path(__file__).resolve().parents[2]
RICH = '''
name = "Praxis"
timezone = "America/New_York"
[hours]
mon = ["08:30-12:00", "13:00-19:15"]
sat = [" 10:00 - 14:00 "]
[[services]]
id = "check-up"
name = { en = "Check-up", de = "Kontrolle" }
synonyms = { de = ["Vorsorge"], en = ["checkup", "exam"] }
duration_minutes = 30
[[services]]
id = "cleaning"
name = { en = "Cleaning" }
duration_minutes = 45
[[staff]]
id = "dr_lee"
name = "Dr. Lee"
aliases = ["Lee", "Dr Lee"]
services = ["check-up", "cleaning"]
[[staff]]
id = "ana"
name = "Ana"
services = ["cleaning"]
[[faq]]
question = { en = "Do you treat children?" }
answer = { en = "Yes." }
keywords = { en = ["child", "kids"], de = "Kinder" }
[[faq]]
question = { en = "Wifi?" }
answer = { en = "Yes." }
keywords = { en = "wifi" }
'''
LINE = json.dumps({"id": "1", "text": "checkup with Lee saturday at 1", "now": "2026-03-27T10:00:00"})


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env from the working tree
    for name in ("BUSINESS_FILE", "INTENT_EXTRACTOR", "OPENAI_MODEL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("text", [None, RICH], ids=["demo", "rich"])
def test_parse_knows_the_same_zone_and_words_as_the_bot(tmp_path, text):
    path = ""
    if text is not None:
        path = str(tmp_path / "praxis.toml")
        Path(path).write_text(text, encoding="utf-8")
    business = load_business(path)
    assert business_words(path) == (business.timezone, business_vocabulary(business))


def _parse(monkeypatch, capsys, lines: list[str]) -> tuple[int, list[dict], str]:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    code = cli.main(["parse", "--jsonl"])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_the_business_file_named_in_dot_env_is_the_one_read(monkeypatch, capsys, tmp_path):
    (tmp_path / "praxis.toml").write_text(RICH, encoding="utf-8")
    (tmp_path / ".env").write_text('# the practice\nBUSINESS_FILE="praxis.toml"\n', encoding="utf-8")
    code, out, _ = _parse(monkeypatch, capsys, [LINE])
    assert code == 0
    assert out[0]["service"] == "checkup" and out[0]["staff"] == "Lee" and out[0]["time"] == "13:00"
    assert out[0]["date"] == "2026-03-28"


@pytest.mark.parametrize("change, words", [
    (('services = ["cleaning"]', 'services = ["massage"]'), ["ana", "massage"]),
    (('"08:30-12:00"', '"12:00-08:30"'), ["hours.mon", "ends before it starts"]),
    (('timezone = "America/New_York"', 'timezone = "America/Nowhere"'), ["timezone", "America/Nowhere"]),
    (('name = "Ana"', 'name = "Ana'), ["not valid TOML"]),
])
def test_a_broken_business_file_stops_parse_naming_the_problem(monkeypatch, capsys, tmp_path, change, words):
    (tmp_path / "praxis.toml").write_text(RICH.replace(*change), encoding="utf-8")
    monkeypatch.setenv("BUSINESS_FILE", str(tmp_path / "praxis.toml"))
    code, out, err = _parse(monkeypatch, capsys, [LINE])
    assert code == 2 and out == []
    assert "praxis.toml" in err and all(word in err for word in words)


def test_a_model_reader_asked_for_in_dot_env_is_checked_by_parse(monkeypatch, capsys, tmp_path):
    (tmp_path / ".env").write_text("intent_extractor = llm\n", encoding="utf-8")
    code, out, err = _parse(monkeypatch, capsys, [LINE])
    assert code == 2 and out == [] and "OPENAI_MODEL" in err


def test_parse_with_the_rules_loads_neither_pydantic_nor_the_booking_backends(tmp_path):
    probe = ("import sys, io; sys.stdin = io.StringIO(sys.argv[1] + '\\n'); from bot.cli import main; "
             "code = main(['parse', '--jsonl']); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_settings', "
             "'booking_client', 'babel')), code)")
    env = {k: v for k, v in os.environ.items() if k not in ("BUSINESS_FILE", "INTENT_EXTRACTOR")}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-c", probe, LINE], capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=60, check=True)
    reading, loaded = proc.stdout.splitlines()
    assert json.loads(reading)["intent"] == "book"
    assert loaded == "[] 0"


def test_parse_business_and_plain_reading_agree_on_a_closed_week(tmp_path):
    text = RICH.replace('mon = ["08:30-12:00", "13:00-19:15"]\nsat = [" 10:00 - 14:00 "]', "")
    path = tmp_path / "closed.toml"
    path.write_text(text, encoding="utf-8")
    business = parse_business(text)
    assert business_words(str(path)) == (business.timezone, business_vocabulary(business))
