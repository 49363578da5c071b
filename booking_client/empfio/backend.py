"""The `BookingBackend` protocol on Empfio's Bookings API; new bookings go through Cal.com underneath.

Empfio lists, shows, moves (PATCH start/end) and cancels (DELETE) bookings, but has no endpoint
that makes one: its bookings are made in the business's Cal.com and reach Empfio by Cal.com's
webhook. So `create` goes through `creator` (the `calcom` backend for the same Cal.com account),
then waits briefly for Empfio to have the booking and answers with Empfio's record of it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import httpx

from ..backend import BookingBackend, Now, SlotHolds, lists_all, self_check, slot_holds
from ..business import Business, Service, Staff
from ..errors import (
    BackendUnavailable,
    BookingError,
    InvalidRequest,
    NotFound,
    NotSupported,
)
from ..http import status_of as http_status
from ..lookup import aware, known_person, known_service, utc_now
from ..types import Booking, BookingRequest, BookingStatus, Capability, Contact, Slot
from .api import EmpfioApi, utc_iso
from .config import EmpfioConfig
from .contacts import Identity, with_whatsapp_phone
from .mapping import (
    MARKS,
    REASON,
    Json,
    Names,
    from_calcom,
    parse_time,
    raw_status,
    status_of,
    to_booking,
)

log = logging.getLogger(__name__)

CALCOM = "calcom:"  # id prefix of a booking made in Cal.com that Empfio had not heard of when we answered
GETS_AT_ONCE = 8  # full records read in parallel (a list's items are its short form)

# What Empfio's API does itself, and what only the creator (Cal.com) can add.
OWN = frozenset({
    Capability.AVAILABILITY, Capability.GET, Capability.LIST_FOR_CONTACT, Capability.CANCEL,
    Capability.RESCHEDULE, Capability.LIST_ALL, Capability.OPERATOR_MARKS, Capability.SELF_CHECK,
})
THROUGH_CREATOR = frozenset({
    Capability.CREATE, Capability.IDEMPOTENT_CREATE, Capability.SLOT_HOLD, Capability.STAFF_CHOICE,
})


def declared(creator: BookingBackend | None) -> frozenset[Capability]:
    """Empfio's own capabilities, plus creating (and what comes with it) when a creator can create."""
    if creator is None or Capability.CREATE not in creator.capabilities:
        return OWN
    return OWN | (creator.capabilities & THROUGH_CREATOR)


class EmpfioBackend:
    """Empfio as the booking system: the business's Empfio bookings, and new ones made through Cal.com.

    Booking ids are Empfio's (UUIDs), stable across moves. Who a booking is with (the staff member)
    and which chat made it come from the Cal.com booking behind it when a creator can read it.
    """

    name = "empfio"

    def __init__(self, business: Business, config: EmpfioConfig, now: Now, *,
                 creator: BookingBackend | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.business = business
        self.config = config
        self.creator = creator
        self.capabilities: frozenset[Capability] = declared(creator)
        self.names = Names(business, config.event_types or _business_event_types(business))
        self.api = EmpfioApi(config, transport)
        self._now = now

    # --- setup (Capability.SELF_CHECK) ------------------------------------------------------------

    async def check(self) -> list[str]:
        """What is wrong with the settings, one line each naming the setting; empty when all is well."""
        base = self.config.api_base
        try:
            body = await self.api.page(1, size=1)
        except BackendUnavailable as exc:
            status = http_status(exc)
            if status in (401, 403):
                return [f"EMPFIO_API_TOKEN: Empfio refused the token ({status})"]
            return [f"EMPFIO_API_BASE: cannot reach Empfio at {base} ({exc})"]
        except BookingError as exc:
            return [f"EMPFIO_API_BASE: {base} does not answer like Empfio's API ({exc})"]
        if not isinstance(body.get("bookings"), list):
            return [f"EMPFIO_API_BASE: {base} answers, but not with Empfio's bookings list"]
        problems = [] if self._creates() else await self._check_slots()
        checker = self_check(self.creator) if self.creator is not None else None
        return problems + (await checker.check() if checker is not None else [])

    async def _check_slots(self) -> list[str]:
        """Without a creator, free times (for moves) come from Empfio: they must name a service."""
        today = self.business.local(self._clock()).date()
        try:
            body = await self.api.slots(today, today + timedelta(days=7))
        except BookingError as exc:
            why = f"Empfio answers but cannot list free times ({exc}); is Cal.com connected in Empfio?"
            return [f"EMPFIO_API_BASE: {why}"]
        event_type = body.get("event_type_id")
        if event_type is not None and self.names.service_of_event_type(event_type) is None:
            example = self.business.services[0].display("en")
            why = (f"Empfio's free times are for Cal.com event type {event_type}, which no service is mapped to, "
                   f"so none can be offered for a move (e.g. {example}={event_type}, or [calcom] event_types "
                   "in the business file)")
            return [f"CALCOM_EVENT_TYPES: {why}"]
        return []

    # --- the protocol ---------------------------------------------------------------------------------

    async def availability(self, start: datetime, end: datetime, service: str, staff: str | None = None) -> list[Slot]:
        """Free slots starting in [start, end), earliest first.

        With a creator they are the creator's (Cal.com's, per staff member): the slots it can book,
        from the calendar Empfio's own free times come from. Without one, Empfio's free times, which
        are for one event type and name nobody: they are the service's only if that event type maps
        to it, and a staff member's only if that person alone does the service.
        """
        if self.creator is not None and Capability.AVAILABILITY in self.creator.capabilities:
            return await self.creator.availability(start, end, service, staff)
        svc = self._service(service)
        person = self._person(staff, svc) if staff is not None else None
        lo, hi = max(aware(start, "start"), self._clock()), aware(end, "end")
        if lo >= hi:
            return []
        body = await self.api.slots(*self._days(lo, hi))
        if self.names.service_of_event_type(body.get("event_type_id")) != svc.id:
            return []  # Empfio's free times are for another service (or one we cannot name)
        doing = self.business.staff_for(svc.id)
        who = doing[0].id if len(doing) == 1 else ""  # "": whoever Cal.com assigns
        if person is not None and person.id != who:
            return []  # Empfio does not say who is free: never claim it is this person
        slots = []
        for item in body.get("slots") or []:
            begins = parse_time(item.get("start"))
            if begins is not None and lo <= begins < hi:
                slots.append(Slot(begins, parse_time(item.get("end")) or begins + svc.duration, svc.id, who))
        return sorted(slots, key=lambda s: s.start)

    async def create(self, request: BookingRequest, idempotency_key: str) -> Booking:
        """Book through the creator (Cal.com), then answer with Empfio's record of that booking.

        If Empfio has not heard of it within `sync_checks` looks, the booking (made all the same) comes
        back from Cal.com under the id `calcom:<uid>`, which `get`, `cancel` and `reschedule` understand.
        """
        if self.creator is None or not self._creates():
            raise NotSupported("Empfio's API makes no bookings, and no Cal.com account is set up to make them")
        contact = with_whatsapp_phone(request.contact)  # so Empfio files it under the customer's number
        made = await self.creator.create(replace(request, contact=contact), idempotency_key)
        synced = await self._synced(made)
        return synced if synced is not None else from_calcom(made, CALCOM)

    async def get(self, booking_id: str) -> Booking:
        """One booking by Empfio id (or `calcom:<uid>`, see `create`)."""
        if booking_id.startswith(CALCOM):
            return await self._made_in_calcom(booking_id.removeprefix(CALCOM))
        return await self._view(await self.api.booking(_empfio_id(booking_id)))

    async def list_for_contact(self, contact: Contact, *, include_past: bool = False) -> list[Booking]:
        """The contact's bookings, earliest first; by default only active ones that have not ended.

        Empfio's list cannot be asked by phone or email, so every page is read and each booking's lead
        compared: the same phone number (a WhatsApp contact's is their chat identity) or the same email.
        Never the name. The bookings found are the contact's, so they carry the contact's chat identity.
        """
        who = Identity.of(contact)
        if not who:
            return []  # nothing that proves who they are: a name alone is not enough
        now = self._clock()

        def wanted(item: Json) -> bool:
            end = parse_time(item.get("end_time"))
            return include_past or (status_of(item).active and end is not None and end > now)

        picked = {str(i["id"]): i for i in await self._all() if who.owns(i.get("lead") or {}) and wanted(i)}
        found = [b for b in await self._views(picked.values()) if include_past or (b.status.active and b.end > now)]
        mine = [replace(b, contact=replace(b.contact, ref=contact.ref)) for b in found]
        return sorted(mine, key=lambda b: (b.start, b.id))

    async def list_all(self, start: datetime | None = None, end: datetime | None = None) -> list[Booking]:
        """Every booking (any status) starting in [start, end), by start then staff (Capability.LIST_ALL)."""
        def inside(moment: datetime | None) -> bool:
            return moment is not None and (start is None or moment >= start) and (end is None or moment < end)

        items = [i for i in await self._all() if inside(parse_time(i.get("start_time")))]
        bookings = await self._views(items, await self._calcom_index(start, end))
        return sorted((b for b in bookings if inside(b.start)), key=lambda b: (b.start, b.staff, b.id))

    async def cancel(self, booking_id: str, reason: str | None = None) -> Booking:
        """Cancel (DELETE, 204; Empfio cancels in Cal.com too); the reason goes into the booking's metadata.

        A booking already cancelled is what the customer wants, not an error: it comes back as it is
        (with its first reason), whether it was cancelled before, or by our own DELETE whose answer was lost.
        A completed or no-show booking cannot be cancelled (InvalidRequest).
        """
        empfio_id = await self._resolve(booking_id)
        if empfio_id is None:  # Empfio has not heard of it yet: cancel it in Cal.com, where it is
            return from_calcom(await self._creator().cancel(booking_id.removeprefix(CALCOM), reason), CALCOM)
        data = await self.api.booking(empfio_id)
        if status_of(data) is BookingStatus.CANCELLED:
            return await self._view(data)
        _still_active(data, "cancelled")
        try:
            await self.api.cancel(empfio_id)
        except InvalidRequest:
            if status_of(await self.api.booking(empfio_id)) is not BookingStatus.CANCELLED:
                raise
        data = await self.api.booking(empfio_id)
        if reason:
            data = await self._note_reason(data, reason)
        booking = await self._view(data)
        return booking if booking.cancel_reason or not reason else replace(booking, cancel_reason=reason)

    async def reschedule(self, booking_id: str, new_start: datetime) -> Booking:
        """Move a booking (PATCH start_time and end_time, its length kept); Empfio moves it in Cal.com."""
        start = aware(new_start, "new_start").astimezone(UTC)
        empfio_id = await self._resolve(booking_id)
        if empfio_id is None:
            return from_calcom(await self._creator().reschedule(booking_id.removeprefix(CALCOM), start), CALCOM)
        data = await self.api.booking(empfio_id)
        _still_active(data, "moved")
        changes = {"start_time": utc_iso(start), "end_time": utc_iso(start + self._length(data))}

        async def send() -> Json:
            return await self.api.update(empfio_id, changes, repeatable=False) or await self.api.booking(empfio_id)

        async def moved_before() -> Json | None:
            now = await self.api.booking(empfio_id)
            return now if parse_time(now.get("start_time")) == start else None

        return await self._view(await self._exactly_once(send, moved_before))

    async def aclose(self) -> None:
        """Close the HTTP connections (the creator's too)."""
        await self.api.aclose()
        if self.creator is not None:
            await self.creator.aclose()

    # --- operator marks (Capability.OPERATOR_MARKS) --------------------------------------------------

    async def mark(self, booking_id: str, status: BookingStatus) -> Booking:
        """Mark a booking completed or no_show (PATCH status)."""
        value = MARKS.get(status)
        if value is None:
            raise InvalidRequest(f"a booking can be marked completed or no_show, not {status.value}")
        empfio_id = await self._resolve(booking_id)
        if empfio_id is None:
            raise InvalidRequest("Empfio has not heard of this booking yet; try again in a moment")
        data = await self.api.update(empfio_id, {"status": value}, repeatable=True)
        return await self._view(data or await self.api.booking(empfio_id))

    # --- slot holds, through the creator (Capability.SLOT_HOLD when it has them) ---------------------

    async def hold(self, slot: Slot) -> str:
        """Hold the slot in Cal.com, which Empfio's free times come from too."""
        return await self._holds().hold(slot)

    async def release(self, hold_id: str) -> None:
        await self._holds().release(hold_id)

    # --- inside -----------------------------------------------------------------------------------------

    def _creates(self) -> bool:
        return Capability.CREATE in self.capabilities

    def _creator(self) -> BookingBackend:
        if self.creator is None:
            raise NotFound("no such Empfio booking")
        return self.creator

    def _holds(self) -> SlotHolds:
        holds = slot_holds(self.creator) if self.creator is not None and Capability.SLOT_HOLD in self.capabilities else None
        if holds is None:
            raise NotSupported("Empfio holds no slots (and no Cal.com account that could is set up)")
        return holds

    async def _all(self) -> list[Json]:
        """Every booking's list item, page after page to the last."""
        return [item async for items in self.api.pages() for item in items]

    async def _synced(self, made: Booking) -> Booking | None:
        """Empfio's record of a booking just made in Cal.com, once Empfio has it (None if it never came)."""
        try:
            for look in range(max(1, self.config.sync_checks)):
                if look:
                    await self.config.retry.sleep(self.config.sync_interval)
                data = await self._by_calcom_uid(made.id, made.start)
                if data is not None:
                    return to_booking(data, self.names, made)
        except BookingError as exc:  # the booking is made; Empfio will have it later
            log.warning("empfio: could not look up booking %s after making it (%s)", made.id, type(exc).__name__)
            return None
        log.warning("empfio: booking %s made in Cal.com has not reached Empfio yet", made.id)
        return None

    async def _by_calcom_uid(self, uid: str, start: datetime) -> Json | None:
        """The full Empfio record of a Cal.com booking, page by page until found. The list's short items
        carry no Cal.com ids, so only those starting when it starts are read in full."""
        async for items in self.api.pages():
            for item in items:
                if "calcom_booking_uid" in item and item["calcom_booking_uid"] != uid:
                    continue
                if "calcom_booking_uid" not in item and parse_time(item.get("start_time")) != start:
                    continue
                data = item if "metadata" in item else await self.api.booking(str(item["id"]))
                if data.get("calcom_booking_uid") == uid:
                    return data
        return None

    async def _made_in_calcom(self, uid: str) -> Booking:
        """A `calcom:<uid>` booking: Empfio's record if it has one by now, else Cal.com's."""
        made = await self._creator().get(uid)
        data = await self._by_calcom_uid(made.id, made.start)
        return to_booking(data, self.names, made) if data is not None else from_calcom(made, CALCOM)

    async def _resolve(self, booking_id: str) -> str | None:
        """The Empfio id of a booking; None for one made in Cal.com that Empfio has not heard of yet."""
        if not booking_id.startswith(CALCOM):
            return _empfio_id(booking_id)
        return (await self._made_in_calcom(booking_id.removeprefix(CALCOM))).extra.get("empfio_id")

    async def _view(self, data: Json) -> Booking:
        """One full record as a `Booking`, with the Cal.com booking behind it where the creator can read it."""
        return to_booking(data, self.names, await self._calcom(data.get("calcom_booking_uid")))

    async def _views(self, items: Iterable[Json], calcom: Mapping[str, Booking] | None = None) -> list[Booking]:
        """List items as `Booking`s: the full record read where the item is the short form; the Cal.com
        booking from `calcom` when given (one listing for many), else read one by one."""
        limit = asyncio.Semaphore(GETS_AT_ONCE)

        async def one(item: Json) -> Booking | None:
            async with limit:
                try:
                    data = item if "metadata" in item else await self.api.booking(str(item["id"]))
                except NotFound:
                    return None  # gone between the list and now
                if calcom is not None:
                    return to_booking(data, self.names, calcom.get(str(data.get("calcom_booking_uid"))))
                return await self._view(data)

        return [b for b in await asyncio.gather(*(one(i) for i in items)) if b is not None]

    async def _calcom(self, uid: object) -> Booking | None:
        if self.creator is None or not uid:
            return None
        try:
            return await self.creator.get(str(uid))
        except BookingError as exc:  # Empfio's record alone is still the booking
            log.info("empfio: Cal.com booking %s not read (%s)", uid, type(exc).__name__)
            return None

    async def _calcom_index(self, start: datetime | None, end: datetime | None) -> dict[str, Booking]:
        """The creator's bookings in the range by uid, read in one listing (nothing without a creator that lists)."""
        listing = lists_all(self.creator) if self.creator is not None else None
        if listing is None:
            return {}
        try:
            return {b.id: b for b in await listing.list_all(start, end)}
        except BookingError as exc:
            log.info("empfio: Cal.com bookings not listed (%s)", type(exc).__name__)
            return {}

    async def _note_reason(self, data: Json, reason: str) -> Json:
        """Keep the cancellation reason in the booking's metadata (DELETE takes none); merged, since a
        PATCH may replace the metadata whole."""
        metadata = {**(data.get("metadata") or {}), REASON: reason[:500]}
        try:
            return await self.api.update(str(data["id"]), {"metadata": metadata}, repeatable=True) or data
        except BookingError as exc:  # the booking is cancelled all the same
            log.warning("empfio: cancellation reason not kept for %s (%s)", data["id"], type(exc).__name__)
            return data

    async def _exactly_once(self, send: Callable[[], Awaitable[Json]],
                            settled: Callable[[], Awaitable[Json | None]]) -> Json:
        """Send a write that must not happen twice. After a failure that may hide a success (a
        timeout, a dropped connection, a 5xx), look first, and send again only if it did not happen."""
        async for attempt in self.api.http.retrying():
            with attempt:
                if attempt.retry_state.attempt_number > 1 and (done := await settled()) is not None:
                    return done
                return await send()
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    def _length(self, data: Json) -> timedelta:
        """How long the booking lasts: as booked, else its service's duration."""
        begins, ends = parse_time(data.get("start_time")), parse_time(data.get("end_time"))
        if begins is not None and ends is not None and ends > begins:
            return ends - begins
        service = self.names.service(data)
        return self.business.service(service).duration if self.names.is_service(service) else timedelta(minutes=30)

    def _days(self, lo: datetime, hi: datetime) -> tuple[date, date]:
        """The days to ask Empfio for, wide enough whether it reads them in the business's zone or in UTC."""
        tz = self.business.tz
        return (min(lo.astimezone(tz).date(), lo.astimezone(UTC).date()),
                max(hi.astimezone(tz).date(), hi.astimezone(UTC).date()))

    def _clock(self) -> datetime:
        return utc_now(self._now)

    def _service(self, service_id: str) -> Service:
        return known_service(self.business, service_id)

    def _person(self, staff_id: str, svc: Service) -> Staff:
        return known_person(self.business, staff_id, svc)


def _empfio_id(booking_id: str) -> str:
    """Empfio's booking ids are UUIDs: anything else names no booking (and would only get a 422)."""
    try:
        return str(uuid.UUID(booking_id))
    except (ValueError, AttributeError, TypeError):
        raise NotFound(f"Empfio has no booking {booking_id!r}") from None


def _still_active(data: Json, doing: str) -> None:
    """InvalidRequest for a booking that no longer holds its time (cancelled, completed, no-show)."""
    status = status_of(data)
    if status is BookingStatus.CANCELLED:
        raise InvalidRequest(f"booking {data.get('id')} is already cancelled")
    if not status.active:
        raise InvalidRequest(f"booking {data.get('id')} is {raw_status(data)} and can no longer be {doing}")


def _business_event_types(business: Business) -> dict[str, int]:
    """The business file's `[calcom] event_types` (keys: service ids or names), by service id."""
    found = {}
    for key, event_type in business.calcom.event_types.items():
        wanted = key.casefold()
        for svc in business.services:
            if wanted in {svc.id.casefold(), *(n.casefold() for n in svc.name.values())}:
                found[svc.id] = int(event_type)
    return found


