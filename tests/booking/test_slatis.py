"""The Slatis adapter against the fake Slatis: what only this HTTP backend has to get right.

The one error table, a create whose answer was lost (retried with the same Idempotency-Key, booked
once), cursor pagination to the last page, Slatis's statuses in ours, reschedules that make a new
id, idempotent transitions, staff chosen through free/busy, and `check()` naming the setting.
"""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any

import httpx
import pytest
from fake_slatis import EVENT_TYPE_IDS, MEMBER_IDS, FakeSlatis

from booking_client import (
    BackendUnavailable,
    BookingRequest,
    BookingStatus,
    Capability,
    Contact,
    InvalidRequest,
    NotFound,
    SlotTaken,
    lists_all,
    operator_marks,
    self_check,
)
from booking_client.http import RetryPolicy
from booking_client.slatis import SlatisBackend, mapping
from booking_client.slatis.errors import ERRORS

ALICE = Contact("telegram:1001", "Alice", "alice@example.com", "+4915100000001")
BOB = Contact("whatsapp:+4915100000002", "Bob")
TUESDAY = date(2026, 6, 2)


def at(business, day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, dtime(hh, mm), tzinfo=business.tz)


def day(business, when: date) -> tuple[datetime, datetime]:
    return at(business, when, 0), at(business, when + timedelta(days=1), 0)


def request(business, start: datetime, *, service: str = "haircut", staff: str = "sarah",
            contact: Contact = ALICE, **more: Any) -> BookingRequest:
    return BookingRequest(service, staff, start, contact, channel="telegram", **more)


class Waits:
    """tenacity's sleep, recorded instead of slept."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


class Scripted(httpx.AsyncBaseTransport):
    """The real transport to the fake, losing the answer of chosen requests (they reach the fake)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.lose: list[tuple[str, str]] = []

    async def handle_async_request(self, req: httpx.Request) -> httpx.Response:
        step = next((p for p in self.lose if p[0] == req.method and req.url.path.endswith(p[1])), None)
        response = await self.inner.handle_async_request(req)
        if step is None:
            return response
        self.lose.remove(step)
        await response.aread()
        raise httpx.ReadError("connection reset while reading the answer", request=req)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
async def make(demo, clock, slatis_config, waits) -> AsyncIterator[Any]:
    """Build adapters against the fake, with config changes; all closed at teardown."""
    made: list[SlatisBackend] = []

    def build(*, transport: httpx.AsyncBaseTransport | None = None, **changes: Any) -> SlatisBackend:
        changes.setdefault("retry", RetryPolicy(attempts=3, backoff=0.5, sleep=waits))
        backend = SlatisBackend(demo, dataclasses.replace(slatis_config, **changes), clock, transport=transport)
        made.append(backend)
        return backend

    yield build
    for backend in made:
        await backend.aclose()


def answer(status: int, body: Any, path: str = "/v1/bookings", method: str = "POST") -> httpx.Response:
    return httpx.Response(status, json=body, request=httpx.Request(method, f"https://api.slatis.com{path}"))


def error(code: str, message: str = "") -> dict[str, Any]:
    return {"success": False, "error": {"code": code, "message": message or code}}


# --- the one error table --------------------------------------------------------------------------------


@pytest.mark.parametrize("status, body, path, expected", [
    (409, error("slot_unavailable"), "/v1/bookings", SlotTaken),
    (409, error("slot_unavailable"), "/v1/bookings/bkg_1/reschedule", SlotTaken),
    (409, error("conflict", "The requested time is no longer available"), "/v1/bookings", SlotTaken),
    (409, error("invalid_transition"), "/v1/bookings/bkg_1/reschedule", InvalidRequest),
    (409, error("whatever"), "/v1/bookings/bkg_1/complete", InvalidRequest),  # a transition: the state, not a slot
    (409, error("invalid_state"), "/v1/bookings/bkg_1", InvalidRequest),  # PATCH outside the allowed states
    (409, error("whatever"), "/v1/bookings", SlotTaken),  # any other conflict on create is over the time
    (404, error("not_found", "Booking not found"), "/v1/bookings/bkg_1", NotFound),
    (400, error("validation_error"), "/v1/bookings", InvalidRequest),
    (422, error("invalid_time"), "/v1/bookings", InvalidRequest),
    (422, error("idempotency_key_mismatch"), "/v1/bookings", InvalidRequest),
    (401, error("unauthorized"), "/v1/bookings", BackendUnavailable),
    (403, error("forbidden"), "/v1/bookings", BackendUnavailable),
    (429, error("rate_limited"), "/v1/bookings", BackendUnavailable),
    (500, error("internal_error"), "/v1/bookings", BackendUnavailable),
    (503, "<html>bad gateway</html>", "/v1/bookings", BackendUnavailable),
])
def test_every_slatis_error_maps_through_one_table(status, body, path, expected):
    err = ERRORS.error_for(answer(status, body, path))
    assert type(err) is expected
    assert str(status) in str(err) and "Slatis" in str(err)


async def test_a_taken_time_is_slot_taken_and_a_refused_key_is_unavailable_without_retrying(make, demo, fake_slatis):
    backend = make()
    await backend.create(request(demo, at(demo, TUESDAY, 10)), "k1")
    with pytest.raises(SlotTaken):
        await backend.create(request(demo, at(demo, TUESDAY, 10, 15), contact=BOB), "k2")
    with pytest.raises(InvalidRequest):  # the past is the customer's mistake, not a taken slot
        await backend.create(request(demo, at(demo, date(2026, 5, 29), 10)), "k3")

    before = len(fake_slatis.requests)
    with pytest.raises(BackendUnavailable):
        await make(api_key="sk_test_wrong").get("bkg_x")
    assert len(fake_slatis.requests) == before + 1, "a refused key is not worth another try"


async def test_outages_and_rate_limits_are_retried_then_reported(make, demo, fake_slatis, waits):
    backend = make()
    fake_slatis.down = 2
    assert await backend.availability(*day(demo, TUESDAY), "haircut", "tom")
    fake_slatis.rate_limited = 1
    await backend.get((await backend.create(request(demo, at(demo, TUESDAY, 10)), "k1")).id)
    assert fake_slatis.retry_after_seconds in waits.seconds, "a 429 waits as long as Slatis asks"

    fake_slatis.down_forever = True
    with pytest.raises(BackendUnavailable):
        await backend.list_for_contact(ALICE)


# --- a create whose answer was lost ------------------------------------------------------------------------


async def test_a_lost_create_answer_is_retried_with_the_same_key_and_books_once(make, demo, fake_slatis):
    backend = make()
    fake_slatis.drop_create_response = 1
    made = await backend.create(request(demo, at(demo, TUESDAY, 10)), "confirm-42")

    posts = fake_slatis.sent("POST", "/bookings")
    assert [p.idempotency_key for p in posts] == ["confirm-42", "confirm-42"], "the same key on every retry"
    assert posts[0].status is None, "the first answer never arrived"
    assert posts[1].status == 200 and posts[1].answer["idempotent_replay"] is True
    assert posts[1].answer["booking"]["id"] == made.id
    assert len(fake_slatis.bookings) == 1
    assert (made.start, made.staff, made.status) == (at(demo, TUESDAY, 10), "sarah", BookingStatus.CONFIRMED)


async def test_a_create_after_a_server_error_is_retried_with_the_same_key(make, demo, fake_slatis):
    backend = make()
    fake_slatis.down = 1
    made = await backend.create(request(demo, at(demo, TUESDAY, 10)), "confirm-43")
    assert [p.idempotency_key for p in fake_slatis.sent("POST", "/bookings")] == ["confirm-43"] * 2
    assert [b.id for b in fake_slatis.bookings.values()] == [made.id]


async def test_a_repeated_yes_answers_the_booking_as_it_is_now(make, demo, fake_slatis):
    backend = make()
    first = await backend.create(request(demo, at(demo, TUESDAY, 10)), "yes-1")
    await backend.cancel(first.id, "changed my mind")

    again = await backend.create(request(demo, at(demo, TUESDAY, 10)), "yes-1")
    assert again.id == first.id and again.status is BookingStatus.CANCELLED, "the replay is read again, not trusted"
    assert len(fake_slatis.bookings) == 1


async def test_a_key_unfit_for_a_header_is_sent_as_its_hash_every_time(make, demo, fake_slatis):
    backend = make()
    key = "bestätigt:" + "x" * 300
    first = await backend.create(request(demo, at(demo, TUESDAY, 10)), key)
    again = await backend.create(request(demo, at(demo, TUESDAY, 10)), key)
    sent = {p.idempotency_key for p in fake_slatis.sent("POST", "/bookings")}
    assert first.id == again.id and len(sent) == 1 and sent.pop().startswith("sha256:")


async def test_one_key_for_two_different_bookings_is_refused(make, demo):
    backend = make()
    await backend.create(request(demo, at(demo, TUESDAY, 10)), "same-key")
    with pytest.raises(InvalidRequest):
        await backend.create(request(demo, at(demo, TUESDAY, 11)), "same-key")


# --- cursor pagination ---------------------------------------------------------------------------------------


def _fill(fake: FakeSlatis, demo, days: list[date]) -> int:
    """A full salon: every half hour of Sarah's and Tom's days booked by someone."""
    made = 0
    for when in days:
        for staff in ("sarah", "tom"):
            for half_hour in range(18):
                start = at(demo, when, 9) + timedelta(minutes=30 * half_hour)
                fake.book_in_slatis("haircut", staff, start, f"guest{made}@example.org", f"Guest {made}")
                made += 1
    return made


async def test_every_booking_is_listed_by_following_the_cursor_to_the_last_page(make, demo, fake_slatis):
    made = _fill(fake_slatis, demo, [TUESDAY + timedelta(days=i) for i in range(4)])
    backend = make()
    listed = await lists_all(backend).list_all()

    assert len(listed) == made == 144
    assert [b.start for b in listed] == sorted(b.start for b in listed)
    pages = fake_slatis.sent("GET", "/bookings")
    assert len(pages) == 2 and "cursor" not in pages[0].query and pages[1].query["cursor"]
    assert pages[0].answer["pagination"]["has_more"] is True
    assert pages[-1].answer["pagination"] == {"limit": 100, "has_more": False, "next_cursor": None}


async def test_the_operator_view_keeps_to_its_range(make, demo, fake_slatis):
    _fill(fake_slatis, demo, [TUESDAY, TUESDAY + timedelta(days=1)])
    listed = await lists_all(make()).list_all(*day(demo, TUESDAY))
    assert len(listed) == 36 and {b.start.date() for b in listed} == {TUESDAY}


# --- statuses --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slatis, ours", [
    ("DRAFT", BookingStatus.PENDING), ("PENDING_CONFIRMATION", BookingStatus.PENDING),
    ("SCHEDULED", BookingStatus.CONFIRMED), ("RESCHEDULED", BookingStatus.RESCHEDULED),
    ("COMPLETED", BookingStatus.COMPLETED), ("CANCELLED", BookingStatus.CANCELLED),
    ("NO_SHOW", BookingStatus.NO_SHOW), ("SOMETHING_NEW", BookingStatus.PENDING),
])
def test_slatis_statuses_read_as_ours(slatis, ours):
    data = {"id": "bkg_1", "status": slatis, "event_type_id": "evt_haircut", "assigned_to_id": "mem_tom",
            "start_time": "2026-06-02T08:00:00.000Z", "end_time": "2026-06-02T08:30:00.000Z",
            "attendee": {"name": "Al", "email": "al@example.com"}, "cancellation_reason": "ill"}
    names = type("N", (), {"service_of": lambda self, e: e, "staff_of": lambda self, m: m})()
    booking = mapping.to_booking(data, names, "chat.invalid")
    assert booking.status is ours
    assert booking.cancel_reason == ("ill" if ours is BookingStatus.CANCELLED else None)


async def test_a_booking_the_host_must_confirm_is_pending_until_confirmed(demo, clock, slatis_config):
    fake = FakeSlatis(demo, now=clock, requires_confirmation=[EVENT_TYPE_IDS["haircut"]])
    await fake.start()
    backend = SlatisBackend(demo, dataclasses.replace(slatis_config, api_base=fake.base), clock)
    try:
        made = await backend.create(request(demo, at(demo, TUESDAY, 10)), "k1")
        assert made.status is BookingStatus.PENDING
        assert [b.id for b in await backend.list_for_contact(ALICE)] == [made.id], "it holds its time"
        fake.confirm_in_slatis(made.id)
        assert (await backend.get(made.id)).status is BookingStatus.CONFIRMED
        waiting = await backend.create(request(demo, at(demo, TUESDAY, 12)), "k2")
        with pytest.raises(InvalidRequest):  # Slatis moves only scheduled bookings, not requests
            await backend.reschedule(waiting.id, at(demo, TUESDAY, 14))
    finally:
        await backend.aclose()
        await fake.stop()
    fake.assert_clean()


async def test_a_new_booking_is_read_again_while_slatis_routes_it(make, demo, fake_slatis, waits):
    fake_slatis.draft_reads = 2
    made = await make().create(request(demo, at(demo, TUESDAY, 10)), "k1")
    assert made.status is BookingStatus.CONFIRMED
    assert fake_slatis.sent("POST", "/bookings")[0].answer["booking"]["status"] == "DRAFT"
    assert len(fake_slatis.sent("GET", f"/bookings/{made.id}")) == 2 and waits.seconds == [0.5, 0.5]

    fake_slatis.draft_reads = 10
    still = await make(draft_reads=1).create(request(demo, at(demo, TUESDAY, 11)), "k2")
    assert still.status is BookingStatus.PENDING, "still routing: not told confirmed on a guess"


async def test_the_operator_marks_completed_and_no_show(make, demo, fake_slatis):
    backend = make()
    assert Capability.OPERATOR_MARKS in backend.capabilities
    marks = operator_marks(backend)
    came = await backend.create(request(demo, at(demo, TUESDAY, 10)), "k1")
    stayed_away = await backend.create(request(demo, at(demo, TUESDAY, 11)), "k2")

    assert (await marks.mark(came.id, BookingStatus.COMPLETED)).status is BookingStatus.COMPLETED
    assert (await marks.mark(came.id, BookingStatus.COMPLETED)).status is BookingStatus.COMPLETED  # idempotent
    assert (await marks.mark(stayed_away.id, BookingStatus.NO_SHOW)).status is BookingStatus.NO_SHOW
    assert fake_slatis.bookings[came.id].status == "COMPLETED"
    with pytest.raises(InvalidRequest):
        await marks.mark(came.id, BookingStatus.NO_SHOW)  # completed is final
    with pytest.raises(InvalidRequest):
        await marks.mark(came.id, BookingStatus.CONFIRMED)


# --- reschedule and cancel ---------------------------------------------------------------------------------


async def test_a_reschedule_makes_a_new_booking_and_the_old_id_leads_to_it(make, demo, fake_slatis):
    backend = make()
    made = await backend.create(request(demo, at(demo, TUESDAY, 10)), "k1")
    moved = await backend.reschedule(made.id, at(demo, TUESDAY, 14))

    assert moved.id != made.id and moved.status is BookingStatus.RESCHEDULED
    assert moved.extra["rescheduled_from"] == made.id
    old = fake_slatis.bookings[made.id]
    assert (old.status, old.rescheduled_to_id) == ("CANCELLED", moved.id)
    assert (await backend.get(made.id)).id == moved.id

    again = await backend.reschedule(made.id, at(demo, TUESDAY, 16))  # a stale id still moves the appointment
    assert fake_slatis.bookings[moved.id].rescheduled_to_id == again.id
    assert [b.id for b in await backend.list_for_contact(ALICE)] == [again.id]
    assert [b.id for b in await backend.list_for_contact(ALICE, include_past=True)] == [again.id], \
        "the replaced bookings are history of the same appointment, not cancellations"


async def test_a_lost_reschedule_answer_moves_the_booking_once(make, demo, fake_slatis):
    transport = Scripted()
    backend = make(transport=transport)
    made = await backend.create(request(demo, at(demo, TUESDAY, 10)), "k1")
    transport.lose.append(("POST", "/reschedule"))
    moved = await backend.reschedule(made.id, at(demo, TUESDAY, 14))

    assert moved.start == at(demo, TUESDAY, 14)
    assert len(fake_slatis.sent("POST", f"/bookings/{made.id}/reschedule")) == 1, "looked, did not move twice"
    assert len([b for b in fake_slatis.bookings.values() if b.active]) == 1


async def test_cancelling_is_idempotent_and_a_replaced_id_cancels_the_appointment(make, demo, fake_slatis):
    backend = make()
    made = await backend.create(request(demo, at(demo, TUESDAY, 10)), "k1")
    first = await backend.cancel(made.id, "ill")
    again = await backend.cancel(made.id, "really")
    assert (again.status, again.cancel_reason) == (BookingStatus.CANCELLED, "ill") == (first.status, "ill")
    assert [p.json for p in fake_slatis.sent("POST", f"/bookings/{made.id}/cancel")] == [{"reason": "ill"},
                                                                                           {"reason": "really"}]

    other = await backend.create(request(demo, at(demo, TUESDAY, 11)), "k2")
    moved = await backend.reschedule(other.id, at(demo, TUESDAY, 15))
    cancelled = await backend.cancel(other.id)  # the customer picked it from an old list
    assert cancelled.id == moved.id and fake_slatis.bookings[moved.id].status == "CANCELLED"


async def test_a_lost_cancel_answer_is_simply_sent_again(make, demo, fake_slatis):
    transport = Scripted()
    backend = make(transport=transport)
    made = await backend.create(request(demo, at(demo, TUESDAY, 10)), "k1")
    transport.lose.append(("POST", "/cancel"))
    cancelled = await backend.cancel(made.id, "ill")
    assert cancelled.status is BookingStatus.CANCELLED and cancelled.cancel_reason == "ill"
    assert len(fake_slatis.sent("POST", f"/bookings/{made.id}/cancel")) == 2


# --- staff: the event type's slots, narrowed by each member's free/busy --------------------------------


async def test_slots_name_who_is_free_and_bookings_go_to_that_member(make, demo, fake_slatis):
    backend = make()
    fake_slatis.book_in_slatis("haircut", "sarah", at(demo, TUESDAY, 10), "x@example.org", "X")
    slots = await backend.availability(at(demo, TUESDAY, 9, 30), at(demo, TUESDAY, 10, 30), "haircut")
    assert [(s.start, s.staff) for s in slots] == [
        (at(demo, TUESDAY, 9, 30), "sarah"), (at(demo, TUESDAY, 9, 30), "tom"),
        (at(demo, TUESDAY, 9, 45), "tom"), (at(demo, TUESDAY, 10), "tom"), (at(demo, TUESDAY, 10, 15), "tom")]
    assert {r.path for r in fake_slatis.sent("GET")} >= {f"/v1/freebusy/{MEMBER_IDS['sarah']}",
                                                         f"/v1/freebusy/{MEMBER_IDS['tom']}"}

    made = await backend.create(request(demo, at(demo, TUESDAY, 10), staff="tom"), "k1")
    assert made.staff == "tom"
    assert fake_slatis.sent("POST", "/bookings")[-1].json["assign_to"] == MEMBER_IDS["tom"]


async def test_clean_up_time_after_a_slot_must_be_free_too(make, demo, fake_slatis):
    # Coloring takes 90 minutes and 15 of clean-up: Sarah's 13:00 booking rules out 11:15-11:30 starts.
    fake_slatis.book_in_slatis("haircut", "sarah", at(demo, TUESDAY, 13), "x@example.org", "X")
    slots = await make().availability(at(demo, TUESDAY, 11), at(demo, TUESDAY, 12), "coloring", "sarah")
    assert [s.start for s in slots] == [at(demo, TUESDAY, 11), at(demo, TUESDAY, 11, 15)]


async def test_a_contact_sees_only_bookings_of_their_own_chat(make, demo, fake_slatis):
    backend = make()
    mine = await backend.create(request(demo, at(demo, TUESDAY, 10), contact=BOB), "k1")
    sent = fake_slatis.sent("POST", "/bookings")[-1].json
    assert sent["attendee"]["email"].endswith("@chat.invalid") and sent["metadata"]["chat_ref"] == BOB.ref
    assert [b.id for b in await backend.list_for_contact(BOB)] == [mine.id]
    assert (await backend.get(mine.id)).contact == BOB, "the placeholder email is not the customer's"
    impostor = Contact("telegram:666", "Eve", sent["attendee"]["email"])
    assert await backend.list_for_contact(impostor) == []


# --- check(): one line per problem, naming the setting ---------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_a_good_setup_checks_clean(make):
    backend = make()
    assert Capability.SELF_CHECK in backend.capabilities
    assert await self_check(backend).check() == []


@pytest.mark.parametrize("changes, line", [
    ({"api_key": "sk_test_wrong"}, "SLATIS_API_KEY: Slatis refused the key"),
    ({"api_key": ""}, "SLATIS_API_KEY: not set"),
    ({"event_types": {**EVENT_TYPE_IDS, "haircut": "evt_x"}},
     "SLATIS_EVENT_TYPES: event type evt_x for Haircut does not exist"),
    ({"event_types": {k: v for k, v in EVENT_TYPE_IDS.items() if k != "beard"}},
     "SLATIS_EVENT_TYPES: no event type for Beard trim"),
    ({"members": {**MEMBER_IDS, "sarah": "mem_x"}}, "SLATIS_MEMBERS: member mem_x for Sarah does not exist"),
    ({"members": {"sarah": MEMBER_IDS["sarah"]}}, "SLATIS_MEMBERS: no member for Tom"),
    ({"members": {**MEMBER_IDS, "anna": "mem_anna"}}, "SLATIS_MEMBERS: 'anna' is not a staff member"),
])
async def test_check_names_the_setting_to_fix(make, changes, line):
    found = await make(**changes).check()
    assert len(found) == 1 and found[0].startswith(line), found


async def test_check_names_a_public_key_and_a_key_without_scopes(make, fake_slatis):
    fake_slatis.add_key("pk_test_widget", scopes=["bookings:create", "availability:read", "event-types:read"])
    found = await make(api_key="pk_test_widget").check()
    assert [f.split(":")[0] for f in found] == ["SLATIS_API_KEY", "SLATIS_API_KEY"]
    assert "secret key" in found[0] and "bookings:read" in found[1]


async def test_check_names_the_address_when_slatis_cannot_be_reached(make, fake_slatis):
    unreachable = await make(api_base=f"http://127.0.0.1:{_closed_port()}/v1").check()
    assert len(unreachable) == 1 and unreachable[0].startswith("SLATIS_API_BASE: cannot reach Slatis")
    fake_slatis.violations.clear()
    wrong = await make(api_base=fake_slatis.base.removesuffix("/v1")).check()
    assert len(wrong) == 1 and wrong[0].startswith("SLATIS_API_BASE:") and "/v1" in wrong[0]
    fake_slatis.violations.clear()  # the request without /v1 reached no endpoint, on purpose
