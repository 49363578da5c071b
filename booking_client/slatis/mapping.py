"""Slatis bookings <-> our `Booking`, and what we store in a booking's metadata."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from ..types import Booking, BookingRequest, BookingStatus, Contact

# Our keys in a Slatis booking's metadata.
REF, CHANNEL, NOTES, LANG, SOURCE = "chat_ref", "channel", "notes", "lang", "source"
MAX_VALUE = 500
MAX_KEY = 255  # Slatis publishes no limit for an Idempotency-Key; a header this long passes any proxy

STATUSES: Mapping[str, BookingStatus] = {
    "DRAFT": BookingStatus.PENDING,  # routing in progress; resolves in milliseconds
    "PENDING_CONFIRMATION": BookingStatus.PENDING,  # the event type requires the host to confirm
    "SCHEDULED": BookingStatus.CONFIRMED,
    "RESCHEDULED": BookingStatus.RESCHEDULED,  # the active booking at the new time
    "COMPLETED": BookingStatus.COMPLETED,
    "CANCELLED": BookingStatus.CANCELLED,
    "NO_SHOW": BookingStatus.NO_SHOW,
}
# A status Slatis may add later reads as pending: the bot never tells a customer "confirmed" on a guess.
UNKNOWN_STATUS = BookingStatus.PENDING

Json = dict[str, Any]


class Names(Protocol):
    """Turns Slatis's event types and members back into the business's service and staff ids."""

    def service_of(self, event_type_id: str | None) -> str: ...

    def staff_of(self, member_id: str | None) -> str: ...


def metadata(request: BookingRequest) -> dict[str, str]:
    """The chat identity, channel, notes and language: Slatis's metadata is ours to fill."""
    values = {REF: request.contact.ref, CHANNEL: request.channel or "", NOTES: request.notes or "",
              LANG: request.lang or "", SOURCE: "booking-bot"}
    return {k: v[:MAX_VALUE] for k, v in values.items() if v}


def idempotency_header(key: str) -> str:
    """Our idempotency key as an `Idempotency-Key` header: itself, or its hash when too long or not ASCII.
    The same key always gives the same header, so every retry of one confirmation is the same request."""
    if key.isascii() and key.isprintable() and len(key) <= MAX_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def placeholder_email(ref: str, domain: str) -> str:
    """An undeliverable, stable attendee email for a chat contact who gave none."""
    local = re.sub(r"[^a-z0-9]+", "-", ref.lower()).strip("-")[:40] or "contact"
    return f"{local}.{hashlib.sha256(ref.encode()).hexdigest()[:10]}@{domain}"


def is_placeholder(email: str | None, domain: str) -> bool:
    return bool(email) and email.lower().endswith("@" + domain.lower())  # type: ignore[union-attr]


def raw_status(data: Json) -> str:
    return str(data.get("status") or "").upper()


def ref_of(data: Json) -> str | None:
    return (data.get("metadata") or {}).get(REF)


def member_of(data: Json) -> str | None:
    """The assigned team member's id (`assigned_to_id`, or an embedded `assigned_to` object)."""
    value = data.get("assigned_to_id") or (data.get("assigned_to") or {}).get("id")
    return str(value) if value else None


def moved_to(data: Json) -> str | None:
    """The booking a reschedule replaced this one with (the original moves to CANCELLED)."""
    value = data.get("rescheduled_to_id")
    return str(value) if value else None


def superseded(data: Json) -> bool:
    """A booking that a reschedule replaced: not the customer's appointment any more."""
    return raw_status(data) == "CANCELLED" and moved_to(data) is not None


def parse_time(value: str | None) -> datetime | None:
    """Slatis's ISO 8601 (with `Z` or an offset) as an aware UTC datetime."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def to_booking(data: Json, names: Names, placeholder_domain: str) -> Booking:
    """One Slatis booking as our `Booking`; `extra` keeps Slatis's own ids and status."""
    status_text = raw_status(data)
    status = STATUSES.get(status_text, UNKNOWN_STATUS)
    who = data.get("attendee") or {}
    email = who.get("email")
    meta = data.get("metadata") or {}
    reason = data.get("cancellation_reason") or data.get("cancel_reason") or None
    return Booking(
        id=str(data["id"]),
        service=names.service_of(data.get("event_type_id")),
        staff=names.staff_of(member_of(data)),
        start=parse_time(data.get("start_time")),  # type: ignore[arg-type]
        end=parse_time(data.get("end_time")),  # type: ignore[arg-type]
        status=status,
        contact=Contact(
            ref=meta.get(REF) or (f"email:{email}" if email else f"slatis:{data['id']}"),
            name=who.get("name") or None,
            email=None if is_placeholder(email, placeholder_domain) else email,
            phone=who.get("phone") or None,
        ),
        created_at=parse_time(data.get("created_at")),
        updated_at=parse_time(data.get("updated_at")),
        cancel_reason=reason if status is BookingStatus.CANCELLED else None,
        notes=meta.get(NOTES) or None,
        extra={
            "slatis_status": status_text,
            "event_type_id": data.get("event_type_id"),
            "member_id": member_of(data),
            "channel": meta.get(CHANNEL),
            "rescheduled_from": data.get("rescheduled_from_id"),
            "rescheduled_to": moved_to(data),
            "custom_fields": dict(data.get("custom_fields") or {}),
        },
    )
