"""The operator console on each HTTP booking system's fake, as an operator tries it before going live:
book, list, move (or book anew and cancel, where the system cannot move) and cancel."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONVERSATION = ["book a haircut with Sarah on Wednesday at 10", "Anna Schmidt, anna@example.com", "yes",
                "my appointments", "move my appointment to Thursday at 11", "yes", "/bookings",
                "cancel my appointment", "yes"]


def pairs(mapping: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in mapping.items())


def relentify_env(fake) -> dict[str, str]:
    from fake_relentify import LINK_IDS, QUESTIONS, STAFF_IDS

    return {"BOOKING_BACKEND": "relentify", "RELENTIFY_API_BASE": fake.base, "RELENTIFY_API_KEY": fake.api_key,
            "RELENTIFY_LINKS": pairs(LINK_IDS), "RELENTIFY_STAFF": pairs(STAFF_IDS),
            "RELENTIFY_QUESTIONS": pairs({k: v[0] for k, v in QUESTIONS.items()})}


def slatis_env(fake) -> dict[str, str]:
    from fake_slatis import EVENT_TYPE_IDS, MEMBER_IDS

    return {"BOOKING_BACKEND": "slatis", "SLATIS_API_BASE": fake.base, "SLATIS_API_KEY": fake.api_key,
            "SLATIS_EVENT_TYPES": pairs(EVENT_TYPE_IDS), "SLATIS_MEMBERS": pairs(MEMBER_IDS)}


def empfio_env(fake, calcom) -> dict[str, str]:
    from fake_calcom import EVENT_TYPE_IDS

    return {"BOOKING_BACKEND": "empfio", "EMPFIO_API_BASE": fake.base, "EMPFIO_API_TOKEN": fake.token,
            "CALCOM_API_KEY": calcom.api_key, "CALCOM_API_BASE": calcom.base,
            "CALCOM_EVENT_TYPES": pairs(EVENT_TYPE_IDS)}


async def test_relentify(fake_relentify, tmp_path):
    await console_books_lists_moves_and_cancels("relentify", relentify_env(fake_relentify), tmp_path)


async def test_slatis(fake_slatis, tmp_path):
    await console_books_lists_moves_and_cancels("slatis", slatis_env(fake_slatis), tmp_path)


async def test_empfio(fake_empfio, fake_calcom, tmp_path):
    await console_books_lists_moves_and_cancels("empfio", empfio_env(fake_empfio, fake_calcom), tmp_path)


async def console_books_lists_moves_and_cancels(system: str, settings: dict[str, str], tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "TWILIO_", "CALCOM_", "BOOKING_", "RELENTIFY_", "SLATIS_", "EMPFIO_"))}
    env.update(settings, DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}", PYTHONPATH=str(ROOT))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "chat", "--clock", "2026-06-01T09:00", cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(("\n".join(CONVERSATION) + "\n").encode()), 90)
    text = out.decode()
    assert proc.returncode == 0, err.decode()
    assert "You're booked: Haircut with Sarah on Wed 3 Jun, 10:00" in text, text
    assert "• Haircut with Sarah on Wed 3 Jun, 10:00" in text, text
    if system == "relentify":  # no move in Relentify: the new time is booked, then the old one cancelled
        assert "can't move an appointment" in text, text
    assert "is now on Thu 4 Jun, 11:00" in text, text
    assert "Your Haircut on Thu 4 Jun, 11:00 is cancelled." in text, text
    assert "Traceback" not in err.decode()
