"""The change feed: what happened to bookings, in order, so the scheduler can follow outside changes."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class ChangeKind(str, enum.Enum):
    """What happened to a booking."""

    CREATED = "created"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    STATUS = "status"  # marked completed or no-show


@dataclass(frozen=True)
class BookingChange:
    """One entry of the change log; pass the last `cursor` seen to `changes_since` to continue."""

    cursor: int
    booking_id: str
    kind: ChangeKind
    at: datetime
