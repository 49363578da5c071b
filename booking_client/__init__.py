"""Booking backends behind one protocol: the embedded engine and HTTP adapters."""

from .backend import BookingBackend, Now
from .business import Business, BusinessFileError, Closure, Service, Staff, WeeklyHours, load_business, parse_business
from .errors import BackendUnavailable, BookingError, InvalidRequest, NotFound, NotSupported, SlotTaken, map_status
from .types import Booking, BookingRequest, BookingStatus, Capability, Contact, Slot

__all__ = [
    "BackendUnavailable", "Booking", "BookingBackend", "BookingError", "BookingRequest", "BookingStatus",
    "Business", "BusinessFileError", "Capability", "Closure", "Contact", "InvalidRequest", "NotFound",
    "NotSupported", "Now", "Service", "Slot", "SlotTaken", "Staff", "WeeklyHours", "load_business",
    "map_status", "parse_business",
]
