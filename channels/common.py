"""What both channels share: the few things a channel itself says, and picking the language for them.

The texts live in the one catalog (`bot/catalog.py`, "channels" section).
"""

from __future__ import annotations

from bot.core import Core
from bot.catalog import LANGS, TEXTS


def hint_lang(code: str | None) -> str | None:
    """A platform language code ('de-AT', 'en') -> 'de' / 'en', or None if we do not speak it."""
    base = (code or "").split("-")[0].split("_")[0].lower()
    return base if base in LANGS else None


def say(core: Core, lang: str, name: str) -> str:
    return TEXTS.get(lang, TEXTS["en"])[name].format(business=core.business.name)  # overrides: see bot.replies.Texts
