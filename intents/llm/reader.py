"""The LLM reader: `(text, Context) -> Reading` over any OpenAI-compatible server, with the rules behind it.

Structured outputs first; a server that refuses them is asked for one tool call instead.
Anything else that goes wrong (timeout, 429, 5xx, refusal, output that does not validate)
gives the rules' reading within the turn's time budget, marked in `Reading.source`.
The client is the synchronous `openai.OpenAI`, because the dialogue calls its reader
synchronously; one slow turn therefore holds its event loop for at most `timeout` seconds.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Literal

import openai
from pydantic import ValidationError

from ..in_context import within
from ..rules import read as rules_read
from ..types import Context, Reading
from .merge import merge
from .prompt import messages
from .schema import ModelReading

log = logging.getLogger("intents.llm")
Mode = Literal["llm", "hybrid"]
TOOL = "reading"


class Refused(Exception):
    """The model declined to answer, or answered without the reading."""


class OutOfTime(Exception):
    """This turn's time budget is spent."""


class LLMReader:
    """Reads each message with the model (`llm`), or only what the rules did not understand (`hybrid`)."""

    def __init__(self, model: str, *, api_key: str | None = None, base_url: str | None = None,
                 timeout: float = 8.0, mode: Mode = "llm", client: openai.OpenAI | None = None) -> None:
        self.model = model
        self.mode = mode
        self.timeout = timeout
        # Local servers (Ollama, vLLM) take any key; the SDK insists on one.
        self.client = client or openai.OpenAI(api_key=api_key or "unused", base_url=base_url or None,
                                              timeout=timeout, max_retries=0)
        self.structured = True  # switched off for good once the server says it lacks structured outputs

    def __call__(self, text: str, context: Context) -> Reading:
        """The reading of `text`, in its context (picks, relative changes, corrections: see `in_context`)."""
        return within(self._read(text, context), text, context, rules_read)

    def _read(self, text: str, context: Context) -> Reading:
        rules = rules_read(text, context)
        if self.mode == "hybrid" and rules.intent != "other":
            return rules
        started = time.monotonic()
        try:
            model, raw, usage = self._ask(text, context, started)
            reading = merge(model, rules, text, context)
        except Exception as exc:  # noqa: BLE001 - whatever the server or model did, the customer gets the rules
            reason = _reason(exc)
            log.warning("llm fallback to rules: %s after %.0f ms", reason, _ms(started))
            return replace(rules, source=f"rules (llm fallback: {reason})")
        log.info("llm reading: model=%s latency_ms=%.0f prompt_tokens=%s completion_tokens=%s",
                 self.model, _ms(started), getattr(usage, "prompt_tokens", None),
                 getattr(usage, "completion_tokens", None))
        log.debug("llm raw output: %s", raw)
        return replace(reading, source="llm", raw=raw)

    def _ask(self, text: str, context: Context, started: float) -> tuple[ModelReading, str, object]:
        if self.structured:
            try:
                return self._structured(text, context, started)
            except openai.BadRequestError:
                self.structured = False  # e.g. no response_format json_schema: one tool call instead
                log.info("llm server lacks structured outputs; using a tool call")
        return self._tool_call(text, context, started)

    def _structured(self, text: str, context: Context, started: float) -> tuple[ModelReading, str, object]:
        completion = self._client(started).chat.completions.parse(
            model=self.model, messages=messages(text, context), response_format=ModelReading, temperature=0)
        message = completion.choices[0].message
        if message.refusal or message.parsed is None:
            raise Refused("refusal")
        return message.parsed, message.content or "", completion.usage

    def _tool_call(self, text: str, context: Context, started: float) -> tuple[ModelReading, str, object]:
        completion = self._client(started).chat.completions.create(
            model=self.model, messages=messages(text, context), temperature=0,
            tools=[openai.pydantic_function_tool(ModelReading, name=TOOL)],
            tool_choice={"type": "function", "function": {"name": TOOL}})
        message = completion.choices[0].message
        if getattr(message, "refusal", None):
            raise Refused("refusal")
        calls = [c for c in message.tool_calls or [] if c.function.name == TOOL]
        if len(calls) != 1:
            raise Refused("no tool call")
        raw = calls[0].function.arguments
        return ModelReading.model_validate_json(raw), raw, completion.usage

    def _client(self, started: float) -> openai.OpenAI:
        """The client with what is left of this turn's time budget."""
        left = self.timeout - (time.monotonic() - started)
        if left <= 0.05:
            raise OutOfTime
        return self.client.with_options(timeout=left, max_retries=0)


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000


def _reason(exc: Exception) -> str:
    """A short reason for the log and /debug; never the message text."""
    if isinstance(exc, openai.APITimeoutError | OutOfTime):
        return "timeout"
    if isinstance(exc, openai.RateLimitError):
        return "rate limited (429)"
    if isinstance(exc, openai.APIStatusError):
        return f"server error ({exc.status_code})"
    if isinstance(exc, openai.APIConnectionError):
        return "no connection"
    if isinstance(exc, Refused):
        return str(exc)
    if isinstance(exc, openai.LengthFinishReasonError | openai.ContentFilterFinishReasonError):
        return "cut off"
    if isinstance(exc, ValidationError | ValueError):
        return "invalid output"
    return type(exc).__name__
