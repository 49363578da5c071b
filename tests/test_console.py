"""The operator console, driven as an operator would: piped lines into `booking-bot chat` (a sandbox copy of
the database by default, the real one with `--live`)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import VirtualClock
from bot.main import build_app, build_scheduler
from bot.messages import Inbound
from bot.settings import Settings


def chat(tmp_path: Path, lines: list[str], *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'console.db'}"}
    env.pop("BUSINESS_FILE", None)
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", *args], input="\n".join(lines) + "\n",
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc.stdout


def test_a_piped_conversation_books_lists_moves_and_cancels(tmp_path):
    out = chat(tmp_path, [
        "/clock 2026-11-23T09:00",
        "book a haircut with Sarah tomorrow at 10", "Anna", "1",
        "/bookings",
        "move my appointment to Thursday at 3pm", "yes",
        "my appointments",
        "cancel my appointment", "yes",
        "/bookings",
    ])
    assert "bot: Shall I book Haircut with Sarah on Tue 24 Nov, 10:00" in out
    assert "  1. Yes" in out and "  2. No" in out
    assert "confirmed" in out and "cancelled" in out
    assert "Thu 26 Nov, 15:00" in out


def test_german_conversation_and_customer_switch(tmp_path):
    out = chat(tmp_path, [
        "/clock 2026-11-23T09:00",
        "Bartschnitt morgen um 11 bei Tom", "Jonas", "jonas@example.de", "ja",
        "/as whatsapp:+4915100000009",
        "meine Termine",
        "/bookings",
    ], "--user", "telegram:1001", "--lang", "de")
    assert "Erledigt" in out
    assert "keine anstehenden Termine" in out  # the other customer sees none
    assert "Beard trim" in out and "telegram:1001" in out


def test_clock_and_debug_commands(tmp_path):
    out = chat(tmp_path, [
        "/clock 2026-11-23T09:00", "/clock +1d2h30m", "/clock tomorrow", "/debug on",
        "what's free for a beard trim today?", "/debug off", "/as nonsense", "/frobnicate", "/quit", "hello",
    ])
    assert "clock is Tue 2026-11-24 11:30" in out
    assert "use /clock" in out
    assert "debug: reading intent=availability" in out
    assert "debug: backend.availability(" in out
    assert "not CHANNEL:ID" in out
    assert "unknown command /frobnicate" in out
    assert "Hi!" not in out  # nothing after /quit is read


def test_a_bad_business_file_names_the_problem(tmp_path):
    bad = tmp_path / "biz.toml"
    bad.write_text('name = "X"\ntimezone = "Mars/Olympus"\n[hours]\nmon = ["09:00-18:00"]\n'
                   '[[services]]\nid = "cut"\nname = {en = "Cut"}\nduration_minutes = 30\n'
                   '[[staff]]\nid = "a"\nname = "A"\nservices = ["cut"]\n', encoding="utf-8")
    env = {**os.environ, "BUSINESS_FILE": str(bad), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "chat"], input="hi\n", capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=60)
    assert proc.returncode == 2
    assert "timezone" in proc.stderr and "Mars/Olympus" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_moving_the_clock_fires_reminders_in_order_and_lists_them(tmp_path):
    out = chat(tmp_path, [
        "/clock 2026-11-23T09:00",
        "haircut with Sarah on Thursday at 10", "Anna", "yes",
        "/reminders",
        "/clock +2d",  # Wednesday 09:00: nothing due yet... the day-before reminder is at 10:00
        "/clock +23h",  # through Wednesday 10:00 and Thursday 08:00
        "1",  # "I'll be there"
        "/clock +1d",  # the follow-up after the visit
        "/reminders",
    ])
    first = out.index("console: reminder to telegram:1001 at Wed 25 Nov 10:00")
    second = out.index("console: reminder to telegram:1001 at Thu 26 Nov 08:00")
    follow = out.index("console: follow-up to telegram:1001 at Thu 26 Nov 12:30")
    assert first < second < follow
    assert "bot: Reminder: your Haircut with Sarah is on Thu 26 Nov, 10:00" in out
    assert "  1. I'll be there" in out and "  3. Cancel it" in out
    assert "bot: Great, see you on Thu 26 Nov, 10:00!" in out
    listing = out[out.rindex("follow-up to"):]
    assert listing.count(" sent ") == 3
    assert "planned" in out[:first]  # the first /reminders showed them planned


def test_the_operator_marks_a_no_show_and_the_customer_hears_we_missed_them(tmp_path):
    asyncio.run(seed(tmp_path / "console.db", ["beard trim with Tom tomorrow at 10", "Anna", "yes"]))
    booking_id = chat(tmp_path, ["/bookings"]).split()[0]  # the id column of /bookings
    out = chat(tmp_path, [
        "/clock 2026-11-24T09:30",
        f"/mark {booking_id} no_show",  # half an hour before: still to come
        "/clock 2026-11-24T10:30",
        f"/mark {booking_id} no_show",
        "/mark nothing-like-this no_show",
        "/bookings",
    ])
    assert f"console: {booking_id} is on Tue 24 Nov 10:00, still to come; mark it once it has taken place" in out
    assert out.count(f"console: {booking_id} is no_show") == 1
    assert "bot: We missed you at your Beard trim on Tue 24 Nov, 10:00" in out
    assert "no booking starts with 'nothing-like-this'" in out
    assert "no_show" in out.split("console: no booking")[1]
    assert " confirmed " in chat(tmp_path, ["/bookings"]), "the mark was made in the console's copy only"


# --- the sandbox and --live ----------------------------------------------------------------------

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


async def seed(db: Path, lines: list[str], user: str = "1001") -> None:
    """The real database as a running bot leaves it: a telegram customer's booking, its reminders planned."""
    sent: list[str] = []

    async def phone(kind, user, reply, variables):
        sent.append(kind)
        return True

    app = await build_app(Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{db}"),
                          clock=VirtualClock(MONDAY_9))
    try:
        for text in lines:
            await app.dialogue.handle(Inbound("telegram", user, text=text, lang="en"))
        await build_scheduler(app, {"telegram": phone, "whatsapp": phone}).tick()
    finally:
        await app.aclose()
    assert sent == []


def reminder_rows(db: Path) -> list[tuple[str, str, object]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT kind, status, sent_at FROM reminders ORDER BY due_at").fetchall()


def run_chat(tmp_path: Path, lines: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'console.db'}"}
    env.pop("BUSINESS_FILE", None)
    return subprocess.run([sys.executable, "-m", "bot.cli", "chat", *args], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)


def test_the_console_works_on_a_copy_and_never_sends_a_real_customers_reminder(tmp_path):
    db = tmp_path / "console.db"
    asyncio.run(seed(db, ["haircut with Sarah on Thursday at 10", "Anna", "yes"]))
    before = reminder_rows(db)
    assert [status for _, status, _ in before] == ["planned", "planned", "planned"]

    proc = run_chat(tmp_path, ["/clock 2026-11-25T11:00", "/reminders"], "--clock", "2026-11-23T09:05")
    assert proc.returncode == 0, proc.stderr
    assert "sandbox: a copy of console.db — nothing here reaches customers or the real database" in proc.stderr
    assert "console: reminder to telegram:1001 at Wed 25 Nov 10:00" in proc.stdout  # delivered to the console
    assert "bot: Reminder: your Haircut with Sarah is on Thu 26 Nov, 10:00" in proc.stdout
    assert "Wed 25 Nov 10:00  reminder  sent " in proc.stdout  # ... and marked sent in the copy
    assert reminder_rows(db) == before, "the real database's reminders are still planned and unsent"


def test_live_opens_the_real_database_with_the_reminder_loop_off_and_no_clock(tmp_path):
    db = tmp_path / "console.db"
    asyncio.run(seed(db, ["haircut with Sarah on Thursday at 10", "Anna", "yes"]))
    before = reminder_rows(db)

    proc = run_chat(tmp_path, ["/clock 2026-11-27T09:00", "/bookings", "/reminders", "hello"], "--live")
    assert proc.returncode == 0, proc.stderr
    assert "LIVE: the real database" in proc.stderr and "sandbox" not in proc.stderr
    assert "/clock is off here" in proc.stdout
    assert "Haircut     Sarah  confirmed   Anna (telegram:1001)" in proc.stdout  # the real bookings
    assert "planned" in proc.stdout and "console: reminder to" not in proc.stdout
    assert reminder_rows(db) == before, "nothing was sent or marked"

    proc = run_chat(tmp_path, ["hello"], "--live", "--clock", "2026-11-27T09:00")
    assert proc.returncode == 2 and "--clock cannot be used with --live" in proc.stderr


def test_live_on_a_database_file_that_does_not_exist_says_so_instead_of_making_an_empty_one(tmp_path):
    proc = run_chat(tmp_path, ["/bookings"], "--live")  # console.db was never made: a wrong folder or URL
    assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert proc.stderr.startswith("booking-bot chat: setting DATABASE_URL: --live opens the bot's database, but ")
    assert "console.db does not exist" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "console.db").exists(), "no empty database is made in its place"


def test_without_a_database_file_the_sandbox_starts_empty(tmp_path):
    proc = run_chat(tmp_path, ["/bookings"])
    assert proc.returncode == 0, proc.stderr
    assert "sandbox: an empty database" in proc.stderr and "console: no bookings" in proc.stdout
    assert not (tmp_path / "console.db").exists(), "the real database was not even created"


def test_the_console_asks_a_walk_in_for_an_email_and_names_the_calendar_file(tmp_path):
    out = chat(tmp_path, ["/clock 2026-11-23T09:00", "haircut with Sarah tomorrow at 10", "Uma", "no email", "yes"],
               "--user", "console:walk-in")
    assert 'Would you like to leave an email address with the booking? (or say "no email")' in out
    assert "bot: OK, no email." in out
    assert "You're booked" in out and "[appointment.ics attached]" in out
    assert "confirmation is on its way" not in out and "calendar.google.com" not in out
