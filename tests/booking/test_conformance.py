"""What every booking backend must do, whatever system stands behind it.

Each implementation joins through the `backend` fixture: it yields the backend and a
`Helpers` describing the business it was set up with (the demo salon) and the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import pytest

from booking_client import (
    BookingBackend,
    BookingError,
    BookingRequest,
    BookingStatus,
    Business,
    Capability,
    Contact,
    InvalidRequest,
    NotFound,
    NotSupported,
    Slot,
    SlotTaken,
    change_feed,
    lists_all,
    operator_marks,
    slot_holds,
)
from booking_client.local import LocalBackend

ALICE = Contact("telegram:1001", "Alice", "alice@example.com", "+4915100000001")
BOB = Contact("whatsapp:+4915100000002", "Bob")
TUESDAY = date(2026, 6, 2)  # the day after the clock's Monday morning


@dataclass
class Helpers:
    """What the suite knows about the backend's setup."""

    business: Business
    now: datetime

    def at(self, day: date, hh: int, mm: int = 0) -> datetime:
        """A local wall time at the business."""
        return datetime.combine(day, time(hh, mm), tzinfo=self.business.tz)

    def day(self, day: date) -> tuple[datetime, datetime]:
        """The whole local day as a range."""
        return self.at(day, 0), self.at(day + timedelta(days=1), 0)

    def in_hours(self, slot: Slot) -> bool:
        """The slot lies inside one of the staff member's opening spans and starts on a step."""
        local_start, local_end = self.business.local(slot.start), self.business.local(slot.end)
        hours = self.business.hours_for(slot.staff).spans(local_start.weekday())
        step = self.business.slot_step_minutes
        return any(
            opens <= local_start.time() and local_end.time() <= closes
            and ((local_start.hour * 60 + local_start.minute) - (opens.hour * 60 + opens.minute)) % step == 0
            for opens, closes in hours
        )

    def request(self, start: datetime, *, service: str = "haircut", staff: str = "sarah", contact: Contact = ALICE) -> BookingRequest:
        return BookingRequest(service, staff, start, contact, notes="first visit", channel="telegram")


@pytest.fixture(params=["local-sqlite", "local-postgres", "calcom", "slatis", "relentify", "empfio"])
def backend_impl(request, clock, demo) -> tuple[BookingBackend, Helpers]:
    if request.param == "calcom":  # Cal.com API v2, the fake on 127.0.0.1 (conftest.py)
        return request.getfixturevalue("calcom_backend"), Helpers(demo, clock())
    if request.param == "empfio":  # Empfio's Bookings API, creating through the calcom backend (conftest.py)
        return request.getfixturevalue("empfio_backend"), Helpers(demo, clock())
    if request.param == "relentify":  # Relentify Bookings API, the fake on 127.0.0.1 (conftest.py)
        return request.getfixturevalue("relentify_backend"), Helpers(demo, clock())
    if request.param == "slatis":  # Slatis API v1, the fake on 127.0.0.1 (conftest.py)
        return request.getfixturevalue("slatis_backend"), Helpers(demo, clock())
    engine = request.getfixturevalue("sqlite_engine" if request.param == "local-sqlite" else "pg_engine")
    return LocalBackend(demo, engine, clock), Helpers(demo, clock())


@pytest.fixture
async def backend(backend_impl):
    yield backend_impl
    await backend_impl[0].aclose()


def starts(slots: list[Slot], staff: str = "sarah") -> list[datetime]:
    return [s.start for s in slots if s.staff == staff]


def needs(b: BookingBackend, capability: Capability, why: str) -> None:
    """Skip a test of something the backend declares it cannot do (`why`: what it does instead)."""
    if capability not in b.capabilities:
        pytest.skip(f"{b.name} has no Capability.{capability.name}: {why}")


# --- availability -------------------------------------------------------------


async def test_availability_offers_only_free_future_slots_inside_opening_hours(backend):
    b, h = backend
    needs(b, Capability.STAFF_CHOICE, "its free times do not say who is free; the booking names who was assigned")
    booked = await b.create(h.request(h.at(TUESDAY, 11)), "k-busy")
    week = await b.availability(h.now - timedelta(days=1), h.now + timedelta(days=7), "haircut")

    assert week, "a week of a salon's calendar has free haircut slots"
    assert all(s.start >= h.now for s in week), "nothing in the past"
    assert all(h.in_hours(s) for s in week), "nothing outside opening hours or off the step"
    assert all(s.service == "haircut" and s.end - s.start == timedelta(minutes=30) for s in week)
    assert [(s.start, s.staff) for s in week] == sorted((s.start, s.staff) for s in week)
    assert (booked.start, "sarah") not in {(s.start, s.staff) for s in week}
    assert (booked.start, "tom") in {(s.start, s.staff) for s in week}, "Tom is still free then"


async def test_availability_for_one_staff_member_lists_only_them(backend):
    b, h = backend
    slots = await b.availability(*h.day(TUESDAY), "haircut", "tom")
    assert slots and {s.staff for s in slots} == {"tom"}
    assert slots[0].start == h.at(TUESDAY, 9)
    assert slots[-1].start == h.at(TUESDAY, 17, 30)


async def test_availability_stays_inside_the_asked_range(backend):
    b, h = backend
    slots = await b.availability(h.at(TUESDAY, 10), h.at(TUESDAY, 11), "haircut", "sarah")
    assert starts(slots) == [h.at(TUESDAY, 10, m) for m in (0, 15, 30, 45)]


# --- create and get -----------------------------------------------------------


async def test_created_booking_can_be_read_back(backend):
    b, h = backend
    made = await b.create(h.request(h.at(TUESDAY, 10)), "k1")
    again = await b.get(made.id)

    assert made.status is BookingStatus.CONFIRMED
    assert (made.service, made.staff, made.contact) == ("haircut", "sarah", ALICE)
    assert made.start == h.at(TUESDAY, 10) and made.end == h.at(TUESDAY, 10, 30)
    assert again == made
    assert again.start.utcoffset() == timedelta(0), "times come back in UTC"


async def test_the_same_idempotency_key_books_only_once(backend):
    b, h = backend
    first = await b.create(h.request(h.at(TUESDAY, 10)), "retry-me")
    second = await b.create(h.request(h.at(TUESDAY, 10)), "retry-me")

    assert second.id == first.id
    assert [x.id for x in await b.list_for_contact(ALICE)] == [first.id]


async def test_a_booked_slot_is_taken_for_everyone_else(backend):
    b, h = backend
    await b.create(h.request(h.at(TUESDAY, 10)), "alice")

    with pytest.raises(SlotTaken):
        await b.create(h.request(h.at(TUESDAY, 10), contact=BOB), "bob")
    with pytest.raises(SlotTaken):
        await b.create(h.request(h.at(TUESDAY, 10, 15), contact=BOB), "bob-overlap")
    slots = await b.availability(*h.day(TUESDAY), "haircut", "sarah")
    assert h.at(TUESDAY, 10) not in starts(slots)
    assert h.at(TUESDAY, 10, 30) in starts(slots)


async def test_a_held_slot_is_offered_to_nobody_else_and_the_booking_takes_the_hold_over(backend):
    b, h = backend
    holds = slot_holds(b)
    if holds is None:
        pytest.skip(f"{b.name} does not hold slots (no Capability.SLOT_HOLD): a yes books at once")
    ten = next(s for s in await b.availability(*h.day(TUESDAY), "haircut", "sarah") if s.start == h.at(TUESDAY, 10))

    first = await holds.hold(ten)
    assert h.at(TUESDAY, 10) not in starts(await b.availability(*h.day(TUESDAY), "haircut", "sarah"))
    with pytest.raises(SlotTaken):
        await holds.hold(ten)
    await holds.release(first)
    await holds.release(first)  # gone already: fine
    assert h.at(TUESDAY, 10) in starts(await b.availability(*h.day(TUESDAY), "haircut", "sarah"))

    again = await holds.hold(ten)
    made = await b.create(replace(h.request(ten.start), hold=again), "held")
    assert (made.start, made.staff) == (ten.start, "sarah")
    assert h.at(TUESDAY, 10) not in starts(await b.availability(*h.day(TUESDAY), "haircut", "sarah"))
    await holds.release(again)  # taken over by the booking: releasing it is harmless


# --- a contact's bookings ------------------------------------------------------


async def test_a_contact_sees_only_their_own_bookings_earliest_first(backend):
    b, h = backend
    later = await b.create(h.request(h.at(TUESDAY, 15)), "a2")
    earlier = await b.create(h.request(h.at(TUESDAY, 9, 30), staff="tom"), "a1")
    bobs = await b.create(h.request(h.at(TUESDAY, 12), contact=BOB), "b1")

    assert [x.id for x in await b.list_for_contact(ALICE)] == [earlier.id, later.id]
    assert [x.id for x in await b.list_for_contact(BOB)] == [bobs.id]
    assert await b.list_for_contact(Contact("telegram:9999")) == []


async def test_cancelled_bookings_are_listed_only_with_the_past(backend):
    b, h = backend
    kept = await b.create(h.request(h.at(TUESDAY, 10)), "a1")
    dropped = await b.create(h.request(h.at(TUESDAY, 11)), "a2")
    await b.cancel(dropped.id, "changed my mind")

    assert [x.id for x in await b.list_for_contact(ALICE)] == [kept.id]
    history = await b.list_for_contact(ALICE, include_past=True)
    assert {x.id: x.status for x in history} == {kept.id: BookingStatus.CONFIRMED, dropped.id: BookingStatus.CANCELLED}


# --- cancel ---------------------------------------------------------------------


async def test_cancelling_frees_the_time(backend):
    b, h = backend
    made = await b.create(h.request(h.at(TUESDAY, 10)), "alice")
    cancelled = await b.cancel(made.id, "ill")

    assert cancelled.status is BookingStatus.CANCELLED and cancelled.cancel_reason == "ill"
    assert (await b.get(made.id)).status is BookingStatus.CANCELLED
    assert h.at(TUESDAY, 10) in starts(await b.availability(*h.day(TUESDAY), "haircut", "sarah"))
    bobs = await b.create(h.request(h.at(TUESDAY, 10), contact=BOB), "bob")
    assert bobs.start == made.start


async def test_a_booking_cannot_be_cancelled_twice(backend):
    b, h = backend
    made = await b.create(h.request(h.at(TUESDAY, 10)), "alice")
    first = await b.cancel(made.id, "ill")
    try:
        again = await b.cancel(made.id, "changed my mind")
    except InvalidRequest:
        return  # the system refuses the second cancel
    # Systems whose status transitions are idempotent (Slatis) answer the booking as it is: still
    # cancelled, once, for the first reason, and nothing else changed.
    assert (again.id, again.status, again.cancel_reason) == (made.id, BookingStatus.CANCELLED, first.cancel_reason)
    assert (await b.get(made.id)).status is BookingStatus.CANCELLED


# --- reschedule -------------------------------------------------------------------


async def test_rescheduling_moves_the_booking_and_frees_the_old_time(backend):
    b, h = backend
    needs(b, Capability.RESCHEDULE, "a move is booked anew, then the old booking cancelled, by the dialogue")
    made = await b.create(h.request(h.at(TUESDAY, 10)), "alice")
    moved = await b.reschedule(made.id, h.at(TUESDAY, 14))

    # The embedded engine keeps the id; Cal.com books the new time under a new uid. Either way the
    # caller follows the id that comes back, and the old id still leads to the moved booking.
    assert (moved.service, moved.staff, moved.contact) == (made.service, made.staff, made.contact)
    assert (moved.start, moved.end) == (h.at(TUESDAY, 14), h.at(TUESDAY, 14, 30))
    assert moved.status is BookingStatus.RESCHEDULED
    assert (await b.get(moved.id)).start == h.at(TUESDAY, 14)
    assert (await b.get(made.id)).start == h.at(TUESDAY, 14)
    free = starts(await b.availability(*h.day(TUESDAY), "haircut", "sarah"))
    assert h.at(TUESDAY, 10) in free and h.at(TUESDAY, 14) not in free
    assert [x.start for x in await b.list_for_contact(ALICE)] == [h.at(TUESDAY, 14)]


async def test_a_booking_can_move_to_a_time_overlapping_its_own(backend):
    b, h = backend
    needs(b, Capability.RESCHEDULE, "a move is booked anew, then the old booking cancelled, by the dialogue")
    made = await b.create(h.request(h.at(TUESDAY, 10)), "alice")
    moved = await b.reschedule(made.id, h.at(TUESDAY, 10, 15))
    assert moved.start == h.at(TUESDAY, 10, 15)


async def test_rescheduling_onto_someone_elses_booking_is_refused(backend):
    b, h = backend
    needs(b, Capability.RESCHEDULE, "a move is booked anew, then the old booking cancelled, by the dialogue")
    mine = await b.create(h.request(h.at(TUESDAY, 10)), "alice")
    await b.create(h.request(h.at(TUESDAY, 14), contact=BOB), "bob")
    with pytest.raises(SlotTaken):
        await b.reschedule(mine.id, h.at(TUESDAY, 14))
    assert (await b.get(mine.id)).start == h.at(TUESDAY, 10), "a refused move leaves the booking where it was"


async def test_a_cancelled_booking_cannot_be_moved(backend):
    b, h = backend
    needs(b, Capability.RESCHEDULE, "a move is booked anew, then the old booking cancelled, by the dialogue")
    made = await b.create(h.request(h.at(TUESDAY, 10)), "alice")
    await b.cancel(made.id)
    with pytest.raises(InvalidRequest):
        await b.reschedule(made.id, h.at(TUESDAY, 14))


# --- errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda b, h: b.get("no-such-booking"),
        lambda b, h: b.cancel("no-such-booking"),
        lambda b, h: needs(b, Capability.RESCHEDULE, "nothing to move") or b.reschedule("no-such-booking",
                                                                                    h.at(TUESDAY, 10)),
    ],
    ids=["get", "cancel", "reschedule"],
)
async def test_unknown_bookings_are_not_found(backend, call):
    b, h = backend
    with pytest.raises(NotFound):
        await call(b, h)


@pytest.mark.parametrize(
    "service, staff, day",
    [
        ("haircut", "sarah", date(2026, 5, 29)),  # last Friday
        ("massage", "sarah", TUESDAY),
        ("haircut", "nobody", TUESDAY),
        ("coloring", "tom", TUESDAY),  # Tom does not colour
    ],
    ids=["past", "unknown-service", "unknown-staff", "staff-without-service"],
)
async def test_impossible_requests_are_invalid_and_book_nothing(backend, service, staff, day):
    b, h = backend
    with pytest.raises(InvalidRequest):
        await b.create(h.request(h.at(day, 10), service=service, staff=staff), "k")
    assert await b.list_for_contact(ALICE, include_past=True) == []


async def test_availability_of_an_unknown_service_is_invalid(backend):
    b, h = backend
    with pytest.raises(InvalidRequest):
        await b.availability(*h.day(TUESDAY), "massage")


# --- capabilities -------------------------------------------------------------------

OPERATIONS = {
    Capability.AVAILABILITY: lambda b, h: b.availability(*h.day(TUESDAY), "haircut"),
    Capability.CREATE: lambda b, h: b.create(h.request(h.at(TUESDAY, 16)), "cap-create"),
    Capability.GET: lambda b, h: b.get("no-such-booking"),
    Capability.LIST_FOR_CONTACT: lambda b, h: b.list_for_contact(ALICE),
    Capability.CANCEL: lambda b, h: b.cancel("no-such-booking"),
    Capability.RESCHEDULE: lambda b, h: b.reschedule("no-such-booking", h.at(TUESDAY, 16)),
}
# What only some backends can do; a backend that declares one answers through its protocol.
EXTRAS = {
    Capability.CHANGE_FEED: lambda b, h: change_feed(b).changes_since(0),
    Capability.OPERATOR_MARKS: lambda b, h: operator_marks(b).mark("no-such-booking", BookingStatus.COMPLETED),
    Capability.LIST_ALL: lambda b, h: lists_all(b).list_all(),
    Capability.SLOT_HOLD: lambda b, h: slot_holds(b).release("no-such-hold"),
}


async def test_the_backend_does_what_it_declares_and_refuses_the_rest(backend):
    b, h = backend
    assert isinstance(b, BookingBackend)
    assert b.name and b.capabilities <= frozenset(Capability)
    for capability, call in OPERATIONS.items():
        if capability in b.capabilities:
            try:
                await call(b, h)
            except NotSupported:
                pytest.fail(f"{b.name} declares {capability.value} but does not support it")
            except BookingError:
                pass  # NotFound for the made-up id is the expected answer
        else:
            with pytest.raises(NotSupported):
                await call(b, h)
    for capability, call in EXTRAS.items():
        if capability not in b.capabilities:
            continue
        try:
            await call(b, h)
        except BookingError as exc:
            assert not isinstance(exc, NotSupported), f"{b.name} declares {capability.value} but does not support it"
