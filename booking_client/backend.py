"""The port every booking backend implements."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol, runtime_checkable

from .types import Booking, BookingRequest, Capability, Contact, Slot

Now = Callable[[], datetime]
"""A clock: returns the current aware UTC datetime (a virtual one in the console and tests)."""


@runtime_checkable
class BookingBackend(Protocol):
    """Availability, create, get, list, cancel and reschedule against one booking system.

    Errors are always from `booking_client.errors`. An operation outside
    `capabilities` raises `NotSupported` rather than being faked.
    """

    name: str
    capabilities: frozenset[Capability]

    async def availability(
        self, start: datetime, end: datetime, service: str, staff: str | None = None
    ) -> list[Slot]:
        """Free slots whose start lies in [start, end), earliest first."""

    async def create(self, request: BookingRequest, idempotency_key: str) -> Booking:
        """Book a slot; the same key twice returns the first booking, not a second one."""

    async def get(self, booking_id: str) -> Booking:
        """One booking by id."""

    async def list_for_contact(self, contact: Contact, *, include_past: bool = False) -> list[Booking]:
        """The contact's bookings, earliest first; by default only active upcoming ones."""

    async def cancel(self, booking_id: str, reason: str | None = None) -> Booking:
        """Cancel a booking; its time frees up."""

    async def reschedule(self, booking_id: str, new_start: datetime) -> Booking:
        """Move a booking to a new start; the old time frees up."""

    async def aclose(self) -> None:
        """Release connections."""
