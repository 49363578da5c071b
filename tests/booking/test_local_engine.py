"""The embedded engine's own rules, with the demo salon (Europe/Berlin) and a fixed clock."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booking_client import (
    BackendUnavailable,
    BookingRequest,
    BookingStatus,
    Business,
    Contact,
    InvalidRequest,
    NotFound,
    SlotTaken,
)
from booking_client.local import ChangeKind, LocalBackend, migrate, schedule
from storage import make_engine

ALICE = Contact("telegram:1001", "Alice")


def at(business: Business, day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=business.tz)


def whole_day(business: Business, day: date) -> tuple[datetime, datetime]:
    return at(business, day, 0), at(business, day + timedelta(days=1), 0)


def wall_times(business: Business, slots, staff: str = "sarah") -> list[str]:
    return [f"{business.local(s.start):%H:%M}" for s in slots if s.staff == staff]


def ask(start: datetime, service: str = "haircut", staff: str = "sarah", who: Contact = ALICE) -> BookingRequest:
    return BookingRequest(service, staff, start, who)


@pytest.fixture
def local(sqlite_engine, demo, clock) -> LocalBackend:
    """The engine on SQLite: for rules that do not depend on the database."""
    return LocalBackend(demo, sqlite_engine, clock)


@pytest.fixture
def either(db_engine, demo, clock) -> LocalBackend:
    """The engine on SQLite and on PostgreSQL in turn."""
    return LocalBackend(demo, db_engine, clock)


# --- opening hours and closures ---------------------------------------------------


async def test_the_salon_is_closed_on_sundays(local, demo):
    assert await local.availability(*whole_day(demo, date(2026, 6, 7)), "haircut") == []
    with pytest.raises(InvalidRequest, match="closed on Sundays"):
        await local.create(ask(at(demo, date(2026, 6, 7), 10)), "k")


async def test_saturday_has_short_hours(local, demo):
    slots = await local.availability(*whole_day(demo, date(2026, 6, 6)), "haircut", "sarah")
    assert wall_times(demo, slots) == [f"{h:02}:{m:02}" for h in range(10, 14) for m in (0, 15, 30, 45)][:-1]
    with pytest.raises(InvalidRequest, match="hours"):
        await local.create(ask(at(demo, date(2026, 6, 6), 13, 45)), "k")


async def test_a_long_service_must_end_by_closing_time(local, demo):
    slots = await local.availability(*whole_day(demo, date(2026, 6, 2)), "coloring", "sarah")
    assert wall_times(demo, slots)[-1] == "16:30"  # 90 minutes, closing at 18:00
    with pytest.raises(InvalidRequest):
        await local.create(ask(at(demo, date(2026, 6, 2), 16, 45), "coloring"), "k")


async def test_holidays_are_closed(local, demo, clock):
    clock.at = datetime(2026, 12, 20, 9, tzinfo=UTC)
    christmas = date(2026, 12, 25)
    assert await local.availability(*whole_day(demo, christmas), "haircut") == []
    with pytest.raises(InvalidRequest, match="Christmas Day"):
        await local.create(ask(at(demo, christmas, 10)), "k")
    assert await local.availability(*whole_day(demo, date(2026, 12, 28)), "haircut"), "open again on Monday"


async def test_times_off_the_step_are_refused(local, demo):
    with pytest.raises(InvalidRequest, match="every 15 minutes from 09:00"):
        await local.create(ask(at(demo, date(2026, 6, 2), 10, 10)), "k")


# --- staff ------------------------------------------------------------------------------


async def test_each_service_is_offered_only_by_its_staff(local, demo):
    tuesday = whole_day(demo, date(2026, 6, 2))
    assert {s.staff for s in await local.availability(*tuesday, "coloring")} == {"sarah"}
    assert {s.staff for s in await local.availability(*tuesday, "beard")} == {"tom"}
    assert {s.staff for s in await local.availability(*tuesday, "haircut")} == {"sarah", "tom"}
    with pytest.raises(InvalidRequest, match="Sarah does not offer Beard trim"):
        await local.availability(*tuesday, "beard", "sarah")


async def test_staff_hours_and_days_off_narrow_the_business_hours(sqlite_engine, demo, clock, business_with):
    staff = [p.model_dump() for p in demo.staff]
    staff[1]["hours"] = {"tue": ["12:00-16:00"], "wed": ["09:00-18:00"]}  # Tom: part time
    staff[0]["days_off"] = [{"from": date(2026, 6, 3), "to": date(2026, 6, 4), "reason": "training"}]
    backend = LocalBackend(business_with(staff=staff), sqlite_engine, clock)

    tom_tuesday = await backend.availability(*whole_day(demo, date(2026, 6, 2)), "haircut", "tom")
    assert wall_times(demo, tom_tuesday, "tom")[0] == "12:00" and wall_times(demo, tom_tuesday, "tom")[-1] == "15:30"
    assert await backend.availability(*whole_day(demo, date(2026, 6, 5)), "beard", "tom") == [], "Tom does not work Fridays"
    wednesday = await backend.availability(*whole_day(demo, date(2026, 6, 3)), "haircut")
    assert {s.staff for s in wednesday} == {"tom"}, "Sarah is on training"
    with pytest.raises(InvalidRequest, match=r"Sarah is not working on Thursday .*training"):
        await backend.create(ask(at(demo, date(2026, 6, 4), 10)), "k")


# --- buffers, notice and horizon -------------------------------------------------------


async def test_colouring_blocks_its_buffer_after_it(either, demo):
    tuesday = date(2026, 6, 2)
    await either.create(ask(at(demo, tuesday, 10), "coloring"), "colour")  # 10:00-11:30, clean-up until 11:45

    free = wall_times(demo, await either.availability(*whole_day(demo, tuesday), "haircut", "sarah"))
    assert "09:30" in free and "09:45" not in free  # a haircut at 09:45 would run into the colouring
    assert "11:30" not in free and "11:45" in free
    with pytest.raises(SlotTaken):
        await either.create(ask(at(demo, tuesday, 11, 30)), "haircut")


async def test_a_colouring_needs_room_for_its_own_buffer(either, demo):
    tuesday = date(2026, 6, 2)
    await either.create(ask(at(demo, tuesday, 13)), "haircut")

    free = wall_times(demo, await either.availability(*whole_day(demo, tuesday), "coloring", "sarah"))
    assert "11:15" in free  # ends 12:45, clean-up until 13:00
    assert "11:30" not in free  # ends 13:00 but clean-up would overlap the haircut
    with pytest.raises(SlotTaken):
        await either.create(ask(at(demo, tuesday, 11, 30), "coloring"), "colour")


async def test_minimum_notice_hides_the_next_hour(local, demo, clock):
    monday = date(2026, 6, 1)
    clock.at = at(demo, monday, 8, 50)
    free = wall_times(demo, await local.availability(*whole_day(demo, monday), "haircut", "sarah"))
    assert free[0] == "10:00"  # 09:50 is the earliest allowed; 10:00 is the next step
    with pytest.raises(InvalidRequest, match="60 minutes"):
        await local.create(ask(at(demo, monday, 9, 45)), "k")
    assert (await local.create(ask(at(demo, monday, 10)), "k")).status is BookingStatus.CONFIRMED


async def test_nothing_is_offered_beyond_the_horizon(local, demo, clock):
    last = (clock() + timedelta(days=60)).date()  # 31 July 2026, a Friday
    week = await local.availability(clock(), at(demo, last + timedelta(days=7), 0), "haircut", "sarah")
    assert max(s.start for s in week) <= clock() + timedelta(days=60)
    assert await local.availability(*whole_day(demo, date(2026, 8, 3)), "haircut") == []
    with pytest.raises(InvalidRequest, match="60 days ahead"):
        await local.create(ask(at(demo, date(2026, 8, 3), 10)), "k")


async def test_naive_times_are_refused(local):
    with pytest.raises(InvalidRequest, match="time zone"):
        await local.create(ask(datetime(2026, 6, 2, 10)), "k")


# --- daylight saving time ---------------------------------------------------------------

NIGHT_AND_MORNING = ["01:00-04:00", "09:00-12:00"]


@pytest.fixture
def open_sundays(db_engine, clock, business_with) -> LocalBackend:
    """The salon also open on Sunday nights and mornings, when the clocks change."""
    business = business_with(hours={**business_with().hours.model_dump(), "sun": NIGHT_AND_MORNING})
    return LocalBackend(business, db_engine, clock)


async def test_autumn_change_day_has_the_repeated_hour(open_sundays, clock):
    business = open_sundays.business
    clock.at = datetime(2026, 10, 20, 8, tzinfo=UTC)
    day = date(2026, 10, 25)  # 03:00 CEST becomes 02:00 CET

    slots = await open_sundays.availability(*whole_day(business, day), "haircut", "sarah")
    night = [s for s in slots if s.start < at(business, day, 5)]
    # The night span is four real hours long: 15 half-hour appointments on the quarter.
    assert len(night) == 15
    assert [f"{business.local(s.start):%H:%M%z}" for s in night[6:9]] == ["02:30+0200", "02:45+0200", "02:00+0100"]
    morning = [s for s in slots if s.start >= at(business, day, 5)]
    assert morning[0].start == datetime(2026, 10, 25, 8, 0, tzinfo=UTC), "09:00 on winter time"
    saturday = await open_sundays.availability(*whole_day(business, date(2026, 10, 24)), "haircut", "sarah")
    assert saturday[0].start == datetime(2026, 10, 24, 8, 0, tzinfo=UTC), "10:00 on summer time"

    made = await open_sundays.create(ask(morning[0].start), "k")
    assert f"{business.local(made.start):%H:%M}" == "09:00"
    assert (await open_sundays.get(made.id)).start == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)


async def test_spring_change_day_skips_the_missing_hour(open_sundays, clock):
    business = open_sundays.business
    clock.at = datetime(2027, 3, 20, 8, tzinfo=UTC)
    day = date(2027, 3, 28)  # 02:00 CET becomes 03:00 CEST

    slots = await open_sundays.availability(*whole_day(business, day), "haircut", "sarah")
    night = wall_times(business, [s for s in slots if s.start < at(business, day, 5)])
    assert night == ["01:00", "01:15", "01:30", "01:45", "03:00", "03:15", "03:30"]  # two real hours
    assert [s for s in slots if s.start >= at(business, day, 5)][0].start == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)

    made = await open_sundays.create(ask(at(business, day, 9)), "k")
    assert made.start == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)


# --- races ---------------------------------------------------------------------------------


async def test_many_customers_racing_for_one_slot_get_one_booking(either, demo):
    slot = at(demo, date(2026, 6, 2), 10)
    people = [Contact(f"telegram:{n}", f"Customer {n}") for n in range(15)]

    results = await asyncio.gather(
        *(either.create(ask(slot, who=who), f"key-{n}") for n, who in enumerate(people)), return_exceptions=True
    )

    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(r, SlotTaken) for r in results if r not in winners), results
    assert [b.id for b in await either.list_all()] == [winners[0].id]
    assert slot not in {s.start for s in await either.availability(*whole_day(demo, slot.date()), "haircut", "sarah")}


async def test_a_retried_request_racing_itself_books_once(either, demo):
    slot = at(demo, date(2026, 6, 2), 10)
    results = await asyncio.gather(*(either.create(ask(slot), "same-key") for _ in range(10)))
    assert len({b.id for b in results}) == 1
    assert len(await either.list_all()) == 1


async def test_one_key_racing_for_two_staff_members_books_once(either, demo):
    slot = at(demo, date(2026, 6, 2), 10)
    results = await asyncio.gather(*(either.create(ask(slot, staff=who), "same-key") for who in ("sarah", "tom") * 4))
    assert len({b.id for b in results}) == 1
    assert len(await either.list_all()) == 1


async def test_two_moves_racing_into_one_free_slot_leave_one_there(either, demo):
    tuesday = date(2026, 6, 2)
    first = await either.create(ask(at(demo, tuesday, 10)), "a")
    second = await either.create(ask(at(demo, tuesday, 11), who=Contact("telegram:2")), "b")
    target = at(demo, tuesday, 15)

    results = await asyncio.gather(
        either.reschedule(first.id, target), either.reschedule(second.id, target), return_exceptions=True
    )

    assert sorted(type(r).__name__ for r in results) == ["Booking", "SlotTaken"]
    assert sorted(b.start for b in await either.list_all()).count(target) == 1


async def test_an_in_memory_database_serializes_concurrent_bookings(demo, clock):
    engine = make_engine("sqlite+aiosqlite:///:memory:")
    try:
        await migrate(engine)
        backend = LocalBackend(demo, engine, clock)
        slot = at(demo, date(2026, 6, 2), 10)
        results = await asyncio.gather(
            *(backend.create(ask(slot, who=Contact(f"c:{n}")), f"k{n}") for n in range(8)), return_exceptions=True
        )
        assert sum(not isinstance(r, BaseException) for r in results) == 1
        assert sum(isinstance(r, SlotTaken) for r in results) == 7
        assert len(await backend.list_all()) == 1
    finally:
        await engine.dispose()


# --- operator view, status marks and the change feed ------------------------------------


async def test_operator_marks_and_lists_bookings(either, demo):
    tuesday = date(2026, 6, 2)
    done = await either.create(ask(at(demo, tuesday, 9)), "a")
    gone = await either.create(ask(at(demo, tuesday, 10), staff="tom"), "b")
    await either.create(ask(at(demo, date(2026, 6, 3), 9)), "c")

    assert (await either.mark(done.id, BookingStatus.COMPLETED)).status is BookingStatus.COMPLETED
    assert (await either.mark(gone.id, BookingStatus.NO_SHOW)).status is BookingStatus.NO_SHOW
    with pytest.raises(InvalidRequest):
        await either.mark(done.id, BookingStatus.CANCELLED)
    assert len(await either.list_all()) == 3
    day = await either.list_all(*whole_day(demo, tuesday))
    assert [(b.id, b.status) for b in day] == [(done.id, BookingStatus.COMPLETED), (gone.id, BookingStatus.NO_SHOW)]
    assert await either.list_for_contact(ALICE) == await either.list_all(*whole_day(demo, date(2026, 6, 3)))


async def test_a_cancelled_booking_cannot_be_marked_moved_or_cancelled_again(either, demo):
    made = await either.create(ask(at(demo, date(2026, 6, 2), 9)), "a")
    await either.cancel(made.id)
    with pytest.raises(InvalidRequest, match="cancelled"):
        await either.mark(made.id, BookingStatus.COMPLETED)
    with pytest.raises(InvalidRequest, match="cancelled"):
        await either.reschedule(made.id, at(demo, date(2026, 6, 2), 11))
    with pytest.raises(InvalidRequest, match="cancelled"):
        await either.cancel(made.id)
    with pytest.raises(NotFound):
        await either.cancel("no-such-booking")
    assert [(b.status, b.start) for b in await either.list_all()] == [(BookingStatus.CANCELLED, made.start)]


async def test_a_booking_moves_a_quarter_later_over_its_own_time(either, demo):
    tuesday = date(2026, 6, 2)
    made = await either.create(ask(at(demo, tuesday, 10)), "a")  # a haircut: 10:00-10:45

    moved = await either.reschedule(made.id, at(demo, tuesday, 10, 15))

    assert moved.start == at(demo, tuesday, 10, 15) and moved.status is BookingStatus.RESCHEDULED
    free = wall_times(demo, await either.availability(*whole_day(demo, tuesday), "haircut", "sarah"))
    assert "10:00" not in free and "10:15" not in free and "09:15" in free  # 09:15 ends as 10:15 begins
    with pytest.raises(SlotTaken):
        await either.create(ask(at(demo, tuesday, 10, 30), who=Contact("telegram:2")), "b")


async def test_a_cancelled_time_can_be_booked_again_and_a_moved_booking_frees_its_old_time(either, demo):
    tuesday = date(2026, 6, 2)
    first = await either.create(ask(at(demo, tuesday, 10)), "a")
    second = await either.create(ask(at(demo, tuesday, 14)), "b")
    await either.cancel(first.id)
    await either.reschedule(second.id, at(demo, tuesday, 16))
    bob = Contact("telegram:2", "Bob")

    again = await either.create(ask(at(demo, tuesday, 10), who=bob), "c")
    old_time = await either.create(ask(at(demo, tuesday, 14), who=bob), "d")

    assert (again.start, old_time.start) == (at(demo, tuesday, 10), at(demo, tuesday, 14))


async def test_the_change_feed_follows_every_change_in_order(either, demo, clock):
    tuesday = date(2026, 6, 2)
    made = await either.create(ask(at(demo, tuesday, 9)), "a")
    clock.at += timedelta(minutes=5)
    await either.reschedule(made.id, at(demo, tuesday, 11))
    other = await either.create(ask(at(demo, tuesday, 9), staff="tom"), "b")
    await either.cancel(made.id, "busy")
    await either.mark(other.id, BookingStatus.NO_SHOW)

    feed = await either.changes_since()
    assert [(c.booking_id, c.kind) for c in feed] == [
        (made.id, ChangeKind.CREATED),
        (made.id, ChangeKind.RESCHEDULED),
        (other.id, ChangeKind.CREATED),
        (made.id, ChangeKind.CANCELLED),
        (other.id, ChangeKind.STATUS),
    ]
    assert feed[1].at == clock.at
    assert [c.kind for c in await either.changes_since(feed[2].cursor)] == [ChangeKind.CANCELLED, ChangeKind.STATUS]
    assert await either.changes_since(feed[-1].cursor) == []


# --- storage -----------------------------------------------------------------------------------


async def test_times_round_trip_as_the_same_instant_in_utc(either, demo):
    start = at(demo, date(2026, 6, 2), 10)  # given in Berlin time
    made = await either.create(ask(start), "a")
    stored = await either.get(made.id)
    assert stored.start == start and stored.start.tzinfo is UTC
    assert stored.created_at == made.created_at and stored.created_at.tzinfo is UTC


async def test_two_processes_racing_for_one_slot_on_postgresql_get_one_booking(fresh_pg_url, demo, clock):
    """Each process has its own engine and connections: only the database can stop the second booking."""
    engines = [make_engine(fresh_pg_url) for _ in range(2)]
    try:
        await migrate(engines[0])
        backends = [LocalBackend(demo, engine, clock) for engine in engines]
        slot = at(demo, date(2026, 6, 2), 10)
        people = [Contact(f"telegram:{n}", f"Customer {n}") for n in range(12)]

        results = await asyncio.gather(*(backends[n % 2].create(ask(slot, who=who), f"key-{n}")
                                         for n, who in enumerate(people)), return_exceptions=True)

        winners = [r for r in results if not isinstance(r, BaseException)]
        assert len(winners) == 1
        assert all(isinstance(r, SlotTaken) for r in results if r not in winners), results
        for backend in backends:
            assert [b.id for b in await backend.list_all()] == [winners[0].id]
            free = await backend.availability(*whole_day(demo, slot.date()), "haircut", "sarah")
            assert slot not in {s.start for s in free}
    finally:
        for engine in engines:
            await engine.dispose()


async def test_an_unreachable_database_is_reported_as_unavailable(demo, clock):
    engine = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/test", connect_args={"timeout": 2})
    backend = LocalBackend(demo, engine, clock)
    try:
        with pytest.raises(BackendUnavailable):
            await backend.availability(*whole_day(demo, date(2026, 6, 2)), "haircut")
        with pytest.raises(BackendUnavailable):
            await backend.create(ask(at(demo, date(2026, 6, 2), 10)), "k")
    finally:
        await engine.dispose()


async def test_an_unmigrated_database_is_reported_as_unavailable(tmp_path, demo, clock):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    try:
        with pytest.raises(BackendUnavailable, match="no such table"):
            await LocalBackend(demo, engine, clock).get("x")
    finally:
        await engine.dispose()


# --- availability and booking agree --------------------------------------------------------

WEEKS = [datetime(2026, 6, 1, 6, tzinfo=UTC), datetime(2026, 10, 21, 6, tzinfo=UTC), datetime(2027, 3, 24, 6, tzinfo=UTC)]


@settings(max_examples=300, deadline=None)
@given(
    now=st.sampled_from(WEEKS),
    quarters=st.integers(0, 8 * 24 * 4),
    jitter=st.sampled_from([0, 0, 0, 5, 10]),
    service=st.sampled_from(["haircut", "coloring", "beard"]),
    staff=st.sampled_from(["sarah", "tom"]),
)
def test_a_time_can_be_booked_exactly_when_it_is_offered(business_with, now, quarters, jitter, service, staff):
    """Whatever time a customer names, the engine refuses it iff availability would not have shown it."""
    business = business_with(hours={**business_with().hours.model_dump(), "sun": NIGHT_AND_MORNING})
    svc, person = business.service(service), business.person(staff)
    if service not in person.services:
        return
    start = now + timedelta(minutes=15 * quarters + jitter)
    earliest, latest = schedule.bookable_range(business, now)
    offered = {
        moment
        for day in schedule.days_between(business, now, now + timedelta(days=9))
        for window in schedule.windows(business, person, day)
        for moment in schedule.starts(window, svc, business.slot_step)
        if earliest <= moment <= latest
    }
    assert (schedule.rule_violation(business, svc, person, start, now) is None) == (start in offered)


async def test_several_bookings_are_read_in_one_call(either, demo):
    tuesday = date(2026, 6, 2)
    first = await either.create(ask(at(demo, tuesday, 10)), "first")
    second = await either.create(ask(at(demo, tuesday, 11)), "second")
    await either.cancel(second.id)
    found = await either.get_many([first.id, second.id, "no-such-booking", first.id])
    assert set(found) == {first.id, second.id}
    assert found[first.id] == await either.get(first.id) and found[second.id].status == BookingStatus.CANCELLED
    assert await either.get_many([]) == {}


def test_busy_times_kept_up_to_date_in_place_answer_as_if_built_anew():
    """A staff member's sorted busy times, updated booking by booking (made, cancelled, moved), answer every "is this
    free?" exactly as the same times sorted from scratch do, overlaps and shared starts included."""
    import random

    from booking_client.local.schedule import Busy, BusyTimes

    rng = random.Random(3)
    base = datetime(2026, 12, 7, 8, tzinfo=UTC)

    def some() -> Busy:
        start = base + timedelta(minutes=15 * rng.randint(0, 80))
        return Busy(start, start + timedelta(minutes=15 * rng.randint(1, 8)))

    kept: list[Busy] = [some() for _ in range(30)]
    times = BusyTimes(kept)
    for _ in range(400):
        if kept and rng.random() < 0.45:
            gone = kept.pop(rng.randrange(len(kept)))
            times.remove(gone)
        else:
            kept.append(new := some())
            times.add(new)
        times.remove(Busy(base - timedelta(days=1), base))  # one that is not there changes nothing
        fresh = BusyTimes(kept)
        for _ in range(20):
            probe = some()
            assert times.blocks(probe.start, probe.until) == fresh.blocks(probe.start, probe.until)


# --- PostgreSQL's part in it ----------------------------------------------------------------


async def test_a_database_user_who_may_not_add_btree_gist_hears_what_to_ask_for(demo, clock):
    """The overlap constraint needs the btree_gist extension: the migration names it, and once the database's owner
    has added it, the same user's bot starts and books."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from storage import MigrationError
    from tests.conftest import PG_URL, _postgres_missing

    suffix = uuid.uuid4().hex[:12]
    role, database = f"t_role_{suffix}", f"t_{suffix}"
    admin = make_engine(PG_URL, connect_args={"timeout": 3}, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{database}"'))
            await conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    except Exception as exc:
        await admin.dispose()
        _postgres_missing(exc)
    owner = make_engine(make_url(PG_URL).set(database=database), isolation_level="AUTOCOMMIT")
    user = make_engine(make_url(PG_URL).set(database=database, username=role))
    try:
        async with owner.connect() as conn:
            await conn.execute(text(f'GRANT CREATE ON SCHEMA public TO "{role}"'))

        with pytest.raises(MigrationError, match="ask the database's owner to run CREATE EXTENSION btree_gist"):
            await migrate(user)

        async with owner.connect() as conn:
            await conn.execute(text("CREATE EXTENSION btree_gist"))
        await migrate(user)
        backend = LocalBackend(demo, user, clock)
        slot = at(demo, date(2026, 6, 2), 10)
        await backend.create(ask(slot), "a")
        with pytest.raises(SlotTaken):
            await backend.create(ask(slot, who=Contact("telegram:2")), "b")
    finally:
        await user.dispose()
        await owner.dispose()
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            await conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        await admin.dispose()


async def test_overlapping_bookings_written_past_the_engine_are_named_before_the_constraint(fresh_pg_url, demo, clock):
    """A database whose bookings overlap (written by hand, a restore) cannot take the overlap constraint: the operator
    hears which bookings, and once one of them is cancelled the bot starts and the other stands."""
    from sqlalchemy import text

    from storage import MigrationError

    engine = make_engine(fresh_pg_url)
    try:
        await migrate(engine, "0001_bookings")
        row = {"service": "haircut", "staff": "sarah", "status": "confirmed", "contact_ref": "telegram:1",
               "now": at(demo, date(2026, 6, 1), 9)}
        async with engine.begin() as conn:
            for booking_id, start in (("first-one", at(demo, date(2026, 6, 2), 10)),
                                      ("second-one", at(demo, date(2026, 6, 2), 10, 15))):
                await conn.execute(text(
                    "INSERT INTO bookings (id, service, staff, start_at, end_at, blocked_until, status, contact_ref, "
                    "created_at, updated_at) "
                    "VALUES (:id, :service, :staff, :start, :end, :end, :status, :contact_ref, :now, :now)"),
                    {**row, "id": booking_id, "start": start, "end": start + timedelta(minutes=30)})

        with pytest.raises(MigrationError, match="bookings first-one and second-one") as refused:
            await migrate(engine)
        assert "sarah at 2026-06-02 08:00 UTC" in str(refused.value)

        async with engine.begin() as conn:
            await conn.execute(text("UPDATE bookings SET status = 'cancelled' WHERE id = 'second-one'"))
        await migrate(engine)
        backend = LocalBackend(demo, engine, clock)
        assert (await backend.get("first-one")).status is BookingStatus.CONFIRMED
        with pytest.raises(SlotTaken):
            await backend.create(ask(at(demo, date(2026, 6, 2), 10, 15), who=Contact("telegram:2")), "k")
    finally:
        await engine.dispose()
