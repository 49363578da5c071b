"""The Empfio adapter against the fake Empfio (and, for new bookings, the calcom adapter against the fake Cal.com).

What only this backend has to get right: FastAPI's errors through one table, every page read,
a customer's bookings found by phone or email and never by name, moves by PATCH and cancels by
DELETE (also when the answer is lost), `check()` naming the setting, and the variant without a
Cal.com account, which declares no CREATE. The salon's clock stands at Monday 2026-06-01 08:00 in Berlin.
"""

from __future__ import annotations

import dataclasses
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any

import httpx
import pytest
from fake_calcom import EVENT_TYPE_IDS
from fake_empfio import FakeEmpfio

from booking_client import (
    BackendUnavailable,
    BookingRequest,
    BookingStatus,
    Capability,
    Contact,
    InvalidRequest,
    NotFound,
    NotSupported,
    SlotTaken,
    lists_all,
    operator_marks,
    self_check,
    slot_holds,
)
from booking_client.calcom import CalcomBackend
from booking_client.empfio import EmpfioBackend
from booking_client.empfio.errors import ERRORS

ALICE = Contact("telegram:1001", "Alice", "alice@example.com", "+4915100000001")
BOB = Contact("whatsapp:+4915100000002", "Bob")
TUESDAY = date(2026, 6, 2)
WEDNESDAY = date(2026, 6, 3)


def at(business, day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, dtime(hh, mm), tzinfo=business.tz)


def request(business, start: datetime, *, staff: str = "sarah", contact: Contact = ALICE) -> BookingRequest:
    return BookingRequest("haircut", staff, start, contact, channel="telegram")


@pytest.fixture
async def lone_empfio(demo, clock) -> AsyncIterator[FakeEmpfio]:
    """A fake Empfio with no Cal.com behind it: its bookings are the ones a test puts there."""
    fake = FakeEmpfio(demo, now=clock)
    await fake.start()
    yield fake
    await fake.stop()
    fake.assert_clean()


@pytest.fixture
async def make(demo, clock, empfio_config) -> AsyncIterator[Any]:
    """Build adapters with config changes (and a creator, or none); all closed at teardown."""
    made: list[EmpfioBackend] = []

    def build(*, creator: Any = None, fake: FakeEmpfio | None = None, **changes: Any) -> EmpfioBackend:
        if fake is not None:
            changes.setdefault("api_base", fake.base)
        backend = EmpfioBackend(demo, dataclasses.replace(empfio_config, **changes), clock, creator=creator)
        made.append(backend)
        return backend

    yield build
    for backend in made:
        await backend.aclose()


@pytest.fixture
async def empfio(empfio_backend) -> AsyncIterator[EmpfioBackend]:
    """The adapter with the calcom creator, closed at teardown."""
    yield empfio_backend
    await empfio_backend.aclose()


# --- the error table ----------------------------------------------------------------------------------------

SOME_ID = "770a9400-e29b-41d4-a716-446655440000"


@pytest.mark.parametrize(
    "status, body, path, error",
    [
        (409, {"detail": "The requested time slot is not available"}, f"/api/v1/bookings/{SOME_ID}", SlotTaken),
        (400, {"detail": "User either already has booking at this time or is not available"},
         f"/api/v1/bookings/{SOME_ID}", SlotTaken),
        (409, {"detail": "Booking is already cancelled"}, f"/api/v1/bookings/{SOME_ID}", InvalidRequest),
        (400, {"detail": "Booking is already cancelled"}, f"/api/v1/bookings/{SOME_ID}", InvalidRequest),
        (400, {"detail": "Cannot move a booking into the past"}, f"/api/v1/bookings/{SOME_ID}", InvalidRequest),
        (404, {"detail": "Booking not found"}, f"/api/v1/bookings/{SOME_ID}", NotFound),
        (422, {"detail": [{"type": "uuid_parsing", "loc": ["path", "booking_id"],
                           "msg": "Input should be a valid UUID", "input": "abc"}]}, "/api/v1/bookings/abc", NotFound),
        (422, {"detail": [{"type": "missing", "loc": ["query", "start_date"], "msg": "Field required"}]},
         "/api/v1/bookings/available-slots", InvalidRequest),
        (401, {"detail": "Could not validate credentials"}, "/api/v1/bookings", BackendUnavailable),
        (403, {"detail": "Not authenticated"}, "/api/v1/bookings", BackendUnavailable),
        (429, {"detail": "Too many requests"}, "/api/v1/bookings", BackendUnavailable),
        (503, {"detail": "Service Unavailable"}, "/api/v1/bookings", BackendUnavailable),
        (502, "<html>Bad gateway</html>", "/api/v1/bookings/available-slots", BackendUnavailable),
    ],
)
def test_the_error_table(status, body, path, error):
    kwargs = {"json": body} if isinstance(body, dict) else {"text": body}
    response = httpx.Response(status, request=httpx.Request("GET", f"https://empfio.example{path}"), **kwargs)
    assert type(ERRORS.error_for(response)) is error


def test_validation_errors_say_which_field():
    body = {"detail": [{"type": "missing", "loc": ["query", "end_date"], "msg": "Field required"}]}
    response = httpx.Response(422, json=body, request=httpx.Request("GET", "https://e.example/api/v1/bookings"))
    assert "query.end_date: Field required" in str(ERRORS.error_for(response))


# --- creating through Cal.com ---------------------------------------------------------------------------------


async def test_a_booking_made_through_cal_com_comes_back_as_empfios_record(empfio, fake_empfio, fake_calcom, demo):
    made = await empfio.create(request(demo, at(demo, TUESDAY, 10)), "k1")

    assert uuid.UUID(made.id), "the id is Empfio's, stable across moves"
    record = fake_empfio.bookings[made.id]
    in_calcom = fake_calcom.bookings[record.calcom_booking_uid]
    assert (in_calcom.start, in_calcom.attendee.email) == (made.start, ALICE.email)
    assert (made.service, made.staff, made.contact) == ("haircut", "sarah", ALICE)
    assert not fake_empfio.sent("POST"), "Empfio's API takes no bookings"


async def test_a_whatsapp_customer_is_booked_under_their_number_so_empfio_can_find_them(empfio, fake_empfio, demo):
    made = await empfio.create(request(demo, at(demo, TUESDAY, 10), contact=BOB), "bob")

    assert fake_empfio.bookings[made.id].lead.phone == "+4915100000002"
    assert [b.id for b in await empfio.list_for_contact(BOB)] == [made.id]


async def test_a_booking_empfio_has_not_heard_of_yet_is_still_made_and_followed(empfio, fake_empfio, demo):
    fake_empfio.sync_paused = True  # Cal.com's webhook to Empfio is late
    made = await empfio.create(request(demo, at(demo, TUESDAY, 10)), "late")

    assert made.id.startswith("calcom:") and made.start == at(demo, TUESDAY, 10)
    assert len(fake_empfio.sent("GET", "/api/v1/bookings")) == empfio.config.sync_checks
    assert (await empfio.get(made.id)).id == made.id, "until Empfio has it, Cal.com's record answers"

    fake_empfio.sync_paused = False
    synced = await empfio.get(made.id)
    assert uuid.UUID(synced.id) and synced.start == made.start
    cancelled = await empfio.cancel(made.id, "ill")
    assert (cancelled.id, cancelled.status) == (synced.id, BookingStatus.CANCELLED)
    assert fake_empfio.sent("DELETE", f"/api/v1/bookings/{synced.id}")


# --- a customer's bookings: every page, by phone or email, never by name -----------------------------------------


async def test_every_page_is_read_to_the_end(make, lone_empfio, demo, clock):
    crowd = [lone_empfio.add_lead(f"Customer {i}", email=f"c{i}@example.com", channel="web") for i in range(7)]
    alice = lone_empfio.add_lead("Alice", email="alice@example.com", channel="web")
    mine = []
    for i in range(230):  # newest first: Alice's land on the first, second and last page
        if i in (3, 150, 229):
            mine.append(lone_empfio.add_booking(alice, at(demo, WEDNESDAY, 9) + timedelta(minutes=15 * (i % 30)),
                                                created_at=clock() - timedelta(minutes=230 - i)))
        else:
            lone_empfio.add_booking(crowd[i % 7], at(demo, TUESDAY, 9) + timedelta(minutes=15 * (i % 30)),
                                    created_at=clock() - timedelta(minutes=230 - i))
    b = make(fake=lone_empfio)

    found = await b.list_for_contact(ALICE)
    assert sorted(x.id for x in found) == sorted(m.id for m in mine)
    pages = [(r.query["page"], r.query["size"]) for r in lone_empfio.sent("GET", "/api/v1/bookings")]
    assert pages == [("1", "100"), ("2", "100"), ("3", "100")]
    assert len(await lists_all(b).list_all()) == 230


async def test_a_whatsapp_customer_is_matched_by_their_number_in_any_format(make, lone_empfio, demo):
    lead = lone_empfio.add_lead("B. Meyer", phone="+49 151 000 00002", channel="whatsapp")
    theirs = lone_empfio.add_booking(lead, at(demo, TUESDAY, 11), metadata={"service": "Haircut"})
    b = make(fake=lone_empfio)

    found = await b.list_for_contact(BOB)  # the WhatsApp chat identity is the number; no phone field given
    assert [x.id for x in found] == [theirs.id]
    assert found[0].contact.ref == BOB.ref, "the customer's bookings carry their chat identity"
    assert (await b.get(theirs.id)).contact.ref == "whatsapp:+4915100000002", "a WhatsApp lead is its number"


async def test_a_customer_is_matched_by_email_whatever_its_case(make, lone_empfio, demo):
    lead = lone_empfio.add_lead("Alice Smith", email="Alice@Example.com", channel="web")
    theirs = lone_empfio.add_booking(lead, at(demo, TUESDAY, 11))
    b = make(fake=lone_empfio)

    assert [x.id for x in await b.list_for_contact(ALICE)] == [theirs.id]


async def test_a_name_alone_never_matches(make, lone_empfio, demo):
    namesake = lone_empfio.add_lead("Alice", email="another.alice@example.com", phone="+4917000000009", channel="web")
    lone_empfio.add_booking(namesake, at(demo, TUESDAY, 11))
    b = make(fake=lone_empfio)

    assert await b.list_for_contact(ALICE) == []
    before = len(lone_empfio.requests)
    assert await b.list_for_contact(Contact("telegram:1001", "Alice")) == []
    assert len(lone_empfio.requests) == before, "without a phone or an email there is nothing to ask Empfio"


async def test_past_and_cancelled_bookings_are_listed_only_with_the_past(make, lone_empfio, demo, clock):
    lead = lone_empfio.add_lead("Alice", email="alice@example.com", channel="web")
    upcoming = lone_empfio.add_booking(lead, at(demo, TUESDAY, 11))
    lone_empfio.add_booking(lead, at(demo, TUESDAY, 12), status="cancelled")
    lone_empfio.add_booking(lead, clock() - timedelta(days=3), status="completed")
    b = make(fake=lone_empfio)

    assert [x.id for x in await b.list_for_contact(ALICE)] == [upcoming.id]
    statuses = [x.status for x in await b.list_for_contact(ALICE, include_past=True)]
    assert statuses == [BookingStatus.COMPLETED, BookingStatus.CONFIRMED, BookingStatus.CANCELLED]


# --- moving (PATCH) and cancelling (DELETE) ---------------------------------------------------------------------


async def test_a_move_is_one_patch_and_empfio_moves_it_in_cal_com(empfio, fake_empfio, fake_calcom, demo):
    made = await empfio.create(request(demo, at(demo, TUESDAY, 10)), "k1")
    moved = await empfio.reschedule(made.id, at(demo, TUESDAY, 14))

    assert (moved.id, moved.start, moved.end) == (made.id, at(demo, TUESDAY, 14), at(demo, TUESDAY, 14, 30))
    assert moved.status is BookingStatus.RESCHEDULED and moved.staff == "sarah"
    [patch] = fake_empfio.sent("PATCH")
    assert patch.json == {"start_time": "2026-06-02T12:00:00Z", "end_time": "2026-06-02T12:30:00Z"}
    active = [b for b in fake_calcom.bookings_of(ALICE.email) if b.active]
    assert [(b.uid, b.start) for b in active] == [(fake_empfio.bookings[made.id].calcom_booking_uid, moved.start)]


async def test_a_move_whose_answer_is_lost_is_not_made_twice(empfio, fake_empfio, fake_calcom, demo):
    made = await empfio.create(request(demo, at(demo, TUESDAY, 10)), "k1")
    fake_empfio.drop_patch = 1  # Empfio moves it, then the connection closes before the answer

    moved = await empfio.reschedule(made.id, at(demo, TUESDAY, 14))

    assert (moved.id, moved.start) == (made.id, at(demo, TUESDAY, 14))
    assert [r.status for r in fake_empfio.sent("PATCH")] == [None], "looked before sending again, and saw it moved"
    assert [b.start for b in fake_calcom.bookings_of(ALICE.email) if b.active] == [at(demo, TUESDAY, 14)]
    assert [(b.id, b.start) for b in await empfio.list_for_contact(ALICE)] == [(made.id, at(demo, TUESDAY, 14))]


async def test_a_move_onto_a_taken_time_is_slot_taken_and_changes_nothing(empfio, fake_empfio, demo):
    mine = await empfio.create(request(demo, at(demo, TUESDAY, 10)), "alice")
    await empfio.create(request(demo, at(demo, TUESDAY, 14), contact=BOB), "bob")
    with pytest.raises(SlotTaken):
        await empfio.reschedule(mine.id, at(demo, TUESDAY, 14))
    assert fake_empfio.bookings[mine.id].start == at(demo, TUESDAY, 10)


async def test_cancel_is_a_delete_answered_204_and_frees_the_time_in_cal_com(empfio, fake_empfio, fake_calcom, demo):
    made = await empfio.create(request(demo, at(demo, TUESDAY, 10)), "k1")
    cancelled = await empfio.cancel(made.id, "ill")

    assert (cancelled.status, cancelled.cancel_reason) == (BookingStatus.CANCELLED, "ill")
    assert [r.status for r in fake_empfio.sent("DELETE")] == [204]
    assert fake_empfio.bookings[made.id].metadata["cancellation_reason"] == "ill"
    assert fake_empfio.bookings[made.id].metadata["service"] == "Haircut", "Empfio's own metadata is kept"
    assert all(b.status == "cancelled" for b in fake_calcom.bookings_of(ALICE.email))


async def test_a_booking_already_cancelled_is_no_error_to_the_customer(empfio, fake_empfio, demo):
    made = await empfio.create(request(demo, at(demo, TUESDAY, 10)), "k1")
    await empfio.cancel(made.id, "ill")
    again = await empfio.cancel(made.id, "changed my mind")

    assert (again.status, again.cancel_reason) == (BookingStatus.CANCELLED, "ill")
    assert len(fake_empfio.sent("DELETE")) == 1, "nothing left to cancel, nothing sent"


async def test_a_cancel_whose_answer_is_lost_is_cancelled_once(empfio, fake_empfio, demo):
    made = await empfio.create(request(demo, at(demo, TUESDAY, 10)), "k1")
    fake_empfio.drop_delete = 1

    cancelled = await empfio.cancel(made.id, "ill")

    assert (cancelled.status, cancelled.cancel_reason) == (BookingStatus.CANCELLED, "ill")
    # the shared client sends a DELETE again; Empfio says it is cancelled already, which is what was asked
    assert [r.status for r in fake_empfio.sent("DELETE")] == [None, 400]


async def test_a_completed_booking_cannot_be_cancelled_or_moved(make, lone_empfio, demo, clock):
    lead = lone_empfio.add_lead("Alice", email="alice@example.com", channel="web")
    done = lone_empfio.add_booking(lead, clock() - timedelta(hours=3), status="completed")
    b = make(fake=lone_empfio)
    with pytest.raises(InvalidRequest):
        await b.cancel(done.id)
    with pytest.raises(InvalidRequest):
        await b.reschedule(done.id, at(demo, TUESDAY, 10))
    assert not lone_empfio.sent("DELETE") and not lone_empfio.sent("PATCH")


async def test_the_operator_marks_a_no_show_with_a_patch(empfio, fake_empfio, demo):
    made = await empfio.create(request(demo, at(demo, TUESDAY, 10)), "k1")
    marked = await operator_marks(empfio).mark(made.id, BookingStatus.NO_SHOW)

    assert marked.status is BookingStatus.NO_SHOW
    assert [r.json for r in fake_empfio.sent("PATCH")] == [{"status": "no_show"}]
    with pytest.raises(InvalidRequest):
        await operator_marks(empfio).mark(made.id, BookingStatus.CONFIRMED)


async def test_ids_that_are_no_empfio_ids_are_not_found_without_asking(empfio, fake_empfio):
    with pytest.raises(NotFound):
        await empfio.get("no-such-booking")
    with pytest.raises(NotFound):
        await empfio.cancel("no-such-booking")
    assert fake_empfio.requests == [], "no UUID, no Empfio booking: nothing to ask"
    with pytest.raises(NotFound):
        await empfio.get(str(uuid.uuid4()))
    assert [r.status for r in fake_empfio.requests] == [404]


async def test_outages_are_retried_without_waiting(empfio, fake_empfio, demo):
    made = await empfio.create(request(demo, at(demo, TUESDAY, 10)), "k1")
    fake_empfio.down = 2
    assert (await empfio.get(made.id)).id == made.id
    fake_empfio.down = 3
    with pytest.raises(BackendUnavailable):
        await empfio.get(made.id)


# --- check() --------------------------------------------------------------------------------------------------------


async def test_check_passes_for_good_settings(empfio):
    assert await self_check(empfio).check() == []


async def test_check_names_the_token_when_empfio_refuses_it(make, calcom_backend):
    b = make(creator=calcom_backend, api_token="wrong")
    [line] = await b.check()
    assert line.startswith("EMPFIO_API_TOKEN: ") and "401" in line


async def test_check_names_the_base_when_nothing_answers_there(make):
    with socket.socket() as s:  # a port on 127.0.0.1 that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    [line] = await make(api_base=f"http://127.0.0.1:{port}").check()
    assert line.startswith("EMPFIO_API_BASE: cannot reach Empfio at http://127.0.0.1:")


async def test_check_names_the_base_when_something_else_answers_there(make, fake_calcom):
    [line] = await make(api_base=fake_calcom.base).check()
    assert line.startswith("EMPFIO_API_BASE: ") and "does not answer like Empfio" in line
    fake_calcom.violations.clear()  # the wrong API was asked on purpose


async def test_check_passes_on_the_creators_lines(make, demo, clock, calcom_config):
    refused = CalcomBackend(demo, dataclasses.replace(calcom_config, api_key="wrong"), clock)
    lines = await make(creator=refused).check()
    assert lines and all(line.startswith("CALCOM_API_KEY: ") for line in lines)


async def test_check_without_a_creator_needs_empfios_event_type_mapped(make, lone_empfio):
    assert await make(fake=lone_empfio).check() == []
    [line] = await make(fake=lone_empfio, event_types={}).check()
    assert line.startswith("CALCOM_EVENT_TYPES: ") and str(EVENT_TYPE_IDS["haircut"]) in line


# --- without a Cal.com account: no CREATE -------------------------------------------------------------------------


async def test_without_a_creator_nothing_is_created_and_that_is_declared(make, lone_empfio, demo):
    b = make(fake=lone_empfio)

    assert Capability.CREATE not in b.capabilities and Capability.IDEMPOTENT_CREATE not in b.capabilities
    assert {Capability.RESCHEDULE, Capability.CANCEL, Capability.LIST_ALL, Capability.LIST_FOR_CONTACT,
            Capability.SELF_CHECK} <= b.capabilities
    assert slot_holds(b) is None
    with pytest.raises(NotSupported):
        await b.create(request(demo, at(demo, TUESDAY, 10)), "k1")
    with pytest.raises(NotSupported):
        await b.hold(None)  # type: ignore[arg-type]
    assert lone_empfio.requests == [], "nothing was asked of Empfio"


async def test_without_a_creator_free_times_are_empfios_and_name_nobody_they_cannot(make, lone_empfio, demo):
    b = make(fake=lone_empfio)
    day = (at(demo, TUESDAY, 0), at(demo, WEDNESDAY, 0))

    slots = await b.availability(*day, "haircut")
    assert slots[0].start == at(demo, TUESDAY, 9) and slots[-1].start == at(demo, TUESDAY, 17, 30)
    assert {(s.service, s.staff) for s in slots} == {("haircut", "")}, "two people cut hair: Empfio does not say who"
    [asked] = lone_empfio.sent("GET", "/api/v1/bookings/available-slots")
    assert (asked.query["start_date"], asked.query["end_date"]) == ("2026-06-01", "2026-06-03")
    assert await b.availability(*day, "haircut", "sarah") == [], "never claims a time is Sarah's"
    assert await b.availability(*day, "coloring") == [], "Empfio's free times are for haircuts"
    with pytest.raises(InvalidRequest):
        await b.availability(*day, "massage")


async def test_without_a_creator_a_booking_made_by_empfios_agent_can_be_moved(make, lone_empfio, demo):
    lead = lone_empfio.add_lead("Bob", phone="+4915100000002", channel="whatsapp")
    beard = lone_empfio.add_booking(lead, at(demo, TUESDAY, 11), minutes=15, metadata={"service": "Beard trim"})
    cut = lone_empfio.add_booking(lead, at(demo, TUESDAY, 15), metadata={"service": "Haarschnitt"})
    b = make(fake=lone_empfio)

    found = {x.id: x for x in await b.list_for_contact(BOB)}
    assert (found[beard.id].service, found[beard.id].staff) == ("beard", "tom"), "only Tom trims beards"
    assert (found[cut.id].service, found[cut.id].staff) == ("haircut", ""), "the service by any of its names"
    moved = await b.reschedule(cut.id, at(demo, TUESDAY, 16))
    assert (moved.start, moved.end, moved.status) == (at(demo, TUESDAY, 16), at(demo, TUESDAY, 16, 30),
                                                      BookingStatus.RESCHEDULED)


# --- the fake holds the client to the API page ---------------------------------------------------------------------


async def test_the_fake_refuses_what_the_page_does_not_allow(lone_empfio):
    auth = {"Authorization": f"Bearer {lone_empfio.token}"}
    async with httpx.AsyncClient(base_url=lone_empfio.base, headers=auth) as api:
        assert (await api.post("/api/v1/bookings", json={})).status_code == 405
        assert (await api.get("/api/v1/bookings", params={"size": 101})).status_code == 422
        missing = await api.get("/api/v1/bookings/available-slots", params={"start_date": "2026-06-02"})
        assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["query", "end_date"]
        lead = lone_empfio.add_lead("Alice", email="alice@example.com")
        booking = lone_empfio.add_booking(lead, datetime(2026, 6, 2, 8, tzinfo=UTC))
        assert (await api.patch(f"/api/v1/bookings/{booking.id}", json={"lead_id": "x"})).status_code == 422
        assert (await api.get("/api/v1/bookings")).json()["bookings"][0].keys() == {
            "id", "lead_id", "start_time", "end_time", "status", "meeting_url", "created_at", "lead"}
        assert (await api.get("/api/v1/bookings", headers={"Authorization": "Bearer wrong"})).status_code == 401
    assert len(lone_empfio.violations) == 4
    lone_empfio.violations.clear()
