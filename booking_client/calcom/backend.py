"""The `BookingBackend` protocol on Cal.com (or a self-hosted Cal.diy), API v2."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from ..backend import Now
from ..business import Business, Service, Staff
from ..errors import (
    BackendUnavailable,
    BookingError,
    InvalidRequest,
    NotFound,
    SlotTaken,
)
from ..http import status_of
from ..lookup import aware, known_person, known_service, utc_now
from ..types import Booking, BookingRequest, Capability, Contact, Slot
from . import mapping
from .api import CalcomApi, utc_iso
from .config import CalcomConfig
from .directory import Directory, resolve

Json = dict[str, Any]

REASON = "Cancelled through the booking assistant"  # Cal.com wants a reason when the host's key cancels
MAX_HOPS = 10  # how many reschedules `get` follows from an old uid to the current booking
LOOKUP_MARGIN = timedelta(hours=1)  # around a start, when looking for a booking that may already exist
DEFAULT_HOLD = 5  # minutes Cal.com holds a reservation unless told otherwise (telling it needs more rights)


class CalcomBackend:
    """Cal.com as the booking system: its event types are the services, its users the staff.

    Cal.com has no idempotency key, so `create` stores ours in the booking's metadata and looks
    for it before booking and before every retry. A reschedule makes a new booking with a new
    uid (the old one is cancelled and points to it): `reschedule` returns the new booking and
    `get` follows an old uid to the current one.
    """

    name = "calcom"
    capabilities: frozenset[Capability] = frozenset({
        Capability.AVAILABILITY, Capability.CREATE, Capability.GET, Capability.LIST_FOR_CONTACT,
        Capability.CANCEL, Capability.RESCHEDULE, Capability.IDEMPOTENT_CREATE, Capability.STAFF_CHOICE,
        Capability.SLOT_HOLD, Capability.LIST_ALL, Capability.SELF_CHECK,
    })

    def __init__(self, business: Business, config: CalcomConfig, now: Now, *,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.business = business
        self.config = config
        self._now = now
        self.api = CalcomApi(config, transport)
        self._directory: Directory | None = None
        self._resolving = asyncio.Lock()

    # --- setup ------------------------------------------------------------------------------------

    async def check(self) -> list[str]:
        """What is wrong with the settings, one line each naming the setting; empty when all is well."""
        try:
            await self.api.me()
        except BackendUnavailable as exc:
            return [self._unreachable(exc)]
        except BookingError as exc:
            return [f"CALCOM_API_BASE: {self.config.api_base} does not answer like Cal.com API v2 ({exc})"]
        try:
            directory = await resolve(self.api, self.business, self.config.event_types, self.config.staff)
        except BookingError as exc:
            return [self._unreachable(exc)]
        self._directory = directory
        return list(directory.problems)

    def _unreachable(self, exc: BookingError) -> str:
        status = status_of(exc)
        if status in (401, 403):
            return f"CALCOM_API_KEY: Cal.com refused the key ({status})"
        return f"CALCOM_API_BASE: cannot reach Cal.com at {self.config.api_base} ({exc})"

    async def directory(self) -> Directory:
        """Event types and hosts, looked up once (again after a failure)."""
        if self._directory is None:
            async with self._resolving:
                if self._directory is None:
                    self._directory = await resolve(
                        self.api, self.business, self.config.event_types, self.config.staff)
        return self._directory

    # --- the protocol -------------------------------------------------------------------------------

    async def availability(self, start: datetime, end: datetime, service: str, staff: str | None = None) -> list[Slot]:
        """Free slots starting in [start, end), asked per staff member so each slot names who is free."""
        svc = self._service(service)
        people = [self._person(staff, svc)] if staff is not None else self.business.staff_for(svc.id)
        lo, hi = max(aware(start, "start"), self._clock()), aware(end, "end")
        if lo >= hi or not people:
            return []
        directory = await self.directory()
        if staff is None:  # anyone: those Cal.com can book; an error only when that is nobody
            people = [p for p in people if (svc.id, p.id) in directory.targets] or people[:1]
        targets = [(person, self._target(directory, svc, person)) for person in people]
        found = await asyncio.gather(*(self._slots(svc, person, target, lo, hi) for person, target in targets))
        return sorted((slot for slots in found for slot in slots), key=lambda s: (s.start, s.staff))

    async def create(self, request: BookingRequest, idempotency_key: str) -> Booking:
        """Book the slot once: the same key again returns the first booking, even after a lost answer."""
        svc = self._service(request.service)
        person = self._person(request.staff, svc)
        start = aware(request.start, "start").astimezone(UTC)
        directory = await self.directory()
        target = self._target(directory, svc, person)
        email = request.contact.email or self._placeholder(request.contact)
        key = mapping.metadata_key(idempotency_key) if idempotency_key else None

        async def booked_before() -> Booking | None:
            return await self._by_key(directory, email, start, svc, key) if key else None

        if (earlier := await booked_before()) is not None:
            return earlier
        if request.hold:
            # A booking cannot name its reservation, and Cal.com may count our own hold against the
            # booking: let it go the moment before booking (the slot stays ours unless someone books
            # it in that instant, which is a SlotTaken like any other race).
            try:
                await self.release(request.hold)
            except BookingError:
                pass  # it runs out in minutes anyway
        body = self._booking_body(request, idempotency_key, target, start, email)

        async def send() -> Booking:
            return self._booking(directory, await self.api.create_booking(body))

        try:
            booking = await self._exactly_once(send, booked_before)
        except SlotTaken:
            # Our own earlier attempt (or a twin request with this key) may be what took it.
            if (earlier := await booked_before()) is not None:
                return earlier
            raise
        return booking

    async def get(self, booking_id: str) -> Booking:
        """One booking by Cal.com uid; an uid moved by a reschedule leads to the booking it became."""
        directory = await self.directory()
        data = await self.api.booking(booking_id)
        for _ in range(MAX_HOPS):
            moved_to = data.get("rescheduledToUid")
            if not moved_to or str(data.get("status")).lower() != "cancelled":
                break
            data = await self.api.booking(moved_to)
        return self._booking(directory, data)

    async def list_for_contact(self, contact: Contact, *, include_past: bool = False) -> list[Booking]:
        """The contact's bookings, earliest first; by default only active ones that have not ended.

        Cal.com finds them by attendee email; a booking made in the chat must also carry this
        contact's chat identity, so someone typing another customer's email sees nothing of theirs.
        """
        directory = await self.directory()
        emails = {e.lower() for e in (contact.email, self._placeholder(contact)) if e}
        query: Json = {} if include_past else {"afterStart": utc_iso(self._clock() - timedelta(days=1))}
        pages = await asyncio.gather(*(self.api.bookings({**query, "attendeeEmail": e}) for e in sorted(emails)))
        now = self._clock()
        found: dict[str, Booking] = {}
        for data in (d for page in pages for d in page):
            if not self._current(directory, data) or not _belongs(data, contact):
                continue
            booking = self._booking(directory, data)
            if include_past or (booking.status.active and booking.end > now):
                found[booking.id] = booking
        return sorted(found.values(), key=lambda b: (b.start, b.id))

    async def list_all(self, start: datetime | None = None, end: datetime | None = None) -> list[Booking]:
        """Every booking of the business's event types starting in [start, end), by start then staff."""
        directory = await self.directory()
        query: Json = {}
        if start is not None:
            query["afterStart"] = utc_iso(aware(start, "start"))
        if end is not None:
            query["beforeEnd"] = utc_iso(aware(end, "end") + timedelta(days=1))  # Cal.com filters by end
        bookings = [self._booking(directory, d) for d in await self.api.bookings(query) if self._current(directory, d)]
        return sorted((b for b in bookings if (start is None or b.start >= start) and (end is None or b.start < end)),
                      key=lambda b: (b.start, b.staff, b.id))

    async def cancel(self, booking_id: str, reason: str | None = None) -> Booking:
        """Cancel a booking (always with a reason: Cal.com asks the host's key for one)."""
        directory = await self.directory()

        async def send() -> Booking:
            return self._booking(directory, await self.api.cancel(booking_id, reason or REASON))

        async def cancelled_before() -> Booking | None:
            data = await self.api.booking(booking_id)
            return self._booking(directory, data) if str(data.get("status")).lower() == "cancelled" else None

        return await self._exactly_once(send, cancelled_before)

    async def reschedule(self, booking_id: str, new_start: datetime) -> Booking:
        """Move a booking: Cal.com books the new time under a new uid, which the returned booking has."""
        start = aware(new_start, "new_start").astimezone(UTC)
        directory = await self.directory()

        async def send() -> Booking:
            return self._booking(directory, await self.api.reschedule(booking_id, start))

        async def moved_before() -> Booking | None:
            data = await self.api.booking(booking_id)
            if not data.get("rescheduledToUid"):
                return None
            moved = await self.get(booking_id)
            return moved if moved.start == start else None

        return await self._exactly_once(send, moved_before)

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self.api.aclose()

    # --- slot holds (Capability.SLOT_HOLD) ------------------------------------------------------------

    async def hold(self, slot: Slot) -> str:
        """Reserve the slot for `hold_minutes`; returns Cal.com's reservation uid. SlotTaken when it is gone."""
        svc = self._service(slot.service)
        person = self._person(slot.staff, svc)
        target = self._target(await self.directory(), svc, person)
        minutes = self.config.hold_minutes
        data = await self.api.reserve(target, aware(slot.start, "start"), None if minutes == DEFAULT_HOLD else minutes)
        return str(data["reservationUid"])

    async def release(self, hold_id: str) -> None:
        """Let a reservation go; an unknown or expired one is fine."""
        try:
            await self.api.release(hold_id)
        except (NotFound, InvalidRequest):
            pass

    # --- inside -------------------------------------------------------------------------------------

    async def _slots(self, svc: Service, person: Staff, target: int, lo: datetime, hi: datetime) -> list[Slot]:
        days = await self.api.slots({
            "eventTypeId": target, "start": utc_iso(lo), "end": utc_iso(hi),
            "timeZone": self.business.timezone, "format": "range",
        })
        slots = []
        for items in days.values():
            for item in items:
                begins = mapping.parse_time(item["start"])
                ends = mapping.parse_time(item.get("end")) or begins + svc.duration  # type: ignore[operator]
                if begins is not None and lo <= begins < hi:
                    slots.append(Slot(begins, ends, svc.id, person.id))
        return slots

    async def _exactly_once(self, send: Callable[[], Awaitable[Booking]],
                            settled: Callable[[], Awaitable[Booking | None]]) -> Booking:
        """Send a write that must not happen twice. After a failure that may hide a success (a
        timeout, a dropped connection, a 5xx), look first, and send again only if it did not happen."""
        async for attempt in self.api.http.retrying():
            with attempt:
                if attempt.retry_state.attempt_number > 1 and (done := await settled()) is not None:
                    return done
                return await send()
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    async def _by_key(self, directory: Directory, email: str, start: datetime, svc: Service,
                      key: str) -> Booking | None:
        """The booking made with this idempotency key around `start`, if there is one."""
        query = {"attendeeEmail": email, "afterStart": utc_iso(start - LOOKUP_MARGIN),
                 "beforeEnd": utc_iso(start + svc.duration + LOOKUP_MARGIN)}
        for data in await self.api.bookings(query):
            if mapping.key_of(data) == key:
                return self._booking(directory, data)
        return None

    def _booking_body(self, request: BookingRequest, key: str, target: int, start: datetime, email: str) -> Json:
        contact = request.contact
        attendee: Json = {"name": contact.name or contact.ref, "email": email, "timeZone": self.business.timezone}
        if request.lang in mapping.LANGUAGES:
            attendee["language"] = request.lang
        if contact.phone:
            attendee["phoneNumber"] = contact.phone
        body: Json = {"start": utc_iso(start), "eventTypeId": target, "attendee": attendee,
                      "metadata": mapping.metadata(request, key)}
        if request.notes:
            body["bookingFieldsResponses"] = {"notes": request.notes}
        return body

    def _booking(self, directory: Directory, data: Json) -> Booking:
        return mapping.to_booking(data, directory, self.config.placeholder_email_domain)

    def _current(self, directory: Directory, data: Json) -> bool:
        """A booking of one of our services that was not replaced by a reschedule."""
        superseded = str(data.get("status")).lower() == "cancelled" and data.get("rescheduledToUid")
        return not superseded and directory.knows(mapping.event_type_id(data), (data.get("eventType") or {}).get("slug"))

    def _placeholder(self, contact: Contact) -> str:
        return mapping.placeholder_email(contact.ref, self.config.placeholder_email_domain)

    def _target(self, directory: Directory, svc: Service, person: Staff) -> int:
        target = directory.targets.get((svc.id, person.id))
        if target is None:
            mine = [p for p in directory.problems if person.name in p or svc.display("en") in p]
            why = "; ".join(mine or directory.problems) or "not resolved"
            raise BackendUnavailable(f"Cal.com cannot book {svc.display('en')} with {person.name}: {why}")
        return target

    def _clock(self) -> datetime:
        return utc_now(self._now)

    def _service(self, service_id: str) -> Service:
        svc = known_service(self.business, service_id)
        if svc.id not in self.config.event_types:
            raise InvalidRequest(f"{svc.display('en')} has no Cal.com event type (CALCOM_EVENT_TYPES)")
        return svc

    def _person(self, staff_id: str, svc: Service) -> Staff:
        return known_person(self.business, staff_id, svc)


def _belongs(data: Json, contact: Contact) -> bool:
    """Made in this chat (our metadata names the contact), or made elsewhere by the contact's email."""
    ref = mapping.ref_of(data)
    if ref is not None:
        return ref == contact.ref
    email = (mapping.attendee(data).get("email") or "").lower()
    return bool(contact.email) and email == contact.email.lower()  # type: ignore[union-attr]



