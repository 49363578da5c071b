"""Clocks: the real one, and a virtual one the console and tests can set and move."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class VirtualClock:
    """A clock that stands still until it is set or moved."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = (start or datetime.now(UTC)).astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("the clock needs a time with a zone")
        self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


_DELTA = re.compile(r"(\d+)\s*([wdhms])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_delta(text: str) -> timedelta:
    """'+1d2h30m' -> timedelta; raises ValueError on anything else."""
    body = text.strip().lstrip("+").replace(" ", "").lower()
    if not body or _DELTA.sub("", body):
        raise ValueError(f"{text!r} is not a duration like +1d2h30m")
    delta = timedelta()
    for amount, unit in _DELTA.findall(body):
        delta += timedelta(**{_UNITS[unit]: int(amount)})
    return delta
