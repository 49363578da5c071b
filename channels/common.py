"""What both channels share: the few things a channel itself says, and picking the language for them.

Everything about appointments is said by the dialogue (`bot/replies.py`); these texts
are only about the channel: slowing down a flood, opting out and in, a turn that failed.
"""

from __future__ import annotations

from bot.core import Core
from bot.replies import LANGS

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "slow_down": "You're sending messages faster than I can answer. Please wait a minute, then write again.",
        "failed": "Sorry, something went wrong on my side. Please try again in a moment; nothing has been changed.",
        "opted_out": "You won't get any more messages from {business}. Send START to hear from us again.",
        "opted_in": "Welcome back! You'll get messages from {business} again. What can I do for you?",
    },
    "de": {
        "slow_down": "Sie schreiben schneller, als ich antworten kann. Bitte warten Sie eine Minute und schreiben Sie dann wieder.",
        "failed": "Entschuldigung, bei mir ist etwas schiefgegangen. Bitte versuchen Sie es gleich noch einmal; es wurde nichts geändert.",
        "opted_out": "Sie erhalten keine Nachrichten mehr von {business}. Senden Sie ANMELDEN, um wieder von uns zu hören.",
        "opted_in": "Willkommen zurück! Sie erhalten wieder Nachrichten von {business}. Was kann ich für Sie tun?",
    },
}


def hint_lang(code: str | None) -> str | None:
    """A platform language code ('de-AT', 'en') -> 'de' / 'en', or None if we do not speak it."""
    base = (code or "").split("-")[0].split("_")[0].lower()
    return base if base in LANGS else None


def say(core: Core, lang: str, name: str) -> str:
    return TEXTS.get(lang, TEXTS["en"])[name].format(business=core.business.name)
