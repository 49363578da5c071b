"""The Cal.com adapter against the fake Cal.com: what only an HTTP backend has to get right.

Versions per endpoint group, the two ways Cal.com says "taken", a create whose answer was lost,
rate limits and outages (retried without waiting on the wall clock), holds, pending bookings,
reschedules that make a new uid, and `check()` naming the setting that is wrong.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any

import httpx
import pytest
from fake_calcom import EVENT_TYPE_IDS, STAFF_EVENT_TYPE_IDS, FakeCalcom

from booking_client import (
    BackendUnavailable,
    BookingRequest,
    BookingStatus,
    Contact,
    InvalidRequest,
    NotFound,
    SlotTaken,
)
from booking_client.calcom import CalcomBackend
from booking_client.calcom import api as calcom_api
from booking_client.calcom.errors import ERRORS
from booking_client.calcom.mapping import DECLINED
from booking_client.http import RetryPolicy

ALICE = Contact("telegram:1001", "Alice", "alice@example.com", "+4915100000001")
BOB = Contact("whatsapp:+4915100000002", "Bob")
TUESDAY = date(2026, 6, 2)


def at(business, day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, dtime(hh, mm), tzinfo=business.tz)


def day(business, when: date) -> tuple[datetime, datetime]:
    return at(business, when, 0), at(business, when + timedelta(days=1), 0)


def request(business, start: datetime, *, staff: str = "sarah", contact: Contact = ALICE, **more: Any) -> BookingRequest:
    return BookingRequest("haircut", staff, start, contact, channel="telegram", **more)


class Waits:
    """tenacity's sleep, recorded instead of slept."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


class Scripted(httpx.AsyncBaseTransport):
    """The real HTTP transport to the fake, with scripted trouble for chosen requests.

    `fail(method, path_part, how)`: the next matching request answers 503 without reaching the
    fake ("503"), or reaches it and then loses the answer ("lost").
    """

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.plan: list[tuple[str, str, str]] = []
        self.log: list[tuple[str, str, int | str]] = []

    def fail(self, method: str, path_part: str, how: str) -> None:
        self.plan.append((method, path_part, how))

    async def handle_async_request(self, req: httpx.Request) -> httpx.Response:
        step = next((p for p in self.plan if p[0] == req.method and p[1] in req.url.path), None)
        if step is not None:
            self.plan.remove(step)
            if step[2] == "503":
                self.log.append((req.method, req.url.path, 503))
                return httpx.Response(503, json={"status": "error", "error": {"code": "ServiceUnavailableException",
                                                                              "message": "Service Unavailable"}})
            response = await self.inner.handle_async_request(req)
            await response.aread()
            self.log.append((req.method, req.url.path, "lost"))
            raise httpx.ReadError("connection reset while reading the answer", request=req)
        response = await self.inner.handle_async_request(req)
        self.log.append((req.method, req.url.path, response.status_code))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
async def make(demo, clock, fake_calcom, calcom_config, waits) -> AsyncIterator[Any]:
    """Build adapters against the fake, with config changes; all closed at teardown."""
    made: list[CalcomBackend] = []

    def build(*, transport: httpx.AsyncBaseTransport | None = None, business=None, **changes: Any) -> CalcomBackend:
        changes.setdefault("retry", RetryPolicy(attempts=3, backoff=0.5, sleep=waits))
        backend = CalcomBackend(business or demo, dataclasses.replace(calcom_config, **changes), clock,
                                transport=transport)
        made.append(backend)
        return backend

    yield build
    for backend in made:
        await backend.aclose()


# --- the version header, per endpoint group ------------------------------------------------------------


async def test_every_request_carries_the_version_its_endpoint_group_needs(make, fake_calcom, demo):
    b = make()
    assert await b.check() == []
    slot = (await b.availability(*day(demo, TUESDAY), "haircut", "sarah"))[0]
    hold = await b.hold(slot)
    await b.release(hold)
    made = await b.create(request(demo, slot.start), "k1")
    moved = await b.reschedule(made.id, slot.start + timedelta(hours=2))
    await b.list_for_contact(ALICE)
    await b.cancel(moved.id)

    groups = {r.path.split("/")[2] for r in fake_calcom.requests}
    assert groups == {"me", "event-types", "slots", "bookings"}
    for sent in fake_calcom.requests:
        assert sent.version == calcom_api.VERSIONS[sent.path.split("/")[2]], f"{sent.method} {sent.path}"
    assert {r.version for r in fake_calcom.requests if r.path.startswith("/v2/slots")} == {"2024-09-04"}
    assert {r.version for r in fake_calcom.requests if r.path.startswith("/v2/bookings")} == {"2024-08-13"}
    assert {r.version for r in fake_calcom.requests if r.path.startswith("/v2/event-types")} == {"2024-06-14"}


async def test_a_wrong_version_header_is_caught_not_silently_routed(make, fake_calcom, demo, monkeypatch):
    b = make()
    monkeypatch.setitem(calcom_api.VERSIONS, "bookings", "2024-04-15")  # an older controller's version
    with pytest.raises(InvalidRequest):
        await b.get("any-uid")
    assert any("cal-api-version '2024-04-15'" in v for v in fake_calcom.violations)
    fake_calcom.violations.clear()  # seen; the fixture's assert_clean would fail on it


# --- taken, two ways ---------------------------------------------------------------------------------------


async def test_a_slot_booked_meanwhile_is_slot_taken_from_the_400_message(make, demo):
    b = make()
    await b.create(request(demo, at(demo, TUESDAY, 10)), "alice")
    with pytest.raises(SlotTaken, match="already has booking"):
        await b.create(request(demo, at(demo, TUESDAY, 10), contact=BOB), "bob")


async def test_losing_a_race_is_slot_taken_from_the_409_code(make, fake_calcom, demo):
    b = make()
    fake_calcom.conflict_next = 1
    with pytest.raises(SlotTaken):
        await b.create(request(demo, at(demo, TUESDAY, 10)), "alice")
    assert fake_calcom.bookings_of(ALICE.email) == []
    assert await b.list_for_contact(ALICE) == []


@pytest.mark.parametrize(
    "status, body, path, error",
    [
        (400, {"error": {"code": "BadRequestException", "message": "User either already has booking at this time "
                                                                   "or is not available"}}, "/v2/bookings", SlotTaken),
        (409, {"error": {"code": "booking_conflict_error", "message": "booking_conflict_error"}}, "/v2/bookings",
         SlotTaken),
        (409, {"error": {"code": "payment_not_created_error", "message": "no payment"}}, "/v2/bookings",
         InvalidRequest),
        (422, {"error": {"code": "UnprocessableEntityException", "message": "Can't reserve a slot if the event is "
                                                                            "already booked."}},
         "/v2/slots/reservations", SlotTaken),
        (422, {"error": {"code": "UnprocessableEntityException", "message": "no hosts"}}, "/v2/bookings",
         InvalidRequest),
        (400, {"error": {"code": "BadRequestException", "message": "Attempting to book a meeting in the past."}},
         "/v2/bookings", InvalidRequest),
        (404, {"error": {"code": "NotFoundException", "message": "Booking with uid=x not found"}}, "/v2/bookings/x",
         NotFound),
        (401, {"error": {"code": "UnauthorizedException", "message": "Your api key is not valid"}}, "/v2/me",
         BackendUnavailable),
        (429, {"error": {"code": "ThrottlerException", "message": "Too many requests"}}, "/v2/slots",
         BackendUnavailable),
        (502, "<html>Bad gateway</html>", "/v2/slots", BackendUnavailable),
    ],
)
def test_the_error_table(status, body, path, error):
    kwargs = {"json": body} if isinstance(body, dict) else {"text": body}
    response = httpx.Response(status, request=httpx.Request("GET", f"https://api.cal.com{path}"), **kwargs)
    assert type(ERRORS.error_for(response)) is error


# --- never booked twice ----------------------------------------------------------------------------------


async def test_a_create_whose_answer_was_lost_is_found_not_booked_again(make, fake_calcom, demo):
    b = make()
    fake_calcom.drop_create_response = 1
    made = await b.create(request(demo, at(demo, TUESDAY, 10)), "lost-answer")

    assert made.start == at(demo, TUESDAY, 10) and made.contact == ALICE
    assert len(fake_calcom.bookings_of(ALICE.email)) == 1
    assert len(fake_calcom.sent("POST", "/v2/bookings")) == 1, "looked it up instead of sending it again"
    assert (await b.create(request(demo, at(demo, TUESDAY, 10)), "lost-answer")).id == made.id


async def test_a_create_that_failed_with_503_is_looked_up_before_it_is_sent_again(make, fake_calcom, demo):
    scripted = Scripted()
    b = make(transport=scripted)
    await b.directory()
    scripted.fail("POST", "/v2/bookings", "503")
    made = await b.create(request(demo, at(demo, TUESDAY, 10)), "k-503")

    calls = [(m, p, s) for m, p, s in scripted.log if p == "/v2/bookings"]
    assert calls == [("GET", "/v2/bookings", 200), ("POST", "/v2/bookings", 503),
                     ("GET", "/v2/bookings", 200), ("POST", "/v2/bookings", 201)]
    assert [x.id for x in await b.list_for_contact(ALICE)] == [made.id]


async def test_a_reschedule_whose_answer_was_lost_is_found_not_sent_again(make, fake_calcom, demo):
    scripted = Scripted()
    b = make(transport=scripted)
    made = await b.create(request(demo, at(demo, TUESDAY, 10)), "k")
    scripted.fail("POST", "/reschedule", "lost")
    moved = await b.reschedule(made.id, at(demo, TUESDAY, 14))

    assert moved.id != made.id and moved.start == at(demo, TUESDAY, 14)
    assert len([1 for m, p, _ in scripted.log if p.endswith("/reschedule")]) == 1
    assert [x.id for x in await b.list_for_contact(ALICE)] == [moved.id]


async def test_a_very_long_idempotency_key_still_books_once(make, fake_calcom, demo):
    b = make()
    key = "k" * 900  # Cal.com metadata values stop at 500 characters
    first = await b.create(request(demo, at(demo, TUESDAY, 10)), key)
    second = await b.create(request(demo, at(demo, TUESDAY, 10)), key)
    assert second.id == first.id and len(fake_calcom.bookings_of(ALICE.email)) == 1


# --- rate limits and outages -------------------------------------------------------------------------------


async def test_429_waits_as_long_as_cal_com_asks_then_succeeds(make, fake_calcom, demo, waits):
    b = make()
    fake_calcom.rate_limited = 2
    fake_calcom.rate_limit_reset_seconds = 3
    slots = await b.availability(*day(demo, TUESDAY), "haircut", "tom")
    assert slots
    assert waits.seconds[:2] == [3.0, 3.0], "X-RateLimit-Reset-Default honoured, not the backoff"


async def test_a_429_asking_for_longer_than_a_customer_waits_fails_at_once(make, fake_calcom, demo, waits):
    b = make()
    fake_calcom.rate_limited = 1  # reset in 60 s
    with pytest.raises(BackendUnavailable, match="429"):
        await b.get("some-uid")
    assert len(fake_calcom.requests) == 1 and waits.seconds == []


async def test_503s_are_retried_with_backoff_then_succeed(make, fake_calcom, demo, waits):
    b = make()
    fake_calcom.down = 2
    assert await b.availability(*day(demo, TUESDAY), "haircut", "tom")
    assert len(waits.seconds) == 2 and 0 < waits.seconds[0] <= waits.seconds[1] + 0.5


async def test_cal_com_down_for_good_is_backend_unavailable_quickly(make, fake_calcom, demo, waits):
    b = make()
    fake_calcom.down_forever = True
    began = time.monotonic()
    with pytest.raises(BackendUnavailable):
        await b.create(request(demo, at(demo, TUESDAY, 10)), "k")
    assert time.monotonic() - began < 2
    assert len(fake_calcom.requests) == 3, "three tries in all, then the customer hears it is down"
    assert fake_calcom.sent("POST") == [], "nothing was booked blind"


async def test_nothing_listening_is_backend_unavailable(make, demo):
    b = make(api_base="http://127.0.0.1:9")  # the discard port: connection refused
    with pytest.raises(BackendUnavailable, match="cannot reach"):
        await b.availability(*day(demo, TUESDAY), "haircut")
    assert (await b.check())[0].startswith("CALCOM_API_BASE: cannot reach Cal.com at http://127.0.0.1:9")


# --- cancel and reschedule ------------------------------------------------------------------------------------


async def test_cancel_always_sends_a_reason(make, fake_calcom, demo):
    b = make()
    one = await b.create(request(demo, at(demo, TUESDAY, 10)), "a")
    two = await b.create(request(demo, at(demo, TUESDAY, 11)), "b")
    await b.cancel(one.id)
    cancelled = await b.cancel(two.id, "ill")

    reasons = [r.json["cancellationReason"] for r in fake_calcom.requests if r.path.endswith("/cancel")]
    assert reasons[0] and reasons[1] == "ill"
    assert cancelled.status is BookingStatus.CANCELLED and cancelled.cancel_reason == "ill"


async def test_reschedule_returns_the_new_uid_and_the_old_one_leads_to_it(make, fake_calcom, demo):
    b = make()
    made = await b.create(request(demo, at(demo, TUESDAY, 10)), "k")
    moved = await b.reschedule(made.id, at(demo, TUESDAY, 14))

    assert moved.id != made.id and fake_calcom.bookings[made.id].rescheduled_to == moved.id
    assert moved.status is BookingStatus.RESCHEDULED and moved.extra["rescheduled_from"] == made.id
    assert (await b.get(made.id)).id == moved.id
    assert [x.id for x in await b.list_all()] == [moved.id], "the replaced booking is not listed twice"
    again = await b.reschedule(moved.id, at(demo, TUESDAY, 15))
    assert (await b.get(made.id)).id == again.id


# --- pending and declined ---------------------------------------------------------------------------------------


async def test_an_event_type_that_requires_confirmation_books_pending(demo, clock, calcom_config):
    sarahs_haircut = STAFF_EVENT_TYPE_IDS[("sarah", "haircut")]
    fake = FakeCalcom(demo, now=clock, requires_confirmation={sarahs_haircut})
    await fake.start()
    b = CalcomBackend(demo, dataclasses.replace(calcom_config, api_base=fake.base), clock)
    try:
        made = await b.create(request(demo, at(demo, TUESDAY, 10)), "k")
        assert made.status is BookingStatus.PENDING and made.status.active
        assert [x.id for x in await b.list_for_contact(ALICE)] == [made.id]

        await fake.reject_in_calcom(made.id, "fully booked that day")
        declined = await b.get(made.id)
        assert declined.status is BookingStatus.CANCELLED
        assert declined.cancel_reason == DECLINED, "Cal.com's answer (2024-08-13) does not carry the host's reason"
    finally:
        await b.aclose()
        await fake.stop()
    fake.assert_clean()


# --- holds -------------------------------------------------------------------------------------------------------


async def test_hold_reserves_for_the_configured_minutes_and_release_lets_go(make, fake_calcom, demo):
    b = make(hold_minutes=10)
    slot = (await b.availability(at(demo, TUESDAY, 10), at(demo, TUESDAY, 11), "haircut", "tom"))[0]
    hold = await b.hold(slot)

    held = fake_calcom.reservations[hold]
    assert held.event_type_id == STAFF_EVENT_TYPE_IDS[("tom", "haircut")]
    assert held.until - fake_calcom.now == timedelta(minutes=10)
    assert slot.start not in [s.start for s in await b.availability(*day(demo, TUESDAY), "haircut", "tom")]
    assert slot.start in [s.start for s in await b.availability(*day(demo, TUESDAY), "haircut", "sarah")]
    await b.release(hold)
    assert fake_calcom.reservations == {}
    await b.release("never-was")


# --- who sees what ----------------------------------------------------------------------------------------------


async def test_a_booking_carries_the_chat_identity_language_and_time_zone(make, fake_calcom, demo):
    b = make()
    made = await b.create(request(demo, at(demo, TUESDAY, 10), lang="de"), "key-1")
    stored = fake_calcom.bookings[made.id]
    assert stored.metadata["chat_ref"] == ALICE.ref and stored.metadata["idempotency_key"] == "key-1"
    assert stored.metadata["channel"] == "telegram"
    assert (stored.attendee.language, stored.attendee.time_zone) == ("de", "Europe/Berlin")
    assert stored.event_type_id == STAFF_EVENT_TYPE_IDS[("sarah", "haircut")]


async def test_someone_typing_anothers_email_does_not_see_their_chat_bookings(make, fake_calcom, demo):
    b = make()
    await b.create(request(demo, at(demo, TUESDAY, 10)), "k")
    await fake_calcom.book_in_calcom(EVENT_TYPE_IDS["haircut"], at(demo, TUESDAY, 12), ALICE.email, "Alice",
                                     username="tom")
    on_the_web = fake_calcom.last_booking

    mallory = Contact("telegram:666", "Mallory", ALICE.email)
    assert [x.id for x in await b.list_for_contact(mallory)] == [on_the_web.uid]
    mine = await b.list_for_contact(ALICE)
    assert [(x.staff, x.service) for x in mine] == [("sarah", "haircut"), ("tom", "haircut")]


async def test_listing_follows_every_page(make, fake_calcom, demo, monkeypatch):
    monkeypatch.setattr(calcom_api, "PAGE", 2)
    b = make()
    made = [await b.create(request(demo, at(demo, TUESDAY, 9 + i)), f"k{i}") for i in range(5)]
    assert [x.id for x in await b.list_for_contact(ALICE)] == [m.id for m in made]
    assert len(await b.list_all(*day(demo, TUESDAY))) == 5
    assert max(int(r.query["skip"]) for r in fake_calcom.sent("GET", "/v2/bookings")) >= 4


async def test_list_all_is_the_operators_view_of_every_booking(make, fake_calcom, demo):
    b = make()
    kept = await b.create(request(demo, at(demo, TUESDAY, 10)), "a")
    dropped = await b.create(request(demo, at(demo, TUESDAY, 11), contact=BOB, staff="tom"), "b")
    await b.cancel(dropped.id, "changed plans")
    tomorrow = await b.create(request(demo, at(demo, TUESDAY + timedelta(days=1), 10)), "c")

    everything = await b.list_all()
    assert [x.id for x in everything] == [kept.id, dropped.id, tomorrow.id]
    assert [x.id for x in await b.list_all(*day(demo, TUESDAY))] == [kept.id, dropped.id]
    assert everything[1].status is BookingStatus.CANCELLED and everything[1].contact.ref == BOB.ref


# --- check() ----------------------------------------------------------------------------------------------------


async def test_check_is_empty_when_everything_fits(make):
    assert await make().check() == []
    assert await make(staff={"sarah": "sarah", "tom": "tom"}).check() == []


async def test_check_names_a_refused_key(make):
    assert await make(api_key="cal_live_wrong").check() == ["CALCOM_API_KEY: Cal.com refused the key (401)"]


async def test_check_names_an_event_type_that_does_not_exist(make):
    problems = await make(event_types={**EVENT_TYPE_IDS, "haircut": 999}).check()
    assert problems == ["CALCOM_EVENT_TYPES: event type 999 for Haircut does not exist"]


async def test_check_names_a_staff_member_who_is_not_a_host(make):
    problems = await make(staff={"sarah": "nobody", "tom": "tom"}).check()
    assert problems and all(p.startswith("CALCOM_STAFF: Sarah is not a host of event type 10") for p in problems)
    assert len(problems) == 2, "one line per event type Sarah should host (haircut, coloring)"


async def test_staff_are_matched_to_hosts_by_name_when_no_mapping_is_given(make, demo, business_with):
    # The business file calls Sarah "Sarah Connor" with id "sconnor": no Cal.com host has either name.
    renamed = business_with(staff=[{**s.model_dump(), **({"id": "sconnor", "name": "Sarah Connor"}
                                                        if s.id == "sarah" else {})} for s in demo.staff])
    b = make(business=renamed)
    problems = await b.check()
    assert problems[0] == ("CALCOM_STAFF: Sarah Connor is not a host of event type 101 "
                           "(no host is called Sarah Connor; hosts: sarah, tom)")
    with pytest.raises(BackendUnavailable, match="Sarah Connor"):
        await b.availability(*day(renamed, TUESDAY), "haircut", "sconnor")
    assert await b.availability(*day(renamed, TUESDAY), "haircut", "tom"), "Tom is still bookable"
    assert {s.staff for s in await b.availability(*day(renamed, TUESDAY), "haircut")} == {"tom"}

    aliased = business_with(staff=[{**s.model_dump(), **({"id": "sconnor", "name": "Sarah Connor", "aliases": ["Sarah"]}
                                                         if s.id == "sarah" else {})} for s in demo.staff])
    b = make(business=aliased)
    assert await b.check() == []
    slots = await b.availability(*day(aliased, TUESDAY), "haircut")
    assert {s.staff for s in slots} == {"sconnor", "tom"}
