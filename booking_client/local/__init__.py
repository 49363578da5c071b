"""The embedded booking engine: bookings in our own SQLite or PostgreSQL database."""

from .changes import BookingChange, ChangeKind
from .engine import LocalBackend
from .errors import map_exceptions
from .migrations import migrate

__all__ = ["BookingChange", "ChangeKind", "LocalBackend", "map_exceptions", "migrate"]
