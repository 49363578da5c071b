"""A fake Cal.com (Cal.diy) API v2 on 127.0.0.1 that keeps state and checks every request against the
official OpenAPI document (`contracts/calcom-v2-openapi.json`).

The booking side (the `calcom` adapter, with httpx) calls it like api.cal.com: `Authorization: Bearer <key>`,
the `cal-api-version` each endpoint group needs, JSON bodies shaped as the document says; it answers in
Cal.com's envelopes (`{"status": "success", "data": ...}`, errors as `{"status": "error", "timestamp", "path",
"error": {"code", "message"}}`) with its rate-limit headers. A request the document does not allow gets a 400
and lands in `fake.violations`; fixtures must call `fake.assert_clean()` at teardown.

Seeded from the business file: a team with one round-robin event type per service (`EVENT_TYPE_IDS`, hosts =
the staff who offer it), one user per staff member and, for each staff member, a personal event type per
service they offer (`STAFF_EVENT_TYPE_IDS`, slug = service id). The document has no way to narrow a team event
type to one host (`username` only counts with `eventTypeSlug`; Cal.com ignores it next to `eventTypeId`), so
"Sarah's haircuts" are `GET /v2/slots?eventTypeSlug=haircut&username=sarah` or her personal event type id.

The business side is the test: `cancel_in_calcom`, `reschedule_in_calcom`, `confirm_in_calcom`,
`reject_in_calcom` and `book_in_calcom` change the state as Cal.com's own pages would and POST a signed
webhook to every URL in `fake.webhook_urls`. Faults: `down`, `down_forever`, `rate_limited`, `conflict_next`,
`drop_create_response`.

    fake = FakeCalcom(business, now=clock.now)
    base_url = await fake.start()          # http://127.0.0.1:<port>; the adapter appends /v2/...
    ...
    await fake.settle()                    # webhooks fired by API calls have been delivered
    fake.assert_clean()                    # at teardown: no request broke the document
    await fake.stop()
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import math
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp
from aiohttp import web
from jsonschema.exceptions import best_match
from multidict import CIMultiDict, MultiDict
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.exceptions import OpenAPIError
from yarl import URL

from booking_client import Business, load_business
from booking_client.business import Staff
from booking_client.local.schedule import days_between, windows

SPEC_FILE = Path(__file__).parent / "contracts" / "calcom-v2-openapi.json"
VERSION_HEADER = "cal-api-version"
RATE_LIMIT = 120  # requests per minute per API key (Cal.com's default for API keys)
RESERVATION_MINUTES = 5  # Cal.com's default hold
TEAM_ID = 1
OWNER_ID = 1

# Cal.com's own wording, so an adapter that matches on it is tested against the real text.
MSG_TAKEN = "User either already has booking at this time or is not available"
MSG_TAKEN_TEAM = "One of the hosts either already has booking at this time or is not available"
MSG_OUT_OF_BOUNDS = (
    "The event type can't be booked at the \"start\" time provided. This could be because it's too soon "
    "(violating the minimum booking notice) or too far in the future (outside the event's scheduling window). "
    "Try fetching available slots first using the GET /v2/slots endpoint and then make a booking with "
    '"start" time equal to one of the available slots: https://cal.com/docs/api-reference/v2/slots'
)
MSG_PAST = "Attempting to book a meeting in the past."
MSG_NO_AUTH = (
    "ApiAuthStrategy - No authentication method provided. Either pass an API key as 'Bearer' header or "
    "OAuth client credentials as 'x-cal-secret-key' and 'x-cal-client-id' headers"
)
MSG_BAD_KEY = "ApiAuthStrategy - api key - Your api key is not valid"
MSG_THROTTLED = "Too many requests. Please try again later."
MSG_LOOKUP = "Either eventTypeId or eventTypeSlug + username or eventTypeSlug + teamSlug must be provided"
MSG_METADATA = (
    "Metadata must have at most 50 keys, each key up to 40 characters, and string values up to 500 characters."
)
MSG_CONTACT = "Attendee must have at least one contact method (email or phone number)"

_EXCEPTION_NAMES = {
    400: "BadRequestException",
    401: "UnauthorizedException",
    403: "ForbiddenException",
    404: "NotFoundException",
    409: "ConflictException",
    422: "UnprocessableEntityException",
    429: "ThrottlerException",
    501: "NotImplementedException",
    503: "ServiceUnavailableException",
}


# The document, loaded once per process ---------------------------------------------------------------

DOC_FIXES = {
    "POST /v2/bookings body": (
        "oneOf -> anyOf: a plain booking also matches the recurring-booking input (its only extra field, "
        "recurrenceCount, is optional), so strict oneOf would refuse every valid booking"
    ),
    "GET /v2/slots 200": (
        "the schema describes `data` without the envelope and with string items, while the document's own "
        "examples (and Cal.com) answer {status, data: {date: [{start}|{start, end}]}}"
    ),
    "nullable beside allOf": (
        "`{nullable: true, allOf: [X]}` (e.g. an event type's `recurrence`, null when not recurring) admits no "
        "null under OpenAPI 3.0, whose `nullable` needs a `type` beside it; read as X or null"
    ),
    "GET /v2/bookings ?status": (
        "the schema says an exploded array (status=a&status=b) while its description says comma-separated; "
        "Cal.com accepts both, so commas are split before validating"
    ),
}


@cache
def _document() -> dict[str, Any]:
    """The vendored document exactly as published."""
    return json.loads(SPEC_FILE.read_bytes())


@cache
def _openapi() -> OpenAPI:
    """The validator, built once: the document with `DOC_FIXES` applied in memory (the file stays as is)."""
    doc = json.loads(SPEC_FILE.read_bytes())
    body = doc["paths"]["/v2/bookings"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    body["anyOf"] = body.pop("oneOf")
    ok = doc["paths"]["/v2/slots"]["get"]["responses"]["200"]["content"]["application/json"]
    range_format = ok["schema"]["oneOf"][1]
    ok["schema"] = {
        "type": "object",
        "required": ["status", "data"],
        "properties": {
            "status": {"type": "string", "enum": ["success"]},
            "data": {**range_format, "additionalProperties": {
                "type": "array",
                "items": {**range_format["additionalProperties"]["items"], "required": ["start"]},
            }},
        },
    }
    _nullable_all_of(doc)
    # The document's own spec-level check fails on unrelated OAuth paths; requests are still fully validated.
    return OpenAPI.from_dict(doc, config=Config(spec_validator_cls=None))


def _nullable_all_of(node: Any) -> None:
    """DOC_FIXES["nullable beside allOf"], everywhere in the document."""
    if isinstance(node, dict):
        if node.get("nullable") is True and "allOf" in node and "type" not in node:
            node["anyOf"] = [{"allOf": node.pop("allOf")}, {"type": "object", "nullable": True, "enum": [None]}]
        for value in node.values():
            _nullable_all_of(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_all_of(value)


@dataclass(frozen=True)
class Operation:
    """One documented operation: what the fake needs to know before it answers."""

    method: str
    template: str
    operation_id: str
    version: str | None  # the cal-api-version it must be sent with, or None when it takes none
    needs_auth: bool
    pattern: re.Pattern[str]


@cache
def _operations() -> tuple[Operation, ...]:
    """Every operation of the document, with its version header and whether auth is required."""
    found = []
    for template, item in _document()["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")
        for method, op in item.items():
            headers = {p["name"].lower(): p for p in op.get("parameters", []) if p.get("in") == "header"}
            version = headers.get(VERSION_HEADER, {}).get("schema", {}).get("default")
            needs_auth = bool(headers.get("authorization", {}).get("required"))
            found.append(Operation(method.upper(), template, op["operationId"], version, needs_auth, pattern))
    return tuple(found)


# operationId -> the FakeCalcom method that answers it; anything else documented gets a 501.
_HANDLERS = {
    "MeController_getMe": "_me",
    "EventTypesController_2024_06_14_getEventTypes": "_event_types",
    "EventTypesController_2024_06_14_getEventTypeById": "_event_type",
    "SlotsController_2024_09_04_getAvailableSlots": "_slots",
    "SlotsController_2024_09_04_reserveSlot": "_reserve",
    "SlotsController_2024_09_04_deleteReservedSlot": "_release",
    "BookingsController_2024_08_13_createBooking": "_create",
    "BookingsController_2024_08_13_getBookings": "_list",
    "BookingsController_2024_08_13_getBooking": "_get_one",
    "BookingsController_2024_08_13_cancelBooking": "_cancel_op",
    "BookingsController_2024_08_13_rescheduleBooking": "_reschedule_op",
    "BookingsController_2024_08_13_confirmBooking": "_confirm_op",
    "BookingsController_2024_08_13_declineBooking": "_decline_op",
}


def _find_operation(method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
    """The documented operation for a request; a literal path wins over a templated one."""
    found = [(op, m.groupdict()) for op in _operations() if op.method == method and (m := op.pattern.match(path))]
    return min(found, key=lambda pair: pair[0].template.count("{"), default=None)


@dataclass
class _Request:
    """A request as openapi-core reads it."""

    host_url: str
    path: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters


@dataclass
class _Response:
    """A response as openapi-core reads it."""

    data: bytes
    status_code: int
    content_type: str
    headers: CIMultiDict[str]


def _explain(exc: Exception) -> str:
    """The validator's complaint in one line: each schema error with where it is."""
    errors = []
    for source in (exc, exc.__cause__):
        for err in getattr(source, "schema_errors", None) or []:
            leaf = best_match(err.context) if err.context else err  # inside anyOf/oneOf: the closest branch
            where = "/".join(str(p) for p in leaf.absolute_path) or "(root)"
            errors.append(f"{where}: {leaf.message}")
    head = str(exc).split(": Value ", 1)[0]
    return f"{head}: {'; '.join(errors[:5])}" if errors else head


# The state ----------------------------------------------------------------------------------------------


@dataclass
class User:
    """A Cal.com user: the business account that owns the API key, or one staff member."""

    id: int
    username: str
    name: str
    email: str
    time_zone: str
    staff: Staff | None = None

    def as_host(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "email": self.email, "username": self.username,
                "timeZone": self.time_zone}


@dataclass
class EventType:
    """A team round-robin event type (one per service) or a staff member's personal one."""

    id: int
    slug: str
    title: str
    length: int  # minutes
    buffer_after: int  # minutes
    host_ids: list[int]
    team_id: int | None = None
    owner_id: int | None = None
    requires_confirmation: bool = False

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.length)


@dataclass
class Attendee:
    name: str
    email: str
    time_zone: str
    language: str = "en"
    phone: str | None = None


@dataclass
class Booking:
    """One booking as Cal.com stores it; statuses in the API's lower case."""

    id: int
    uid: str
    event_type_id: int
    host_id: int
    start: datetime
    end: datetime
    attendee: Attendee
    status: str  # accepted | pending | cancelled | rejected
    created_at: datetime
    updated_at: datetime
    title: str
    metadata: dict[str, Any] = field(default_factory=dict)
    guests: list[str] = field(default_factory=list)
    cancellation_reason: str | None = None
    cancelled_by: str | None = None
    rejection_reason: str | None = None
    rescheduling_reason: str | None = None
    rescheduled_by: str | None = None
    rescheduled_from: str | None = None
    rescheduled_to: str | None = None

    @property
    def active(self) -> bool:
        return self.status in ("accepted", "pending")


@dataclass
class Reservation:
    """A slot held for a few minutes: nobody else sees or books that start on that event type meanwhile."""

    uid: str
    event_type_id: int
    start: datetime
    end: datetime
    duration: int
    until: datetime


@dataclass
class Recorded:
    """One request the fake received, as sent."""

    method: str
    path: str
    query: MultiDict[str]
    headers: CIMultiDict[str]
    json: Any
    status: int | None = None  # None: the connection was closed without an answer

    @property
    def version(self) -> str | None:
        return self.headers.get(VERSION_HEADER)


@dataclass
class Delivery:
    """One webhook POST and what the receiver answered (None when it could not be reached)."""

    url: str
    trigger: str
    payload: dict[str, Any]
    body: bytes
    signature: str
    status: int | None = None
    error: str | None = None


class SlotUnavailable(ValueError):
    """A change made "in Cal.com" asked for a time that is not free."""


class _ApiError(ValueError):
    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


def event_type_ids(business: Business) -> dict[str, int]:
    """Team event type id per service, in business-file order: 101, 102, ..."""
    mapping = getattr(getattr(business, "calcom", None), "event_types", {}) or {}
    return {s.id: mapping.get(s.id, 101 + i) for i, s in enumerate(business.services)}


def staff_event_type_ids(business: Business) -> dict[tuple[str, str], int]:
    """Personal event type id per (staff id, service id): 201, 202, ... staff by staff, services in file order."""
    pairs = [(p.id, s.id) for p in business.staff for s in business.services if s.id in p.services]
    return {pair: 201 + i for i, pair in enumerate(pairs)}


_DEMO = load_business()
EVENT_TYPE_IDS = event_type_ids(_DEMO)
STAFF_EVENT_TYPE_IDS = staff_event_type_ids(_DEMO)


# Formatting ---------------------------------------------------------------------------------------------


def _iso_ms(moment: datetime) -> str:
    """Cal.com's output form: UTC with milliseconds and Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _iso_s(moment: datetime) -> str:
    """The webhook payload's form (dayjs `.utc().format()`): UTC, seconds, Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _in_zone(moment: datetime, zone: ZoneInfo | None) -> str:
    """Luxon's `toISO()` of a slot: Z for UTC, else the zone's offset, always with milliseconds."""
    if zone is None:
        return _iso_ms(moment)
    return moment.astimezone(zone).isoformat(timespec="milliseconds")


def _parse_instant(value: Any, what: str) -> datetime:
    """An ISO 8601 instant; without an offset it is UTC, as on Cal.com's servers."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise _ApiError(400, f"{what} must be a valid ISO 8601 date string") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _zone(name: str | None, what: str = "timeZone") -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _ApiError(400, f"{what} must be a valid IANA time zone") from None


def _short_uid(value: uuid.UUID) -> str:
    """A 22-character base58 uid, the form Cal.com's booking uids have."""
    alphabet = "123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
    number, digits = value.int, []
    while number:
        number, rest = divmod(number, 58)
        digits.append(alphabet[rest])
    return "".join(reversed(digits)).rjust(22, alphabet[0])


def _utc_offset(zone: str, moment: datetime) -> int:
    offset = moment.astimezone(ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def _metadata_ok(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) > 50:
        return False
    return all(
        len(k) <= 40 and (isinstance(v, bool | int | float) or (isinstance(v, str) and len(v) <= 500))
        for k, v in value.items()
    )


async def serve_on_loopback(app: web.Application, port: int) -> tuple[web.AppRunner, str]:
    """Start `app` on 127.0.0.1:`port` (0 = any free port): never any other address."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    host, real_port = runner.addresses[0][:2]
    return runner, f"http://{host}:{real_port}"


# The fake -----------------------------------------------------------------------------------------------


class FakeCalcom:
    """Cal.com API v2 for one business, on 127.0.0.1. See the module docstring for the tour."""

    def __init__(
        self,
        business: Business,
        *,
        now: Callable[[], datetime],
        api_key: str = "cal_test_fake_0123456789abcdef",
        webhook_secret: str = "whsec_test_fake_0123456789",
        requires_confirmation: Iterable[int] = (),
    ) -> None:
        self.business = business
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.base = ""
        self._now = now

        # Faults and switches the tests set.
        self.down = 0  # the next n requests get 503
        self.down_forever = False
        self.rate_limited = 0  # the next n requests get 429
        self.rate_limit_reset_seconds = 60
        self.enforce_rate_limit = False  # refuse beyond limit_per_minute (counted on the fake clock)
        self.limit_per_minute = RATE_LIMIT
        self.conflict_next = 0  # the next n creates lose a race: someone else books the slot, 409
        self.drop_create_response = 0  # the next n creates book, then the connection closes unanswered
        self.webhook_urls: list[str] = []
        self.webhooks_for_api_changes = True
        self.validate_responses = True  # check the fake's own 2xx answers against the document

        # What happened.
        self.requests: list[Recorded] = []
        self.violations: list[str] = []
        self.deliveries: list[Delivery] = []

        self.users: dict[int, User] = {}
        self.event_types: dict[int, EventType] = {}
        self.bookings: dict[str, Booking] = {}
        self.reservations: dict[str, Reservation] = {}
        self._ids = itertools.count(1)
        self._hits: dict[str, tuple[datetime, int]] = {}
        self._pending: set[asyncio.Task[None]] = set()
        self.last_booking: Booking | None = None  # the latest book_in_calcom
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._seed(set(requires_confirmation))
        _openapi()  # load the document now, not inside the first request

    # --- seeding --------------------------------------------------------------------------------------

    def _seed(self, requires_confirmation: set[int]) -> None:
        business = self.business
        slug = re.sub(r"[^a-z0-9]+", "-", business.name.lower()).strip("-") or "business"
        self.team_slug = slug
        self.owner = User(OWNER_ID, slug, business.name, f"owner@{slug}.example", business.timezone)
        self.users[OWNER_ID] = self.owner
        usernames = getattr(getattr(business, "calcom", None), "staff", {}) or {}
        by_staff: dict[str, User] = {}
        for i, person in enumerate(business.staff):
            user = User(OWNER_ID + 1 + i, usernames.get(person.id, person.id), person.name,
                        f"{person.id}@{slug}.example", business.timezone, person)
            self.users[user.id] = by_staff[person.id] = user
        for service in business.services:
            hosts = [by_staff[p.id].id for p in business.staff if service.id in p.services]
            et_id = event_type_ids(business)[service.id]
            self.event_types[et_id] = EventType(
                et_id, service.id, service.display("en"), service.duration_minutes, service.buffer_after_minutes,
                hosts, team_id=TEAM_ID, requires_confirmation=et_id in requires_confirmation)
        for (staff_id, service_id), et_id in staff_event_type_ids(business).items():
            service, user = business.service(service_id), by_staff[staff_id]
            self.event_types[et_id] = EventType(
                et_id, service.id, service.display("en"), service.duration_minutes, service.buffer_after_minutes,
                [user.id], owner_id=user.id, requires_confirmation=et_id in requires_confirmation)

    # --- lifecycle ------------------------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        """Serve on 127.0.0.1; returns the base URL (the adapter adds /v2/...)."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner, self.base = await serve_on_loopback(app, port)
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return self.base

    async def stop(self) -> None:
        await self.settle()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def settle(self) -> None:
        """Wait until every webhook fired by an API call has been delivered (or failed)."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    def assert_clean(self) -> None:
        """Fail when any request broke the document (fixtures call this at teardown)."""
        if self.violations:
            raise AssertionError("requests to the fake Cal.com broke its API document:\n  " +
                                 "\n  ".join(self.violations))

    # --- looking at the state from a test -------------------------------------------------------------

    def sent(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        """The requests received, optionally only one method and/or path."""
        return [r for r in self.requests if (method is None or r.method == method)
                and (path is None or r.path == path)]

    def user(self, username: str) -> User:
        return next(u for u in self.users.values() if u.username == username)

    def bookings_of(self, email: str) -> list[Booking]:
        return [b for b in self.bookings.values() if b.attendee.email.lower() == email.lower()]

    def free_starts(self, event_type_id: int, start: datetime, end: datetime,
                    username: str | None = None) -> list[datetime]:
        """The starts Cal.com would offer (as UTC instants), for assertions."""
        et = self.event_types[event_type_id]
        hosts = [self.user(username).id] if username else et.host_ids
        return self._starts(et, hosts, start, end, ignore=None)

    # --- availability ---------------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self._now().astimezone(UTC)

    def _busy(self, host_id: int, ignore: str | None) -> list[tuple[datetime, datetime]]:
        """Time the host is blocked: active bookings (pending too) plus their after-event buffers."""
        return [(b.start, b.end + timedelta(minutes=self.event_types[b.event_type_id].buffer_after))
                for b in self.bookings.values() if b.host_id == host_id and b.active and b.uid != ignore]

    def _held(self, et: EventType, start: datetime, end: datetime) -> list[Reservation]:
        now = self.now
        return [r for r in self.reservations.values()
                if r.event_type_id == et.id and r.until > now and r.start < end and start < r.end]

    def _fits(self, et: EventType, host_id: int, start: datetime, ignore: str | None = None) -> str | None:
        """Why the host cannot take this event type at `start` (a Cal.com error kind), or None if free."""
        now = self.now
        if start < now:
            return "past"
        if start < now + self.business.min_notice or start > now + self.business.horizon:
            return "out_of_bounds"
        person = self.users[host_id].staff
        end = start + et.duration
        local_day = self.business.local(start).date()
        if person is None or not any(w.start <= start and end <= w.end
                                     for w in windows(self.business, person, local_day)):
            return "taken"
        until = end + timedelta(minutes=et.buffer_after)
        if any(start < b_until and b_start < until for b_start, b_until in self._busy(host_id, ignore)):
            return "taken"
        return None

    def _starts(self, et: EventType, host_ids: list[int], start: datetime, end: datetime,
                ignore: str | None, collective: bool = False) -> list[datetime]:
        """Step-aligned starts in [start, end] where one host (all, when collective) is free and unheld."""
        found: set[datetime] = set()
        step = self.business.slot_step
        for host_id in host_ids:
            person = self.users[host_id].staff
            if person is None:
                continue
            for day in days_between(self.business, start - timedelta(days=1), end):
                for window in windows(self.business, person, day):
                    moment = window.start
                    while moment + et.duration <= window.end:
                        if start <= moment <= end and self._fits(et, host_id, moment, ignore) is None:
                            found.add(moment)
                        moment += step
        if collective:
            found = {m for m in found if all(self._fits(et, h, m, ignore) is None for h in host_ids)}
        return sorted(m for m in found if not self._held(et, m, m + et.duration))

    def _pick_host(self, et: EventType, start: datetime, ignore: str | None = None,
                   prefer: int | None = None, among: list[int] | None = None) -> tuple[int | None, str]:
        """The host who takes the booking: round robin picks the least-booked free host."""
        candidates = [h for h in et.host_ids if among is None or h in among]
        reasons = {h: self._fits(et, h, start, ignore) for h in candidates}
        free = [h for h in candidates if reasons[h] is None]
        if not free:
            worst = next((r for r in ("past", "out_of_bounds") if r in reasons.values()), "taken")
            return None, worst
        if prefer in free:
            return prefer, ""
        load = {h: sum(1 for b in self.bookings.values() if b.host_id == h and b.active) for h in free}
        return min(free, key=lambda h: (load[h], candidates.index(h))), ""

    # --- HTTP: the gate every request passes ----------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        recorded = Recorded(request.method, request.path, MultiDict(request.query),
                            CIMultiDict(request.headers), body)
        self.requests.append(recorded)
        response = await self._answer(request, raw, body)
        dropped = request.transport is None or request.transport.is_closing()
        recorded.status = None if dropped else response.status
        return response

    async def _answer(self, request: web.Request, raw: bytes, body: Any) -> web.StreamResponse:
        method, path = request.method, request.path
        label = f"{method} {path}"
        if self.down_forever or self.down > 0:
            self.down = max(0, self.down - 1)
            return self._error(request, 503, "Service Unavailable")
        if self.rate_limited > 0:
            self.rate_limited -= 1
            return self._throttled(request)
        found = _find_operation(method, path)
        if found is None:
            self.violations.append(f"{label}: no such operation in the API document")
            return self._error(request, 404, f"Cannot {method} {path}")
        op, params = found
        handler = getattr(self, _HANDLERS.get(op.operation_id, ""), None)
        tracker = request.headers.get("Authorization", f"ip_{request.remote}")
        if self._count(tracker) > self.limit_per_minute and self.enforce_rate_limit:
            return self._throttled(request)
        auth = request.headers.get("Authorization")
        if auth is not None and auth != f"Bearer {self.api_key}":
            return self._error(request, 401, MSG_BAD_KEY, tracker)
        if auth is None and op.needs_auth:
            return self._error(request, 401, MSG_NO_AUTH, tracker)
        if op.version is not None and request.headers.get(VERSION_HEADER) != op.version:
            sent = request.headers.get(VERSION_HEADER)
            self.violations.append(f"{label}: {VERSION_HEADER} {'missing' if sent is None else repr(sent)}, "
                                   f"the document wants {op.version!r}")
            return self._error(request, 400, (
                f"{VERSION_HEADER} must be {op.version} for {op.template} (got {sent!r}); "
                "Cal.com would route this request to another (legacy) controller"), tracker)
        problem = self._invalid(request, raw, params)
        if problem:
            self.violations.append(f"{label}: {problem}")
            return self._error(request, 400, problem, tracker)
        if handler is None:
            self.violations.append(f"{label}: documented ({op.operation_id}) but not modelled by the fake")
            return self._error(request, 501, f"the fake does not model {op.operation_id}", tracker)
        try:
            status, data = await handler(request, params, body or {})
        except _ApiError as err:
            return self._error(request, err.status, err.message, tracker, code=err.code)
        if status == 0:  # the connection was dropped on purpose
            return web.Response(status=204)
        response = web.json_response(data, status=status)
        self._rate_headers(response, tracker)
        if self.validate_responses:
            self._check_response(request, raw, params, response)
        return response

    def _validation_request(self, request: web.Request, raw: bytes, params: dict[str, str]) -> _Request:
        query: MultiDict[str] = MultiDict()
        for key, value in request.query.items():
            values = value.split(",") if key == "status" else [value]  # DOC_FIXES["GET /v2/bookings ?status"]
            for item in values:
                query.add(key, item)
        return _Request("http://127.0.0.1", request.path, request.method.lower(), raw or None,
                        request.content_type if raw else "application/json",
                        RequestParameters(query=query, header=CIMultiDict(request.headers),
                                          cookie=MultiDict(), path=params))

    def _invalid(self, request: web.Request, raw: bytes, params: dict[str, str]) -> str | None:
        """Why the request breaks the document, or None."""
        try:
            _openapi().validate_request(self._validation_request(request, raw, params))
        except OpenAPIError as exc:
            return _explain(exc)
        return None

    def _check_response(self, request: web.Request, raw: bytes, params: dict[str, str],
                        response: web.Response) -> None:
        out = _Response(response.body if isinstance(response.body, bytes) else b"", response.status,
                        "application/json", CIMultiDict(response.headers))
        try:
            _openapi().validate_response(self._validation_request(request, raw, params), out)
        except OpenAPIError as exc:
            self.violations.append(f"{request.method} {request.path}: the fake's own answer drifts from the "
                                   f"document: {_explain(exc)}")

    def _count(self, tracker: str) -> int:
        """Requests of this caller in the current minute of the fake clock, this one included."""
        now = self.now
        since, hits = self._hits.get(tracker, (now, 0))
        if now - since >= timedelta(seconds=60):
            since, hits = now, 0
        self._hits[tracker] = (since, hits + 1)
        return hits + 1

    def _rate_headers(self, response: web.StreamResponse, tracker: str, blocked: bool = False) -> None:
        """Cal.com's throttler headers (named after its "default" throttler); Reset is in seconds."""
        since, hits = self._hits[tracker]
        left = 0 if blocked else max(0, self.limit_per_minute - hits)
        reset = self.rate_limit_reset_seconds if blocked else max(1, math.ceil(
            60 - (self.now - since).total_seconds()))
        response.headers["X-RateLimit-Limit-Default"] = str(self.limit_per_minute)
        response.headers["X-RateLimit-Remaining-Default"] = str(left)
        response.headers["X-RateLimit-Reset-Default"] = str(reset)

    def _error(self, request: web.Request, status: int, message: str, tracker: str | None = None,
               code: str | None = None) -> web.Response:
        body = {"status": "error", "timestamp": _iso_ms(self.now), "path": request.path_qs,
                "error": {"code": code or _EXCEPTION_NAMES.get(status, "HttpException"), "message": message}}
        response = web.json_response(body, status=status)
        if tracker is not None:
            self._rate_headers(response, tracker)
        return response

    def _throttled(self, request: web.Request) -> web.Response:
        tracker = request.headers.get("Authorization", f"ip_{request.remote}")
        if tracker not in self._hits:
            self._count(tracker)
        response = self._error(request, 429, MSG_THROTTLED)
        self._rate_headers(response, tracker, blocked=True)
        return response

    # --- HTTP: the operations -------------------------------------------------------------------------

    async def _me(self, request, params, body):
        o = self.owner
        return 200, {"status": "success", "data": {
            "id": o.id, "username": o.username, "email": o.email, "timeFormat": 24, "defaultScheduleId": None,
            "weekStart": "Monday", "timeZone": o.time_zone, "organizationId": None}}

    async def _event_types(self, request, params, body):
        username, slug = request.query.get("username"), request.query.get("eventSlug")
        found = [et for et in self.event_types.values()
                 if (username is None or et.owner_id == self._user_id(username))
                 and (slug is None or et.slug == slug)]
        return 200, {"status": "success", "data": [self._event_type_json(et) for et in found]}

    async def _event_type(self, request, params, body):
        et = self.event_types.get(int(params["eventTypeId"])) if params["eventTypeId"].isdigit() else None
        if et is None:
            raise _ApiError(404, f"Event type with id={params['eventTypeId']} not found")
        return 200, {"status": "success", "data": self._event_type_json(et)}

    async def _slots(self, request, params, body):
        q = request.query
        zone = _zone(q.get("timeZone"))
        start = _parse_instant(q["start"], "start")
        end = _parse_instant(q["end"], "end")
        if end.time() == time(0):  # an end at midnight (or a bare date) means that whole day
            end = end.replace(hour=23, minute=59, second=59)
        if end < start:
            raise _ApiError(400, "Invalid time range given - check the 'start' and 'end' query parameters.")
        fmt = q.get("format", "time")
        if fmt not in ("time", "range"):
            raise _ApiError(400, "format must be one of the following values: range, time")
        et, hosts, collective = self._slots_target(q)
        starts = self._starts(et, hosts, start, end, ignore=q.get("bookingUidToReschedule"), collective=collective)
        days: dict[str, list[dict[str, str]]] = {}
        for moment in starts:
            key = (moment.astimezone(zone) if zone else moment).date().isoformat()
            slot = {"start": _in_zone(moment, zone)}
            if fmt == "range":
                slot["end"] = _in_zone(moment + et.duration, zone)
            days.setdefault(key, []).append(slot)
        return 200, {"status": "success", "data": days}

    def _slots_target(self, q) -> tuple[EventType, list[int], bool]:
        """The event type and hosts a slots query names, the ways the document allows."""
        if "eventTypeId" in q:
            et = self.event_types.get(int(q["eventTypeId"])) if q["eventTypeId"].isdigit() else None
            if et is None:
                raise _ApiError(404, "Event Type not found")
            return et, et.host_ids, False  # a `username` beside eventTypeId is ignored, as by Cal.com
        if "eventTypeSlug" in q and ("username" in q or "teamSlug" in q):
            et = self._by_slug(q["eventTypeSlug"], q.get("username"), q.get("teamSlug"))
            if et is None:
                raise _ApiError(404, "Event Type not found")
            return et, et.host_ids, False
        if "usernames" in q:
            names = [n for n in q["usernames"].split(",") if n]
            if len(names) < 2:
                raise _ApiError(400, "usernames must contain at least 2 elements.")
            ids = [self._user_id(n) for n in names]
            if None in ids:
                raise _ApiError(404, "User not found")
            length = int(q.get("duration", 30))
            return EventType(0, "dynamic", "Dynamic", length, 0, ids), ids, True  # all must be free
        raise _ApiError(400, MSG_LOOKUP)

    async def _reserve(self, request, params, body):
        et = self.event_types.get(int(body["eventTypeId"]))
        if et is None:
            raise _ApiError(404, f"Event Type with ID={body['eventTypeId']} not found")
        start = _parse_instant(body["slotStart"], "slotStart")
        if "slotDuration" in body and body["slotDuration"] != et.length:
            raise _ApiError(400, "You passed 'slotDuration' but this event type is not a variable length event type.")
        end = start + et.duration
        if any(b.active and b.event_type_id == et.id and b.start < end and start < b.end
               for b in self.bookings.values()):
            raise _ApiError(422, "Can't reserve a slot if the event is already booked.")
        if self._held(et, start, end):
            raise _ApiError(422, "This time slot is already reserved by another user. Please choose a different time.")
        minutes = int(body.get("reservationDuration", RESERVATION_MINUTES))
        uid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-calcom-reservation-{next(self._ids)}"))
        held = Reservation(uid, et.id, start, end, et.length, self.now + timedelta(minutes=minutes))
        self.reservations[uid] = held
        return 201, {"status": "success", "data": {
            "eventTypeId": et.id, "slotStart": _iso_ms(start), "slotEnd": _iso_ms(end), "slotDuration": et.length,
            "reservationUid": uid, "reservationDuration": minutes, "reservationUntil": _iso_ms(held.until)}}

    async def _release(self, request, params, body):
        if self.reservations.pop(params["uid"], None) is None:
            raise _ApiError(404, f"Slot with uid={params['uid']} not found")
        return 200, {"status": "success"}

    async def _create(self, request, params, body):
        et, among = self._create_target(body), None
        if isinstance(body.get("routing"), dict):
            among = [int(i) for i in body["routing"].get("teamMemberIds", [])] or None
        if "lengthInMinutes" in body and body["lengthInMinutes"] != et.length:
            raise _ApiError(400, "Can't specify 'lengthInMinutes' because event type does not have multiple "
                                 "possible lengths. Please, remove the 'lengthInMinutes' field from the request.")
        attendee = self._attendee(body["attendee"])
        if "metadata" in body and not _metadata_ok(body["metadata"]):
            raise _ApiError(400, MSG_METADATA)
        start = _parse_instant(body["start"], "start")
        host, why = self._pick_host(et, start, among=among)
        if host is None:
            raise self._refusal(why, et)
        if self.conflict_next > 0:
            self.conflict_next -= 1
            rival = self._book(et, host, start, Attendee("Someone Else", "someone.else@example.org", "UTC"))
            self._notify_later(*self._created_trigger(rival))
            raise _ApiError(409, "booking_conflict_error", code="booking_conflict_error")
        for held in self._held(et, start, start + et.duration):
            del self.reservations[held.uid]  # the API caller books on its own hold
        booking = self._book(et, host, start, attendee, metadata=body.get("metadata", {}),
                             guests=list(body.get("guests", [])))
        if self.webhooks_for_api_changes:
            self._notify_later(*self._created_trigger(booking))
        if self.drop_create_response > 0:
            self.drop_create_response -= 1
            if request.transport is not None:
                request.transport.abort()
            return 0, None
        return 201, {"status": "success", "data": self._booking_json(booking)}

    async def _list(self, request, params, body):
        q = request.query
        found = [b for b in self.bookings.values() if self._matches(b, q)]
        for key in ("sortStart", "sortEnd", "sortCreated", "sortUpdatedAt"):
            if key in q:
                attr = {"sortStart": "start", "sortEnd": "end", "sortCreated": "created_at",
                        "sortUpdatedAt": "updated_at"}[key]
                found.sort(key=lambda b: (getattr(b, attr), b.id), reverse=q[key] == "desc")
                break
        else:
            found.sort(key=lambda b: (b.start, b.id))
        take, skip = int(float(q.get("take", 100))), int(float(q.get("skip", 0)))
        if take < 1 or take > 250:
            raise _ApiError(400, "take must not be less than 1 and not greater than 250")
        page = found[skip:skip + take]
        total = len(found)
        return 200, {"status": "success", "data": [self._booking_json(b) for b in page], "pagination": {
            "totalItems": total, "remainingItems": max(0, total - skip - len(page)), "returnedItems": len(page),
            "itemsPerPage": take, "currentPage": skip // take + 1, "totalPages": math.ceil(total / take),
            "hasNextPage": skip + take < total, "hasPreviousPage": skip > 0}}

    async def _get_one(self, request, params, body):
        return 200, {"status": "success", "data": self._booking_json(self._get(params["bookingUid"]))}

    async def _cancel_op(self, request, params, body):
        booking = self._get(params["bookingUid"])
        if "seatUid" in body:
            raise _ApiError(400, "Booking is not a seated booking")
        by = self.owner.email if request.headers.get("Authorization") else booking.attendee.email
        self._cancel(booking, body.get("cancellationReason"), by)
        if self.webhooks_for_api_changes:
            self._notify_later("BOOKING_CANCELLED", booking, self._cancel_extra(booking))
        return 200, {"status": "success", "data": self._booking_json(booking)}

    async def _reschedule_op(self, request, params, body):
        old = self._get(params["bookingUid"])
        if "seatUid" in body:
            raise _ApiError(400, "Booking is not a seated booking")
        start = _parse_instant(body["start"], "start")
        by = body.get("rescheduledBy")
        new = self._reschedule(old, start, by, body.get("reschedulingReason"))
        if self.webhooks_for_api_changes:
            self._notify_later(*self._rescheduled_trigger(new, old))
        return 201, {"status": "success", "data": self._booking_json(new)}

    async def _confirm_op(self, request, params, body):
        booking = self._get(params["bookingUid"])
        self._confirm(booking)
        if self.webhooks_for_api_changes:
            self._notify_later("BOOKING_CREATED", booking, {"metadata": booking.metadata})
        return 200, {"status": "success", "data": self._booking_json(booking)}

    async def _decline_op(self, request, params, body):
        booking = self._get(params["bookingUid"])
        self._reject(booking, body.get("reason"))
        if self.webhooks_for_api_changes:
            self._notify_later("BOOKING_REJECTED", booking, {})
        return 200, {"status": "success", "data": self._booking_json(booking)}

    # --- the booking rules, shared by the API and the "in Cal.com" changes -----------------------------

    def _user_id(self, username: str) -> int | None:
        return next((u.id for u in self.users.values() if u.username == username), None)

    def _by_slug(self, slug: str, username: str | None, team_slug: str | None) -> EventType | None:
        if team_slug is not None:
            if team_slug != self.team_slug:
                return None
            return next((et for et in self.event_types.values() if et.team_id and et.slug == slug), None)
        owner = self._user_id(username or "")
        return next((et for et in self.event_types.values() if et.owner_id == owner and et.slug == slug), None)

    def _create_target(self, body: dict[str, Any]) -> EventType:
        if "eventTypeId" in body:
            et = self.event_types.get(int(body["eventTypeId"]))
            if et is None:
                raise _ApiError(404, f"Event type with id {body['eventTypeId']} not found.")
            return et
        if "eventTypeSlug" in body and ("username" in body or "teamSlug" in body):
            et = self._by_slug(body["eventTypeSlug"], body.get("username"), body.get("teamSlug"))
            if et is None:
                raise _ApiError(404, f"Event type with slug {body['eventTypeSlug']} not found.")
            return et
        raise _ApiError(400, MSG_LOOKUP)

    def _attendee(self, raw: dict[str, Any]) -> Attendee:
        if not raw.get("email") and not raw.get("phoneNumber"):
            raise _ApiError(400, MSG_CONTACT)
        _zone(raw["timeZone"], "attendee.timeZone")
        return Attendee(raw["name"], raw.get("email", ""), raw["timeZone"], raw.get("language", "en"),
                        raw.get("phoneNumber"))

    def _refusal(self, why: str, et: EventType) -> _ApiError:
        if why == "past":
            return _ApiError(400, MSG_PAST)
        if why == "out_of_bounds":
            return _ApiError(400, MSG_OUT_OF_BOUNDS)
        return _ApiError(400, MSG_TAKEN_TEAM if et.team_id else MSG_TAKEN)

    def _book(self, et: EventType, host_id: int, start: datetime, attendee: Attendee, *,
              metadata: dict[str, Any] | None = None, guests: list[str] | None = None,
              rescheduled_from: str | None = None, force_accept: bool = False) -> Booking:
        booking_id = next(self._ids)
        uid = _short_uid(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-calcom-booking-{booking_id}"))
        now = self.now
        host = self.users[host_id]
        booking = Booking(
            booking_id, uid, et.id, host_id, start, start + et.duration, attendee,
            "pending" if et.requires_confirmation and not force_accept else "accepted", now, now,
            f"{et.title} between {host.name} and {attendee.name}", dict(metadata or {}), list(guests or []),
            rescheduled_from=rescheduled_from)
        self.bookings[uid] = booking
        return booking

    def _get(self, uid: str) -> Booking:
        booking = self.bookings.get(uid)
        if booking is None:
            raise _ApiError(404, f"Booking with uid={uid} not found")
        return booking

    def _cancel(self, booking: Booking, reason: str | None, by: str) -> None:
        if booking.status in ("cancelled", "rejected"):
            raise _ApiError(400, "This booking has already been cancelled.")
        if booking.end <= self.now:
            raise _ApiError(400, "Cannot cancel a booking that has already ended")
        booking.status, booking.cancellation_reason, booking.cancelled_by = "cancelled", reason, by
        booking.updated_at = self.now

    def _reschedule(self, old: Booking, start: datetime, by: str | None, reason: str | None) -> Booking:
        if not old.active:
            raise _ApiError(400, f"Can't reschedule booking with status {old.status}")
        et = self.event_types[old.event_type_id]
        host, why = self._pick_host(et, start, ignore=old.uid, prefer=old.host_id)
        if host is None:
            raise self._refusal(why, et)
        accept = by is not None and by in (self.owner.email, self.users[host].email)
        new = self._book(et, host, start, old.attendee, metadata=old.metadata, guests=old.guests,
                         rescheduled_from=old.uid, force_accept=accept)
        new.rescheduling_reason, new.rescheduled_by = reason, by
        old.status, old.rescheduled_to, old.updated_at = "cancelled", new.uid, self.now
        old.rescheduling_reason, old.rescheduled_by = reason, by
        return new

    def _confirm(self, booking: Booking) -> None:
        if booking.status != "pending":
            raise _ApiError(400, f"Booking with uid={booking.uid} is not pending")
        booking.status, booking.updated_at = "accepted", self.now

    def _reject(self, booking: Booking, reason: str | None) -> None:
        if booking.status != "pending":
            raise _ApiError(400, f"Booking with uid={booking.uid} is not pending")
        booking.status, booking.rejection_reason, booking.updated_at = "rejected", reason, self.now

    def _matches(self, b: Booking, q) -> bool:
        """GET /v2/bookings filters."""
        now = self.now
        statuses = [s for v in q.getall("status", []) for s in v.split(",") if s]
        if statuses and not any({
            "upcoming": b.active and b.end >= now,
            "unconfirmed": b.status == "pending" and b.end >= now,
            "past": b.end <= now and b.active,
            "cancelled": b.status in ("cancelled", "rejected"),
            "recurring": False,
        }[s] for s in statuses):
            return False
        if "attendeeEmail" in q and q["attendeeEmail"].lower() not in (
                [b.attendee.email.lower()] + [g.lower() for g in b.guests]):
            return False
        if "attendeeName" in q and q["attendeeName"].lower() not in b.attendee.name.lower():
            return False
        if "bookingUid" in q and q["bookingUid"] != b.uid:
            return False
        ids = {int(i) for key in ("eventTypeId", "eventTypeIds") for v in q.getall(key, [])
               for i in v.split(",") if i.strip().isdigit()}
        if ids and b.event_type_id not in ids:
            return False
        limits = (("afterStart", lambda t: b.start >= t), ("beforeEnd", lambda t: b.end <= t),
                  ("afterCreatedAt", lambda t: b.created_at >= t), ("beforeCreatedAt", lambda t: b.created_at <= t),
                  ("afterUpdatedAt", lambda t: b.updated_at >= t), ("beforeUpdatedAt", lambda t: b.updated_at <= t))
        return all(test(_parse_instant(q[key], key)) for key, test in limits if key in q)

    # --- JSON shapes ----------------------------------------------------------------------------------

    def _event_type_json(self, et: EventType) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": et.id, "lengthInMinutes": et.length, "title": et.title, "slug": et.slug, "description": "",
            "locations": [], "bookingFields": [], "disableGuests": False, "minimumBookingNotice":
            self.business.min_notice_minutes, "beforeEventBuffer": 0, "afterEventBuffer": et.buffer_after,
            "recurrence": None, "metadata": {}, "price": 0, "currency": "usd",
            "lockTimeZoneToggleOnBookingPage": False, "forwardParamsSuccessRedirect": None,
            "successRedirectUrl": None, "isInstantEvent": False, "scheduleId": None, "hidden": False,
            "bookingRequiresAuthentication": False, "ownerId": et.owner_id or OWNER_ID,
            "users": [self.users[h].username for h in et.host_ids],
        }
        if et.requires_confirmation:
            out["confirmationPolicy"] = {"type": "always", "blockUnconfirmedBookingsInBooker": True}
        if et.team_id:  # upstream shows team event types under /v2/teams/{teamId}/event-types
            out.update(teamId=et.team_id, schedulingType="roundRobin", hosts=[
                {"userId": h, "name": self.users[h].name, "username": self.users[h].username}
                for h in et.host_ids])
        return out

    def _booking_json(self, b: Booking) -> dict[str, Any]:
        et, host = self.event_types[b.event_type_id], self.users[b.host_id]
        out: dict[str, Any] = {"id": b.id, "uid": b.uid, "title": b.title, "description": "",
                               "hosts": [host.as_host()], "status": b.status}
        optional = (("cancellationReason", b.cancellation_reason), ("cancelledByEmail", b.cancelled_by),
                    ("reschedulingReason", b.rescheduling_reason), ("rescheduledByEmail", b.rescheduled_by),
                    ("rescheduledFromUid", b.rescheduled_from), ("rescheduledToUid", b.rescheduled_to))
        out.update({k: v for k, v in optional if v is not None})
        attendee = {"name": b.attendee.name, "email": b.attendee.email, "timeZone": b.attendee.time_zone,
                    "language": b.attendee.language, "absent": False}
        if b.attendee.phone:
            attendee["phoneNumber"] = b.attendee.phone
        out.update({
            "start": _iso_ms(b.start), "end": _iso_ms(b.end), "duration": et.length, "eventTypeId": et.id,
            "eventType": {"id": et.id, "slug": et.slug}, "location": "integrations:daily", "absentHost": False,
            "createdAt": _iso_ms(b.created_at), "updatedAt": _iso_ms(b.updated_at), "metadata": b.metadata,
            "icsUid": f"{b.uid}@Cal.com", "attendees": [attendee], "guests": b.guests,
            "bookingFieldsResponses": {"name": b.attendee.name, "email": b.attendee.email, "guests": b.guests},
        })
        return out

    def webhook_payload(self, trigger: str, b: Booking, extra: dict[str, Any]) -> dict[str, Any]:
        """The body Cal.com POSTs (webhook version 2021-10-20): triggerEvent, createdAt, payload."""
        et, host = self.event_types[b.event_type_id], self.users[b.host_id]
        first, _, last = b.attendee.name.partition(" ")
        status = {"accepted": "ACCEPTED", "pending": "PENDING", "cancelled": "CANCELLED",
                  "rejected": "REJECTED"}[b.status]
        payload: dict[str, Any] = {
            "type": et.slug, "title": b.title, "description": "", "additionalNotes": "", "customInputs": {},
            "startTime": _iso_s(b.start), "endTime": _iso_s(b.end),
            "organizer": {"id": host.id, "name": host.name, "email": host.email, "username": host.username,
                          "timeZone": host.time_zone, "language": {"locale": "en"}, "timeFormat": "h:mma",
                          "utcOffset": _utc_offset(host.time_zone, b.start)},
            "responses": {"name": {"label": "your_name", "value": b.attendee.name},
                          "email": {"label": "email_address", "value": b.attendee.email}},
            "userFieldsResponses": {},
            "attendees": [{"email": b.attendee.email, "name": b.attendee.name, "firstName": first,
                           "lastName": last, "timeZone": b.attendee.time_zone,
                           "language": {"locale": b.attendee.language},
                           "utcOffset": _utc_offset(b.attendee.time_zone, b.start)}],
            "location": "integrations:daily", "destinationCalendar": None, "hideCalendarNotes": False,
            "requiresConfirmation": et.requires_confirmation, "eventTypeId": et.id, "seatsShowAttendees": True,
            "uid": b.uid, "bookingId": b.id, "iCalUID": f"{b.uid}@Cal.com", "status": status,
            "eventTitle": et.title, "eventDescription": None, "price": 0, "currency": "usd", "length": et.length,
            "hashedLink": None,
        }
        if et.team_id:
            payload["team"] = {"id": et.team_id, "name": self.business.name,
                               "members": [self.users[h].as_host() for h in et.host_ids]}
        payload.update(extra)
        return {"triggerEvent": trigger, "createdAt": _iso_ms(self.now), "payload": payload}

    def _created_trigger(self, b: Booking) -> tuple[str, Booking, dict[str, Any]]:
        return ("BOOKING_REQUESTED" if b.status == "pending" else "BOOKING_CREATED"), b, {"metadata": b.metadata}

    def _rescheduled_trigger(self, new: Booking, old: Booking) -> tuple[str, Booking, dict[str, Any]]:
        extra = {"rescheduleId": old.id, "rescheduleUid": old.uid, "rescheduleStartTime": _iso_s(old.start),
                 "rescheduleEndTime": _iso_s(old.end), "rescheduledBy": new.rescheduled_by,
                 "metadata": new.metadata}
        return ("BOOKING_REQUESTED" if new.status == "pending" else "BOOKING_RESCHEDULED"), new, extra

    def _cancel_extra(self, b: Booking) -> dict[str, Any]:
        return {"cancellationReason": b.cancellation_reason, "cancelledBy": b.cancelled_by,
                "requestReschedule": False}

    # --- webhooks -------------------------------------------------------------------------------------

    def sign(self, body: bytes) -> str:
        """X-Cal-Signature-256: hex HMAC-SHA256 of the raw body with the webhook secret."""
        return hmac.new(self.webhook_secret.encode(), body, hashlib.sha256).hexdigest()

    async def _notify(self, trigger: str, booking: Booking, extra: dict[str, Any]) -> int | None:
        """POST the signed webhook to every subscriber; the status the first one answered."""
        return await self._deliver(self.webhook_payload(trigger, booking, extra))

    async def _deliver(self, payload: dict[str, Any]) -> int | None:
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        statuses = []
        for url in list(self.webhook_urls):
            delivery = Delivery(url, payload["triggerEvent"], payload, body, self.sign(body))
            self.deliveries.append(delivery)
            assert self._session is not None, "start() the fake before changing bookings"
            if URL(url).host not in ("127.0.0.1", "localhost", "::1"):
                delivery.error = "refused: the fake posts webhooks to 127.0.0.1 only"
                statuses.append(None)
                continue
            try:
                async with self._session.post(url, data=body, headers={
                        "Content-Type": "application/json", "X-Cal-Signature-256": delivery.signature}) as resp:
                    await resp.read()
                    delivery.status = resp.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                delivery.error = repr(exc)
            statuses.append(delivery.status)
        return statuses[0] if statuses else None

    def _notify_later(self, trigger: str, booking: Booking, extra: dict[str, Any]) -> None:
        """Deliver after the API answer, as Cal.com does; `settle()` waits for it.

        The payload is taken now, so it shows the booking as it was when the change happened.
        """
        payload = self.webhook_payload(trigger, booking, extra)
        task = asyncio.get_running_loop().create_task(self._deliver(payload))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    # --- changes made in Cal.com's own pages (host dashboard, attendee links) ----------------------------

    async def cancel_in_calcom(self, uid: str, reason: str | None = None) -> int | None:
        """The host cancels in Cal.com: BOOKING_CANCELLED."""
        booking = self.bookings[uid]
        self._cancel(booking, reason, self.users[booking.host_id].email)
        return await self._notify("BOOKING_CANCELLED", booking, self._cancel_extra(booking))

    async def reschedule_in_calcom(self, uid: str, new_start: datetime) -> int | None:
        """The attendee moves it through Cal.com's reschedule link: a new booking, BOOKING_RESCHEDULED."""
        old = self.bookings[uid]
        try:
            new = self._reschedule(old, new_start.astimezone(UTC), old.attendee.email, None)
        except _ApiError as err:
            raise SlotUnavailable(err.message) from None
        return await self._notify(*self._rescheduled_trigger(new, old))

    async def confirm_in_calcom(self, uid: str) -> int | None:
        """The host accepts a pending booking: BOOKING_CREATED."""
        booking = self.bookings[uid]
        self._confirm(booking)
        return await self._notify("BOOKING_CREATED", booking, {"metadata": booking.metadata})

    async def reject_in_calcom(self, uid: str, reason: str | None = None) -> int | None:
        """The host declines a pending booking: BOOKING_REJECTED."""
        booking = self.bookings[uid]
        self._reject(booking, reason)
        return await self._notify("BOOKING_REJECTED", booking, {})

    async def book_in_calcom(self, event_type_id: int, start: datetime, attendee_email: str, name: str,
                             username: str | None = None) -> int | None:
        """Someone books on the public booking page: BOOKING_CREATED (BOOKING_REQUESTED when pending).

        Reservations held through the API block this booking. The new booking is `fake.last_booking`.
        """
        et = self.event_types[event_type_id]
        start = start.astimezone(UTC)
        among = [self.user(username).id] if username else None
        host, why = self._pick_host(et, start, among=among)
        if host is None or self._held(et, start, start + et.duration):
            raise SlotUnavailable(f"{et.slug} at {start.isoformat()} is not free ({why or 'reserved'})")
        self.last_booking = self._book(et, host, start, Attendee(name, attendee_email, self.business.timezone))
        return await self._notify(*self._created_trigger(self.last_booking))

