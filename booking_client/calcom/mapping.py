"""Cal.com bookings <-> our `Booking`, and what we store in a booking's metadata."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from ..types import Booking, BookingRequest, BookingStatus, Contact

# Our keys in a Cal.com booking's metadata (at most 50 keys of up to 40 characters, values up to 500).
REF, CHANNEL, KEY, SOURCE = "chat_ref", "channel", "idempotency_key", "source"
MAX_VALUE = 500
DECLINED = "the business declined the booking"
# attendee.language values the API accepts (CreateBookingAttendee in the API document).
LANGUAGES = frozenset({
    "ar", "az", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "es", "es-419", "et", "eu", "fi", "fr", "he", "hr",
    "hu", "id", "it", "iw", "ja", "km", "ko", "lv", "nl", "no", "pl", "pt", "pt-BR", "ro", "ru", "sk", "sr", "sv",
    "ta", "th", "tr", "uk", "vi", "zh-CN", "zh-TW",
})

STATUSES: Mapping[str, BookingStatus] = {
    "accepted": BookingStatus.CONFIRMED,
    "pending": BookingStatus.PENDING,  # the event type requires confirmation
    "cancelled": BookingStatus.CANCELLED,
    "rejected": BookingStatus.CANCELLED,  # the business declined it
}

Json = dict[str, Any]


class Names(Protocol):
    """Turns Cal.com's event types and hosts back into the business's service and staff ids."""

    def service_of(self, event_type_id: int | None, slug: str | None) -> str: ...

    def staff_of(self, username: str | None, user_id: int | None) -> str: ...


def metadata(request: BookingRequest, idempotency_key: str) -> dict[str, str]:
    """The chat identity, channel and idempotency key, inside Cal.com's metadata limits."""
    values = {REF: request.contact.ref, CHANNEL: request.channel or "", KEY: metadata_key(idempotency_key),
              SOURCE: "booking-bot"}
    return {k: v[:MAX_VALUE] for k, v in values.items() if v}


def metadata_key(key: str) -> str:
    """The idempotency key as stored: itself, or its hash when too long for a metadata value."""
    return key if len(key) <= MAX_VALUE else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def placeholder_email(ref: str, domain: str) -> str:
    """An undeliverable, stable attendee email for a chat contact who gave none."""
    local = re.sub(r"[^a-z0-9]+", "-", ref.lower()).strip("-")[:40] or "contact"
    return f"{local}.{hashlib.sha256(ref.encode()).hexdigest()[:10]}@{domain}"


def is_placeholder(email: str | None, domain: str) -> bool:
    return bool(email) and email.lower().endswith("@" + domain.lower())


def key_of(data: Json) -> str | None:
    return (data.get("metadata") or {}).get(KEY)


def ref_of(data: Json) -> str | None:
    return (data.get("metadata") or {}).get(REF)


def attendee(data: Json) -> Json:
    attendees = data.get("attendees") or []
    return attendees[0] if attendees else {}


def host(data: Json) -> Json:
    hosts = data.get("hosts") or []
    return hosts[0] if hosts else {}


def event_type_id(data: Json) -> int | None:
    value = (data.get("eventType") or {}).get("id", data.get("eventTypeId"))
    return int(value) if value is not None else None


def parse_time(value: str | None) -> datetime | None:
    """Cal.com's ISO 8601 (with `Z` or an offset) as an aware UTC datetime."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)  # Python 3.11 reads `Z` too
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def to_booking(data: Json, names: Names, placeholder_domain: str) -> Booking:
    """One Cal.com booking (API 2024-08-13) as our `Booking`; `extra` keeps Cal.com's own ids."""
    raw_status = str(data.get("status") or "").lower()
    status = STATUSES.get(raw_status, BookingStatus.CONFIRMED)
    if status is BookingStatus.CONFIRMED and data.get("rescheduledFromUid"):
        status = BookingStatus.RESCHEDULED  # booked anew by a move, as the embedded engine calls it
    reason = data.get("cancellationReason") or None
    if raw_status == "rejected":
        why = data.get("rejectionReason") or reason  # not in the 2024-08-13 output, but some versions send it
        reason = f"{DECLINED}: {why}" if why else DECLINED
    who, by = attendee(data), host(data)
    email = who.get("email")
    fields = data.get("bookingFieldsResponses") or {}
    meta = data.get("metadata") or {}
    return Booking(
        id=str(data["uid"]),
        service=names.service_of(event_type_id(data), (data.get("eventType") or {}).get("slug")),
        staff=names.staff_of(by.get("username"), by.get("id")),
        start=parse_time(data.get("start")),  # type: ignore[arg-type]
        end=parse_time(data.get("end")),  # type: ignore[arg-type]
        status=status,
        contact=Contact(
            ref=meta.get(REF) or (f"email:{email}" if email else f"calcom:{data['uid']}"),
            name=who.get("name") or None,
            email=None if is_placeholder(email, placeholder_domain) else email,
            phone=who.get("phoneNumber") or fields.get("attendeePhoneNumber") or None,
        ),
        created_at=parse_time(data.get("createdAt")),
        updated_at=parse_time(data.get("updatedAt")),
        cancel_reason=reason if status is BookingStatus.CANCELLED else None,
        notes=fields.get("notes") or data.get("description") or None,
        extra={
            "uid": data["uid"],
            "calcom_id": data.get("id"),
            "calcom_status": raw_status,
            "event_type_id": event_type_id(data),
            "host": {"id": by.get("id"), "username": by.get("username")},
            "channel": meta.get(CHANNEL),
            "idempotency_key": meta.get(KEY),
            "rescheduled_from": data.get("rescheduledFromUid"),
            "rescheduled_to": data.get("rescheduledToUid"),
        },
    )
