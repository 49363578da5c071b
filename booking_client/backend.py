"""The port every booking backend implements."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from .errors import NotFound
from .types import Booking, BookingRequest, BookingStatus, Capability, Contact, Slot

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


# --- what only some backends can do: each a declared capability with its own small protocol ---


class BookingChange(Protocol):
    """One entry of a backend's change feed."""

    cursor: int
    booking_id: str
    at: datetime


class ChangeFeed(Protocol):
    """`Capability.CHANGE_FEED`: bookings changed anywhere (chat, operator, other clients), in order."""

    async def changes_since(self, cursor: int = 0, limit: int = 500) -> list[BookingChange]:
        """Changes after `cursor`, oldest first; continue from the last one's cursor."""


class OperatorMarks(Protocol):
    """`Capability.OPERATOR_MARKS`: the operator records that a booking was completed or a no-show."""

    async def mark(self, booking_id: str, status: BookingStatus) -> Booking:
        """Mark a booking completed or no_show."""


class ListsAll(Protocol):
    """`Capability.LIST_ALL`: every booking of the business, the operator's view."""

    async def list_all(self, start: datetime | None = None, end: datetime | None = None) -> list[Booking]:
        """Every booking (any status) starting in [start, end), by start."""


class ReadsMany(Protocol):
    """`Capability.GET_MANY`: several bookings in one call (the reminders read a batch's bookings together)."""

    async def get_many(self, booking_ids: Sequence[str]) -> dict[str, Booking]:
        """The bookings with these ids, by id; an unknown id is simply missing."""


class SlotHolds(Protocol):
    """`Capability.SLOT_HOLD`: a slot held for a few minutes while the customer confirms, so the slot
    offered is the slot booked."""

    async def hold(self, slot: Slot) -> str:
        """Hold the slot; returns the hold's id. Raises SlotTaken when it is no longer free."""

    async def release(self, hold_id: str) -> None:
        """Let the slot go (declined, another picked, gone quiet); an unknown or expired hold is fine."""


class SelfCheck(Protocol):
    """`Capability.SELF_CHECK`: credentials and configuration checked against the booking system at start."""

    async def check(self) -> list[str]:
        """What is wrong, one line each naming the setting to fix; empty when all is well."""


def change_feed(backend: BookingBackend) -> ChangeFeed | None:
    """The backend as a change feed, if it declares one."""
    return backend if Capability.CHANGE_FEED in backend.capabilities else None  # type: ignore[return-value]


def operator_marks(backend: BookingBackend) -> OperatorMarks | None:
    """The backend as something the operator can mark bookings in, if it declares that."""
    return backend if Capability.OPERATOR_MARKS in backend.capabilities else None  # type: ignore[return-value]


def lists_all(backend: BookingBackend) -> ListsAll | None:
    """The backend as a lister of every booking, if it declares that."""
    return backend if Capability.LIST_ALL in backend.capabilities else None  # type: ignore[return-value]


def reads_many(backend: BookingBackend) -> ReadsMany | None:
    """The backend as a reader of several bookings at once, if it declares that."""
    return backend if Capability.GET_MANY in backend.capabilities else None  # type: ignore[return-value]


async def read_bookings(backend: BookingBackend, booking_ids: Iterable[str], *,
                        at_once: int = 4) -> dict[str, Booking]:
    """The bookings with these ids, by id (one gone from the booking system is missing): in one call where the backend
    reads several at once (`ReadsMany`), else one `get` each, at most `at_once` at a time. The first other error is
    raised, and the reads still under way are cancelled."""
    ids = list(dict.fromkeys(booking_ids))
    many = reads_many(backend)
    if many is not None:
        return await many.get_many(ids)
    gate = asyncio.Semaphore(at_once)

    async def one(booking_id: str) -> Booking | None:
        async with gate:
            try:
                return await backend.get(booking_id)
            except NotFound:
                return None

    tasks = [asyncio.ensure_future(one(booking_id)) for booking_id in ids]
    try:
        found = await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
    return {booking_id: booking for booking_id, booking in zip(ids, found, strict=True) if booking is not None}


def self_check(backend: BookingBackend) -> SelfCheck | None:
    """The backend as something that checks its own configuration, if it declares that."""
    return backend if Capability.SELF_CHECK in backend.capabilities else None  # type: ignore[return-value]


def slot_holds(backend: BookingBackend) -> SlotHolds | None:
    """The backend as something that holds slots, if it declares that."""
    return backend if Capability.SLOT_HOLD in backend.capabilities else None  # type: ignore[return-value]
