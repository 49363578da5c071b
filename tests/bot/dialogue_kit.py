"""A dialogue on the demo business with an in-memory backend and store, for tests that set up exact situations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from booking_client import (
    Booking,
    BookingRequest,
    BookingStatus,
    Business,
    Capability,
    Contact,
    InvalidRequest,
    NotFound,
    Slot,
    SlotTaken,
    load_business,
)
from bot.clock import VirtualClock
from bot.conversation import Dialogue
from bot.conversation.state import State
from bot.messages import Inbound, Reply

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)
USER = "telegram:1001"


class MemoryConversations:
    """Keeps each state as the JSON a real store would write."""

    def __init__(self) -> None:
        self.rows: dict[str, str] = {}

    async def load(self, key: str) -> State:
        return State.model_validate_json(self.rows[key]) if key in self.rows else State()

    async def save(self, key: str, state: State, now: datetime, also=()) -> None:
        assert not list(also), "a memory store has no transaction for other components' writes"
        self.rows[key] = state.model_dump_json()

    async def load_many(self, keys) -> dict[str, tuple[State, str | None]]:
        return {key: (await self.load(key), self.rows.get(key)) for key in keys}

    async def save_many(self, loaded, now: datetime) -> list[str]:
        """Like the real store: a conversation saved since it was loaded is not overwritten (returned instead)."""
        redo = [key for key, (_, seen) in loaded.items() if self.rows.get(key) != seen]
        for key, (state, _) in loaded.items():
            if key not in redo:
                self.rows[key] = state.model_dump_json()
        return redo


@dataclass
class MemoryBackend:
    """Every full hour from 9 to 17 on weekdays is free unless booked; `refuse` makes the next change fail."""

    business: Business
    clock: VirtualClock
    bookings: dict[str, Booking] = field(default_factory=dict)
    refuse: Exception | None = None
    name: str = "memory"
    capabilities: frozenset = frozenset({Capability.AVAILABILITY, Capability.CREATE, Capability.GET,
                                         Capability.LIST_FOR_CONTACT, Capability.CANCEL, Capability.RESCHEDULE})

    async def availability(self, start: datetime, end: datetime, service: str, staff: str | None = None) -> list[Slot]:
        taken = {(b.staff, b.start) for b in self.bookings.values() if b.status.active}
        people = [p.id for p in self.business.staff_for(service) if staff in (None, p.id)]
        slots = []
        day = start.astimezone(BERLIN).date()
        while datetime.combine(day, time(0), BERLIN) < end:
            for hour in range(9, 18) if day.weekday() < 5 else ():
                at = datetime.combine(day, time(hour), BERLIN)
                for person in people:
                    if start <= at < end and at > self.clock.now() and (person, at) not in taken:
                        slots.append(Slot(at, at + timedelta(minutes=30), service, person))
            day += timedelta(days=1)
        return slots

    async def create(self, request: BookingRequest, idempotency_key: str) -> Booking:
        self._maybe_refuse()
        if (request.staff, request.start) in {(b.staff, b.start) for b in self.bookings.values() if b.status.active}:
            raise SlotTaken("taken")
        booking = Booking(id=str(uuid.uuid4()), service=request.service, staff=request.staff, start=request.start,
                          end=request.start + timedelta(minutes=30), status=BookingStatus.CONFIRMED,
                          contact=request.contact)
        self.bookings[booking.id] = booking
        return booking

    async def get(self, booking_id: str) -> Booking:
        if booking_id not in self.bookings:
            raise NotFound(booking_id)
        return self.bookings[booking_id]

    async def list_for_contact(self, contact: Contact, *, include_past: bool = False) -> list[Booking]:
        return sorted((b for b in self.bookings.values() if b.contact.ref == contact.ref and b.status.active),
                      key=lambda b: b.start)

    async def cancel(self, booking_id: str, reason: str | None = None) -> Booking:
        self._maybe_refuse()
        booking = replace(await self.get(booking_id), status=BookingStatus.CANCELLED)
        self.bookings[booking_id] = booking
        return booking

    async def reschedule(self, booking_id: str, new_start: datetime) -> Booking:
        self._maybe_refuse()
        old = await self.get(booking_id)
        booking = replace(old, start=new_start, end=new_start + timedelta(minutes=30),
                          status=BookingStatus.RESCHEDULED)
        self.bookings[booking_id] = booking
        return booking

    async def aclose(self) -> None:
        pass

    def add(self, service: str, staff: str, start: datetime, ref: str = USER, id: str | None = None) -> Booking:
        """A booking that already exists (made earlier, or by the front desk)."""
        booking = Booking(id=id or str(uuid.uuid4()), service=service, staff=staff, start=start,
                          end=start + timedelta(minutes=30), status=BookingStatus.CONFIRMED, contact=Contact(ref=ref))
        self.bookings[booking.id] = booking
        return booking

    def remove(self, booking_id: str) -> None:
        """The booking disappears from the booking system (deleted by the business)."""
        del self.bookings[booking_id]

    def _maybe_refuse(self) -> None:
        if self.refuse is not None:
            error, self.refuse = self.refuse, None
            raise error


class Chat:
    """One customer talking to the dialogue."""

    def __init__(self) -> None:
        self.clock = VirtualClock(MONDAY_9)
        self.business = load_business()
        self.backend = MemoryBackend(self.business, self.clock)
        self.store = MemoryConversations()
        self.dialogue = Dialogue(self.business, self.backend, self.store, self.clock)
        self.last: list[Reply] = []

    @classmethod
    def on(cls, backend_class: type[MemoryBackend], **dialogue_options) -> Chat:
        """A customer of the demo salon whose booking system is `backend_class` (a MemoryBackend with a limit)."""
        chat = cls()
        chat.backend = backend_class(chat.business, chat.clock)
        chat.dialogue = Dialogue(chat.business, chat.backend, chat.store, chat.clock, **dialogue_options)
        return chat

    async def say(self, text: str) -> str:
        self.last = await self.dialogue.handle(Inbound("telegram", "1001", text=text, lang="en"))
        return "\n".join(r.text for r in self.last)

    async def press(self, index: int) -> str:
        """Press option `index` (0-based) of the latest offer."""
        offer = next(r for r in reversed(self.last) if r.options)
        self.last = await self.dialogue.handle(Inbound("telegram", "1001", choice=f"{offer.offer}:{index}", lang="en"))
        return "\n".join(r.text for r in self.last)

    async def state(self) -> State:
        return await self.store.load(USER)

    def store_raw(self, json_text: str) -> None:
        """Put a stored state in place, exactly as written."""
        self.store.rows[USER] = json_text

    def labels(self) -> list[str]:
        return [o.label for r in self.last for o in r.options]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A Berlin wall time in November 2026."""
    return datetime(2026, 11, day, hour, minute, tzinfo=BERLIN)


__all__ = ["BERLIN", "Chat", "InvalidRequest", "MemoryBackend", "SlotTaken", "USER", "at"]
