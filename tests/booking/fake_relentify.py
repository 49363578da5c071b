"""A fake Relentify Bookings API (`/api/v1`) on 127.0.0.1 that keeps state and holds every request to the
API's help page (help.relentify.com/api/bookings-api, kept as /work/shared/seeds/002_*.txt). There is no
OpenAPI document; what the page leaves open is taken from Relentify's other v1 APIs and written down here.

The page, as the fake enforces it:
- `Authorization: Bearer <key>` on every request; `bookings:read` for listing, fetching and availability,
  `bookings:write` for creating and cancelling. No header: 401 `missing_api_key`; an unknown key: 401
  `invalid_api_key`; a key without the scope: 403 `bookings_read_denied` / `bookings_write_denied`.
- `GET /api/v1/availability?booking_link_id|slug&date=YYYY-MM-DD`: one day (the link's own, in the
  business's time zone) on one link -> `{data: {booking_link_id, slug, date, slots: [{start, end}]}}`.
- `POST /api/v1/bookings`: `booking_link_id` or `slug`; `contact_name`, `contact_email`, `start_time`
  required; optional `contact_phone`, `notes`, `service_id`, `staff_id`, `client_timezone`, `answers`
  (`[{question_id, answer}]`) -> 201 `{data: booking}`. Errors `booking_link_not_found` 404, `missing_field`
  400, `slot_taken` 409, `routing_rejected` 403, `validation_failed` 400.
- `GET /api/v1/bookings` (`booking_link_id`, `status`, `from`/`to` on start_time, `page`, `limit` <= 100)
  -> `{data: [...], pagination: {page, limit, total, hasMore}}`; `GET /api/v1/bookings/:id` adds the link's
  `link_title` and `duration_minutes`.
- `PATCH /api/v1/bookings/:id/cancel` `{reason?}` -> `{data: {id, status: "cancelled", reason}}`; errors
  `not_found` 404, `already_cancelled` 409.

Chosen where the page is silent (Relentify's v1 conventions): errors are `{"error": {"code", "message",
"status"}}`; a booking is `{id, booking_link_id, service_id, staff_id, contact_name, contact_email,
contact_phone, start_time, end_time, status, notes, client_timezone, answers, cancel_reason, created_at,
updated_at}`; lists are newest first; a start that is not an open slot is `slot_taken`; a `staff_id` books
that person (`slot_taken` when they are busy), none lets round robin pick the least booked free one; 429 has
`Retry-After` and `X-RateLimit-*`. Anything the page does not allow (an unknown path, parameter or field, a
wrong type, a missing required field, `limit` over 100, no Authorization) lands in `fake.violations`
(unknown fields are otherwise ignored, as Relentify does); fixtures call `fake.assert_clean()` at teardown.

Seeded from the business file: one round-robin link per service (`LINK_IDS`, slugs `SLUGS`) whose staff are
those who offer it (`STAFF_IDS`). The coloring link asks a required qualification question (`PATCH_TEST`),
and its routing rule turns away anyone who answers "no". Faults: `down`, `rate_limited`, `slot_taken_next`,
`drop_create_response`, `drop_cancel_response`, `cancelled_meanwhile`. The business side:
`book_in_relentify` (the booking widget) and `cancel_in_relentify` (the dashboard).
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web
from fake_calcom import serve_on_loopback
from multidict import CIMultiDict, MultiDict

from booking_client import Business, Service, Staff, load_business
from booking_client.local.schedule import windows

READ, WRITE = "bookings:read", "bookings:write"
API_KEY = "rly_" + "7e1f" * 16
PAGE_DEFAULT, PAGE_MAX = 50, 100
PATCH_TEST = "q_patch_test"  # the coloring link's question: "Have you had a patch test in the last 6 months?"
MSG_TAKEN = "Race-condition guard — another booking grabbed the slot"
MSG_UNANSWERED = "A required qualification question was unanswered"
MSG_ROUTING = "Conditional routing rule rejected the answers"
BOOKING_FIELDS = frozenset({"booking_link_id", "slug", "contact_name", "contact_email", "start_time", "contact_phone",
                            "notes", "service_id", "staff_id", "client_timezone", "answers"})
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def link_ids(business: Business) -> dict[str, str]:
    """Link id per service: `link_<service id>`."""
    return {s.id: f"link_{s.id}" for s in business.services}


def slugs(business: Business) -> dict[str, str]:
    """Link slug per service: `<service id>-<minutes>min`."""
    return {s.id: f"{s.id}-{s.duration_minutes}min" for s in business.services}


def staff_ids(business: Business) -> dict[str, str]:
    """Relentify staff id per staff member: `staff_<id>`."""
    return {p.id: f"staff_{p.id}" for p in business.staff}


_DEMO = load_business()
LINK_IDS, SLUGS, STAFF_IDS = link_ids(_DEMO), slugs(_DEMO), staff_ids(_DEMO)
QUESTIONS = {"coloring": [PATCH_TEST]}  # what RELENTIFY_QUESTIONS says of the demo's links


# The state ------------------------------------------------------------------------------------------------


@dataclass
class Question:
    """A qualification question of a link, and the answers its routing rule turns away."""

    id: str
    text: str
    required: bool = True
    rejects: frozenset[str] = frozenset()


@dataclass
class Link:
    """A booking link: one service, a round-robin pool of staff, its questions."""

    id: str
    slug: str
    title: str
    service: Service
    staff: list[str]  # Relentify staff ids
    questions: list[Question] = field(default_factory=list)


@dataclass
class Booking:
    """One booking as Relentify stores it."""

    id: str
    link_id: str
    staff_id: str
    start: datetime
    end: datetime
    contact_name: str
    contact_email: str
    created_at: datetime
    status: str = "confirmed"  # confirmed | cancelled | no_show
    contact_phone: str | None = None
    notes: str | None = None
    service_id: str | None = None
    client_timezone: str | None = None
    answers: list[dict[str, str]] = field(default_factory=list)
    cancel_reason: str | None = None
    updated_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.status == "confirmed"


@dataclass
class Recorded:
    """One request the fake received, as sent."""

    method: str
    path: str
    query: MultiDict[str]
    headers: CIMultiDict[str]
    json: Any
    status: int | None = None  # None: the connection was closed without an answer


class _ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class _Dropped(Exception):
    """The work is done; the connection closes before the answer."""


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# The fake --------------------------------------------------------------------------------------------------


class FakeRelentify:
    """Relentify's Bookings API for one business, on 127.0.0.1. See the module docstring for the tour."""

    def __init__(self, business: Business, *, now: Callable[[], datetime], api_key: str = API_KEY) -> None:
        self.business = business
        self.api_key = api_key
        self.keys: dict[str, set[str]] = {api_key: {READ, WRITE}}
        self.base = ""
        self._now = now

        # Faults the tests set.
        self.down = 0  # the next n requests get 503
        self.rate_limited = 0  # the next n requests get 429
        self.retry_after = 60  # seconds a 429 asks to wait
        self.slot_taken_next = 0  # the next n creates lose a race: someone else books the slot first
        self.drop_create_response = 0  # the next n creates book, then the connection closes unanswered
        self.drop_cancel_response = 0  # the next n cancels cancel, then the connection closes unanswered
        self.cancelled_meanwhile = 0  # the next n cancels find the booking cancelled in the dashboard just before

        # What happened.
        self.requests: list[Recorded] = []
        self.violations: list[str] = []

        self.staff: dict[str, Staff] = {STAFF_IDS.get(p.id, f"staff_{p.id}"): p for p in business.staff}
        self.links: dict[str, Link] = {}
        self.bookings: dict[str, Booking] = {}
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._seed()

    def _seed(self) -> None:
        by_person = {p.id: sid for sid, p in self.staff.items()}
        for service in self.business.services:
            pool = [by_person[p.id] for p in self.business.staff_for(service.id)]
            link = Link(link_ids(self.business)[service.id], slugs(self.business)[service.id],
                        service.display("en"), service, pool)
            if service.id == "coloring":
                link.questions.append(Question(PATCH_TEST, "Have you had a patch test in the last 6 months?",
                                               rejects=frozenset({"no"})))
            self.links[link.id] = link

    # --- lifecycle ------------------------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        """Serve on 127.0.0.1; returns the base URL (the adapter adds /api/v1/...)."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner, self.base = await serve_on_loopback(app, port)
        return self.base

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def assert_clean(self) -> None:
        """Fail when any request broke the API page (fixtures call this at teardown)."""
        if self.violations:
            raise AssertionError("requests to the fake Relentify broke its API page:\n  " + "\n  ".join(self.violations))

    # --- looking at the state from a test -------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self._now().astimezone(UTC)

    def add_key(self, key: str, *scopes: str) -> str:
        """Another API key of the entity, with only these scopes."""
        self.keys[key] = set(scopes)
        return key

    def sent(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        """The requests received, optionally only one method and/or path (a regex matched in full)."""
        return [r for r in self.requests if (method is None or r.method == method)
                and (path is None or re.fullmatch(path, r.path))]

    def bookings_of(self, email: str) -> list[Booking]:
        return [b for b in self.bookings.values() if b.contact_email.lower() == email.lower()]

    def link_of(self, service_id: str) -> Link:
        return self.links[link_ids(self.business)[service_id]]

    def free_starts(self, link_id: str, day: date, staff_id: str | None = None) -> list[datetime]:
        """The starts the link offers on local `day` (only `staff_id`'s, if given), for assertions."""
        link = self.links[link_id]
        return self._starts(link, day, [staff_id] if staff_id else link.staff)

    # --- the business side: the booking widget and the dashboard ---------------------------------------

    def book_in_relentify(self, service_id: str, start: datetime, email: str, name: str,
                          staff: str | None = None) -> Booking:
        """Someone books on the public widget (round robin unless `staff` names a Relentify staff id)."""
        link = self.link_of(service_id)
        return self._book(link, start.astimezone(UTC), staff, contact_name=name, contact_email=email)

    def cancel_in_relentify(self, booking_id: str, reason: str | None = None) -> None:
        """The business cancels in the dashboard."""
        booking = self.bookings[booking_id]
        booking.status, booking.cancel_reason, booking.updated_at = "cancelled", reason, self.now

    # --- availability and the booking rules ------------------------------------------------------------

    def _free(self, link: Link, staff_id: str, start: datetime) -> bool:
        """Whether the staff member can take the link's service at `start` (any link's bookings block them)."""
        person, svc = self.staff.get(staff_id), link.service
        if person is None or svc.id not in person.services:
            return False
        now = self.now
        if start < now + self.business.min_notice or start > now + self.business.horizon:
            return False
        day = self.business.local(start).date()
        step = self.business.slot_step
        window = next((w for w in windows(self.business, person, day)
                       if w.start <= start and start + svc.duration <= w.end), None)
        if window is None or (start - window.start) % step:
            return False
        until = start + svc.duration + svc.buffer_after
        return not any(b.staff_id == staff_id and b.active and start < b.end + self._buffer(b) and b.start < until
                       for b in self.bookings.values())

    def _buffer(self, booking: Booking) -> timedelta:
        return self.links[booking.link_id].service.buffer_after

    def _starts(self, link: Link, day: date, pool: list[str]) -> list[datetime]:
        found: set[datetime] = set()
        for staff_id in pool:
            person = self.staff.get(staff_id)
            if person is None:
                continue
            for window in windows(self.business, person, day):
                moment = window.start
                while moment + link.service.duration <= window.end:
                    if self._free(link, staff_id, moment):
                        found.add(moment)
                    moment += self.business.slot_step
        return sorted(found)

    def _pick(self, link: Link, start: datetime, staff_id: str | None) -> str:
        """Who takes a booking at `start`: the named staff member if free, else the least booked free one."""
        if staff_id is not None:
            if staff_id not in self.staff:
                raise _ApiError(404, "not_found", f"No staff member {staff_id} in this entity")
            if staff_id in link.staff and self._free(link, staff_id, start):
                return staff_id
            raise _ApiError(409, "slot_taken", MSG_TAKEN)
        free = [s for s in link.staff if self._free(link, s, start)]
        if not free:
            raise _ApiError(409, "slot_taken", MSG_TAKEN)
        load = {s: sum(1 for b in self.bookings.values() if b.staff_id == s and b.active) for s in free}
        return min(free, key=lambda s: (load[s], link.staff.index(s)))

    def _book(self, link: Link, start: datetime, staff_id: str | None, **fields: Any) -> Booking:
        who = self._pick(link, start, staff_id)
        booking_id = f"bk_{next(self._ids):05d}"
        booking = Booking(booking_id, link.id, who, start, start + link.service.duration, created_at=self.now,
                          updated_at=self.now, **fields)
        self.bookings[booking_id] = booking
        return booking

    # --- HTTP: the gate every request passes ----------------------------------------------------------

    ROUTES: tuple[tuple[str, re.Pattern[str], str, str, frozenset[str]], ...] = (
        ("GET", re.compile(r"^/api/v1/availability$"), READ, "_availability",
         frozenset({"booking_link_id", "slug", "date"})),
        ("GET", re.compile(r"^/api/v1/bookings$"), READ, "_list",
         frozenset({"booking_link_id", "status", "from", "to", "page", "limit"})),
        ("POST", re.compile(r"^/api/v1/bookings$"), WRITE, "_create", frozenset()),
        ("GET", re.compile(r"^/api/v1/bookings/(?P<id>[^/]+)$"), READ, "_get", frozenset()),
        ("PATCH", re.compile(r"^/api/v1/bookings/(?P<id>[^/]+)/cancel$"), WRITE, "_cancel", frozenset()),
    )

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        recorded = Recorded(request.method, request.path, MultiDict(request.query), CIMultiDict(request.headers), body)
        self.requests.append(recorded)
        try:
            status, payload = await self._answer(request, raw, body)
        except _ApiError as err:
            status, payload = err.status, {"error": {"code": err.code, "message": err.message, "status": err.status}}
        except _Dropped:
            if request.transport is not None:
                request.transport.abort()
            recorded.status = None
            return web.Response(status=204)
        recorded.status = status
        response = web.json_response(payload, status=status)
        if status == 429:
            response.headers.update({"Retry-After": str(self.retry_after), "X-RateLimit-Limit": "100",
                                     "X-RateLimit-Remaining": "0",
                                     "X-RateLimit-Reset": str(int(time.time()) + self.retry_after)})
        return response

    async def _answer(self, request: web.Request, raw: bytes, body: Any) -> tuple[int, Any]:
        label = f"{request.method} {request.path}"
        if self.down > 0:
            self.down -= 1
            raise _ApiError(503, "service_unavailable", "Service Unavailable")
        if self.rate_limited > 0:
            self.rate_limited -= 1
            raise _ApiError(429, "rate_limit_exceeded", "Too many requests")
        route = next(((r, m) for r in self.ROUTES if (m := r[1].match(request.path)) and r[0] == request.method), None)
        if route is None:
            known = any(r[1].match(request.path) for r in self.ROUTES)
            self.violations.append(f"{label}: {'no such method on this path' if known else 'no such endpoint'}")
            raise _ApiError(405 if known else 404, "not_found", f"Cannot {label}")
        (_, _, scope, handler, params), match = route
        self._authorize(request, scope, label)
        for name in request.query:
            if name not in params:
                self.violations.append(f"{label}: query parameter {name!r} is not on the API page")
        if request.method in ("POST", "PATCH") and raw:
            if "application/json" not in request.headers.get("Content-Type", ""):
                self.violations.append(f"{label}: a JSON body needs Content-Type: application/json")
            if not isinstance(body, dict):
                self._refuse(label, "the body must be a JSON object")
        return await getattr(self, handler)(request, match.groupdict(), body if isinstance(body, dict) else {}, label)

    def _authorize(self, request: web.Request, scope: str, label: str) -> None:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            self.violations.append(f"{label}: no Authorization: Bearer <key>")
            raise _ApiError(401, "missing_api_key", "Authorization: Bearer <key> header required")
        scopes = self.keys.get(auth[7:].strip())
        if scopes is None:
            raise _ApiError(401, "invalid_api_key", "API key is invalid, expired, or revoked")
        if scope not in scopes:
            raise _ApiError(403, f"{scope.replace(':', '_')}_denied", f"API key missing {scope} scope")

    def _refuse(self, label: str, why: str, code: str = "missing_field") -> None:
        """A request the page does not allow: recorded, and answered 400."""
        self.violations.append(f"{label}: {why}")
        raise _ApiError(400, code, why)

    def _instant(self, value: Any, what: str, label: str) -> datetime:
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            self._refuse(label, f"{what} must be ISO 8601")
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)

    def _link(self, link_id: Any, slug: Any, label: str, code: str) -> Link:
        if link_id is None and slug is None:
            self._refuse(label, "booking_link_id or slug must be supplied")
        for value, what in ((link_id, "booking_link_id"), (slug, "slug")):
            if value is not None and not isinstance(value, str):
                self._refuse(label, f"{what} must be a string")
        link = self.links.get(link_id) if link_id is not None else next(
            (x for x in self.links.values() if x.slug == slug), None)
        if link is None:
            raise _ApiError(404, code, "No matching link in this entity")
        return link

    # --- HTTP: the operations -------------------------------------------------------------------------

    async def _availability(self, request, params, body, label):
        q = request.query
        link = self._link(q.get("booking_link_id"), q.get("slug"), label, "booking_link_not_found")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", q.get("date", "")):
            self._refuse(label, "date must be YYYY-MM-DD")
        day = date.fromisoformat(q["date"])
        slots = [{"start": _iso(s), "end": _iso(s + link.service.duration)} for s in self._starts(link, day, link.staff)]
        return 200, {"data": {"booking_link_id": link.id, "slug": link.slug, "date": day.isoformat(), "slots": slots}}

    async def _create(self, request, params, body, label):
        for name in sorted(set(body) - BOOKING_FIELDS):
            self.violations.append(f"{label}: field {name!r} is not on the API page")
        for name in ("contact_name", "contact_email", "start_time"):
            if not isinstance(body.get(name), str) or not body[name].strip():
                self.violations.append(f"{label}: {name} is required")
                raise _ApiError(400, "missing_field", f"{name} is required")
        for name in ("contact_phone", "notes", "service_id", "staff_id", "client_timezone"):
            if name in body and not isinstance(body[name], str):
                self._refuse(label, f"{name} must be a string")
        if not EMAIL.match(body["contact_email"]):
            self._refuse(label, "contact_email must be an email address")
        if "client_timezone" in body:
            try:
                ZoneInfo(body["client_timezone"])
            except (ZoneInfoNotFoundError, ValueError):
                self._refuse(label, "client_timezone must be an IANA time zone")
        answers = self._answers(body.get("answers", []), label)
        start = self._instant(body["start_time"], "start_time", label)
        link = self._link(body.get("booking_link_id"), body.get("slug"), label, "booking_link_not_found")
        for question in link.questions:
            given = answers.get(question.id, "").strip()
            if question.required and not given:
                raise _ApiError(400, "validation_failed", MSG_UNANSWERED)
            if given.casefold() in question.rejects:
                raise _ApiError(403, "routing_rejected", MSG_ROUTING)
        if self.slot_taken_next > 0:
            self.slot_taken_next -= 1
            self._book(link, start, body.get("staff_id"), contact_name="Someone Else",
                       contact_email="someone.else@example.org")
        booking = self._book(link, start, body.get("staff_id"), contact_name=body["contact_name"],
                             contact_email=body["contact_email"], contact_phone=body.get("contact_phone"),
                             notes=body.get("notes"), service_id=body.get("service_id"),
                             client_timezone=body.get("client_timezone"), answers=list(body.get("answers", [])))
        if self.drop_create_response > 0:
            self.drop_create_response -= 1
            raise _Dropped
        return 201, {"data": self._json(booking)}

    def _answers(self, raw: Any, label: str) -> dict[str, str]:
        ok = isinstance(raw, list) and all(
            isinstance(a, dict) and set(a) == {"question_id", "answer"} and isinstance(a["question_id"], str)
            and isinstance(a["answer"], str) for a in raw)
        if not ok:
            self._refuse(label, "answers must be an array of { question_id, answer }")
        return {a["question_id"]: a["answer"] for a in raw}

    async def _list(self, request, params, body, label):
        q = request.query
        page, limit = self._whole(q.get("page", "1"), "page", label), self._whole(q.get("limit", "50"), "limit", label)
        if limit > PAGE_MAX:
            self.violations.append(f"{label}: limit {limit} is over the maximum of {PAGE_MAX}")
            limit = PAGE_MAX
        lo = self._instant(q["from"], "from", label) if "from" in q else None
        hi = self._instant(q["to"], "to", label) if "to" in q else None
        found = [b for b in self.bookings.values()
                 if ("booking_link_id" not in q or b.link_id == q["booking_link_id"])
                 and ("status" not in q or b.status == q["status"])
                 and (lo is None or b.start >= lo) and (hi is None or b.start <= hi)]
        found.sort(key=lambda b: (b.created_at, b.id), reverse=True)  # newest first
        items = found[(page - 1) * limit:page * limit]
        return 200, {"data": [self._json(b) for b in items],
                     "pagination": {"page": page, "limit": limit, "total": len(found),
                                    "hasMore": page * limit < len(found)}}

    def _whole(self, value: str, what: str, label: str) -> int:
        if not value.isdigit() or int(value) < 1:
            self._refuse(label, f"{what} must be a whole number from 1")
        return int(value)

    async def _get(self, request, params, body, label):
        booking = self._booking(params["id"])
        link = self.links[booking.link_id]
        return 200, {"data": {**self._json(booking), "link_title": link.title,
                              "duration_minutes": link.service.duration_minutes}}

    async def _cancel(self, request, params, body, label):
        for name in sorted(set(body) - {"reason"}):
            self.violations.append(f"{label}: field {name!r} is not on the API page")
        if "reason" in body and body["reason"] is not None and not isinstance(body["reason"], str):
            self._refuse(label, "reason must be a string")
        booking = self._booking(params["id"])
        if self.cancelled_meanwhile > 0:
            self.cancelled_meanwhile -= 1
            self.cancel_in_relentify(booking.id, "cancelled in the dashboard")
        if booking.status == "cancelled":
            raise _ApiError(409, "already_cancelled", "Booking is already cancelled")
        booking.status, booking.cancel_reason, booking.updated_at = "cancelled", body.get("reason"), self.now
        if self.drop_cancel_response > 0:
            self.drop_cancel_response -= 1
            raise _Dropped
        return 200, {"data": {"id": booking.id, "status": "cancelled", "reason": booking.cancel_reason}}

    def _booking(self, booking_id: str) -> Booking:
        booking = self.bookings.get(booking_id)
        if booking is None:
            raise _ApiError(404, "not_found", "No such booking in this entity")
        return booking

    def _json(self, b: Booking) -> dict[str, Any]:
        return {"id": b.id, "booking_link_id": b.link_id, "service_id": b.service_id, "staff_id": b.staff_id,
                "contact_name": b.contact_name, "contact_email": b.contact_email, "contact_phone": b.contact_phone,
                "start_time": _iso(b.start), "end_time": _iso(b.end), "status": b.status, "notes": b.notes,
                "client_timezone": b.client_timezone, "answers": b.answers, "cancel_reason": b.cancel_reason,
                "created_at": _iso(b.created_at), "updated_at": _iso(b.updated_at or b.created_at)}
