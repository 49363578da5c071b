"""The business's opening hours as the conversation says them: a week in one line, one date's spans."""

from __future__ import annotations

from datetime import date, time

from .turn import Turn


def week_hours(turn: Turn) -> str:
    """The week in one line, equal neighbouring days joined: 'Mon–Fri 09:00–18:00, Sat 10:00–14:00, Sun closed'."""
    hours = turn.business.hours
    days = [spans_text(turn, hours.spans(i)) for i in range(7)]
    parts, first = [], 0
    for i in range(1, 8):
        if i == 7 or days[i] != days[first]:
            name = turn.formats.weekday
            names = name(first) if i - 1 == first else f"{name(first)}–{name(i - 1)}"
            parts.append(f"{names} {days[first]}")
            first = i
    return ", ".join(parts)


def day_spans(turn: Turn, day: date) -> list[tuple[time, time]]:
    """The business's opening spans on one date (none on a closure)."""
    if turn.business.closed_on(day):
        return []
    return turn.business.hours.spans(day.weekday())


def spans_text(turn: Turn, spans: list[tuple[time, time]]) -> str:
    """'10:00–14:00' or '09:00–12:00, 13:00–18:00' in the customer's locale; 'closed' for none."""
    return turn.formats.spans(spans) if spans else turn.t("info_closed")

