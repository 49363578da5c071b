"""The `BookingBackend` protocol on Slatis, API v1."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from ..backend import Now
from ..business import Business, Service, Staff
from ..errors import InvalidRequest
from ..lookup import aware, known_person, known_service, utc_now
from ..types import Booking, BookingRequest, BookingStatus, Capability, Contact, Slot
from . import mapping
from .api import SlatisApi, utc_iso
from .config import SlatisConfig
from .directory import Names, problems
from .slots import FreeBusy

Json = dict[str, Any]

MAX_HOPS = 10  # how many reschedules are followed from an old id to the current booking
MARKS = {BookingStatus.COMPLETED: "complete", BookingStatus.NO_SHOW: "no-show"}


class SlatisBackend:
    """Slatis as the booking system: its event types are the services, its team members the staff.

    A create carries our idempotency key as Slatis's `Idempotency-Key`, so it is retried freely:
    a repeat answers the first booking (`idempotent_replay`). A reschedule makes a new booking
    with a new id (the original moves to CANCELLED and points to it): `reschedule` returns the
    new booking, and `get`, `cancel` and `reschedule` follow an old id to the current one.
    Status transitions are idempotent in Slatis: cancelling a cancelled booking returns it.
    """

    name = "slatis"
    capabilities: frozenset[Capability] = frozenset({
        Capability.AVAILABILITY, Capability.CREATE, Capability.GET, Capability.LIST_FOR_CONTACT,
        Capability.CANCEL, Capability.RESCHEDULE, Capability.IDEMPOTENT_CREATE, Capability.STAFF_CHOICE,
        Capability.OPERATOR_MARKS, Capability.LIST_ALL, Capability.SELF_CHECK,
    })

    def __init__(self, business: Business, config: SlatisConfig, now: Now, *,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.business = business
        self.config = config
        self._now = now
        self.api = SlatisApi(config, transport)
        self.names = Names.of(config)

    # --- setup ------------------------------------------------------------------------------------

    async def check(self) -> list[str]:
        """What is wrong with the settings, one line each naming the setting; empty when all is well."""
        return await problems(self.api, self.business, self.config)

    # --- the protocol -------------------------------------------------------------------------------

    async def availability(self, start: datetime, end: datetime, service: str, staff: str | None = None) -> list[Slot]:
        """Free slots starting in [start, end): the event type's slots, narrowed per member by free/busy."""
        svc = self._service(service)
        if staff is not None:
            person = self._person(staff, svc)
            self._member(person)
            people = [person]
        else:  # anyone: those Slatis can book; an error only when that is nobody
            people = [p for p in self.business.staff_for(svc.id) if p.id in self.config.members]
            if not people:
                raise InvalidRequest(f"nobody who offers {svc.display('en')} has a Slatis team member (SLATIS_MEMBERS)")
        lo, hi = max(aware(start, "start"), self._clock()), aware(end, "end")
        if lo >= hi:
            return []
        offered = await self.api.slots(self.config.event_types[svc.id], lo, hi, self.business.timezone)
        spans = [(mapping.parse_time(s.get("start")), mapping.parse_time(s.get("end"))) for s in offered]
        spans = [(b, e or b + svc.duration) for b, e in spans if b is not None and lo <= b < hi]
        if not spans:
            return []
        until = max(e for _, e in spans) + svc.buffer_after
        blocks = await asyncio.gather(*(self._freebusy(p, svc, lo, until) for p in people))
        return sorted((Slot(b, e, svc.id, p.id) for p, fb in zip(people, blocks, strict=True) for b, e in spans
                       if fb.takes(b, e, svc.buffer_after)), key=lambda s: (s.start, s.staff))

    async def create(self, request: BookingRequest, idempotency_key: str) -> Booking:
        """Book the slot once: the same key again (a retry, a repeated yes) answers the first booking."""
        svc = self._service(request.service)
        person = self._person(request.staff, svc)
        start = aware(request.start, "start")
        data, replayed = await self.api.create_booking(self._booking_body(request, svc, person, start),
                                                       idempotency_key)
        if replayed:
            # The replay is the first answer byte for byte; the booking may have moved on since.
            return await self.get(str(data["id"]))
        return self._booking(await self._settled(data))

    async def get(self, booking_id: str) -> Booking:
        """One booking by Slatis id; an id moved by a reschedule leads to the booking it became."""
        return self._booking(await self._current(booking_id))

    async def list_for_contact(self, contact: Contact, *, include_past: bool = False) -> list[Booking]:
        """The contact's bookings, earliest first; by default only active ones that have not ended.

        Slatis finds them by attendee email; a booking made in the chat must also carry this
        contact's chat identity, so someone typing another customer's email sees nothing of theirs.
        """
        emails = sorted({e.lower() for e in (contact.email, self._placeholder(contact)) if e})
        since: Json = {} if include_past else {"start_date": utc_iso(self._clock() - timedelta(days=1))}
        pages = await asyncio.gather(*(self.api.bookings({**since, "attendee_email": e}) for e in emails))
        now = self._clock()
        found: dict[str, Booking] = {}
        for data in (d for page in pages for d in page):
            if not self._current_ours(data) or not _belongs(data, contact):
                continue
            booking = self._booking(data)
            if include_past or (booking.status.active and booking.end > now):
                found[booking.id] = booking
        return sorted(found.values(), key=lambda b: (b.start, b.id))

    async def list_all(self, start: datetime | None = None, end: datetime | None = None) -> list[Booking]:
        """Every booking of the business's event types starting in [start, end), by start then staff."""
        query: Json = {}
        if start is not None:
            query["start_date"] = utc_iso(aware(start, "start"))
        if end is not None:  # a day more: whether end_date bounds the start or the end is not published
            query["end_date"] = utc_iso(aware(end, "end") + timedelta(days=1))
        bookings = [self._booking(d) for d in await self.api.bookings(query) if self._current_ours(d)]
        return sorted((b for b in bookings if (start is None or b.start >= start) and (end is None or b.start < end)),
                      key=lambda b: (b.start, b.staff, b.id))

    async def cancel(self, booking_id: str, reason: str | None = None) -> Booking:
        """Cancel a booking; cancelling one that is cancelled already answers it as it is.

        An id a reschedule replaced is cancelled already: the customer's appointment is the booking
        it became, and that is what gets cancelled.
        """
        body = {"reason": reason} if reason else {}
        data = await self.api.transition(booking_id, "cancel", body)
        for _ in range(MAX_HOPS):
            if (later := mapping.moved_to(data)) is None:
                break
            data = await self.api.transition(later, "cancel", body)
        return self._booking(data)

    async def reschedule(self, booking_id: str, new_start: datetime) -> Booking:
        """Move a booking: Slatis books the new time under a new id, which the returned booking has."""
        start = aware(new_start, "new_start").astimezone(UTC)
        current = str((await self._current(booking_id))["id"])

        async def send() -> Booking:
            return self._booking(await self.api.reschedule(current, start))

        async def moved_before() -> Booking | None:
            data = await self.api.booking(current)
            if mapping.moved_to(data) is None:
                return None
            moved = await self.get(current)
            return moved if moved.start == start else None

        return await self._exactly_once(send, moved_before)

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self.api.aclose()

    # --- operator marks (Capability.OPERATOR_MARKS) ---------------------------------------------------

    async def mark(self, booking_id: str, status: BookingStatus) -> Booking:
        """Record that a booking took place (COMPLETED) or the customer did not come (NO_SHOW)."""
        action = MARKS.get(BookingStatus(status))
        if action is None:
            raise InvalidRequest(f"a booking can only be marked completed or no_show, not {BookingStatus(status).value}")
        return self._booking(await self.api.transition(booking_id, action))

    # --- inside -------------------------------------------------------------------------------------

    async def _freebusy(self, person: Staff, svc: Service, start: datetime, end: datetime) -> FreeBusy:
        data = await self.api.freebusy(self.config.members[person.id], start, end, svc.duration_minutes)
        return FreeBusy.from_json(data)

    async def _current(self, booking_id: str) -> Json:
        """The booking by id, following reschedules to the one that is current."""
        data = await self.api.booking(booking_id)
        for _ in range(MAX_HOPS):
            if not mapping.superseded(data):
                break
            data = await self.api.booking(mapping.moved_to(data))  # type: ignore[arg-type]
        return data

    async def _settled(self, data: Json) -> Json:
        """A new booking past DRAFT (Slatis routes it in milliseconds), or as it is after a few reads."""
        for _ in range(self.config.draft_reads):
            if mapping.raw_status(data) != "DRAFT":
                break
            await self.config.retry.sleep(self.config.retry.backoff)
            data = await self.api.booking(str(data["id"]))
        return data

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

    def _booking_body(self, request: BookingRequest, svc: Service, person: Staff, start: datetime) -> Json:
        contact = request.contact
        attendee: Json = {"name": contact.name or contact.ref, "email": contact.email or self._placeholder(contact),
                          "timezone": self.business.timezone}
        if contact.phone:
            attendee["phone"] = contact.phone
        body: Json = {"event_type_id": self.config.event_types[svc.id], "requested_time": utc_iso(start),
                      "attendee": attendee, "assign_to": self._member(person), "metadata": mapping.metadata(request)}
        if request.answers:
            body["custom_fields"] = dict(request.answers)  # the event type's questions, by key
        return body

    def _booking(self, data: Json) -> Booking:
        return mapping.to_booking(data, self.names, self.config.placeholder_email_domain)

    def _current_ours(self, data: Json) -> bool:
        """A booking of one of our services that was not replaced by a reschedule."""
        return not mapping.superseded(data) and self.names.knows(data.get("event_type_id"))

    def _placeholder(self, contact: Contact) -> str:
        return mapping.placeholder_email(contact.ref, self.config.placeholder_email_domain)

    def _clock(self) -> datetime:
        return utc_now(self._now)

    def _service(self, service_id: str) -> Service:
        svc = known_service(self.business, service_id)
        if svc.id not in self.config.event_types:
            raise InvalidRequest(f"{svc.display('en')} has no Slatis event type (SLATIS_EVENT_TYPES)")
        return svc

    def _person(self, staff_id: str, svc: Service) -> Staff:
        return known_person(self.business, staff_id, svc)

    def _member(self, person: Staff) -> str:
        member = self.config.members.get(person.id)
        if member is None:
            raise InvalidRequest(f"{person.name} has no Slatis team member (SLATIS_MEMBERS)")
        return member


def _belongs(data: Json, contact: Contact) -> bool:
    """Made in this chat (our metadata names the contact), or made elsewhere by the contact's email."""
    ref = mapping.ref_of(data)
    if ref is not None:
        return ref == contact.ref
    email = ((data.get("attendee") or {}).get("email") or "").lower()
    return bool(contact.email) and email == contact.email.lower()  # type: ignore[union-attr]


