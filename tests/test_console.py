"""The operator console, driven as an operator would: piped lines into `booking-bot chat`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


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
        "book a haircut with Sarah tomorrow at 10", "Anna", "anna@example.com", "1",
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
        "haircut with Sarah on Thursday at 10", "Anna", "anna@example.com", "yes",
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
    first = chat(tmp_path, [
        "/clock 2026-11-23T09:00",
        "beard trim with Tom tomorrow at 10", "Anna", "anna@example.com", "yes",
        "/bookings",
    ])
    booking_id = first.split("\n")[-2].split()[0]  # the id column of /bookings
    out = chat(tmp_path, [
        "/clock 2026-11-24T10:30",
        f"/mark {booking_id} no_show",
        "/mark nothing-like-this no_show",
        "/bookings",
    ])
    assert f"console: {booking_id} is no_show" in out
    assert "bot: We missed you at your Beard trim on Tue 24 Nov, 10:00" in out
    assert "no booking starts with 'nothing-like-this'" in out
    assert "no_show" in out.split("console: no booking")[1]
