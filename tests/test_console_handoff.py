"""Handoffs in the operator console: the team's notifications printed, /handoff to list, answer and close."""

from __future__ import annotations

from test_console import chat


def test_a_handoff_in_the_console_is_listed_answered_and_closed(tmp_path, monkeypatch):
    monkeypatch.setenv("OPERATOR_TELEGRAM_CHAT_ID", "-100500")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:AAFakeTokenForTestsOnly_0123456789ab")
    out = chat(tmp_path, [
        "/clock 2026-11-23T09:00",
        "I want to talk to a person",
        "are you there?",
        "/handoff",
        "/handoff list",
        "/handoff reply 1 Hi, this is Sarah.",
        "/handoff close 1",
        "/handoff close 1",
        "hello",
    ])
    assert "bot: I've let the team at Demo Salon know that you'd like to talk to someone." in out
    assert "console: to the team:\n     Handoff #1: Telegram would like to talk to a person." in out
    assert "     Handoff #1, Telegram writes:\n     are you there?" in out
    assert out.count("  #1  telegram:1001  ?  opened Mon 23 Nov 09:00, closes by itself Tue 24 Nov 09:00") == 2
    assert "Reply to this message" not in out, "the console tells the team how to answer in the console"
    assert "     Answer in the console (booking-bot chat --live): /handoff reply 1 your text;" in out
    assert "bot: Demo Salon: Hi, this is Sarah." in out
    assert "bot: The conversation with the team at Demo Salon is closed, so I'm answering again." in out
    assert "console: handoff #1 is not open" in out
    assert out.rstrip().endswith("What can I do for you?"), "the bot answers again"


def test_without_an_operator_channel_the_console_shows_what_the_customer_is_told(tmp_path):
    out = chat(tmp_path, ["I want to talk to a person", "/handoff"])
    assert "bot: Sorry, I can't pass messages on to the team from this chat." in out
    assert "console: no open handoffs" in out
