"""What both channels share: the few things a channel itself says, and picking the language for them.

The texts live in the one catalog (`bot/catalog.py`, "channels" section); the business's
overrides apply to them as to every other text.
"""

from __future__ import annotations

from bot.catalog import LANGS
from bot.core import Core


def hint_lang(code: str | None) -> str | None:
    """A platform language code ('de-AT', 'en') -> 'de' / 'en', or None if we do not speak it."""
    base = (code or "").split("-")[0].split("_")[0].lower()
    return base if base in LANGS else None


def say(core: Core, lang: str, name: str) -> str:
    """A channel's own text (flood, opt-out, a failed turn) in `lang`, with the business's overrides."""
    return core.texts(lang, name, business=core.business.name)
