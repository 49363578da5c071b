"""INTENT_EXTRACTOR and the OPENAI_* settings: checked at start, honoured by the bot and by `parse`."""

from __future__ import annotations

import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from fake_openai import reading

from bot import cli
from bot.clock import VirtualClock
from bot.main import build_app, run_main
from bot.messages import Inbound
from bot.settings import Settings, SettingsError, check_reader, load_settings
from intents.llm import LLMReader

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
_CLEAR = ("INTENT_EXTRACTOR", "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "LLM_TIMEOUT")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env from the working tree
    for name in _CLEAR:
        monkeypatch.delenv(name, raising=False)


def llm_env(monkeypatch, fake, mode="llm"):
    monkeypatch.setenv("INTENT_EXTRACTOR", mode)
    monkeypatch.setenv("OPENAI_API_KEY", fake.api_key)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
    monkeypatch.setenv("OPENAI_MODEL", fake.model)


@pytest.mark.parametrize("env, named", [
    ({"INTENT_EXTRACTOR": "llm"}, "OPENAI_MODEL"),
    ({"INTENT_EXTRACTOR": "hybrid", "OPENAI_MODEL": "gpt-4o-mini"}, "OPENAI_API_KEY"),
])
def test_a_model_reader_without_its_settings_stops_the_start_naming_the_setting(monkeypatch, capsys, env, named):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(SettingsError, match=f"^setting {named}: needed with INTENT_EXTRACTOR="):
        check_reader(load_settings())
    assert run_main() == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and named in err[0]


@pytest.mark.parametrize("name, value", [("INTENT_EXTRACTOR", "gpt"), ("OPENAI_BASE_URL", "localhost:11434"),
                                         ("LLM_TIMEOUT", "0")])
def test_malformed_model_settings_are_named(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=f"^setting {name}:"):
        load_settings()


def test_a_local_server_needs_no_key_and_rules_need_nothing(monkeypatch):
    check_reader(Settings(_env_file=None))
    check_reader(Settings(_env_file=None, intent_extractor="llm", openai_model="llama3.1:8b",
                          openai_base_url="http://127.0.0.1:11434/v1"))


async def test_the_bot_reads_with_the_model_the_settings_name(fake_openai, sqlite_engine):
    settings = Settings(_env_file=None, intent_extractor="llm", openai_api_key=fake_openai.api_key,
                        openai_base_url=fake_openai.base_url, openai_model=fake_openai.model)
    app = await build_app(settings, clock=VirtualClock(MONDAY_9), engine=sqlite_engine)
    try:
        assert isinstance(app.dialogue.read, LLMReader)
        fake_openai.answer(reading("list", lang="de"))
        await app.dialogue.handle(Inbound("telegram", "1001", text="was steht bei mir so an", lang="de"))
        assert fake_openai.problems == [] and len(fake_openai.requests) == 1
        assert app.dialogue.last_reading.intent == "list" and app.dialogue.last_reading.source == "llm"
    finally:
        await app.aclose()


async def test_the_model_reads_each_message_with_the_conversations_last_lines_and_only_this_customers(
        fake_openai, sqlite_engine):
    settings = Settings(_env_file=None, intent_extractor="llm", openai_api_key=fake_openai.api_key,
                        openai_base_url=fake_openai.base_url, openai_model=fake_openai.model)
    app = await build_app(settings, clock=VirtualClock(MONDAY_9), engine=sqlite_engine)
    try:
        fake_openai.answer(reading("greet"))
        await app.dialogue.handle(Inbound("telegram", "2002", text="hi, Bob here, bob@example.com", lang="en"))
        fake_openai.answer(reading("greet"))
        await app.dialogue.handle(Inbound("telegram", "1001", text="hello there", lang="en"))
        fake_openai.answer(reading("other"))
        await app.dialogue.handle(Inbound("telegram", "1001", text="same as last time please", lang="en"))
        last = fake_openai.requests[-1]["messages"]
        assert [m["role"] for m in last[2:]] == ["user", "assistant", "user"]
        assert last[2]["content"] == "hello there" and last[-1]["content"] == "same as last time please"
        assert "Hi!" in last[3]["content"]
        assert not any("bob" in m["content"].lower() for m in last), "never another customer's words"
    finally:
        await app.aclose()


def test_parse_jsonl_honours_the_same_settings(monkeypatch, capsys, fake_openai):
    llm_env(monkeypatch, fake_openai)
    fake_openai.answer(reading("handoff"))
    fake_openai.status(500)
    lines = [json.dumps({"id": i, "text": t, "now": "2026-11-23T09:00:00", "tz": "Europe/Berlin"})
             for i, t in (("a", "can a real person look at my hair first"), ("b", "haircut tomorrow at 10"))]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert cli.main(["parse", "--jsonl"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["intent"] for o in out] == ["handoff", "book"]  # the second: the rules, after the model's 500
    assert out[1]["time"] == "10:00"
    assert len(fake_openai.requests) == 2


def test_parse_shows_who_read_the_text(monkeypatch, capsys, fake_openai):
    llm_env(monkeypatch, fake_openai, mode="hybrid")
    fake_openai.answer(reading("book", lang="de"))
    assert cli.main(["parse", "--now", "2026-11-23T09:00:00", "kannst du mich irgendwann reinschieben, wenn es bei euch ruhiger ist"]) == 0
    out = capsys.readouterr().out
    assert "intent" in out and "book" in out and "read by" in out and "llm" in out


def test_the_console_debug_view_shows_who_read_each_message_and_the_fallback(fake_openai, tmp_path):
    import os
    import subprocess
    import sys

    fake_openai.answer(reading("book", lang="de"))
    fake_openai.status(500)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'console.db'}", "INTENT_EXTRACTOR": "llm",
           "OPENAI_API_KEY": fake_openai.api_key, "OPENAI_BASE_URL": fake_openai.base_url,
           "OPENAI_MODEL": fake_openai.model}
    env.pop("BUSINESS_FILE", None)
    lines = ["/clock 2026-11-23T09:00", "/debug on", "kannst du mich irgendwann reinschieben, wenn es bei euch ruhiger ist",
             "haircut tomorrow at 10"]
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "chat"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "source=llm" in proc.stdout and 'raw={"intent": "book"' in proc.stdout
    assert "source=rules (llm fallback: server error (500))" in proc.stdout
    assert fake_openai.problems == []


async def test_with_the_rules_no_message_text_is_kept_in_the_conversation(sqlite_engine):
    app = await build_app(Settings(_env_file=None), clock=VirtualClock(MONDAY_9), engine=sqlite_engine)
    try:
        await app.dialogue.handle(Inbound("telegram", "1001", text="hello there", lang="en"))
        assert (await app.store.load("telegram:1001")).recent == []
        # only the one person a message names, for "he" in the next one: not the message
        await app.dialogue.handle(Inbound("telegram", "1001", text="can I bring my son along? he's 5", lang="en"))
        state = await app.store.load("telegram:1001")
        assert (state.recent, state.spoken_of) == ([], "my son")
        await app.dialogue.handle(Inbound("telegram", "1001", text="thanks", lang="en"))
        assert (await app.store.load("telegram:1001")).spoken_of is None
    finally:
        await app.aclose()
