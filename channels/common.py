"""What both channels share: the few things a channel itself says, and picking the language for them.

The texts live in the one catalog (`bot/catalog.py`, "channels" section); the business's
overrides apply to them as to every other text.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.catalog import LANGS
from bot.core import Core
from bot.inbox import Inbox

log = logging.getLogger(__name__)

STORE_PATIENCE = 10.0
"""Seconds a webhook waits for its message to be stored: below the 15 s after which Twilio and Telegram give
up, so they hear a 503 (and deliver it again) rather than nothing."""

RETRY_AFTER = "5"


def hint_lang(code: str | None) -> str | None:
    """A platform language code ('de-AT', 'en') -> 'de' / 'en', or None if we do not speak it."""
    base = (code or "").split("-")[0].split("_")[0].lower()
    return base if base in LANGS else None


def say(core: Core, lang: str, name: str) -> str:
    """A channel's own text (flood, opt-out, a failed turn) in `lang`, with the business's overrides."""
    return core.texts(lang, name, business=core.business.name)


async def store(inbox: Inbox, channel: str, message_id: str, user_key: str, payload: dict[str, Any]) -> bool:
    """Record a webhook's message in the inbox (False if it was there already), or raise a 503 for the platform
    to deliver it again later: while the backlog is full, or when the database cannot take it in time."""
    if inbox.full:
        log.warning("%s message not taken: %d messages are waiting to be handled (MAX_BACKLOG); answered 503",
                    channel, inbox.backlog)
        raise web.HTTPServiceUnavailable(headers={"Retry-After": RETRY_AFTER}, text="busy, deliver again later")
    try:
        return await inbox.record(channel, message_id, user_key, payload, patience=STORE_PATIENCE)
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        log.warning("%s message not stored (%s: the database cannot take it now); answered 503 for it to be "
                    "delivered again", channel, type(exc).__name__)
        raise web.HTTPServiceUnavailable(headers={"Retry-After": RETRY_AFTER}, text="not stored, deliver again") \
            from None
