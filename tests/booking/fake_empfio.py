"""A fake Empfio Bookings API on 127.0.0.1 that keeps state and holds every request to Empfio's Bookings API page.

Written from that page (list with page/size/lead_id/status, get, available-slots, PATCH, DELETE; Bearer
auth) and from what Empfio is: a FastAPI backend, so errors are `{"detail": "..."}` and a request that
fails validation is a 422 with `{"detail": [{"type", "loc", "msg", "input"}]}`. What the page leaves open
the fake decides strictly, and says so where it does:

- list items are the short form the page shows (no metadata, no Cal.com ids, no updated_at); `GET
  /bookings/{id}` has the full record. Newest first (by created_at).
- a PATCH accepts only the updatable fields; its `metadata` replaces the old one whole; moving or
  un-cancelling a cancelled (completed, no-show) booking is a 400; a time not free is a 409.
- DELETE of a booking already cancelled is a 400 "Booking is already cancelled".
- a booking id that is no UUID is FastAPI's 422 (and a violation: a client should not send one).
- a Cal.com booking waiting for the host shows as "pending" (the page's status list has no word for it).

There is no create endpoint: Empfio's bookings are made in Cal.com. `attach(fake_calcom)` connects the
fake to a `FakeCalcom` the way Empfio is connected to the business's Cal.com account: before every
request the fake mirrors Cal.com's bookings (new ones with a lead found by email or phone, or a new
"web" lead; cancellations; moves, which keep the Empfio id and follow the new uid), as Empfio's Cal.com
webhook would; its free times are Cal.com's for one event type; and its own PATCH moves and cancels
reach Cal.com. `sync_paused` stands for a webhook that has not arrived yet.

Faults: `down` (the next n requests answer 503), `rate_limited` (429 with Retry-After), `drop_patch`
and `drop_delete` (the change is made, then the connection closes unanswered). `violations` lists
requests the page does not allow; fixtures call `assert_clean()` at teardown. `requests` logs them all.

    fake = FakeEmpfio(business, now=clock)
    fake.attach(fake_calcom)               # optional: bookings made in Cal.com appear here
    base_url = await fake.start()          # http://127.0.0.1:<port>; the adapter appends /api/v1/...
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiohttp import web
from fake_calcom import FakeCalcom, SlotUnavailable, event_type_ids, serve_on_loopback
from multidict import CIMultiDict, MultiDict

from booking_client import Business
from booking_client.local.schedule import (
    bookable_range,
    days_between,
    rule_violation,
    windows,
)

PREFIX = "/api/v1/bookings"
STATUSES = ("confirmed", "cancelled", "rescheduled", "no_show", "completed")  # the page's list
SHOWN = STATUSES + ("pending",)  # and the one a Cal.com booking awaiting the host is mirrored as
UPDATABLE = frozenset({"status", "start_time", "end_time", "meeting_url", "metadata"})
LIST_PARAMS = frozenset({"page", "size", "lead_id", "status"})
SLOT_PARAMS = frozenset({"start_date", "end_date"})
ENDED = ("cancelled", "completed", "no_show")  # no longer holds its time
MAX_SIZE = 100


# The state ----------------------------------------------------------------------------------------------


@dataclass
class Lead:
    """A customer Empfio knows, from any channel."""

    id: str
    name: str
    email: str | None
    phone: str | None
    channel: str  # whatsapp, telegram, web, email, voice
    status: str = "booked"

    def brief(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "email": self.email, "phone": self.phone,
                "channel": self.channel, "status": self.status}


@dataclass
class Booking:
    """One Empfio booking; Cal.com's ids when it was made there."""

    id: str
    lead: Lead
    start: datetime
    end: datetime
    status: str
    created_at: datetime
    updated_at: datetime
    calcom_booking_id: int | None = None
    calcom_booking_uid: str | None = None
    event_type_id: int | None = None
    meeting_url: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.status not in ENDED

    def brief(self) -> dict[str, Any]:
        """The list's item, as the page's example shows it."""
        return {"id": self.id, "lead_id": self.lead.id, "start_time": _iso(self.start), "end_time": _iso(self.end),
                "status": self.status, "meeting_url": self.meeting_url, "created_at": _iso(self.created_at),
                "lead": self.lead.brief()}

    def full(self) -> dict[str, Any]:
        """The full record: lead details, metadata, Cal.com ids."""
        return {**self.brief(), "calcom_booking_id": self.calcom_booking_id,
                "calcom_booking_uid": self.calcom_booking_uid, "event_type_id": self.event_type_id,
                "metadata": dict(self.metadata), "updated_at": _iso(self.updated_at)}


@dataclass
class Recorded:
    """One request the fake received, as sent."""

    method: str
    path: str
    query: MultiDict[str]
    headers: CIMultiDict[str]
    json: Any
    status: int | None = None  # None: the connection was closed without an answer


class _Refused(Exception):
    """An error answer: `detail` is a message, or FastAPI's list of validation problems."""

    def __init__(self, status: int, detail: Any, violation: str | None = None) -> None:
        super().__init__(str(detail))
        self.status, self.detail, self.violation = status, detail, violation


def _invalid(where: list[str], kind: str, message: str, given: Any) -> _Refused:
    """FastAPI's 422, and a violation: the page says what is allowed, and this is not."""
    problem = {"type": kind, "loc": where, "msg": message, "input": given}
    return _Refused(422, [problem], f"{'.'.join(where)}: {message} (got {given!r})")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _instant(value: Any, where: list[str]) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise _invalid(where, "datetime_from_date_parsing", "Input should be a valid datetime", value) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _uuid(value: str, where: list[str]) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise _invalid(where, "uuid_parsing", "Input should be a valid UUID", value) from None


def _int(value: str, where: list[str], low: int, high: int | None = None) -> int:
    if not re.fullmatch(r"-?\d+", value):
        raise _invalid(where, "int_parsing", "Input should be a valid integer", value)
    number = int(value)
    if number < low or (high is not None and number > high):
        bound = f"greater than or equal to {low}" if number < low else f"less than or equal to {high}"
        raise _invalid(where, "greater_than_equal" if number < low else "less_than_equal", f"Input should be {bound}",
                       value)
    return number


# The fake -----------------------------------------------------------------------------------------------


class FakeEmpfio:
    """Empfio's Bookings API for one business, on 127.0.0.1. See the module docstring for the tour."""

    def __init__(self, business: Business, *, now: Callable[[], datetime],
                 token: str = "empfio_test_token_0123456789", slots_service: str | None = None) -> None:
        self.business = business
        self.token = token
        self.base = ""
        self._now = now
        # Empfio offers free times for one Cal.com event type: the team one of this service.
        self.slots_service = slots_service or business.services[0].id
        self.slots_event_type = event_type_ids(business)[self.slots_service]
        self.calcom: FakeCalcom | None = None

        # Faults and switches the tests set.
        self.down = 0
        self.rate_limited = 0
        self.drop_patch = 0
        self.drop_delete = 0
        self.sync_paused = False

        # What happened.
        self.requests: list[Recorded] = []
        self.violations: list[str] = []

        self.leads: dict[str, Lead] = {}
        self.bookings: dict[str, Booking] = {}
        self._by_uid: dict[str, Booking] = {}  # Cal.com uid (current or former) -> Empfio booking
        self._runner: web.AppRunner | None = None

    # --- lifecycle ------------------------------------------------------------------------------------

    def attach(self, calcom: FakeCalcom) -> None:
        """Connect to the business's (fake) Cal.com, as Empfio is (see the module docstring)."""
        self.calcom = calcom

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner, self.base = await serve_on_loopback(app, port)
        return self.base

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def assert_clean(self) -> None:
        if self.violations:
            raise AssertionError("requests to the fake Empfio broke its Bookings API:\n  " + "\n  ".join(self.violations))

    # --- the business side: what the tests set up and look at -----------------------------------------

    @property
    def now(self) -> datetime:
        return self._now().astimezone(UTC)

    def add_lead(self, name: str, *, email: str | None = None, phone: str | None = None,
                 channel: str = "whatsapp") -> Lead:
        """A customer Empfio's own agent talked to."""
        lead = Lead(str(uuid.uuid4()), name, email, phone, channel)
        self.leads[lead.id] = lead
        return lead

    def add_booking(self, lead: Lead, start: datetime, *, minutes: int = 30, status: str = "confirmed",
                    metadata: dict[str, Any] | None = None, event_type_id: int | None = None,
                    created_at: datetime | None = None) -> Booking:
        """A booking Empfio holds without Cal.com behind it (made before it was connected, or by hand)."""
        start = start.astimezone(UTC)
        when = created_at or self.now
        booking = Booking(str(uuid.uuid4()), lead, start, start + timedelta(minutes=minutes), status, when, when,
                          event_type_id=event_type_id, metadata=dict(metadata or {}))
        self.bookings[booking.id] = booking
        return booking

    def sync(self) -> None:
        """Mirror Cal.com's bookings now (done before every request unless `sync_paused`)."""
        if self.calcom is None:
            return
        for made in sorted(self.calcom.bookings.values(), key=lambda b: b.id):
            mine = self._by_uid.get(made.uid)
            if mine is None:
                before = self._by_uid.get(made.rescheduled_from or "")
                if before is not None and before.calcom_booking_uid == made.rescheduled_from:
                    self._follow(before, made)  # moved in Cal.com: the Empfio booking follows its new uid
                elif not (made.status in ("cancelled", "rejected") and made.rescheduled_to):
                    self._mirror(made)  # new (one superseded before Empfio saw it is skipped)
            elif mine.calcom_booking_uid == made.uid:
                self._refresh(mine, made)

    def sent(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        return [r for r in self.requests if (method is None or r.method == method)
                and (path is None or r.path == path)]

    # --- mirroring Cal.com ------------------------------------------------------------------------------

    def _mirror(self, made: Any) -> Booking:
        assert self.calcom is not None
        event_type = self.calcom.event_types[made.event_type_id]
        lead = self._lead_for(made.attendee)
        booking = Booking(str(uuid.uuid4()), lead, made.start, made.end, self._status(made, None), self.now, self.now,
                          calcom_booking_id=made.id, calcom_booking_uid=made.uid, event_type_id=made.event_type_id,
                          metadata={"service": event_type.title, "source": "calcom"})
        self.bookings[booking.id] = booking
        self._by_uid[made.uid] = booking
        return booking

    def _follow(self, booking: Booking, made: Any) -> None:
        booking.calcom_booking_id, booking.calcom_booking_uid = made.id, made.uid
        booking.event_type_id = made.event_type_id
        booking.start, booking.end, booking.updated_at = made.start, made.end, self.now
        booking.status = "pending" if made.status == "pending" else "rescheduled"
        self._by_uid[made.uid] = booking

    def _refresh(self, booking: Booking, made: Any) -> None:
        status = self._status(made, booking)
        if (booking.start, booking.end, booking.status) != (made.start, made.end, status):
            booking.start, booking.end, booking.status, booking.updated_at = made.start, made.end, status, self.now

    @staticmethod
    def _status(made: Any, booking: Booking | None) -> str:
        if made.status in ("cancelled", "rejected"):
            return "cancelled"
        if made.status == "pending":
            return "pending"
        if booking is not None and booking.status not in ("pending", "cancelled"):
            return booking.status  # confirmed, rescheduled, or marked completed / no-show in Empfio
        return "rescheduled" if made.rescheduled_from else "confirmed"

    def _lead_for(self, attendee: Any) -> Lead:
        """Empfio's lead for a Cal.com attendee: the one with that email or phone, else a new web lead."""
        email = (attendee.email or "").lower()
        for lead in self.leads.values():
            if (email and (lead.email or "").lower() == email) or (attendee.phone and lead.phone == attendee.phone):
                return lead
        lead = Lead(str(uuid.uuid4()), attendee.name, attendee.email or None, attendee.phone, "web")
        self.leads[lead.id] = lead
        return lead

    # --- HTTP: the gate every request passes ----------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        recorded = Recorded(request.method, request.path, MultiDict(request.query), CIMultiDict(request.headers), body)
        self.requests.append(recorded)
        try:
            response = await self._answer(request, raw, body)
        except _Refused as refused:
            if refused.violation:
                self.violations.append(f"{request.method} {request.path_qs}: {refused.violation}")
            response = web.json_response({"detail": refused.detail}, status=refused.status)
        dropped = request.transport is None or request.transport.is_closing()
        recorded.status = None if dropped else response.status
        return response

    async def _answer(self, request: web.Request, raw: bytes, body: Any) -> web.StreamResponse:
        if self.down > 0:
            self.down -= 1
            raise _Refused(503, "Service Unavailable")
        if self.rate_limited > 0:
            self.rate_limited -= 1
            return web.json_response({"detail": "Too many requests"}, status=429, headers={"Retry-After": "1"})
        handler, booking_id = self._route(request.method, request.path)
        auth = request.headers.get("Authorization")
        if auth is None:
            raise _Refused(401, "Not authenticated")
        if auth != f"Bearer {self.token}":
            raise _Refused(401, "Could not validate credentials")
        if self.calcom is not None and not self.sync_paused:
            self.sync()
        return await handler(request, booking_id, raw, body)

    def _route(self, method: str, path: str) -> tuple[Callable[..., Any], str | None]:
        """The handler for a documented request; 404/405 (and a violation) for anything else."""
        if path == PREFIX:
            routes = {"GET": self._list}
            found = None
        elif path == f"{PREFIX}/available-slots":
            routes = {"GET": self._slots}
            found = None
        elif path.startswith(PREFIX + "/") and path.count("/") == 4:
            routes = {"GET": self._get, "PATCH": self._patch, "DELETE": self._delete}
            found = path.rsplit("/", 1)[1]
        else:
            raise _Refused(404, "Not Found", "no such endpoint on the Bookings API")
        if method not in routes:
            why = "Empfio's API creates no bookings (they are made in Cal.com)" if method == "POST" else "not allowed"
            raise _Refused(405, "Method Not Allowed", f"{method} {why}")
        return routes[method], found

    # --- HTTP: the operations -------------------------------------------------------------------------

    async def _list(self, request: web.Request, _: None, raw: bytes, body: Any) -> web.Response:
        q = request.query
        self._only(q, LIST_PARAMS)
        page = _int(q.get("page", "1"), ["query", "page"], 1)
        size = _int(q.get("size", "20"), ["query", "size"], 1, MAX_SIZE)
        found = sorted(self.bookings.values(), key=lambda b: (b.created_at, b.id), reverse=True)
        if "lead_id" in q:
            lead_id = _uuid(q["lead_id"], ["query", "lead_id"])
            found = [b for b in found if b.lead.id == lead_id]
        if "status" in q:
            if q["status"] not in SHOWN:
                raise _invalid(["query", "status"], "enum", f"Input should be one of {', '.join(SHOWN)}", q["status"])
            found = [b for b in found if b.status == q["status"]]
        items = found[(page - 1) * size: page * size]
        return web.json_response({"bookings": [b.brief() for b in items], "total": len(found), "page": page,
                                  "size": size})

    async def _slots(self, request: web.Request, _: None, raw: bytes, body: Any) -> web.Response:
        q = request.query
        self._only(q, SLOT_PARAMS)
        days = []
        for name in ("start_date", "end_date"):
            if name not in q:
                raise _invalid(["query", name], "missing", "Field required", None)
            try:
                days.append(date.fromisoformat(q[name]))
            except ValueError:
                raise _invalid(["query", name], "date_from_datetime_parsing", "Input should be a valid date "
                               "(YYYY-MM-DD)", q[name]) from None
        first, last = days
        if last < first:
            raise _Refused(400, "end_date must not be before start_date")
        slots = [{"start": _iso(s), "end": _iso(e)} for s, e in self._free(first, last)]
        return web.json_response({"slots": slots, "start_date": first.isoformat(), "end_date": last.isoformat(),
                                  "event_type_id": self.slots_event_type})

    async def _get(self, request: web.Request, booking_id: str, raw: bytes, body: Any) -> web.Response:
        return web.json_response(self._booking(booking_id).full())

    async def _patch(self, request: web.Request, booking_id: str, raw: bytes, body: Any) -> web.StreamResponse:
        booking = self._booking(booking_id)
        if request.content_type != "application/json" or not isinstance(body, dict):
            raise _invalid(["body"], "model_attributes_type", "Input should be a valid JSON object", body)
        extra = sorted(set(body) - UPDATABLE)
        if extra:
            raise _invalid(["body", extra[0]], "extra_forbidden", "Extra inputs are not permitted (not updatable)",
                           body[extra[0]])
        if "status" in body and body["status"] not in STATUSES:
            raise _invalid(["body", "status"], "enum", f"Input should be one of {', '.join(STATUSES)}", body["status"])
        if "metadata" in body and not isinstance(body["metadata"], dict):
            raise _invalid(["body", "metadata"], "dict_type", "Input should be a valid dictionary", body["metadata"])
        if "start_time" in body or "end_time" in body:
            start = _instant(body["start_time"], ["body", "start_time"]) if "start_time" in body else booking.start
            end = (_instant(body["end_time"], ["body", "end_time"]) if "end_time" in body
                   else start + (booking.end - booking.start))
            if end <= start:
                raise _invalid(["body", "end_time"], "value_error", "end_time must be after start_time", body["end_time"])
            if (start, end) != (booking.start, booking.end):
                await self._move(booking, start, end)
        if "status" in body and body["status"] != booking.status:
            await self._set_status(booking, body["status"])
        if "metadata" in body:
            booking.metadata = dict(body["metadata"])  # replaced whole
        if "meeting_url" in body:
            booking.meeting_url = body["meeting_url"]
        booking.updated_at = self.now
        if self.drop_patch > 0:
            self.drop_patch -= 1
            return self._drop(request)
        return web.json_response(booking.full())

    async def _delete(self, request: web.Request, booking_id: str, raw: bytes, body: Any) -> web.StreamResponse:
        booking = self._booking(booking_id)
        if booking.status == "cancelled":
            raise _Refused(400, "Booking is already cancelled")
        await self._set_status(booking, "cancelled")
        if self.drop_delete > 0:
            self.drop_delete -= 1
            return self._drop(request)
        return web.Response(status=204)

    # --- the booking rules ------------------------------------------------------------------------------

    def _booking(self, booking_id: str) -> Booking:
        found = self.bookings.get(_uuid(booking_id, ["path", "booking_id"]))
        if found is None:
            raise _Refused(404, "Booking not found")
        return found

    async def _move(self, booking: Booking, start: datetime, end: datetime) -> None:
        if not booking.active:
            raise _Refused(400, f"Cannot reschedule a booking that is {booking.status}")
        if start < self.now:
            raise _Refused(400, "Cannot move a booking into the past")
        if self.calcom is not None and booking.calcom_booking_uid:
            try:
                await self.calcom.reschedule_in_calcom(booking.calcom_booking_uid, start)
            except SlotUnavailable:
                raise _Refused(409, "The requested time slot is not available") from None
            self._follow(booking, self.calcom.bookings[self.calcom.bookings[booking.calcom_booking_uid].rescheduled_to])
            return
        if start not in {s for s, _ in self._free(self.business.local(start).date(), self.business.local(start).date(),
                                                  ignore=booking)}:
            raise _Refused(409, "The requested time slot is not available")
        booking.start, booking.end, booking.status = start, end, "rescheduled"

    async def _set_status(self, booking: Booking, status: str) -> None:
        if booking.status == "cancelled":
            raise _Refused(400, "Cannot change a cancelled booking")
        if status == "cancelled":  # the cancellation flow: Cal.com first
            if self.calcom is not None and booking.calcom_booking_uid:
                made = self.calcom.bookings.get(booking.calcom_booking_uid)
                if made is not None and made.status not in ("cancelled", "rejected"):
                    if made.end <= self.now:
                        raise _Refused(400, "Cannot cancel a booking that has already ended")
                    await self.calcom.cancel_in_calcom(made.uid)
        elif status in ("rescheduled", "confirmed") and not booking.active:
            raise _Refused(400, f"Cannot change a booking that is {booking.status}")
        booking.status, booking.updated_at = status, self.now

    def _free(self, first: date, last: date, ignore: Booking | None = None) -> list[tuple[datetime, datetime]]:
        """Free times on the local days [first, last]: Cal.com's when attached, else from the business file
        (a start is free while fewer bookings overlap it than staff members could take it)."""
        lo = datetime.combine(first, datetime.min.time(), tzinfo=self.business.tz)
        hi = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=self.business.tz)
        service = self.business.service(self.slots_service)
        if self.calcom is not None:
            starts = self.calcom.free_starts(self.slots_event_type, lo, hi - timedelta(seconds=1))
            return [(s, s + service.duration) for s in starts if s < hi]
        earliest, latest = bookable_range(self.business, self.now)
        found = []
        for day in days_between(self.business, lo, hi - timedelta(seconds=1)):
            starts: dict[datetime, int] = {}
            for person in self.business.staff_for(service.id):
                for window in windows(self.business, person, day):
                    moment = window.start
                    while moment + service.duration <= window.end:
                        if rule_violation(self.business, service, person, moment, self.now) is None:
                            starts[moment] = starts.get(moment, 0) + 1
                        moment += self.business.slot_step
            for moment, people in sorted(starts.items()):
                until = moment + service.duration + service.buffer_after
                busy = sum(1 for b in self.bookings.values()
                           if b.active and b is not ignore and b.start < until and moment < b.end)
                if busy < people and earliest <= moment <= latest:
                    found.append((moment, moment + service.duration))
        return found

    def _only(self, query: Any, allowed: frozenset[str]) -> None:
        unknown = sorted(set(query) - allowed)
        if unknown:  # FastAPI ignores them, so a client relying on one is quietly wrong
            self.violations.append(f"query parameter(s) {', '.join(unknown)}: not on the Bookings API page")

    @staticmethod
    def _drop(request: web.Request) -> web.Response:
        """The change is made; the answer never arrives."""
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=204)
