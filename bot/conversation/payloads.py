"""Button payloads: what picking an option means, as typed values packed into the option's string.

As with aiogram's `CallbackData`, each kind has its own prefix and typed fields, packed as
`prefix:field|field`. Channels carry the packed string untouched; `unpack` reads it back and
returns None for anything it cannot read, so a garbled or outdated option is never acted on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from collections.abc import Sequence
from typing import ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..messages import Option

SEP = "|"


class Payload(BaseModel):
    """One kind of option: a prefix, and typed fields (None packs as an empty field)."""

    model_config = ConfigDict(frozen=True)
    prefix: ClassVar[str]

    def pack(self) -> str:
        fields = [_encode(getattr(self, name)) for name in type(self).model_fields]
        if any(SEP in f for f in fields):
            raise ValueError(f"a {self.prefix} payload field may not contain {SEP!r}: {fields}")
        return f"{self.prefix}:{SEP.join(fields)}" if fields else self.prefix

    def option(self, label: str) -> Option:
        """The reply option that shows `label` and means this payload."""
        return Option(label, self.pack())


# --- answers to the question on the table ---------------------------------------------------------


class ServiceChoice(Payload):
    """A service picked from the list."""

    prefix = "service"
    service: str


class StaffChoice(Payload):
    """A staff member picked, or None for anyone."""

    prefix = "staff"
    staff: str | None


class SlotChoice(Payload):
    """A free time picked (for a new booking or a move, as the step says)."""

    prefix = "slot"
    start: datetime
    staff: str

    @field_validator("start")
    @classmethod
    def _in_utc(cls, start: datetime) -> datetime:
        if start.tzinfo is None:
            raise ValueError("a slot's start needs a time zone")
        return start.astimezone(UTC)


class BookingChoice(Payload):
    """One of the customer's bookings picked (to cancel or move, as the step says)."""

    prefix = "booking"
    booking_id: str


class YesChoice(Payload):
    """Yes to the confirmation on the table."""

    prefix = "yes"


class NoChoice(Payload):
    """No to the confirmation on the table (or to carrying on with a booking)."""

    prefix = "no"


# --- quick actions under messages the bot starts -----------------------------------------------------


class Attend(Payload):
    """"I'll be there", under a reminder."""

    prefix = "attend"
    booking_id: str


class MoveIt(Payload):
    """"Move it", under a reminder."""

    prefix = "rmove"
    booking_id: str


class CancelIt(Payload):
    """"Cancel it", under a reminder."""

    prefix = "rcancel"
    booking_id: str


class BookAgain(Payload):
    """"Book again" under a follow-up or a no-show message; "Book a haircut" under an answer about the business."""

    prefix = "again"
    service: str | None
    staff: str | None = None  # "Book with Tom" under "who is Tom?"; "book me with him" then means him
    also: str | None = None  # a second service: "Book Beard trim and Haircut" under the prices of both
    at: datetime | None = None  # "Book the next one: Thu 7 Jan, 10:00" after one of a series: that time
    every: int | None = None  # and the days to the one after it


class CarryOn(Payload):
    """"Yes, carry on", under a nudge about an unfinished booking."""

    prefix = "resume"


class TalkToTeam(Payload):
    """"Talk to the team": the same request as writing "I want to talk to a person"."""

    prefix = "team"


KINDS: dict[str, type[Payload]] = {k.prefix: k for k in (
    ServiceChoice, StaffChoice, SlotChoice, BookingChoice, YesChoice, NoChoice,
    Attend, MoveIt, CancelIt, BookAgain, CarryOn, TalkToTeam,
)}


def unpack(value: str) -> Payload | None:
    """The payload packed in `value`, or None when it is not one we can read."""
    prefix, _, rest = value.partition(":")
    kind = KINDS.get(prefix)
    if kind is None:
        return None
    names = list(kind.model_fields)
    parts = rest.split(SEP) if names else ([] if not rest else None)
    if parts is not None and len(parts) < len(names) and all(
            not kind.model_fields[n].is_required() for n in names[len(parts):]):
        names = names[:len(parts)]  # packed before its later fields were added (a button still on screen): defaults
    if parts is None or len(parts) != len(names):
        return None
    try:
        return kind.model_validate({n: p or None for n, p in zip(names, parts, strict=True)})
    except ValidationError:
        return None


def _encode(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class _Packed(Protocol):
    value: str


def alone(options: Sequence[_Packed]) -> Payload | None:
    """The payload of the one option on the table, if there is exactly one ("Book coloring" under an answer, "Talk to
    the team" under a refusal)."""
    return unpack(options[0].value) if len(options) == 1 else None
