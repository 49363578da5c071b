"""What the extractor reads from one message, and what it is told to read it against."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
import datetime as dt
from datetime import datetime
from typing import Literal, get_args

Intent = Literal[
    "book", "cancel", "reschedule", "list", "availability", "affirm", "deny",
    "greet", "thanks", "bye", "help", "handoff", "info", "other",
]
INTENTS: tuple[str, ...] = get_args(Intent)
# What an `info` question asks about the business ("how much is a haircut?" -> prices).
Topic = Literal[
    "prices", "hours", "address", "phone", "parking", "payment", "cancellation_policy", "services", "faq",
]
TOPICS: tuple[str, ...] = get_args(Topic)


@dataclass(frozen=True)
class Vocabulary:
    """The business's words: canonical id -> every name and synonym (any language)."""

    services: Mapping[str, Sequence[str]] = field(default_factory=dict)
    staff: Mapping[str, Sequence[str]] = field(default_factory=dict)
    opening_hours: tuple[int, int] | None = None  # earliest opening, latest closing hour; for "at 2" -> 14:00
    faq: Mapping[str, Sequence[str]] = field(default_factory=dict)  # per language: words pointing to the business's own Q&A


@dataclass(frozen=True)
class Context:
    """Everything a reading depends on besides the text. `now` is aware, in the zone to resolve in."""

    now: datetime
    lang: str | None = None  # "en" | "de"; None: detect from the text
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    expecting: str | None = None  # what the dialogue just asked for: "service", "when", "staff", "name", "email", "confirm", "choice"
    offered: tuple[str, ...] = ()  # the labels of the options the bot just offered, numbered from 1
    recent: tuple[tuple[str, str], ...] = ()  # this conversation's last lines: ("customer" | "bot", text), oldest first


@dataclass(frozen=True)
class Reading:
    """A structured reading of one message. Dates and times are local to `Context.now`'s zone."""

    intent: Intent
    lang: str
    service: str | None = None  # canonical service id from the vocabulary
    service_text: str | None = None  # the words the user wrote for it
    staff: str | None = None  # canonical staff id from the vocabulary
    staff_text: str | None = None  # the name as written (may be unknown to the vocabulary)
    any_staff: bool = False  # "anyone", "egal wer"
    date: dt.date | None = None
    time: dt.time | None = None
    start: datetime | None = None  # a period the user asked about (aware)
    end: datetime | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    number: int | None = None  # a bare number, e.g. picking option 2
    topic: Topic | None = None  # for `info`: what the customer asks about the business
    source: str | None = None  # who read it when not the rules alone: "llm", "rules (llm fallback: timeout)"
    raw: str | None = None  # the language model's raw output, for the console's /debug

    @property
    def has_when(self) -> bool:
        return self.date is not None or self.time is not None or self.start is not None
