"""Durable intake for channel messages: each one recorded once, handled once, in order per customer."""

from .conveyor import Conveyor, Handler
from .store import Entry, Inbox, RateLimit, migrate

__all__ = ["Conveyor", "Entry", "Handler", "Inbox", "RateLimit", "migrate"]
