"""Booking backends behind one protocol: the embedded engine and HTTP adapters."""

from .backend import (
    BookingBackend,
    ChangeFeed,
    ListsAll,
    Now,
    OperatorMarks,
    ReadsMany,
    SelfCheck,
    SlotHolds,
    change_feed,
    lists_all,
    operator_marks,
    read_bookings,
    reads_many,
    self_check,
    slot_holds,
)
from .business import Business, BusinessFileError, Closure, Service, Staff, WeeklyHours, load_business, parse_business
from .errors import (
    BackendUnavailable,
    BookingError,
    InvalidRequest,
    NeedsAnswers,
    NotAccepted,
    NotFound,
    NotSupported,
    SlotTaken,
    map_status,
)
from .types import Booking, BookingRequest, BookingStatus, Capability, Contact, Slot

__all__ = [
    "BackendUnavailable", "Booking", "BookingBackend", "BookingError", "BookingRequest", "BookingStatus",
    "Business", "BusinessFileError", "Capability", "ChangeFeed", "Closure", "Contact", "InvalidRequest", "NeedsAnswers", "NotAccepted",
    "ListsAll", "NotFound", "NotSupported", "Now", "OperatorMarks", "ReadsMany", "SelfCheck", "Service", "Slot", "SlotHolds", "SlotTaken", "Staff",
    "WeeklyHours", "change_feed", "lists_all", "load_business", "map_status", "operator_marks", "parse_business", "read_bookings", "reads_many", "self_check", "slot_holds",
]
