"""A conversation's state: the question on the table and everything the dialogue must remember between messages.

`Step` names the one question the bot is waiting for an answer to, so the flow under way
(book, cancel, reschedule) and what a "yes" would do both follow from it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

Flow = Literal["book", "cancel", "reschedule"]


class Step(str, enum.Enum):
    """The question on the table."""

    # a new booking
    ASK_SERVICE = "ask_service"
    ASK_STAFF = "ask_staff"
    ASK_WHEN = "ask_when"
    PICK_SLOT = "pick_slot"
    ASK_NAME = "ask_name"
    ASK_EMAIL = "ask_email"
    CONFIRM_BOOK = "confirm_book"
    ASK_ANSWER = "ask_answer"  # a question the booking system asks before it takes the booking
    # cancelling one of the customer's bookings
    PICK_BOOKING_CANCEL = "pick_booking_cancel"
    CONFIRM_CANCEL = "confirm_cancel"
    # moving one of the customer's bookings
    PICK_BOOKING_MOVE = "pick_booking_move"
    ASK_NEW_TIME = "ask_new_time"
    PICK_NEW_SLOT = "pick_new_slot"
    CONFIRM_MOVE = "confirm_move"

    @property
    def flow(self) -> Flow:
        return _FLOW[self]


_FLOW: dict[Step, Flow] = {
    **dict.fromkeys([Step.ASK_SERVICE, Step.ASK_STAFF, Step.ASK_WHEN, Step.PICK_SLOT, Step.ASK_NAME,
                     Step.ASK_EMAIL, Step.CONFIRM_BOOK, Step.ASK_ANSWER], "book"),
    **dict.fromkeys([Step.PICK_BOOKING_CANCEL, Step.CONFIRM_CANCEL], "cancel"),
    **dict.fromkeys([Step.PICK_BOOKING_MOVE, Step.ASK_NEW_TIME, Step.PICK_NEW_SLOT, Step.CONFIRM_MOVE], "reschedule"),
}
CONFIRM_STEPS = frozenset({Step.CONFIRM_BOOK, Step.CONFIRM_CANCEL, Step.CONFIRM_MOVE})
PICK_STEPS = frozenset({Step.PICK_SLOT, Step.PICK_NEW_SLOT, Step.PICK_BOOKING_CANCEL, Step.PICK_BOOKING_MOVE})


def empty(**kwargs: Any) -> Any:
    """A field whose default is a new empty list for each instance (a `[]` default is deep-copied each time: a
    conversation's state took 17 µs to make instead of 4)."""
    return Field(default_factory=list, **kwargs)


class Draft(BaseModel):
    """What the customer has told us so far about the appointment they want (or the new time of a move)."""

    service: str | None = None
    staff: str | None = None
    any_staff: bool = False
    date: dt.date | None = None
    time: dt.time | None = None
    start: datetime | None = None  # a period asked about
    end: datetime | None = None
    daily: tuple[dt.time, dt.time] | None = None  # within the period, each day only from..before these ("mornings")
    not_days: list[int] = empty()  # weekdays ruled out ("any day but Monday"), kept while the draft is: 0 is Monday
    shift_minutes: int | None = None  # "move it an hour later", said before it was known which booking
    earliest: bool = False  # "whatever's the earliest you have": the first free times, not a spread of them
    latest: bool = False  # "what's the latest you have?": the last free times of each day, not a spread of them
    services: list[str] = empty()  # every service asked for when more than one ("haircut and beard trim")
    party: int | None = None  # how many people, when more than the customer ("me and my son")
    party_of_others: bool = False  # the party is others only ("my two sons"), not the customer with them
    # the names of the party's others, in the order said ("me and my daughter Emma", "her name is Emma", "their names
    # are Max and Leo"), which their appointments go under
    other_names: list[str] = empty()
    unclear: str | None = None  # a day word that could not be read ("Donstag"): asked about before any time is chosen
    also: list[tuple[dt.date, dt.time | None]] = empty()  # more days said with the first, booked after it (`more_days`)
    # other services said with the first, each with its own person, day and time, booked after it (`more_days`)
    then: list[tuple[str, str | None, dt.date | None, dt.time | None]] = empty()
    follows: bool = False  # this is one of those days: the one before it is booked
    swap_to: str | None = None  # the service the booking being changed is to become (`swap`)
    for_someone: bool = False  # for someone else, not the customer ("a haircut for my husband"): their name is asked
    guest: str | None = None  # that person's name, which this booking goes under (the customer's own stays as it is)
    notes: list[str] = empty()  # "please note I have a sensitive scalp", said while booking: the booking carries them
    repeat_days: int | None = None  # "every 4 weeks": a series, booked one at a time; the next is offered after each

    @property
    def others(self) -> int:
        """How many of the party are others than the customer (0 without a party)."""
        return 0 if not self.party or self.party < 2 else self.party if self.party_of_others else self.party - 1

    def name_others(self, names: Sequence[str]) -> bool:
        """Take the names of the party's others, where there are that many of them; whether they were taken."""
        if not names or len(names) != self.others:
            return False
        self.other_names = list(names)
        return True

    def notes_text(self) -> str | None:
        """The customer's notes as the booking carries them (one per line), or None."""
        return "\n".join(self.notes) or None

    def set_when(self, date: dt.date | None = None, time: dt.time | None = None, start: datetime | None = None,
                 end: datetime | None = None, daily: tuple[dt.time, dt.time] | None = None) -> None:
        """What was asked for, as a whole (what is not given is not asked): a day and time, or a period."""
        self.date, self.time, self.start, self.end, self.daily = date, time, start, end, daily

    def forget_when(self) -> None:
        self.set_when()
        self.earliest = self.latest = False
        self.unclear = None


class Pending(BaseModel):
    """What the confirmation on the table would do; done only on an explicit yes (the step says which action)."""

    service: str
    staff: str
    start: datetime  # the new booking's time, the time of the booking to cancel, or where a move goes
    booking_id: str | None = None  # the booking a cancel or move is about
    old_start: datetime | None = None  # for a move: where the booking was
    old_service: str | None = None  # for a change of service: what the booking was
    old_staff: str | None = None  # for a move: who the booking was with
    key: str  # idempotency key: one confirmation books once, however often it is repeated
    hold: str | None = None  # the booking system's hold on the slot while the customer decides
    answers: dict[str, str] = Field(default_factory=dict)  # the booking system's qualification questions, answered
    question: str | None = None  # the one being asked now
    overlap_told: bool = False  # the customer heard this time overlaps one of their own bookings, and still said yes
    person: int = 0  # in a party, whose appointment this is: 0 the customer's own, 1 the next person named, …


class OfferedOption(BaseModel):
    """An option on the table: its label, and its packed payload."""

    label: str
    value: str


class Handoff(BaseModel):
    """An open request to talk to a person: while it is open, the customer's free text goes to the team."""

    id: int | None = None  # the conversation store's handoff row (given when the state is saved)
    opened_at: datetime
    closes_at: datetime  # the business's timeout: the bot takes over again by itself


class HandoffEntry(BaseModel):
    """What happened to a handoff in this turn; the store writes it together with the state."""

    kind: Literal["opened", "customer", "business", "closed"]
    text: str = ""
    by: str = ""  # closed: operator, console or timeout
    handoff: int | None = None  # closed: which one
    tell_customer: bool = True  # closed: the customer has not yet been told that the bot is back
    lines: list[tuple[str, str]] = empty()  # opened: the conversation's last lines, for the team


class TeamNote(BaseModel):
    """Word for the team that needs no answer and opens no handoff ("I'm running 10 minutes late", "I'm here", "please
    note I have a sensitive scalp"): the store writes it with the state, and the team is told of it."""

    kind: Literal["late", "arrived", "note"]
    text: str = ""  # the customer's words
    booking_id: str | None = None  # the booking it is about, if one was found
    booking_start: datetime | None = None
    service: str | None = None
    staff: str | None = None
    late_by: dt.timedelta | None = None  # "10 minutes late"
    arrives_at: datetime | None = None  # "I'll be there in 20 minutes"


class State(BaseModel):
    """Persisted per customer (channel + user id)."""

    lang: str | None = None
    step: Step | None = None  # the question on the table; None: nothing asked
    draft: Draft = Field(default_factory=Draft)
    booking_id: str | None = None  # the booking a cancel or move is about
    pending: Pending | None = None
    group: list[Pending] = empty()  # several appointments confirmed together (`pending` is the first of them)
    offer_id: str | None = None
    options: list[OfferedOption] = empty()
    name: str | None = None
    email: str | None = None
    no_email: bool = False  # the customer said they have no email or want to give none: not asked again
    turns: int = 0
    nudged_turn: int | None = None  # the turn a "shall we carry on?" nudge was sent after (once)
    # the last lines of this conversation, kept only when a language model reads messages in context
    recent: list[tuple[str, str]] = empty()
    spoken_of: str | None = None  # the one person the customer's last message named ("my son"): whom "he" means next
    handoff: Handoff | None = None  # a person from the business has the conversation
    asked_topic: str | None = None  # the question about the business just answered, for "and coloring?"
    asked_services: list[str] = empty()  # the services that answer was about, when several: "book both" means them
    former_names: list[str] = empty()  # names the customer went by before putting theirs right: their bookings still
    last_service: str | None = None  # the service just booked or moved to, for "what does that cost?"
    last_booking: str | None = None  # the booking just made or moved, for "a beard trim right after"
    last_move_minutes: int | None = None  # how far that booking was just moved: "move the other one too"
    last_services: list[str] = empty()  # the services of the appointments just booked together: "how much is that?"
    booked_in_a_row: list[str] = empty()  # the services booked one after another just now: "what's that together?"
    listed: list[str] = empty()  # the bookings just listed, in order: "cancel the second one" (the next message only)
    just_cancelled: tuple[str, str] | None = None  # service and staff just cancelled: "can I come next week instead?"
    asked_at: datetime | None = None  # when the bot last wrote here: how old the question on the table is
    declined: Pending | None = None  # the booking just declined at its question: "ok fine, book it" asks it again
    declined_draft: Draft | None = None  # (and what it was for: whose name, which services)
    just_cancelled_at: datetime | None = None  # and its start: "same time next week instead?"
    refused_move: str | None = None  # the booking a move of was just refused: "Friday at 2 then?" is its new time
    asked_day: dt.date | None = None  # the day whose hours were just asked: "a haircut first thing?" is on it
    handoff_log: list[HandoffEntry] = empty(exclude=True)  # written with the next save, never stored
    for_team: list[TeamNote] = empty(exclude=True)  # written with the next save, never stored

    @property
    def flow(self) -> Flow | None:
        """The flow under way (the conversation store keeps it in an indexed column)."""
        return self.step.flow if self.step else None

    @property
    def unfinished_booking(self) -> bool:
        """A new booking is under way and waits for an answer other than the final yes (worth a nudge)."""
        return self.flow == "book" and self.step is not Step.CONFIRM_BOOK

    def clear_flow(self) -> None:
        """Leave whatever flow is under way; the remembered name, email and language stay."""
        self.step = None
        self.draft = Draft()
        self.booking_id = None
        self.pending = None
        self.group = []
        self.offer_id = None
        self.options = []

    @model_validator(mode="before")
    @classmethod
    def _read_stored(cls, data: Any) -> Any:
        """States stored as a flow, a step and a pending action load as the one step they meant."""
        if isinstance(data, dict) and "flow" in data:
            return upgrade(data)
        return data

    @model_validator(mode="after")
    def _question_has_its_subject(self) -> State:
        """A question about a held time or a booking that is not there is no question: nothing is under way."""
        if (self.step in _NEEDS_PENDING and self.pending is None) or (
                self.step in _NEEDS_BOOKING and not self.booking_id):
            self.clear_flow()
        return self


_NEEDS_PENDING = frozenset({Step.ASK_NAME, Step.ASK_EMAIL, Step.ASK_ANSWER, *CONFIRM_STEPS})
_NEEDS_BOOKING = frozenset({Step.ASK_NEW_TIME, Step.PICK_NEW_SLOT})


# --- states stored as flow + step + pending action ---------------------------------------------

_STORED_STEPS: dict[tuple[str | None, str | None], Step] = {
    ("book", "service"): Step.ASK_SERVICE,
    ("book", "staff"): Step.ASK_STAFF,
    ("book", "when"): Step.ASK_WHEN,
    ("book", "pick_slot"): Step.PICK_SLOT,
    ("book", "name"): Step.ASK_NAME,
    ("book", "email"): Step.ASK_EMAIL,
    ("cancel", "pick_booking"): Step.PICK_BOOKING_CANCEL,
    ("reschedule", "pick_booking"): Step.PICK_BOOKING_MOVE,
    ("reschedule", "when"): Step.ASK_NEW_TIME,
    ("reschedule", "pick_slot"): Step.PICK_NEW_SLOT,
}
_STORED_CONFIRMS = {"create": Step.CONFIRM_BOOK, "cancel": Step.CONFIRM_CANCEL, "reschedule": Step.CONFIRM_MOVE}
_STORED_PAYLOADS = {"staff:any": "staff:"}  # "anyone" packs as an empty staff id


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """A state stored as `flow`, `step` and `pending.action`, rewritten as the one `Step` they meant."""
    data = dict(data)
    flow, step = data.pop("flow", None), data.get("step")
    pending = data.get("pending")
    action = None
    if isinstance(pending, dict):
        action = pending.get("action")
        data["pending"] = {k: v for k, v in pending.items() if k != "action"}
    if step == "confirm":
        data["step"] = _STORED_CONFIRMS.get(str(action)) if pending else None
    else:
        data["step"] = _STORED_STEPS.get((flow, step))
    data["options"] = [_stored_option(o) for o in data.get("options") or []]
    return data


def _stored_option(option: Any) -> Any:
    if isinstance(option, dict) and option.get("value") in _STORED_PAYLOADS:
        return {**option, "value": _STORED_PAYLOADS[option["value"]]}
    return option
