"""What the date/time resolver returns for a message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime
from datetime import time as Time


@dataclass(frozen=True)
class When:
    """What the text says about time: a point (date and/or time) and/or a period [start, end)."""

    date: Date | None = None
    time: Time | None = None
    start: datetime | None = None
    end: datetime | None = None
    daily: tuple[Time, Time] | None = None  # a period of days, each only from..before these local times ("mornings")
    unclear: str | None = None  # a word that looks like a day but could not be read ("thuesday"): ask, never guess
    also: tuple[tuple[Date, Time | None], ...] = ()  # more days listed with the first, each with its time (`several`)
    not_days: tuple[int, ...] = ()  # weekdays ruled out ("any day but Monday", "außer freitags"), 0 is Monday


NOTHING = When()
