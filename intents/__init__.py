"""Text -> Reading: offline rules for English and German (an optional LLM reader may sit beside them)."""

from .types import INTENTS, TOPICS, Context, Intent, Reading, Topic, Vocabulary

__all__ = ["INTENTS", "TOPICS", "Context", "Intent", "Reading", "Topic", "Vocabulary", "read"]


def read(text: str, context: Context) -> Reading:
    """Read one message. Never raises on any input text."""
    from .rules import read as _read

    return _read(text, context)
