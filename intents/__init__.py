"""Text -> Reading: offline rules for English and German (an optional LLM reader may sit beside them)."""

from .types import INTENTS, TOPICS, Context, Intent, Reading, Topic, Vocabulary

__all__ = ["INTENTS", "TOPICS", "Context", "Intent", "Reading", "Topic", "Vocabulary", "read", "topics_in"]


def read(text: str, context: Context) -> Reading:
    """Read one message. Never raises on any input text."""
    from .rules import read as _read

    return _read(text, context)


def topics_in(text: str) -> tuple[str, ...]:
    """Every business topic a question names, in the order of TOPICS' checks ("prices and opening hours?")."""
    from .rules import topics_in as _topics_in

    return _topics_in(text)
