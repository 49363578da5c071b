"""A change log for booking systems that keep none the bot can read (Cal.com and the other HTTP backends).

`JournaledBackend` wraps such a backend: every create, cancel and move made through it is
written to the journal, and so is every change the booking system reports by webhook or a
reconciliation pass finds. It then offers `changes_since` like the embedded engine does, so
the reminder planner follows bookings the same way whichever system holds them.
"""

from .backend import JournaledBackend
from .store import Journal, JournalEntry, migrate

__all__ = ["Journal", "JournalEntry", "JournaledBackend", "migrate"]
