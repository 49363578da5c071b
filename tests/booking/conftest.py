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
