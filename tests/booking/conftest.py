"""Fixtures for booking tests: a fixed clock, the demo business and variants of it."""

from __future__ import annotations

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
