"""Replies that change a time already on the table: "an hour later", "same time on Thursday", "anything earlier?".

The reader recognises them (`Reading.shift`, `same_time`, `direction`) and resolves them against
the context it is given; here they change the dialogue's draft, counted from the time the flow
knows they point at (the booking being moved, the time being confirmed, the offered times).
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from intents import Offer, Reading
from intents.in_context import resolve_relative

from .payloads import SlotChoice, unpack
from .state import OfferedOption, State, Step
from .turn import Turn


def is_relative(r: Reading) -> bool:
    """Whether the reading changes a known time rather than naming one."""
    return bool(r.shift or r.same_time or r.direction)


def apply(turn: Turn, r: Reading, anchor: datetime | None) -> bool:
    """Put the time a relative change means into the draft; False when there is nothing it is relative to.

    A shift or "same time" counts from `anchor` (the booking being moved, the time being confirmed);
    "anything earlier?" looks before the earliest offered time (or the anchor) on its day, "later" after the latest.
    """
    tz = turn.business.tz
    starts = [s for s in slot_starts(turn.state.options, tz) if s is not None]
    moved = resolve_relative(r, anchor, starts, tz)
    if moved is None:
        return False
    d = turn.state.draft
    d.set_when(moved.date, moved.time, moved.start, moved.end)
    return True


def resolve(turn: Turn, r: Reading, anchor: datetime) -> Reading | None:
    """The reading with the day and time its relative change means counted from `anchor`, or None."""
    return resolve_relative(r, anchor, [], turn.business.tz)


def slot_starts(options: list[OfferedOption], tz: tzinfo) -> list[datetime | None]:
    """Each offered option's start as local time (None for an option that is not a time)."""
    starts: list[datetime | None] = []
    for option in options:
        payload = unpack(option.value)
        starts.append(payload.start.astimezone(tz) if isinstance(payload, SlotChoice) else None)
    return starts


def offers(state: State) -> tuple[Offer, ...]:
    """The options on the table as the reader sees them: label, and time and staff member for a time; with none,
    the bookings just listed (so that "cancel the second one" points at one of them)."""
    if not state.options and state.listed:
        return tuple(Offer(f"booking {n}") for n in range(1, len(state.listed) + 1))
    found = []
    for option in state.options:
        payload = unpack(option.value)
        if isinstance(payload, SlotChoice):
            found.append(Offer(option.label, payload.start, payload.staff))
        else:
            found.append(Offer(option.label))
    return tuple(found)


def anchor(state: State, tz: tzinfo) -> datetime | None:
    """The time a relative change counts from, as far as the state knows it: the booking being moved at
    its confirmation, the time being confirmed, the day and time the draft holds, or the booking just cancelled."""
    pending = state.pending
    if state.step is Step.CONFIRM_MOVE and pending is not None:
        return pending.old_start or pending.start
    if state.step is Step.CONFIRM_BOOK and pending is not None:
        return pending.start
    d = state.draft
    if state.flow == "book" and d.date and d.time:
        return datetime.combine(d.date, d.time, tzinfo=tz)
    if state.step is None and state.just_cancelled is not None and state.just_cancelled_at is not None:
        return state.just_cancelled_at  # "same time next week instead?" right after cancelling
    return None
