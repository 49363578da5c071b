"""Several appointments booked together each get their own confirmation email and team notice, as one booking does;
the calendar files in the chat are one per appointment."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fake_smtp import FakeSMTP

from bot.clock import VirtualClock
from bot.main import build_app, build_notifier
from bot.messages import Inbound
from bot.settings import Settings

BERLIN = ZoneInfo("Europe/Berlin")


async def test_two_appointments_booked_together_send_two_confirmations_and_two_team_notices(sqlite_engine, smtp: FakeSMTP):
    clock = VirtualClock(datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN))
    settings = Settings(_env_file=None, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_tls="none",
                        smtp_from="Demo Salon <salon@example.com>", operator_email="team@example.com")
    app = await build_app(settings, clock=clock, engine=sqlite_engine)
    notifier = build_notifier(app, {})
    await notifier.begin()

    replies = []
    for text in ("Haarschnitt für mich und meine Tochter am Donnerstag um 10", "Anna", "anna@example.com", "ja"):
        replies = await app.dialogue.handle(Inbound("telegram", "1001", text=text, lang="de"))
        await notifier.tick()
    answer = replies[-1]
    assert "Ihre 2 Termine" in answer.text
    assert "Bestätigungen sind unterwegs an anna@example.com." in answer.text  # the promise the emails below keep
    assert [a.filename for a in answer.attachments] == ["appointment-1.ics", "appointment-2.ics"]
    assert all(b"BEGIN:VEVENT" in a.data for a in answer.attachments)

    received = await smtp.wait_for(4)
    to_anna = [r.message for r in received if r.recipients == ["anna@example.com"]]
    to_team = [r.message for r in received if r.recipients == ["team@example.com"]]
    assert len(to_anna) == 2 and len(to_team) == 2
    assert all(str(m["Subject"]).startswith("Gebucht: Haarschnitt am Do. 26. Nov., 10:00") for m in to_anna)
    team = sorted(str(m["Subject"]) for m in to_team)
    assert team[0].startswith("New booking: Haircut with Sarah on Thu 26 Nov, 10:00")
    assert team[1].startswith("New booking: Haircut with Tom on Thu 26 Nov, 10:00")
