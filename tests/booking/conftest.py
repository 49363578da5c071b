"""Fixtures for booking tests: a fixed clock, the demo business and variants of it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from booking_client import Business, load_business

# Monday 1 June 2026, 08:00 in Berlin: the salon opens in an hour.
MONDAY_MORNING = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


class FixedClock:
    """A clock that reads `at` until a test sets it to something else."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY_MORNING)


@pytest.fixture(scope="session")
def demo() -> Business:
    return load_business()


@pytest.fixture(scope="session")
def business_with(demo: Business):
    """Make the demo business with some settings replaced, validated like a business file."""

    def make(**changes: Any) -> Business:
        return Business.model_validate({**demo.model_dump(by_alias=True), **changes})

    return make


async def no_wait(seconds: float) -> None:
    """tenacity's sleep in tests: retries happen at once, never on wall time."""


@pytest.fixture
async def fake_calcom(demo, clock) -> AsyncIterator[Any]:
    """The fake Cal.com for the demo business on 127.0.0.1; at teardown no request may have broken the API document."""
    from fake_calcom import FakeCalcom

    fake = FakeCalcom(demo, now=clock)
    await fake.start()
    yield fake
    await fake.stop()
    fake.assert_clean()


@pytest.fixture
def calcom_config(fake_calcom) -> Any:
    """Settings for the calcom adapter against the fake: staff matched to hosts by name, retries without waiting."""
    from booking_client.calcom import CalcomConfig
    from booking_client.http import RetryPolicy

    from fake_calcom import EVENT_TYPE_IDS

    return CalcomConfig(api_key=fake_calcom.api_key, api_base=fake_calcom.base, event_types=EVENT_TYPE_IDS,
                        timeout=5.0, retry=RetryPolicy(attempts=3, backoff=0, sleep=no_wait))


@pytest.fixture
def calcom_backend(demo, clock, calcom_config) -> Any:
    """The calcom adapter talking to the fake Cal.com (closed by whoever uses it)."""
    from booking_client.calcom import CalcomBackend

    return CalcomBackend(demo, calcom_config, clock)


@pytest.fixture
async def fake_relentify(demo, clock) -> AsyncIterator[Any]:
    """The fake Relentify Bookings API for the demo business on 127.0.0.1; at teardown no request may have
    broken its API page."""
    from fake_relentify import FakeRelentify

    fake = FakeRelentify(demo, now=clock)
    await fake.start()
    yield fake
    await fake.stop()
    fake.assert_clean()


@pytest.fixture
def relentify_config(fake_relentify) -> Any:
    """Settings for the relentify adapter against the fake: links by id (coloring by slug), every staff member
    mapped, the coloring link's question named, retries without waiting."""
    from booking_client.http import RetryPolicy
    from booking_client.relentify import RelentifyConfig

    from fake_relentify import LINK_IDS, QUESTIONS, SLUGS, STAFF_IDS

    return RelentifyConfig(api_key=fake_relentify.api_key, api_base=fake_relentify.base,
                           links={**LINK_IDS, "coloring": SLUGS["coloring"]}, staff=STAFF_IDS, questions=QUESTIONS,
                           timeout=5.0, retry=RetryPolicy(attempts=3, backoff=0, sleep=no_wait))


@pytest.fixture
def relentify_backend(demo, clock, relentify_config) -> Any:
    """The relentify adapter talking to the fake Relentify (closed by whoever uses it)."""
    from booking_client.relentify import RelentifyBackend

    return RelentifyBackend(demo, relentify_config, clock)


@pytest.fixture
async def fake_slatis(demo, clock) -> AsyncIterator[Any]:
    """The fake Slatis API v1 for the demo business on 127.0.0.1; at teardown no request may have broken the API."""
    from fake_slatis import FakeSlatis

    fake = FakeSlatis(demo, now=clock)
    await fake.start()
    yield fake
    await fake.stop()
    fake.assert_clean()


@pytest.fixture
def slatis_config(fake_slatis) -> Any:
    """Settings for the slatis adapter against the fake: every service and staff member mapped, retries without waiting."""
    from booking_client.http import RetryPolicy
    from booking_client.slatis import SlatisConfig

    from fake_slatis import EVENT_TYPE_IDS, MEMBER_IDS

    return SlatisConfig(api_key=fake_slatis.api_key, api_base=fake_slatis.base, event_types=EVENT_TYPE_IDS,
                        members=MEMBER_IDS, timeout=5.0, retry=RetryPolicy(attempts=3, backoff=0, sleep=no_wait))


@pytest.fixture
def slatis_backend(demo, clock, slatis_config) -> Any:
    """The slatis adapter talking to the fake Slatis (closed by whoever uses it)."""
    from booking_client.slatis import SlatisBackend

    return SlatisBackend(demo, slatis_config, clock)


@pytest.fixture
async def fake_empfio(demo, clock, fake_calcom) -> AsyncIterator[Any]:
    """The fake Empfio Bookings API on 127.0.0.1, connected to the fake Cal.com as Empfio is to the business's
    Cal.com account: bookings made there show up in Empfio, and Empfio's moves and cancels reach Cal.com.
    At teardown no request may have broken its API page."""
    from fake_empfio import FakeEmpfio

    fake = FakeEmpfio(demo, now=clock)
    fake.attach(fake_calcom)
    await fake.start()
    yield fake
    await fake.stop()
    fake.assert_clean()


@pytest.fixture
def empfio_config(fake_empfio) -> Any:
    """Settings for the empfio adapter against the fake: Cal.com's event types, retries without waiting."""
    from booking_client.empfio import EmpfioConfig
    from booking_client.http import RetryPolicy

    from fake_calcom import EVENT_TYPE_IDS

    return EmpfioConfig(api_token=fake_empfio.token, api_base=fake_empfio.base, event_types=EVENT_TYPE_IDS,
                        timeout=5.0, retry=RetryPolicy(attempts=3, backoff=0, sleep=no_wait))


@pytest.fixture
def empfio_backend(demo, clock, empfio_config, calcom_backend) -> Any:
    """The empfio adapter talking to the fake Empfio, creating through the calcom adapter against the fake
    Cal.com (closed, with its creator, by whoever uses it)."""
    from booking_client.empfio import EmpfioBackend

    return EmpfioBackend(demo, empfio_config, clock, creator=calcom_backend)
