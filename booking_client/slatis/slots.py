"""One staff member's slots: the event type's free slots narrowed by that member's free/busy.

Slatis's availability answers for an event type as a whole (anyone on its team); which member
is free at a slot comes from their free/busy. A slot is theirs when it lies inside one of their
free blocks and the event type's clean-up time after it meets none of their busy blocks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .mapping import parse_time


@dataclass(frozen=True)
class Block:
    """A span of a member's time, [start, end)."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class FreeBusy:
    """One member's free and busy blocks, as Slatis's free/busy answers them."""

    free: tuple[Block, ...]  # merged: touching pieces joined
    busy: tuple[Block, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FreeBusy:
        return cls(tuple(_merged(_blocks(data.get("free")))), _blocks(data.get("busy")))

    def takes(self, start: datetime, end: datetime, buffer: timedelta) -> bool:
        """Whether the member can take [start, end) with `buffer` of clean-up time after it."""
        inside = any(b.start <= start and end <= b.end for b in self.free)
        clear = not any(start < b.end and b.start < end + buffer for b in self.busy)
        return inside and clear


def _blocks(items: Iterable[dict[str, Any]] | None) -> tuple[Block, ...]:
    found = []
    for item in items or ():
        start, end = parse_time(item.get("start")), parse_time(item.get("end"))
        if start is not None and end is not None and start < end:
            found.append(Block(start, end))
    return tuple(found)


def _merged(blocks: Iterable[Block]) -> list[Block]:
    """Touching or overlapping blocks as one (free/busy may answer in `time_slot`-sized pieces)."""
    merged: list[Block] = []
    for block in sorted(blocks, key=lambda b: b.start):
        if merged and block.start <= merged[-1].end:
            merged[-1] = Block(merged[-1].start, max(merged[-1].end, block.end))
        else:
            merged.append(block)
    return merged
