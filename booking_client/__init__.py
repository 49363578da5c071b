"""Booking backends behind one protocol: the embedded engine and HTTP adapters."""

from .backend import (
    BookingBackend,
    ChangeFeed,
    ListsAll,
    Now,
    OperatorMarks,
    change_feed,
    lists_all,
    operator_marks,
)
from .business import Business, BusinessFileError, Closure, Service, Staff, WeeklyHours, load_business, parse_business
from .errors import BackendUnavailable, BookingError, InvalidRequest, NotFound, NotSupported, SlotTaken, map_status
from .types import Booking, BookingRequest, BookingStatus, Capability, Contact, Slot

__all__ = [
    "BackendUnavailable", "Booking", "BookingBackend", "BookingError", "BookingRequest", "BookingStatus",
    "Business", "BusinessFileError", "Capability", "ChangeFeed", "Closure", "Contact", "InvalidRequest",
    "ListsAll", "NotFound", "NotSupported", "Now", "OperatorMarks", "Service", "Slot", "SlotTaken", "Staff",
    "WeeklyHours", "change_feed", "lists_all", "load_business", "map_status", "operator_marks", "parse_business",
]
