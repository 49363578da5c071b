"""The optional LLM reader: the same `Reading` as the rules, from any OpenAI-compatible server.

The only package that imports `openai`; loaded only when INTENT_EXTRACTOR is llm or hybrid.
"""

from .reader import LLMReader
from .schema import ModelReading

__all__ = ["LLMReader", "ModelReading"]
