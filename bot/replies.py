"""Everything the bot says, in English and German, and how dates look in each.

Texts are keyed by name; a business may override any of them per language in its
business file (`[texts.en] greet = "..."`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from babel.dates import format_date, format_datetime, format_time

from .catalog import LANGS, TEXTS


class Texts:
    """Looks up a text in a language, with the business's overrides first."""

    def __init__(self, overrides: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self._overrides = overrides or {}

    def __call__(self, lang: str, key: str, **values: object) -> str:
        lang = lang if lang in LANGS else "en"
        template = self._overrides.get(lang, {}).get(key) or TEXTS[lang].get(key) or TEXTS["en"][key]
        return template.format(**values)


def when(moment: datetime, lang: str) -> str:
    """'Tue 24 Nov, 10:00' / 'Di. 24. Nov., 10:00' in the moment's own zone."""
    pattern = "EEE d MMM, HH:mm" if lang == "en" else "EEE d. MMM, HH:mm"
    return format_datetime(moment, pattern, locale=_locale(lang))


def day(d: date, lang: str) -> str:
    """'Sunday 29 November' / 'Sonntag, 29. November'."""
    pattern = "EEEE d MMMM" if lang == "en" else "EEEE, d. MMMM"
    return format_date(d, pattern, locale=_locale(lang))


def clock_time(moment: datetime, lang: str) -> str:
    return format_time(moment, "HH:mm", locale=_locale(lang))


def _locale(lang: str) -> str:
    return "de_DE" if lang == "de" else "en_GB"
