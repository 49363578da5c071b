"""Logging for the whole app, with phone numbers, email addresses and Telegram bot tokens masked.

Customers' numbers (WhatsApp senders, `whatsapp:+4915...`) and emails end up in
messages from our code and from libraries (the Twilio SDK logs request URLs and
form data); the bot's token is part of every Bot API URL, which aiogram's network
errors quote. The filter sits on the handlers, so every logger's records pass it.
"""

from __future__ import annotations

import logging
import re

# +4915112345678, +49 151 1234-5678, %2B4915112345678 (URL-encoded), 004915112345678
_PHONE = re.compile(r"(?:\+|%2B|\b00)(\d[\d \-().]{5,18}\d)", re.IGNORECASE)
# 7000000001:AAF…: the bot's id (public) and its secret, as in https://api.telegram.org/bot<token>/getUpdates
_BOT_TOKEN = re.compile(r"(?<!\d)(\d{5,15}):[A-Za-z0-9_-]{30,}")
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]*(@|%40)([A-Za-z0-9\-])[A-Za-z0-9.\-]*(\.[A-Za-z]{2,})\b")


def _mask_phone(m: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", m.group(1))
    if len(digits) < 7:
        return m.group(0)
    return "+" + digits[:2] + "•" * (len(digits) - 4) + digits[-2:]


def mask(text: str) -> str:
    """Hide all but the edges of phone numbers and email addresses, and the secret part of bot tokens."""
    text = _BOT_TOKEN.sub(lambda m: f"{m.group(1)}:•••", text)
    text = _EMAIL.sub(lambda m: f"{m.group(1)}•••{m.group(2)}{m.group(3)}•••{m.group(4)}", text)
    return _PHONE.sub(_mask_phone, text)


class MaskingFilter(logging.Filter):
    """Rewrites each record's message with phone numbers and emails masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
        return True


def setup_logging(level: str = "INFO") -> None:
    """Log to stderr at `level`, masked; chatty library loggers stay at WARNING."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    install(handler)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper() if level.upper() in logging.getLevelNamesMapping() else "INFO")
    # the database drivers' loggers print every statement with its parameters (customers' words) at DEBUG
    for noisy in ("twilio.http_client", "twilio.async_http_client", "aiohttp.access", "aiogram.event",
                  "apscheduler", "alembic", "httpx", "httpcore", "aiosqlite", "asyncpg", "sqlalchemy.engine"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def install(handler: logging.Handler) -> None:
    """Put the masking filter on a handler (idempotent)."""
    if not any(isinstance(f, MaskingFilter) for f in handler.filters):
        handler.addFilter(MaskingFilter())
