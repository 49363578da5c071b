"""A backend wrapper that writes every change it makes to the journal and reads the journal as its change feed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..backend import BookingBackend, Now
from ..types import Booking, BookingRequest, Capability, Contact, Slot
from .store import Journal, JournalEntry


class JournaledBackend:
    """`inner` plus `Capability.CHANGE_FEED`: its own creates, cancels and moves, and whatever
    `record` is told (webhooks, reconciliation), in order."""

    def __init__(self, inner: BookingBackend, journal: Journal, now: Now) -> None:
        self.inner = inner
        self.journal = journal
        self._now = now
        self.name = inner.name
        self.capabilities = inner.capabilities | {Capability.CHANGE_FEED}

    # --- the change feed --------------------------------------------------------------------

    async def changes_since(self, cursor: int = 0, limit: int = 500) -> list[JournalEntry]:
        return await self.journal.since(cursor, limit)

    async def record(self, booking_id: str, kind: str, dedupe: str | None = None) -> bool:
        """A change made elsewhere (a webhook, a reconciliation pass); False if already recorded."""
        return await self.journal.append(booking_id, kind, self._now(), dedupe)

    # --- the protocol, each change written down -----------------------------------------------

    async def availability(self, start: datetime, end: datetime, service: str, staff: str | None = None
                           ) -> list[Slot]:
        return await self.inner.availability(start, end, service, staff)

    async def create(self, request: BookingRequest, idempotency_key: str) -> Booking:
        booking = await self.inner.create(request, idempotency_key)
        await self.record(booking.id, "created")
        return booking

    async def get(self, booking_id: str) -> Booking:
        return await self.inner.get(booking_id)

    async def list_for_contact(self, contact: Contact, *, include_past: bool = False) -> list[Booking]:
        return await self.inner.list_for_contact(contact, include_past=include_past)

    async def cancel(self, booking_id: str, reason: str | None = None) -> Booking:
        booking = await self.inner.cancel(booking_id, reason)
        await self.record(booking.id, "cancelled")
        return booking

    async def reschedule(self, booking_id: str, new_start: datetime) -> Booking:
        booking = await self.inner.reschedule(booking_id, new_start)
        if booking.id != booking_id:  # the system gave the moved booking a new id: the old one is gone
            await self.record(booking_id, "rescheduled")
        await self.record(booking.id, "rescheduled")
        return booking

    async def mark(self, booking_id: str, status: Any) -> Booking:
        """An operator mark, when the inner backend declares `Capability.OPERATOR_MARKS`."""
        booking: Booking = await self.inner.mark(booking_id, status)  # type: ignore[attr-defined]
        await self.record(booking.id, "status")
        return booking

    async def aclose(self) -> None:
        await self.inner.aclose()

    def __getattr__(self, name: str) -> Any:
        """The inner backend's declared extras (holds, listing every booking, ...), unchanged."""
        return getattr(self.inner, name)
