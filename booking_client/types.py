"""Domain values shared by every booking backend. All datetimes are aware and in UTC."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class BookingStatus(str, enum.Enum):
    """Where a booking is in its life."""

    CONFIRMED = "confirmed"
    PENDING = "pending"  # holds its time, waiting for the business to accept it
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"  # active, at a new time
    COMPLETED = "completed"
    NO_SHOW = "no_show"

    @property
    def active(self) -> bool:
        """True while the booking still holds its time."""
        return self in (BookingStatus.CONFIRMED, BookingStatus.PENDING, BookingStatus.RESCHEDULED)


class Capability(str, enum.Enum):
    """Operations a backend may or may not offer; each backend declares its set."""

    AVAILABILITY = "availability"
    CREATE = "create"
    GET = "get"
    LIST_FOR_CONTACT = "list_for_contact"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    IDEMPOTENT_CREATE = "idempotent_create"
    STAFF_CHOICE = "staff_choice"
    CHANGE_FEED = "change_feed"  # can tell about bookings changed outside the chat (`ChangeFeed`)
    OPERATOR_MARKS = "operator_marks"  # the operator can mark a booking completed or no-show (`OperatorMarks`)
    LIST_ALL = "list_all"  # can list every booking of the business (`ListsAll`)
    SLOT_HOLD = "slot_hold"  # can hold a slot while the customer confirms (`SlotHolds`)
    SELF_CHECK = "self_check"  # can check its credentials and configuration at start (`SelfCheck`)
    GET_MANY = "get_many"  # can read several bookings in one call (`ReadsMany`)


@dataclass(frozen=True)
class Contact:
    """Who a booking is for. `ref` is the stable chat identity, e.g. `telegram:1001`."""

    ref: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Slot:
    """A bookable start time for one service with one staff member."""

    start: datetime
    end: datetime
    service: str
    staff: str


@dataclass(frozen=True)
class BookingRequest:
    """What the customer agreed to book."""

    service: str
    staff: str
    start: datetime
    contact: Contact
    notes: str | None = None
    channel: str | None = None
    lang: str | None = None  # the customer's language ("en", "de"), for the backend's own messages
    hold: str | None = None  # a hold on this slot (`SlotHolds.hold`) that the booking takes over
    answers: dict[str, str] = field(default_factory=dict)  # qualification questions answered (key -> answer)


@dataclass(frozen=True)
class Booking:
    """A booking as the backend holds it."""

    id: str
    service: str
    staff: str
    start: datetime
    end: datetime
    status: BookingStatus
    contact: Contact
    created_at: datetime | None = None
    updated_at: datetime | None = None
    cancel_reason: str | None = None
    notes: str | None = None
    extra: dict = field(default_factory=dict, compare=False)
