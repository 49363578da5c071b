"""Availability keeps busy times in memory: what another process books, moves or cancels on the same database
must show at once, exactly as if every booking were read again."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from booking_client import BookingRequest, BookingStatus, Business, Contact, InvalidRequest, SlotTaken
from booking_client.local import LocalBackend, busy
from storage import make_engine

TUESDAY = date(2026, 6, 2)


def at(business: Business, day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=business.tz)


def days(business: Business, first: date, count: int = 1) -> tuple[datetime, datetime]:
    return at(business, first, 0), at(business, first + timedelta(days=count), 0)


def ask(start: datetime, service: str = "haircut", staff: str = "sarah", who: str = "telegram:1") -> BookingRequest:
    return BookingRequest(service, staff, start, Contact(who, "Customer"))


@pytest.fixture
async def two_engines(db_engine) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """Two engines on one migrated database, each with its own connections: as two bot processes would have."""
    url, schema = db_engine.url.render_as_string(hide_password=False), None
    if db_engine.dialect.name == "postgresql":
        async with db_engine.connect() as conn:
            schema = (await conn.execute(text("SELECT current_schema()"))).scalar_one()
    other = make_engine(url, schema=schema)
    yield db_engine, other
    await other.dispose()


@pytest.fixture
def pair(two_engines, demo, clock) -> tuple[LocalBackend, LocalBackend]:
    """This process's engine and another process's, on the same bookings."""
    first, other = two_engines
    return LocalBackend(demo, first, clock), LocalBackend(demo, other, clock)


@pytest.fixture
def reading_everything(two_engines, demo, clock):
    """A new engine object each time: its first question reads every booking, nothing kept from before."""
    return lambda: LocalBackend(demo, two_engines[1], clock)


async def offered(backend: LocalBackend, business: Business, first: date = TUESDAY, count: int = 1,
                  service: str = "haircut") -> set[tuple[datetime, str]]:
    return {(s.start, s.staff) for s in await backend.availability(*days(business, first, count), service)}


async def test_a_time_booked_by_another_process_is_not_offered(pair, demo):
    here, there = pair
    ten = at(demo, TUESDAY, 10)
    assert (ten, "sarah") in await offered(here, demo), "asked once: the busy times are now kept in memory"

    made = await there.create(ask(ten), "other-process")
    assert (ten, "sarah") not in await offered(here, demo)
    assert (ten, "tom") in await offered(here, demo)
    with pytest.raises(SlotTaken):
        await here.create(ask(ten, who="telegram:2"), "here")

    two = at(demo, TUESDAY, 14)
    await there.reschedule(made.id, two)
    free = await offered(here, demo)
    assert (ten, "sarah") in free and (two, "sarah") not in free
    assert (at(demo, TUESDAY, 13, 45), "sarah") not in free, "a haircut at 13:45 would run into it"

    await there.cancel(made.id)
    assert (two, "sarah") in await offered(here, demo)


async def test_this_process_sees_its_own_bookings_at_once(pair, demo):
    here, _ = pair
    await offered(here, demo)
    made = await here.create(ask(at(demo, TUESDAY, 11), "coloring"), "colour")  # 11:00-12:30, clean-up to 12:45
    free = await offered(here, demo)
    assert not {(at(demo, TUESDAY, h, m), "sarah") for h, m in [(11, 0), (12, 0), (12, 30)]} & free
    assert (at(demo, TUESDAY, 12, 45), "sarah") in free
    await here.mark(made.id, BookingStatus.NO_SHOW)
    assert (at(demo, TUESDAY, 11), "sarah") in await offered(here, demo), "a no-show no longer holds the time"


async def test_many_changes_at_once_elsewhere_are_all_seen(pair, demo, monkeypatch):
    here, there = pair
    monkeypatch.setattr(busy, "MAX_CHANGES", 2)  # more than that: everything is read again
    await offered(here, demo)
    times = [at(demo, TUESDAY, h) for h in (9, 10, 11, 15)]
    for n, start in enumerate(times):
        await there.create(ask(start), f"k{n}")
    assert not {(t, "sarah") for t in times} & await offered(here, demo)


async def test_a_clock_set_back_still_sees_earlier_bookings(pair, demo, clock):
    here, there = pair
    week, earlier = timedelta(days=7), date(2026, 5, 27)
    clock.at -= week
    await there.create(ask(at(demo, earlier, 10)), "earlier")
    clock.at += week
    await offered(here, demo)  # kept from now on: the booking of 27 May is over
    clock.at -= week  # an operator's clock fix: earlier than anything asked before
    assert (at(demo, earlier, 10), "sarah") not in await offered(here, demo, earlier)
    assert (at(demo, earlier, 11), "sarah") in await offered(here, demo, earlier)


async def test_questions_racing_bookings_elsewhere_end_up_exactly_right(pair, demo, reading_everything):
    here, there = pair
    await offered(here, demo)
    starts = [at(demo, TUESDAY, 9) + timedelta(minutes=30 * n) for n in range(12)]
    await asyncio.gather(
        *(there.create(ask(start, who=f"telegram:{n}"), f"race-{n}") for n, start in enumerate(starts)),
        *(offered(here, demo) for _ in range(12)),
    )
    free = await offered(here, demo)
    assert not {(s, "sarah") for s in starts} & free
    assert free == await offered(reading_everything(), demo)


async def test_after_any_mix_of_changes_it_offers_what_reading_everything_offers(pair, demo, reading_everything):
    """Bookings made, moved, cancelled and marked by both processes, in a random order."""
    here, there = pair
    rnd = random.Random(20260602)
    made: list[str] = []
    week = TUESDAY, 4
    await offered(here, demo, *week)
    for step in range(40):
        actor = rnd.choice(pair)
        day = TUESDAY + timedelta(days=rnd.randrange(4))
        start = at(demo, day, rnd.randrange(9, 17), rnd.choice((0, 15, 30, 45)))
        service, staff = rnd.choice([("haircut", "sarah"), ("haircut", "tom"), ("coloring", "sarah"), ("beard", "tom")])
        action = rnd.choice(["create", "create", "create", "reschedule", "cancel", "mark"]) if made else "create"
        try:
            if action == "create":
                made.append((await actor.create(ask(start, service, staff, f"telegram:{step}"), f"k{step}")).id)
            elif action == "reschedule":
                await actor.reschedule(rnd.choice(made), start)
            elif action == "cancel":
                await actor.cancel(rnd.choice(made))
            else:
                await actor.mark(rnd.choice(made), rnd.choice([BookingStatus.COMPLETED, BookingStatus.NO_SHOW]))
        except (SlotTaken, InvalidRequest):
            pass  # a taken time, a closed hour, an inactive booking: nothing changed, which is checked as well
        everything = reading_everything()
        for service in ("haircut", "coloring"):
            assert await offered(here, demo, *week, service=service) == await offered(
                everything, demo, *week, service=service
            ), (step, action)
    assert len(made) > 10
