"""Text -> Reading: offline rules for English and German (an optional LLM reader may sit beside them)."""

from .types import INTENTS, Context, Intent, Reading, Vocabulary

__all__ = ["INTENTS", "Context", "Intent", "Reading", "Vocabulary", "read"]


def read(text: str, context: Context) -> Reading:
    """Read one message. Never raises on any input text."""
    from .rules import read as _read

    return _read(text, context)
