"""Everything the bot says, in the business's languages, and how dates look in each.

Texts are keyed by name (`bot/catalog.py`); a business may override any of them per language in
its business file (`[texts.en] greet = "..."`). The overrides are checked when the app is built,
so a misspelled key or a placeholder the text does not provide stops the start with one line.
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Mapping, Sequence

from booking_client import Business, BusinessFileError

from .catalog import LANGS, TEXTS
from .formats import Formats, formats_for

MENU_DESCRIPTION = 256  # characters Telegram allows a command's description in the menu


class Texts:
    """Looks up a text in a language, with the business's overrides first; knows the languages the
    business speaks and the locale each is written in."""

    def __init__(
        self,
        overrides: Mapping[str, Mapping[str, str]] | None = None,
        *,
        languages: Sequence[str] = LANGS,
        locales: Mapping[str, str] | None = None,
    ) -> None:
        self._overrides = overrides or {}
        self.languages = tuple(lang for lang in languages if lang in LANGS) or LANGS
        self._formats = {lang: formats_for(lang, dict(locales or {})) for lang in LANGS}

    @classmethod
    def of(cls, business: Business, source: str = "business file") -> Texts:
        """The business's texts, checked (BusinessFileError naming `source`, the key and the placeholder)."""
        check_overrides(business, source)
        return cls(business.texts, languages=business.languages, locales=business.locales)

    def __call__(self, lang: str, key: str, **values: object) -> str:
        lang = lang if lang in LANGS else "en"
        template = self._overrides.get(lang, {}).get(key) or TEXTS[lang].get(key) or TEXTS["en"][key]
        return template.format(**values)

    def language(self, *wanted: str | None) -> str:
        """The first of `wanted` the business speaks, else its first language."""
        for lang in wanted:
            if lang in self.languages:
                return lang
        return self.languages[0]

    def formats(self, lang: str) -> Formats:
        return self._formats.get(lang) or self._formats["en"]


# --- checking a business's overrides -----------------------------------------------------------


def placeholders(template: str) -> set[str]:
    """The names a text fills in: {service}, {when}, ... (ValueError for unbalanced braces)."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(template):
        if field is not None:
            names.add(field.split(".")[0].split("[")[0])
    return names


def check_overrides(business: Business, source: str) -> None:
    """Raise BusinessFileError with one line per problem in `languages`, `locales` and `[texts.xx]`."""
    problems = [f"{source}: {p}" for p in _problems(business)]
    if problems:
        raise BusinessFileError("\n".join(problems))


def _problems(business: Business) -> list[str]:
    spoken = ", ".join(LANGS)
    found = [f"setting 'languages': {lang!r} is not a language the bot speaks ({spoken})"
             for lang in business.languages if lang not in LANGS]
    if not business.languages:
        found.append(f"setting 'languages': name at least one language ({spoken})")
    found += [f"setting 'locales.{lang}': {lang!r} is not a language the bot speaks ({spoken})"
              for lang in business.locales if lang not in LANGS]
    for lang, texts in business.texts.items():
        if lang not in LANGS:
            found.append(f"[texts.{lang}] {lang!r} is not a language the bot speaks ({spoken})")
            continue
        found += [problem for key, text in texts.items() if (problem := _text_problem(lang, key, text))]
    return found


def _text_problem(lang: str, key: str, text: str) -> str | None:
    where = f"[texts.{lang}] {key}"
    if key not in TEXTS[lang]:
        close = difflib.get_close_matches(key, TEXTS[lang], n=1)
        hint = f"did you mean {close[0]}?" if close else "`booking-bot texts` lists them"
        return f"{where} is not a text the bot says ({hint})"
    return _placeholder_problem(where, key, text, TEXTS[lang][key]) or _menu_problem(where, key, text)


def _placeholder_problem(where: str, key: str, text: str, default: str) -> str | None:
    """Only plain {names}, and only those the catalog's text for the key (`default`) fills in."""
    try:
        fields = [(name, conversion, spec) for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError as exc:
        return f"{where} is not a valid text ({exc}; write {{{{ and }}}} for a brace)"
    fancy = next((name for name, conversion, spec in fields if not name.isidentifier() or conversion or spec), None)
    if fancy is not None:
        return f"{where} has {{{fancy}...}}: placeholders are plain names such as {{business}}"
    provided = placeholders(default)
    unknown = sorted({name for name, _, _ in fields} - provided)
    if not unknown:
        return None
    offers = f"only provides {_braced(provided)}" if provided else "takes no placeholders"
    return f"{where} uses {_braced(unknown)}, but {key} {offers}"


def _menu_problem(where: str, key: str, text: str) -> str | None:
    if key.startswith("command_") and not 1 <= len(text.strip()) <= MENU_DESCRIPTION:
        return f"{where} must be 1 to {MENU_DESCRIPTION} characters (Telegram's limit)"
    return None


def _braced(names: set[str] | list[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names))
