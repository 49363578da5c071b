"""A fake Slatis public API v1 on 127.0.0.1 that keeps state and is strict about what it allows.

Written from Slatis's booking lifecycle (`/work/shared/seeds/003_*.txt`) and its public documentation
(docs.slatis.com: authentication, bookings, availability, event types, team members, API conventions).
Where the documentation is silent the fake does what `booking_client/slatis` chose, and says so
(`CHOSEN` below), so the adapter and the fake cannot drift apart unnoticed.

The adapter calls it like api.slatis.com/v1: `Authorization: Bearer sk_…` (or `Slatis-Api-Key`,
`X-API-Key`), JSON bodies in snake_case; answers come in Slatis's envelopes (`{"success": true,
"booking": {...}}`, errors `{"success": false, "error": {"code", "message"}}`) with its rate-limit
headers. A request the API does not allow (an unknown endpoint, parameter or field, a time without
an offset, a broken cursor) gets a 400 or 404 and lands in `fake.violations`; fixtures call
`fake.assert_clean()` at teardown.

Seeded from the business file: one team, one ROUND_ROBIN event type per service (`EVENT_TYPE_IDS`,
hosts = the staff who offer it), one team member per staff member (`MEMBER_IDS`); free times come from
the business file's hours (`booking_client/local/schedule.py`).

    fake = FakeSlatis(business, now=clock)
    base = await fake.start()          # http://127.0.0.1:<port>/v1 — the adapter's api_base
    ...
    fake.assert_clean()
    await fake.stop()

Faults: `down` (the next n requests get 503), `down_forever`, `rate_limited` (the next n get 429),
`drop_create_response` (the next n creates book, then the connection closes unanswered),
`draft_reads` (new bookings stay DRAFT for that many reads).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web
from multidict import CIMultiDict, MultiDict

from booking_client import Business, load_business
from booking_client.business import Staff
from booking_client.local.schedule import days_between, windows

TEAM_ID = "team_01"
SECRET_KEY = "sk_test_fake_slatis_0123456789abcdef"
IDEMPOTENCY_TTL = timedelta(hours=24)  # keys expire after 24 hours, per team
RATE_LIMIT = 1000  # requests a minute for a secret key
DEFAULT_LIMIT, MAX_LIMIT = 50, 100  # bookings per page
ACTIVE = frozenset({"DRAFT", "SCHEDULED", "PENDING_CONFIRMATION", "RESCHEDULED"})  # hold their time
STATUSES = frozenset({*ACTIVE, "COMPLETED", "CANCELLED", "NO_SHOW"})
PATCHABLE = frozenset({"SCHEDULED", "RESCHEDULED", "PENDING_CONFIRMATION"})
ATTENDEE_FIELDS = frozenset({"name", "email", "phone", "timezone"})

ALL_SCOPES = frozenset({
    "bookings:create", "bookings:read-own", "bookings:read", "bookings:update", "bookings:cancel",
    "bookings:reschedule", "bookings:transition", "availability:read", "event-types:read",
})
PUBLIC_SCOPES = frozenset({"bookings:create", "bookings:read-own", "availability:read", "event-types:read"})

# What the documentation does not say, and the fake (with the adapter) chose. See the adapter's README notes.
CHOSEN = {
    "transitions": "POST /v1/bookings/{id}/confirm | complete | no-show | cancel (cancel takes {reason})",
    "reschedule": "POST /v1/bookings/{id}/reschedule {requested_time, reason?} -> 201, a new booking RESCHEDULED; "
                  "the original CANCELLED with rescheduled_to_id, the new one with rescheduled_from_id",
    "assignment": "POST /v1/bookings takes assign_to (a member id), as the older docs' assignTo; the booking "
                  "shows assigned_to_id, the name of the list filter",
    "freebusy": "GET /v1/freebusy/{member_id}?start&end&time_slot answers {success, member_id, free: [{start, end}], "
                "busy: [{start, end}]}",
    "errors": "409 slot_unavailable (the time is not free), 409 invalid_transition (not in this state), "
              "422 invalid_time (past, too soon, too far), 422 idempotency_key_mismatch (a key reused with "
              "another body), 400 validation_error, 400 invalid_cursor",
    "replay": "a replayed create answers 200 with the first answer's envelope plus \"idempotent_replay\": true; "
              "only successful creates are remembered",
}

# Which bookings a status transition moves where; a repeat of the same transition is a no-op.
TRANSITIONS: dict[str, tuple[str, frozenset[str]]] = {
    "confirm": ("SCHEDULED", frozenset({"PENDING_CONFIRMATION", "DRAFT"})),
    "complete": ("COMPLETED", frozenset({"SCHEDULED", "RESCHEDULED"})),
    "no-show": ("NO_SHOW", frozenset({"SCHEDULED", "RESCHEDULED"})),
    "cancel": ("CANCELLED", frozenset({"DRAFT", "SCHEDULED", "PENDING_CONFIRMATION", "RESCHEDULED"})),
}
ALREADY = {"confirm": frozenset({"SCHEDULED", "RESCHEDULED"})}  # "already confirmed" returns the current state


# The state ----------------------------------------------------------------------------------------------


@dataclass
class ApiKey:
    """An API key: the team its idempotency keys belong to, and what it may do."""

    key: str
    team: str
    scopes: frozenset[str] = ALL_SCOPES


@dataclass
class Member:
    id: str
    name: str
    email: str
    staff: Staff
    is_active: bool = True


@dataclass
class EventType:
    id: str
    name: str
    slug: str
    duration: int  # minutes
    buffer_after: int  # minutes
    hosts: list[str]  # member ids
    requires_confirmation: bool = False

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.duration)


@dataclass
class Booking:
    """One booking as Slatis stores it; statuses in the API's upper case."""

    id: str
    event_type_id: str
    member_id: str
    start: datetime
    end: datetime
    status: str
    attendee: dict[str, str]
    created_at: datetime
    updated_at: datetime
    metadata: dict[str, Any] = field(default_factory=dict)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    cancellation_reason: str | None = None
    rescheduled_from_id: str | None = None
    rescheduled_to_id: str | None = None
    draft_reads_left: int = 0  # reads that still show DRAFT before routing "finishes"
    routed_status: str = "SCHEDULED"  # what DRAFT resolves to

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


@dataclass
class Remembered:
    """A successful create under an Idempotency-Key: the body it was sent with and the answer it got."""

    body_hash: str
    answer: dict[str, Any]
    at: datetime


@dataclass
class Recorded:
    """One request the fake received, as sent."""

    method: str
    path: str
    query: MultiDict[str]
    headers: CIMultiDict[str]
    json: Any
    status: int | None = None  # None: the connection was closed without an answer
    answer: Any = None

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


class _ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def event_type_ids(business: Business) -> dict[str, str]:
    """Event type id per service: evt_<service id>."""
    return {s.id: f"evt_{s.id}" for s in business.services}


def member_ids(business: Business) -> dict[str, str]:
    """Team member id per staff member: mem_<staff id>."""
    return {p.id: f"mem_{p.id}" for p in business.staff}


_DEMO = load_business()
EVENT_TYPE_IDS = event_type_ids(_DEMO)
MEMBER_IDS = member_ids(_DEMO)


# Routes: (method, path pattern, handler, scope, query parameters it takes) ------------------------------

_ID = r"(?P<id>[^/]+)"
ROUTES: tuple[tuple[str, re.Pattern[str], str, str | None, frozenset[str]], ...] = tuple(
    (method, re.compile(f"^/v1{path}$"), handler, scope, frozenset(params))
    for method, path, handler, scope, params in (
        ("GET", "/event-types", "_event_types", "event-types:read", ()),
        ("GET", f"/event-types/{_ID}", "_event_type", "event-types:read", ()),
        ("GET", f"/team/members/{_ID}", "_member", None, ()),
        ("GET", "/availability", "_availability", "availability:read",
         ("event_type_id", "start_date", "end_date", "timezone")),
        ("GET", f"/freebusy/{_ID}", "_freebusy", "availability:read", ("start", "end", "time_slot")),
        ("POST", "/bookings", "_create", "bookings:create", ()),
        ("GET", "/bookings", "_list", "bookings:read",
         ("status", "event_type_id", "assigned_to_id", "attendee_email", "start_date", "end_date", "limit",
          "cursor")),
        ("GET", f"/bookings/{_ID}", "_get", "bookings:read", ()),
        ("PATCH", f"/bookings/{_ID}", "_patch", "bookings:update", ()),
        ("POST", f"/bookings/{_ID}/cancel", "_cancel", "bookings:cancel", ()),
        ("POST", f"/bookings/{_ID}/confirm", "_confirm", "bookings:transition", ()),
        ("POST", f"/bookings/{_ID}/complete", "_complete", "bookings:transition", ()),
        ("POST", f"/bookings/{_ID}/no-show", "_no_show", "bookings:transition", ()),
        ("POST", f"/bookings/{_ID}/reschedule", "_reschedule", "bookings:reschedule", ()),
    )
)


# Formatting ----------------------------------------------------------------------------------------------


def iso(moment: datetime) -> str:
    """Slatis's output form: UTC with milliseconds and Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _instant(value: Any, what: str) -> datetime:
    """An ISO 8601 instant with an offset: a local time without one is refused (the docs warn it is misread)."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise _ApiError(400, "validation_error", f"{what} must be an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        raise _ApiError(400, "validation_error", f"{what} needs a UTC offset (send UTC with Z)")
    return parsed.astimezone(UTC)


def _bound(value: str, what: str, *, end: bool) -> datetime:
    """A date-time, or a date (YYYY-MM-DD: that whole day in UTC)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        day = date.fromisoformat(value) + (timedelta(days=1) if end else timedelta(0))
        return datetime.combine(day, time(0), tzinfo=UTC)
    return _instant(value, what)


def _zone(name: Any, what: str) -> None:
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise _ApiError(400, "validation_error", f"{what} must be an IANA time zone") from None


def _fields(body: Any, allowed: Iterable[str], required: Iterable[str], what: str) -> dict[str, Any]:
    """A JSON object with only `allowed` keys and every `required` one."""
    if not isinstance(body, dict):
        raise _ApiError(400, "validation_error", f"{what} must be a JSON object")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise _ApiError(400, "validation_error", f"{what}: unknown field(s) {', '.join(unknown)}")
    missing = sorted(k for k in required if k not in body or body[k] in (None, ""))
    if missing:
        raise _ApiError(400, "validation_error", f"{what}: missing {', '.join(missing)}")
    return body


def _strings(value: Any, what: str, *, limit: int = 50) -> dict[str, Any]:
    """metadata / custom_fields: at most 50 keys of up to 40 characters, scalar values, strings up to 500."""
    if not isinstance(value, dict) or len(value) > limit:
        raise _ApiError(400, "validation_error", f"{what} must be an object with at most {limit} keys")
    for k, v in value.items():
        if len(k) > 40 or not isinstance(v, str | int | float | bool) or (isinstance(v, str) and len(v) > 500):
            raise _ApiError(400, "validation_error", f"{what}.{k}: keys up to 40 characters, scalar values, "
                                                     "strings up to 500 characters")
    return value


def _blocks(spans: Iterable[tuple[datetime, datetime]]) -> list[dict[str, str]]:
    return [{"start": iso(a), "end": iso(b)} for a, b in spans]


def _minus(spans: list[tuple[datetime, datetime]], holes: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """`spans` with every hole cut out."""
    out = list(spans)
    for h_start, h_end in holes:
        cut = []
        for a, b in out:
            if h_end <= a or b <= h_start:
                cut.append((a, b))
                continue
            if a < h_start:
                cut.append((a, h_start))
            if h_end < b:
                cut.append((h_end, b))
        out = cut
    return out


# The fake -----------------------------------------------------------------------------------------------


class FakeSlatis:
    """Slatis API v1 for one business, on 127.0.0.1. See the module docstring for the tour."""

    def __init__(self, business: Business, *, now: Callable[[], datetime], api_key: str = SECRET_KEY,
                 requires_confirmation: Iterable[str] = ()) -> None:
        self.business = business
        self.api_key = api_key
        self._now = now
        self.base = ""
        self.keys: dict[str, ApiKey] = {api_key: ApiKey(api_key, TEAM_ID)}

        # Faults and switches the tests set.
        self.down = 0
        self.down_forever = False
        self.rate_limited = 0
        self.retry_after_seconds = 2
        self.drop_create_response = 0
        self.draft_reads = 0

        # What happened.
        self.requests: list[Recorded] = []
        self.violations: list[str] = []

        self.members: dict[str, Member] = {}
        self.event_types: dict[str, EventType] = {}
        self.bookings: dict[str, Booking] = {}
        self.remembered: dict[tuple[str, str], Remembered] = {}  # (team, Idempotency-Key) -> the first answer
        self._ids = itertools.count(1)
        self._hits = 0
        self._runner: web.AppRunner | None = None
        self._seed(set(requires_confirmation))

    def _seed(self, requires_confirmation: set[str]) -> None:
        slug = re.sub(r"[^a-z0-9]+", "-", self.business.name.lower()).strip("-") or "business"
        for person in self.business.staff:
            member = Member(member_ids(self.business)[person.id], person.name, f"{person.id}@{slug}.example", person)
            self.members[member.id] = member
        ids = member_ids(self.business)
        for service in self.business.services:
            et_id = event_type_ids(self.business)[service.id]
            self.event_types[et_id] = EventType(
                et_id, service.display("en"), service.id, service.duration_minutes, service.buffer_after_minutes,
                [ids[p.id] for p in self.business.staff_for(service.id)], et_id in requires_confirmation)

    # --- lifecycle ------------------------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        """Serve on 127.0.0.1 (never any other address); returns the API base, .../v1."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        host, real_port = self._runner.addresses[0][:2]
        self.base = f"http://{host}:{real_port}/v1"
        return self.base

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def assert_clean(self) -> None:
        """Fail when any request broke the API (fixtures call this at teardown)."""
        if self.violations:
            raise AssertionError("requests to the fake Slatis broke its API:\n  " + "\n  ".join(self.violations))

    # --- looking at the state from a test -------------------------------------------------------------

    def sent(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        """The requests received, optionally only one method and/or path (without the /v1 prefix too)."""
        return [r for r in self.requests if (method is None or r.method == method)
                and (path is None or r.path in (path, f"/v1{path}"))]

    def add_key(self, key: str, *, team: str = TEAM_ID, scopes: Iterable[str] = ALL_SCOPES) -> None:
        """Another API key: of another team (idempotency keys are per team) or with fewer scopes."""
        self.keys[key] = ApiKey(key, team, frozenset(scopes))

    def bookings_of(self, email: str) -> list[Booking]:
        return [b for b in self.bookings.values() if b.attendee.get("email", "").lower() == email.lower()]

    @property
    def now(self) -> datetime:
        return self._now().astimezone(UTC)

    # --- changes made in Slatis's own dashboard ---------------------------------------------------------

    def book_in_slatis(self, service: str, staff: str, start: datetime, email: str, name: str) -> Booking:
        """Someone books through a Slatis widget: SCHEDULED (or PENDING_CONFIRMATION)."""
        et = self.event_types[event_type_ids(self.business)[service]]
        member = member_ids(self.business)[staff]
        self._check_time(et, member, start.astimezone(UTC))
        return self._book(et, member, start.astimezone(UTC), {"name": name, "email": email,
                                                              "timezone": self.business.timezone}, {}, {})

    def confirm_in_slatis(self, booking_id: str) -> Booking:
        """The host confirms a pending booking."""
        booking = self.bookings[booking_id]
        self._transition(booking, "confirm", None)
        return booking

    # --- time: who is free when -------------------------------------------------------------------------

    def _busy(self, member_id: str, ignore: str | None = None) -> list[tuple[datetime, datetime]]:
        """Time the member is blocked: active bookings (DRAFT and pending too) plus their clean-up time."""
        return [(b.start, b.end + timedelta(minutes=self.event_types[b.event_type_id].buffer_after))
                for b in self.bookings.values() if b.member_id == member_id and b.active and b.id != ignore]

    def _windows(self, member_id: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        person = self.members[member_id].staff
        return [(w.start, w.end) for day in days_between(self.business, start - timedelta(days=1), end)
                for w in windows(self.business, person, day) if w.end > start and w.start < end]

    def _why_not(self, et: EventType, member_id: str, start: datetime, ignore: str | None = None) -> str | None:
        """Why the member cannot take the event type at `start` (an error code), or None when they can."""
        now = self.now
        if start < now or start < now + self.business.min_notice or start > now + self.business.horizon:
            return "invalid_time"
        end = start + et.length
        step = self.business.slot_step
        if not any(a <= start and end <= b and (start - a) % step == timedelta(0)
                   for a, b in self._windows(member_id, start, end)):
            return "slot_unavailable"
        until = end + timedelta(minutes=et.buffer_after)
        if any(start < b_until and b_start < until for b_start, b_until in self._busy(member_id, ignore)):
            return "slot_unavailable"
        return None

    def _check_time(self, et: EventType, member_id: str, start: datetime, ignore: str | None = None) -> None:
        why = self._why_not(et, member_id, start, ignore)
        if why is None:
            return
        if why == "invalid_time":
            now = self.now
            text = ("requested_time is in the past" if start < now else
                    "requested_time is inside the event type's minimum booking notice" if start < now +
                    self.business.min_notice else "requested_time is beyond the booking window")
            raise _ApiError(422, "invalid_time", text)
        raise _ApiError(409, "slot_unavailable", "The requested time is no longer available")

    def _starts(self, et: EventType, start: datetime, end: datetime) -> list[datetime]:
        """Step-aligned starts in [start, end) at which some host is free."""
        found: set[datetime] = set()
        for member_id in et.hosts:
            for a, b in self._windows(member_id, start, end + et.length):
                moment = a
                while moment + et.length <= b:
                    if start <= moment < end and self._why_not(et, member_id, moment) is None:
                        found.add(moment)
                    moment += self.business.slot_step
        return sorted(found)

    # --- HTTP: the gate every request passes ----------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        recorded = Recorded(request.method, request.path, MultiDict(request.query), CIMultiDict(request.headers), body)
        self.requests.append(recorded)
        self._hits += 1
        try:
            status, answer = await self._answer(request, raw, body)
        except _ApiError as err:
            if err.status in (400, 405) or err.code == "no_route":
                self.violations.append(f"{request.method} {request.path_qs}: {err.status} {err.code}: {err.message}")
            status, answer = err.status, {"success": False, "error": {"code": err.code, "message": err.message}}
        dropped = request.transport is None or request.transport.is_closing()
        recorded.status, recorded.answer = (None, None) if dropped else (status, answer)
        response = web.json_response(answer, status=status)
        response.headers["X-Request-Id"] = request.headers.get("X-Request-Id") or f"req_{uuid.uuid4().hex[:16]}"
        response.headers["X-RateLimit-Limit"] = str(RATE_LIMIT)
        response.headers["X-RateLimit-Remaining"] = str(max(0, RATE_LIMIT - self._hits))
        response.headers["X-RateLimit-Reset"] = str(self.retry_after_seconds if status == 429 else 60)
        if status == 429:
            response.headers["Retry-After"] = str(self.retry_after_seconds)
        return response

    async def _answer(self, request: web.Request, raw: bytes, body: Any) -> tuple[int, Any]:
        if self.down_forever or self.down > 0:
            self.down = max(0, self.down - 1)
            raise _ApiError(503, "service_unavailable", "Slatis is temporarily unavailable")
        if self.rate_limited > 0:
            self.rate_limited -= 1
            raise _ApiError(429, "rate_limited", "Request rate exceeded")
        route, params = self._route(request.method, request.path)
        _, _, handler, scope, allowed = route
        key = self._key(request)
        if scope is not None and scope not in key.scopes:
            raise _ApiError(403, "forbidden", f"This API key does not have the {scope} scope")
        unknown = sorted(set(request.query) - allowed)
        if unknown:
            raise _ApiError(400, "validation_error", f"unknown query parameter(s): {', '.join(unknown)}")
        if request.method in ("POST", "PATCH") and raw and "json" not in request.content_type:
            raise _ApiError(400, "validation_error", "Content-Type must be application/json")
        if request.method == "GET" and raw:
            raise _ApiError(400, "validation_error", "a GET takes no body")
        if isinstance(body, str):
            raise _ApiError(400, "validation_error", "the body is not valid JSON")
        return await getattr(self, handler)(request, params, body, key)

    def _route(self, method: str, path: str) -> tuple[tuple, dict[str, str]]:
        matches = [(r, m.groupdict()) for r in ROUTES if (m := r[1].match(path))]
        for route, params in matches:
            if route[0] == method:
                return route, params
        if matches:
            raise _ApiError(405, "method_not_allowed", f"{method} is not allowed on {path}")
        raise _ApiError(404, "no_route", f"No endpoint {method} {path}")

    def _key(self, request: web.Request) -> ApiKey:
        auth = request.headers.get("Authorization")
        value = auth.removeprefix("Bearer ").strip() if auth and auth.startswith("Bearer ") else None
        value = value or request.headers.get("Slatis-Api-Key") or request.headers.get("X-API-Key")
        if not value:
            raise _ApiError(401, "unauthorized", "Missing API key")
        if value not in self.keys:
            raise _ApiError(401, "unauthorized", "Invalid API key")
        return self.keys[value]

    # --- HTTP: event types, members, availability ----------------------------------------------------

    def _event_type_json(self, et: EventType, *, full: bool = False) -> dict[str, Any]:
        out = {"id": et.id, "name": et.name, "slug": et.slug, "description": "", "duration": et.duration,
               "slot_interval": self.business.slot_step_minutes, "buffer_before": 0, "buffer_after": et.buffer_after,
               "minimum_booking_notice": self.business.min_notice_minutes, "scheduling_type": "ROUND_ROBIN",
               "team_id": TEAM_ID, "requires_confirmation": et.requires_confirmation}
        return {**out, "custom_fields": []} if full else out

    async def _event_types(self, request, params, body, key):
        found = sorted(self.event_types.values(), key=lambda et: et.name)
        return 200, {"success": True, "event_types": [self._event_type_json(et) for et in found]}

    async def _event_type(self, request, params, body, key):
        return 200, {"success": True, "event_type": self._event_type_json(self._find_event_type(params["id"]),
                                                                          full=True)}

    async def _member(self, request, params, body, key):
        member = self._find_member(params["id"])
        return 200, {"success": True, "member": {
            "object": "team_member", "id": member.id, "name": member.name, "email": member.email,
            "avatar_url": None, "role": "MEMBER", "skills": [], "is_active": member.is_active,
            "team": {"id": TEAM_ID, "name": self.business.name}}}

    async def _availability(self, request, params, body, key):
        q = request.query
        for name in ("event_type_id", "start_date", "end_date"):
            if not q.get(name):
                raise _ApiError(400, "validation_error", f"{name} is required")
        et = self._find_event_type(q["event_type_id"])
        start, end = _bound(q["start_date"], "start_date", end=False), _bound(q["end_date"], "end_date", end=True)
        if end <= start:
            raise _ApiError(400, "validation_error", "end_date must be after start_date")
        if "timezone" in q:
            _zone(q["timezone"], "timezone")
        slots = [{"start": iso(m), "end": iso(m + et.length)} for m in self._starts(et, start, end)]
        return 200, {"success": True, "slots": slots}

    async def _freebusy(self, request, params, body, key):
        q = request.query
        member = self._find_member(params["id"])
        if not q.get("start") or not q.get("end"):
            raise _ApiError(400, "validation_error", "start and end are required")
        start, end = _instant(q["start"], "start"), _instant(q["end"], "end")
        if end <= start:
            raise _ApiError(400, "validation_error", "end must be after start")
        if "time_slot" in q and not (q["time_slot"].isdigit() and int(q["time_slot"]) > 0):
            raise _ApiError(400, "validation_error", "time_slot must be a positive number of minutes")
        busy = [(max(a, start), min(b, end)) for a, b in sorted(self._busy(member.id)) if a < end and start < b]
        opening = [(max(a, start), min(b, end)) for a, b in self._windows(member.id, start, end)]
        return 200, {"success": True, "member_id": member.id, "start": iso(start), "end": iso(end),
                     "free": _blocks(_minus(opening, busy)), "busy": _blocks(busy)}

    # --- HTTP: bookings --------------------------------------------------------------------------------

    async def _create(self, request, params, body, key):
        idempotency_key = request.headers.get("Idempotency-Key")
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        if idempotency_key:
            earlier = self.remembered.get((key.team, idempotency_key))
            if earlier is not None and self.now - earlier.at < IDEMPOTENCY_TTL:
                if earlier.body_hash != digest:
                    raise _ApiError(422, "idempotency_key_mismatch",
                                    "This Idempotency-Key was used with a different request body")
                return 200, {**earlier.answer, "idempotent_replay": True}
        body = _fields(body, ("event_type_id", "requested_time", "attendee", "custom_fields", "metadata",
                              "assign_to"), ("event_type_id", "requested_time", "attendee"), "body")
        attendee = self._attendee(body["attendee"])
        metadata = _strings(body.get("metadata", {}), "metadata")
        answers = _strings(body.get("custom_fields", {}), "custom_fields")
        if answers:
            raise _ApiError(400, "validation_error", f"custom_fields: the event type has no field "
                                                     f"{min(answers)!r}")
        et = self._find_event_type(str(body["event_type_id"]))
        start = _instant(body["requested_time"], "requested_time")
        member_id = self._assignee(et, body.get("assign_to"), start)
        booking = self._book(et, member_id, start, attendee, metadata, answers)
        answer = {"success": True, "booking": self._booking_json(booking)}
        if idempotency_key:
            self.remembered[(key.team, idempotency_key)] = Remembered(digest, answer, self.now)
        if self.drop_create_response > 0:
            self.drop_create_response -= 1
            if request.transport is not None:
                request.transport.abort()
        return 201, answer

    async def _list(self, request, params, body, key):
        q = request.query
        filters = {k: q[k] for k in sorted(q) if k not in ("limit", "cursor")}
        if {s.strip().upper() for s in filters.get("status", "").split(",") if s.strip()} - STATUSES:
            raise _ApiError(400, "validation_error", f"status must be one of {', '.join(sorted(STATUSES))}")
        for name in ("start_date", "end_date"):
            if name in filters:
                _bound(filters[name], name, end=name == "end_date")
        found = sorted((b for b in self.bookings.values() if self._matches(b, filters)), key=lambda b: (b.start, b.id))
        limit = self._limit(q.get("limit"))
        offset = self._offset(q.get("cursor"), filters) if "cursor" in q else 0
        page = found[offset:offset + limit]
        more = offset + limit < len(found)
        for b in page:
            self._read(b)
        return 200, {"success": True, "bookings": [self._booking_json(b) for b in page], "pagination": {
            "limit": limit, "has_more": more, "next_cursor": self._cursor(offset + limit, filters) if more else None}}

    async def _get(self, request, params, body, key):
        booking = self._find_booking(params["id"])
        self._read(booking)
        return 200, {"success": True, "booking": self._booking_json(booking)}

    async def _patch(self, request, params, body, key):
        booking = self._find_booking(params["id"])
        if not isinstance(body, dict) or set(body) - {"attendee"}:
            rejected = sorted(set(body) - {"attendee"}) if isinstance(body, dict) else []
            raise _ApiError(400, "validation_error", "Only attendee fields can be patched (name, email, phone, "
                                                     f"timezone); rejected: {', '.join(rejected) or 'the body'}")
        changes = _fields(body.get("attendee"), ATTENDEE_FIELDS, (), "attendee")
        if booking.status not in PATCHABLE:
            raise _ApiError(409, "invalid_state", f"A {booking.status} booking cannot be updated")
        merged = self._attendee({**booking.attendee, **changes})
        booking.attendee, booking.updated_at = merged, self.now
        return 200, {"success": True, "booking": self._booking_json(booking)}

    async def _cancel(self, request, params, body, key):
        body = _fields(body or {}, ("reason",), (), "body")
        return self._transition_answer(params["id"], "cancel", body.get("reason"))

    async def _confirm(self, request, params, body, key):
        _fields(body or {}, (), (), "body")
        return self._transition_answer(params["id"], "confirm", None)

    async def _complete(self, request, params, body, key):
        _fields(body or {}, (), (), "body")
        return self._transition_answer(params["id"], "complete", None)

    async def _no_show(self, request, params, body, key):
        _fields(body or {}, (), (), "body")
        return self._transition_answer(params["id"], "no-show", None)

    async def _reschedule(self, request, params, body, key):
        old = self._find_booking(params["id"])
        body = _fields(body, ("requested_time", "reason"), ("requested_time",), "body")
        start = _instant(body["requested_time"], "requested_time")
        if old.status not in ("SCHEDULED", "RESCHEDULED"):
            raise _ApiError(409, "invalid_transition", f"A {old.status} booking cannot be rescheduled")
        et = self.event_types[old.event_type_id]
        self._check_time(et, old.member_id, start, ignore=old.id)
        new = self._book(et, old.member_id, start, dict(old.attendee), dict(old.metadata), dict(old.custom_fields),
                         status="RESCHEDULED")
        new.rescheduled_from_id = old.id
        old.status, old.rescheduled_to_id, old.updated_at = "CANCELLED", new.id, self.now
        old.cancellation_reason = body.get("reason") or "Rescheduled"
        return 201, {"success": True, "booking": self._booking_json(new)}

    # --- the booking rules ----------------------------------------------------------------------------

    def _attendee(self, raw: Any) -> dict[str, str]:
        attendee = _fields(raw, ATTENDEE_FIELDS, ("name", "email"), "attendee")
        if any(not isinstance(v, str) for v in attendee.values()):
            raise _ApiError(400, "validation_error", "attendee fields are strings")
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", attendee["email"]):
            raise _ApiError(400, "validation_error", "attendee.email is not an email address")
        if "timezone" in attendee:
            _zone(attendee["timezone"], "attendee.timezone")
        return dict(attendee)

    def _assignee(self, et: EventType, assign_to: Any, start: datetime) -> str:
        """The member the booking goes to: the one asked for (still validated), or round robin."""
        if assign_to is not None:
            member = self._find_member(str(assign_to))
            if member.id not in et.hosts:
                raise _ApiError(422, "member_not_eligible", f"{member.id} is not a host of event type {et.id}")
            self._check_time(et, member.id, start)
            return member.id
        reasons = {m: self._why_not(et, m, start) for m in et.hosts}
        free = [m for m, why in reasons.items() if why is None]
        if not free:
            self._check_time(et, et.hosts[0], start)
            raise _ApiError(409, "slot_unavailable", "The requested time is no longer available")
        load = {m: sum(1 for b in self.bookings.values() if b.member_id == m and b.active) for m in free}
        return min(free, key=lambda m: (load[m], et.hosts.index(m)))

    def _book(self, et: EventType, member_id: str, start: datetime, attendee: dict[str, str],
              metadata: dict[str, Any], custom_fields: dict[str, Any], status: str | None = None) -> Booking:
        number = next(self._ids)
        booking_id = "bkg_" + hashlib.sha256(f"fake-slatis-{number}".encode()).hexdigest()[:20]
        routed = status or ("PENDING_CONFIRMATION" if et.requires_confirmation else "SCHEDULED")
        now = self.now
        booking = Booking(booking_id, et.id, member_id, start, start + et.length,
                          "DRAFT" if self.draft_reads else routed, attendee, now, now, metadata, custom_fields,
                          draft_reads_left=self.draft_reads, routed_status=routed)
        self.bookings[booking_id] = booking
        return booking

    def _read(self, booking: Booking) -> None:
        """Routing finishes after a few reads: DRAFT becomes what it was routed to."""
        if booking.status == "DRAFT":
            booking.draft_reads_left -= 1
            if booking.draft_reads_left <= 0:
                booking.status = booking.routed_status

    def _transition(self, booking: Booking, action: str, reason: str | None) -> None:
        target, sources = TRANSITIONS[action]
        if booking.status == target or booking.status in ALREADY.get(action, ()):
            return  # idempotent: the current state, no side effects
        if booking.status not in sources:
            raise _ApiError(409, "invalid_transition", f"Cannot {action} a {booking.status} booking")
        booking.status, booking.updated_at = target, self.now
        if target == "CANCELLED":
            booking.cancellation_reason = reason

    def _transition_answer(self, booking_id: str, action: str, reason: str | None) -> tuple[int, Any]:
        booking = self._find_booking(booking_id)
        self._transition(booking, action, reason)
        return 200, {"success": True, "booking": self._booking_json(booking)}

    def _matches(self, b: Booking, filters: dict[str, str]) -> bool:
        """GET /v1/bookings filters; a start within [start_date, end_date)."""
        if "status" in filters and b.status not in {s.strip().upper() for s in filters["status"].split(",")}:
            return False
        if "event_type_id" in filters and b.event_type_id != filters["event_type_id"]:
            return False
        if "assigned_to_id" in filters and b.member_id != filters["assigned_to_id"]:
            return False
        if "attendee_email" in filters and b.attendee.get("email", "").lower() != filters["attendee_email"].lower():
            return False
        if "start_date" in filters and b.start < _bound(filters["start_date"], "start_date", end=False):
            return False
        return not ("end_date" in filters and b.start >= _bound(filters["end_date"], "end_date", end=True))

    def _limit(self, value: str | None) -> int:
        if value is None:
            return DEFAULT_LIMIT
        if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
            raise _ApiError(400, "validation_error", f"limit must be between 1 and {MAX_LIMIT}")
        return int(value)

    @staticmethod
    def _cursor(offset: int, filters: dict[str, str]) -> str:
        """An opaque cursor: the position, bound to the filters it was issued for."""
        raw = json.dumps({"o": offset, "f": hashlib.sha256(json.dumps(filters).encode()).hexdigest()[:12]})
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def _offset(self, cursor: str, filters: dict[str, str]) -> int:
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            offset = int(data["o"])
        except (ValueError, KeyError, TypeError):
            raise _ApiError(400, "invalid_cursor", "The cursor is not one this API issued") from None
        if self._cursor(offset, filters) != cursor:
            raise _ApiError(400, "invalid_cursor", "The cursor was issued for other filters; start from the first page")
        return offset

    def _find_event_type(self, event_type_id: str) -> EventType:
        et = self.event_types.get(event_type_id)
        if et is None:
            raise _ApiError(404, "not_found", "Event type not found")
        return et

    def _find_member(self, member_id: str) -> Member:
        member = self.members.get(member_id)
        if member is None:
            raise _ApiError(404, "not_found", "Team member not found")
        return member

    def _find_booking(self, booking_id: str) -> Booking:
        booking = self.bookings.get(booking_id)
        if booking is None:
            raise _ApiError(404, "not_found", "Booking not found")
        return booking

    def _booking_json(self, b: Booking) -> dict[str, Any]:
        return {
            "object": "booking", "id": b.id, "status": b.status, "event_type_id": b.event_type_id,
            "assigned_to_id": b.member_id, "start_time": iso(b.start), "end_time": iso(b.end),
            "attendee": dict(b.attendee), "custom_fields": dict(b.custom_fields), "metadata": dict(b.metadata),
            "cancellation_reason": b.cancellation_reason, "rescheduled_from_id": b.rescheduled_from_id,
            "rescheduled_to_id": b.rescheduled_to_id, "created_at": iso(b.created_at), "updated_at": iso(b.updated_at),
        }
