"""Durable intake for channel messages: each one recorded once, handled once, in order per customer."""

from .conveyor import FINISHED, Conveyor, Deliver, Handler
from .store import Entry, Inbox, RateLimit, migrate

__all__ = ["FINISHED", "Conveyor", "Deliver", "Entry", "Handler", "Inbox", "RateLimit", "migrate"]
