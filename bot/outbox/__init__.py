"""Durable output for channel messages: what a turn says is written with the turn, then sent once."""

from .sender import Lookup, Send, Sender
from .store import Outbox, Outgoing, migrate

__all__ = ["Lookup", "Outbox", "Outgoing", "Send", "Sender", "migrate"]
