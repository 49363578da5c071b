"""Emails from the notification outbox, end to end: a booked, moved and cancelled conversation reaches
the customer's and the team's mailboxes at a local SMTP server (aiosmtpd on 127.0.0.1), once each."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from channel_kit import free_port
from fake_smtp import FakeSMTP

from bot.clock import VirtualClock
from bot.main import build_app, build_notifier
from bot.messages import Inbound
from bot.settings import Settings, SettingsError, check_operators, load_settings


BERLIN = ZoneInfo("Europe/Berlin")


async def test_booked_moved_cancelled_sends_three_confirmations_and_tells_the_team(db_engine, smtp):
    clock = VirtualClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    settings = Settings(_env_file=None, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_tls="none",
                        smtp_from="Demo Salon <salon@example.com>", operator_email="team@example.com")
    app = await build_app(settings, clock=clock, engine=db_engine)
    notifier = build_notifier(app, {})
    await notifier.begin()

    async def say(text: str) -> str:
        replies = await app.dialogue.handle(Inbound("telegram", "1001", text=text, lang="de"))
        await notifier.tick()
        return replies[-1].text

    for text in ("Haarschnitt bei Sarah am Donnerstag um 10", "Anna", "anna@example.com", "ja"):
        answer = await say(text)
    assert "Erledigt" in answer
    assert "Eine Bestätigung ist unterwegs an anna@example.com." in answer  # the promise the emails below keep
    clock.set(clock.now() + timedelta(minutes=5))
    await say("Termin auf Freitag 15 Uhr verschieben")
    assert "jetzt am Fr. 27. Nov., 15:00" in await say("ja")
    await say("Termin absagen")
    assert "abgesagt" in (await say("ja")).lower()
    await notifier.tick()

    received = await smtp.wait_for(6)
    to_anna = [r.message for r in received if r.recipients == ["anna@example.com"]]
    to_team = [r.message for r in received if r.recipients == ["team@example.com"]]
    assert len(to_anna) == 3 and len(to_team) == 3 and len(received) == 6
    assert [str(m["Subject"]).split(":")[0] for m in to_anna] == ["Gebucht", "Verschoben", "Abgesagt"]

    team_subjects = [str(m["Subject"]) for m in to_team]
    assert team_subjects[0].startswith("New booking: Haircut with Sarah on Thu 26 Nov, 10:00")
    assert team_subjects[1].startswith("Booking moved: Haircut with Sarah, from Thu 26 Nov, 10:00 to Fri 27 Nov, 15:00")
    assert team_subjects[2].startswith("Booking cancelled")
    assert "anna@example.com" in to_team[0].get_content(), "how to reach the customer"
    assert [r.status for r in await notifier.listing()] == ["sent"] * 6


def test_operator_settings_name_what_is_missing(monkeypatch):
    with pytest.raises(SettingsError, match="^setting TELEGRAM_BOT_TOKEN: needed when OPERATOR_TELEGRAM_CHAT_ID"):
        check_operators(Settings(_env_file=None, operator_telegram_chat_id=-100500))
    with pytest.raises(SettingsError, match="^setting SMTP_HOST: needed when OPERATOR_EMAIL is set"):
        check_operators(Settings(_env_file=None, operator_email="team@example.com"))
    monkeypatch.setenv("OPERATOR_TELEGRAM_CHAT_ID", "@team")
    with pytest.raises(SettingsError, match="^setting OPERATOR_TELEGRAM_CHAT_ID: '@team' is not a Telegram chat id"):
        load_settings()


async def test_a_mail_server_outage_is_logged_and_every_email_arrives_once_when_it_is_back(
        sqlite_engine, caplog):
    caplog.set_level(logging.INFO)
    port = free_port()  # nothing listens there yet: the mail server is down
    clock = VirtualClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    settings = Settings(_env_file=None, smtp_host="127.0.0.1", smtp_port=port, smtp_tls="none",
                        smtp_from="salon@example.com", operator_email="team@example.com",
                        operator_telegram_chat_id=None)
    app = await build_app(settings, clock=clock, engine=sqlite_engine)
    notifier = build_notifier(app, {})
    await notifier.begin()
    for text in ("haircut with Sarah Thursday at 10", "Anna Schmidt", "anna@example.com", "yes",
                 "I want to talk to a person"):
        await app.dialogue.handle(Inbound("telegram", "1001", text=text, lang="en"))
    assert await notifier.tick() == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 3 and all("(try 1 of 5), trying again in 30s: cannot reach the mail server"
                                      in w for w in warnings), warnings

    server = FakeSMTP()
    await server.start(port)  # the mail server is back
    try:
        assert await notifier.tick() == 0, "each waits for its next try"
        clock.set(clock.now() + timedelta(seconds=31))
        assert await notifier.tick() == 3
        clock.set(clock.now() + timedelta(hours=1))
        assert await notifier.tick() == 0
        received = await server.wait_for(3)
        assert sorted(r.recipients[0] for r in received) == ["anna@example.com", "team@example.com",
                                                              "team@example.com"]
        subjects = [str(r.message["Subject"]).strip() for r in received if r.recipients == ["team@example.com"]]
        assert "Handoff #1: Anna Schmidt, Telegram would like to talk to a person." in subjects, "a sentence, not cut"
    finally:
        await server.stop()
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail."))  # not the server's
    assert "anna" not in logged.lower() and "team@example.com" not in logged and "haircut" not in logged.lower()
