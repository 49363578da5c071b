"""The `BookingBackend` protocol on Relentify's Bookings API (`/api/v1`)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from ..backend import Now
from ..business import Business, Service, Staff
from ..errors import (
    BackendUnavailable,
    BookingError,
    InvalidRequest,
    NeedsAnswers,
    NotAccepted,
    NotFound,
    NotSupported,
    SlotTaken,
)
from ..http import status_of
from ..lookup import aware, known_person, known_service, utc_now
from ..types import Booking, BookingRequest, BookingStatus, Capability, Contact, Slot
from . import mapping
from .api import RelentifyApi
from .config import RelentifyConfig
from .directory import Directory, Link, resolve
from .errors import AlreadyCancelled, code_of, questions_in

Json = dict[str, Any]

LOOKUP_MARGIN = timedelta(hours=1)  # around a start, when looking for a booking that may already exist
LOOKBACK = timedelta(days=1)  # a contact's upcoming bookings: those that started at most this long ago
DAYS_AT_ONCE = 4  # availability asks one day per request; this many at a time
SCOPE_PROBE = "booking-bot-scope-check"  # a booking id that never exists: cancelling it tests the write scope


class RelentifyBackend:
    """Relentify as the booking system: its booking links are the services, its staff ids the staff.

    Relentify has no idempotency key, no metadata and no way to move a booking. `create` writes
    the chat identity and our key into the booking's notes and looks for them before booking and
    before every retry; a move is left to the dialogue (book the new time, then cancel the old).
    Free times come per link and day, not per person: with a staff member named, they are the
    link's open times minus that person's bookings, and the booking asks Relentify for that person.
    """

    name = "relentify"
    capabilities: frozenset[Capability] = frozenset({
        Capability.AVAILABILITY, Capability.CREATE, Capability.GET, Capability.LIST_FOR_CONTACT,
        Capability.CANCEL, Capability.IDEMPOTENT_CREATE, Capability.LIST_ALL, Capability.SELF_CHECK,
    })

    def __init__(self, business: Business, config: RelentifyConfig, now: Now, *,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.business = business
        self.config = config
        self._now = now
        self.api = RelentifyApi(config, transport)
        self._directory: Directory | None = None
        self._resolving = asyncio.Lock()

    # --- setup ------------------------------------------------------------------------------------

    async def check(self) -> list[str]:
        """What is wrong with the settings, one line each naming the setting; empty when all is well."""
        if not self.config.api_base:
            return ["RELENTIFY_API_BASE: not set (the address of your Relentify Bookings API)"]
        problems: list[str] = []
        try:
            directory = await self._resolve()
        except BackendUnavailable as exc:
            if status_of(exc) != 403:
                return [self._refused(exc, "bookings:read")]
            problems.append(self._refused(exc, "bookings:read"))  # the key works; see whether it may write
        except BookingError as exc:
            return [f"RELENTIFY_API_BASE: {self.config.api_base} does not answer like Relentify's Bookings API ({exc})"]
        else:
            self._directory = directory
            problems += [*directory.problems, *self._stray_questions(directory)]
        try:
            await self.api.cancel(SCOPE_PROBE, None)
        except NotFound:
            pass  # the key may write: it got as far as looking the booking up
        except BackendUnavailable as exc:
            problems.append(self._refused(exc, "bookings:write"))
        except BookingError:
            pass
        return list(dict.fromkeys(problems))

    def _refused(self, exc: BookingError, scope: str) -> str:
        status = status_of(exc)
        if status == 401:
            code = code_of(exc)
            return f"RELENTIFY_API_KEY: Relentify refused the key (401{' ' + code if code else ''})"
        if status == 403:
            return f"RELENTIFY_API_KEY: the key lacks the {scope} scope"
        return f"RELENTIFY_API_BASE: cannot reach Relentify at {self.config.api_base} ({exc})"

    def _stray_questions(self, directory: Directory) -> list[str]:
        names = {*self.config.links, *self.config.links.values(),
                 *(x for link in directory.links.values() for x in (link.id, link.slug) if x)}
        return [f"RELENTIFY_QUESTIONS: {key!r} is neither a service nor a booking link of RELENTIFY_LINKS"
                for key in self.config.questions if key not in names]

    async def directory(self) -> Directory:
        """Links and staff ids, looked up once (again after a failure)."""
        if self._directory is None:
            async with self._resolving:
                if self._directory is None:
                    self._directory = await self._resolve()
        return self._directory

    async def _resolve(self) -> Directory:
        today = self.business.local(self._clock()).date()
        return await resolve(self.api, self.business, self.config.links, self.config.staff, today)

    # --- the protocol -------------------------------------------------------------------------------

    async def availability(self, start: datetime, end: datetime, service: str, staff: str | None = None) -> list[Slot]:
        """Open slots starting in [start, end), asked of the service's link one day at a time.

        Relentify assigns the staff member when booking, so a slot names nobody ("") unless a
        staff member was asked for; then their own bookings are taken out of the link's slots.
        """
        svc = self._service(service)
        person = self._person(staff, svc) if staff else None  # "" too: whoever Relentify assigns
        lo, hi = max(aware(start, "start"), self._clock()), aware(end, "end")
        if lo >= hi:
            return []
        directory = await self.directory()
        link = self._link(directory, svc)
        staff_id = self._staff_id(directory, person) if person else None
        gate = asyncio.Semaphore(DAYS_AT_ONCE)

        async def one_day(day: date) -> Json:
            async with gate:
                return await self.api.availability(day, link_id=link.id)

        days = await asyncio.gather(*(one_day(d) for d in self._days(lo, hi)))
        slots = {s.start: s for data in days for s in self._slots(data, svc, person) if lo <= s.start < hi}
        if staff_id is not None:
            busy = await self._busy(directory, staff_id, lo, hi)
            slots = {t: s for t, s in slots.items() if not _meets(s, svc, busy)}
        return [slots[t] for t in sorted(slots)]

    async def create(self, request: BookingRequest, idempotency_key: str) -> Booking:
        """Book the slot once: the same key again returns the first booking, even after a lost answer."""
        svc = self._service(request.service)
        person = self._person(request.staff, svc) if request.staff else None
        start = aware(request.start, "start").astimezone(UTC)
        if start < self._clock():
            raise InvalidRequest("that time has already passed")
        directory = await self.directory()
        link = self._link(directory, svc)
        staff_id = self._staff_id(directory, person) if person else None
        email = request.contact.email or self._placeholder(request.contact)
        key = mapping.stored_key(idempotency_key) if idempotency_key else None

        async def booked_before() -> Booking | None:
            return await self._by_key(directory, link, email, start, key) if key else None

        if (earlier := await booked_before()) is not None:
            return earlier
        body = self._booking_body(request, idempotency_key, link, start, email, staff_id)

        async def send() -> Booking:
            return self._booking(directory, await self.api.create(body))

        try:
            return await self._exactly_once(send, booked_before)
        except SlotTaken:
            # Our own earlier attempt (or a twin request with this key) may be what took it.
            if (earlier := await booked_before()) is not None:
                return earlier
            raise
        except NeedsAnswers as exc:
            raise NeedsAnswers(str(exc), self._questions(exc, svc, link, request)) from exc
        except NotAccepted as exc:
            given = f" (answers given: {', '.join(request.answers)})" if request.answers else ""
            raise NotAccepted(f"{exc}{given}") from exc

    async def get(self, booking_id: str) -> Booking:
        """One booking by Relentify id."""
        directory = await self.directory()
        return self._booking(directory, await self.api.booking(booking_id))

    async def list_for_contact(self, contact: Contact, *, include_past: bool = False) -> list[Booking]:
        """The contact's bookings, earliest first; by default only active ones that have not ended.

        Relentify cannot filter by contact, so the business's bookings are read page by page. A
        booking made in the chat carries the chat identity in its notes and belongs to that
        identity only; one made elsewhere (the booking widget) belongs to whoever has its email.
        """
        directory = await self.directory()
        now = self._clock()
        query: Json = {} if include_past else {"from": mapping.utc_iso(now - LOOKBACK)}
        found: dict[str, Booking] = {}
        for data in await self.api.bookings(query):
            if not directory.knows(data.get("booking_link_id")) or not _belongs(data, contact):
                continue
            booking = self._booking(directory, data)
            if include_past or (booking.status.active and booking.end > now):
                found[booking.id] = booking
        return sorted(found.values(), key=lambda b: (b.start, b.id))

    async def list_all(self, start: datetime | None = None, end: datetime | None = None) -> list[Booking]:
        """Every booking of the business's links starting in [start, end), by start then staff."""
        directory = await self.directory()
        query: Json = {}
        if start is not None:
            query["from"] = mapping.utc_iso(aware(start, "start"))
        if end is not None:
            query["to"] = mapping.utc_iso(aware(end, "end"))
        bookings = [self._booking(directory, d) for d in await self.api.bookings(query)
                    if directory.knows(d.get("booking_link_id"))]
        return sorted((b for b in bookings if (start is None or b.start >= start) and (end is None or b.start < end)),
                      key=lambda b: (b.start, b.staff, b.id))

    async def cancel(self, booking_id: str, reason: str | None = None) -> Booking:
        """Cancel a booking. One that is cancelled already (before we asked, or Relentify's
        `already_cancelled`: by the business meanwhile, or by our own try whose answer was lost)
        is what the customer wanted: it comes back as it is, cancelled, with its first reason."""
        before = await self.get(booking_id)
        if before.status is BookingStatus.CANCELLED:
            return before

        async def send() -> Booking:
            try:
                data = await self.api.cancel(booking_id, reason)
            except AlreadyCancelled:
                return await self.get(booking_id)
            return dataclasses.replace(before, status=BookingStatus.CANCELLED,
                                       cancel_reason=(data or {}).get("reason") or reason)

        async def cancelled_before() -> Booking | None:
            now = await self.get(booking_id)
            return now if now.status is BookingStatus.CANCELLED else None

        return await self._exactly_once(send, cancelled_before)

    async def reschedule(self, booking_id: str, new_start: datetime) -> Booking:
        """Relentify cannot move a booking; the dialogue books the new time and cancels the old one."""
        raise NotSupported("Relentify's Bookings API has no way to move a booking (book anew, then cancel)")

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self.api.aclose()

    # --- inside -------------------------------------------------------------------------------------

    def _days(self, lo: datetime, hi: datetime) -> list[date]:
        """The business's local days that [lo, hi) touches: Relentify's `date` is a day at the link."""
        first, last = self.business.local(lo).date(), self.business.local(hi - timedelta(microseconds=1)).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def _slots(self, data: Json, svc: Service, person: Staff | None) -> list[Slot]:
        slots = []
        for item in data.get("slots") or []:
            begins = mapping.parse_time(item.get("start"))
            if begins is None:
                continue
            ends = mapping.parse_time(item.get("end")) or begins + svc.duration
            slots.append(Slot(begins, ends, svc.id, person.id if person else ""))
        return slots

    async def _busy(self, directory: Directory, staff_id: str, lo: datetime, hi: datetime) -> list[tuple[datetime, datetime]]:
        """When the Relentify staff member is booked (with the booked service's buffer after), near [lo, hi)."""
        longest = max((s.duration + s.buffer_after for s in self.business.services), default=timedelta(0))
        query = {"from": mapping.utc_iso(lo - longest), "to": mapping.utc_iso(hi)}
        busy = []
        for data in await self.api.bookings(query):
            if str(data.get("staff_id") or "") != staff_id:
                continue
            booking = self._booking(directory, data)
            if booking.status.active:
                after = self._buffer(booking.service)
                busy.append((booking.start, booking.end + after))
        return busy

    def _buffer(self, service_id: str) -> timedelta:
        try:
            return self.business.service(service_id).buffer_after
        except KeyError:
            return timedelta(0)

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

    async def _by_key(self, directory: Directory, link: Link, email: str, start: datetime,
                      key: str) -> Booking | None:
        """The booking made with this idempotency key on this link at `start` for this email, if there is one."""
        query = {"booking_link_id": link.id, "from": mapping.utc_iso(start - LOOKUP_MARGIN),
                 "to": mapping.utc_iso(start + LOOKUP_MARGIN)}
        for data in await self.api.bookings(query):
            if (mapping.marker(data).get(mapping.KEY) == key and mapping.email_of(data) == email.lower()
                    and mapping.parse_time(data.get("start_time")) == start):
                return self._booking(directory, data)
        return None

    def _booking_body(self, request: BookingRequest, key: str, link: Link, start: datetime, email: str,
                      staff_id: str | None) -> Json:
        contact = request.contact
        body: Json = {"booking_link_id": link.id, "contact_name": contact.name or contact.ref, "contact_email": email,
                      "start_time": mapping.utc_iso(start), "notes": mapping.notes_for(request, key),
                      "client_timezone": self.business.timezone}
        if contact.phone:
            body["contact_phone"] = contact.phone
        if staff_id:
            body["staff_id"] = staff_id
        if request.answers:
            body["answers"] = [{"question_id": k, "answer": v} for k, v in request.answers.items()]
        return body

    def _questions(self, exc: BookingError, svc: Service, link: Link, request: BookingRequest) -> tuple[str, ...]:
        """The questions to answer: those the error names, else the link's from RELENTIFY_QUESTIONS;
        the unanswered ones first (only those, if any)."""
        asked = self.config.questions
        keys = questions_in(exc) or next(
            (tuple(asked[k]) for k in (svc.id, link.id, link.slug, self.config.links.get(svc.id)) if k and k in asked),
            ())
        return tuple(k for k in keys if k not in request.answers) or keys

    def _booking(self, directory: Directory, data: Json) -> Booking:
        try:
            return mapping.to_booking(data, directory, self.config.placeholder_email_domain)
        except (KeyError, TypeError, ValueError) as exc:
            raise BackendUnavailable(f"Relentify answered a booking that cannot be read ({exc!r})") from exc

    def _placeholder(self, contact: Contact) -> str:
        return mapping.placeholder_email(contact.ref, self.config.placeholder_email_domain)

    def _link(self, directory: Directory, svc: Service) -> Link:
        link = directory.links.get(svc.id)
        if link is None:
            mine = [p for p in directory.problems if svc.display("en") in p]
            raise BackendUnavailable(f"Relentify cannot book {svc.display('en')}: {'; '.join(mine) or 'no link'}")
        return link

    def _staff_id(self, directory: Directory, person: Staff) -> str:
        staff_id = directory.staff_ids.get(person.id)
        if staff_id is None:
            raise BackendUnavailable(f"Relentify cannot book {person.name} in particular: RELENTIFY_STAFF has no "
                                     f"Relentify staff id for them")
        return staff_id

    def _clock(self) -> datetime:
        return utc_now(self._now)

    def _service(self, service_id: str) -> Service:
        svc = known_service(self.business, service_id)
        if svc.id not in self.config.links:
            raise InvalidRequest(f"{svc.display('en')} has no Relentify booking link (RELENTIFY_LINKS)")
        return svc

    def _person(self, staff_id: str, svc: Service) -> Staff:
        return known_person(self.business, staff_id, svc)


def _belongs(data: Json, contact: Contact) -> bool:
    """Made in this chat (our line names the contact), or made elsewhere by the contact's email."""
    ref = mapping.marker(data).get(mapping.REF)
    if ref is not None:
        return ref == contact.ref
    return bool(contact.email) and mapping.email_of(data) == contact.email.lower()  # type: ignore[union-attr]


def _meets(slot: Slot, svc: Service, busy: list[tuple[datetime, datetime]]) -> bool:
    """True when the slot (with the service's buffer after it) meets any busy interval."""
    until = slot.end + svc.buffer_after
    return any(slot.start < b_until and b_start < until for b_start, b_until in busy)


