"""Neutral message values between channels and the conversation core."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Inbound:
    """One thing a customer sent: text, or a choice (a pressed button / picked option)."""

    channel: str  # "telegram" | "whatsapp" | "console"
    user: str  # the channel's user id
    text: str = ""
    choice: str | None = None  # "<offer id>:<index>" from a button
    id: str | None = None  # the channel's message id, for de-duplication
    at: datetime | None = None
    lang: str | None = None  # the channel's hint (Telegram language_code)
    media: str | None = None  # what came instead of text: "voice" (a voice or audio message) or "file" (a picture, video, document)

    @property
    def key(self) -> str:
        return f"{self.channel}:{self.user}"


@dataclass(frozen=True)
class Option:
    """A reply option: what the customer sees, and what picking it means."""

    label: str
    value: str


@dataclass(frozen=True)
class Attachment:
    """A file that goes with a reply, e.g. the appointment as `appointment.ics` (text/calendar)."""

    filename: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class Reply:
    """Text plus options; each channel decides how it looks (keyboard, numbered list...)."""

    text: str
    options: tuple[Option, ...] = ()
    offer: str | None = None  # id of the offer these options belong to (stale-button check)
    debug: tuple[str, ...] = field(default=(), compare=False)
    attachments: tuple[Attachment, ...] = ()  # files a channel sends along where it can (Telegram: documents)


CHANNELS = ("telegram", "whatsapp", "console")


def parse_user(text: str) -> tuple[str, str]:
    """'telegram:1001' -> ('telegram', '1001'); ValueError with a clear message otherwise."""
    channel, sep, user = text.strip().partition(":")
    if not sep or channel not in CHANNELS or not user.strip():
        raise ValueError(f"{text!r} is not CHANNEL:ID with CHANNEL one of {', '.join(CHANNELS)} (e.g. telegram:1001)")
    return channel, user.strip()
