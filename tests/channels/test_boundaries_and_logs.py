"""`parse` and `chat` never load a channel SDK, and logs never show a number or an email."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from bot.logmask import MaskingFilter, mask

ROOT = Path(__file__).resolve().parents[2]


def test_parse_and_chat_never_load_the_channel_sdks():
    code = ("import sys; from bot import cli, main; from channels import console; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'aiogram', 'twilio', 'aiohttp', 'openai'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_phone_numbers_and_emails_are_masked():
    line = ("whatsapp: reply to whatsapp:+4915112345678 from anna.schmidt@example.com; To=%2B4915112345678; "
            "call +49 151 1234-5678 at 2026-11-23 09:00:00, update 1000123")
    masked = mask(line)
    for secret in ("4915112345678", "anna.schmidt", "1234-5678", "example.com"):
        assert secret not in masked
    assert "2026-11-23 09:00:00" in masked and "update 1000123" in masked
    assert "+49•••••••••78" in masked


def test_a_telegram_bot_token_in_a_url_is_masked():
    """aiogram's network errors quote the Bot API URL, and the bot's token is part of it."""
    line = ("telegram polling: TelegramNetworkError: HTTP Client says - ClientOSError: Can not write request body "
            "for http://127.0.0.1:18081/bot7000000001:AAFakeTokenForTestsOnly_0123456789ab/getUpdates; retrying")
    masked = mask(line)
    assert "AAFakeTokenForTestsOnly" not in masked
    assert "/bot7000000001:•••/getUpdates" in masked


def test_every_logger_passes_the_mask(caplog):
    handler = logging.Handler()
    records: list[logging.LogRecord] = []
    handler.emit = records.append  # type: ignore[method-assign]
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        logging.getLogger("twilio.http_client").warning("POST To=%s Body=%s", "whatsapp:+4915112345678",
                                                        "mail me at anna@example.com")
    finally:
        root.removeHandler(handler)
    [record] = records
    assert "4915112345678" not in record.getMessage() and "anna@" not in record.getMessage()
