"""The reader the settings name: the offline rules, or the language model over the rules.

`intents.llm` (and with it the `openai` SDK) is imported only when INTENT_EXTRACTOR asks for it,
so `parse` and `chat` stay fast with the rules.
"""

from __future__ import annotations

from collections.abc import Callable

import intents
from intents import Context, Reading

from .settings import Settings, check_reader

Reader = Callable[[str, Context], Reading]


def build_reader(settings: Settings) -> Reader:
    """The rules, or an `LLMReader` (raises SettingsError naming a missing setting)."""
    check_reader(settings)
    if settings.intent_extractor == "rules":
        return intents.read
    from intents.llm import LLMReader

    key = settings.openai_api_key
    return LLMReader(settings.openai_model, api_key=key.get_secret_value() if key else None,
                     base_url=settings.openai_base_url or None, timeout=settings.llm_timeout,
                     mode="hybrid" if settings.intent_extractor == "hybrid" else "llm")
