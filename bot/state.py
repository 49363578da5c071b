"""A conversation's state: everything the dialogue must remember between messages."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Flow = Literal["book", "cancel", "reschedule"]
Step = Literal["service", "staff", "when", "pick_slot", "name", "email", "confirm", "pick_booking"]


class Draft(BaseModel):
    """What the customer has told us so far about the appointment they want."""

    service: str | None = None
    staff: str | None = None
    any_staff: bool = False
    date: dt.date | None = None
    time: dt.time | None = None
    start: datetime | None = None  # a period asked about
    end: datetime | None = None


class Pending(BaseModel):
    """The action the customer is asked to confirm; done only on an explicit yes."""

    action: Literal["create", "cancel", "reschedule"]
    service: str | None = None
    staff: str | None = None
    start: datetime | None = None
    booking_id: str | None = None
    old_start: datetime | None = None  # for a move: where the booking was
    key: str  # idempotency key: one confirmation books once, however often it is repeated


class OfferedOption(BaseModel):
    label: str
    value: str


class State(BaseModel):
    """Persisted per customer (channel + user id)."""

    lang: str | None = None
    flow: Flow | None = None
    step: Step | None = None
    draft: Draft = Field(default_factory=Draft)
    booking_id: str | None = None  # the booking a cancel/reschedule is about
    pending: Pending | None = None
    offer_id: str | None = None
    options: list[OfferedOption] = []
    name: str | None = None
    email: str | None = None
    turns: int = 0
    nudged_turn: int | None = None  # the turn a "shall we carry on?" nudge was sent after (once)

    def reset_flow(self) -> None:
        """Leave whatever flow is under way; the remembered name and email stay."""
        self.flow = None
        self.step = None
        self.draft = Draft()
        self.booking_id = None
        self.pending = None
        self.offer_id = None
        self.options = []
