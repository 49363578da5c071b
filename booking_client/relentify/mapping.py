"""Relentify bookings <-> our `Booking`, and the line we add to a booking's notes.

A Relentify booking has no metadata, so the chat identity, the channel and our idempotency key
ride in the booking's `notes`, as one last line the business can read past:
`[booking-bot ref=telegram:1001 channel=telegram key=3f9a…]`. The customer's own notes stay above it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import quote, unquote

from ..types import Booking, BookingRequest, BookingStatus, Contact

REF, CHANNEL, KEY = "ref", "channel", "key"
MAX_KEY = 64  # longer idempotency keys are stored as their hash
MARKER = re.compile(r"\n*\[booking-bot((?: [a-z]+=[^\s\]]*)*)\]\s*$")

# Statuses the API names (confirmed, cancelled, no_show) and the ones a booking flow also knows.
STATUSES: Mapping[str, BookingStatus] = {
    "confirmed": BookingStatus.CONFIRMED,
    "pending": BookingStatus.PENDING,
    "cancelled": BookingStatus.CANCELLED,
    "canceled": BookingStatus.CANCELLED,
    "no_show": BookingStatus.NO_SHOW,
    "completed": BookingStatus.COMPLETED,
}

Json = dict[str, Any]


class Names(Protocol):
    """Turns Relentify's links and staff back into the business's service and staff ids."""

    def service_of(self, link_id: str | None) -> str: ...

    def staff_of(self, staff_id: str | None) -> str: ...

    def length(self, service_id: str) -> timedelta | None: ...


# --- what we store ------------------------------------------------------------------------------------


def stored_key(key: str) -> str:
    """The idempotency key as stored: itself, or its hash when long."""
    return key if len(key) <= MAX_KEY else "sha256-" + hashlib.sha256(key.encode()).hexdigest()[:40]


def notes_for(request: BookingRequest, idempotency_key: str) -> str:
    """The customer's notes, then our line naming the chat identity, channel and key."""
    values = {REF: request.contact.ref, CHANNEL: request.channel or "", KEY: stored_key(idempotency_key)}
    line = "[booking-bot" + "".join(f" {k}={quote(v, safe=':+@._-~/')}" for k, v in values.items() if v) + "]"
    return f"{request.notes.strip()}\n\n{line}" if request.notes and request.notes.strip() else line


def split_notes(text: str | None) -> tuple[str | None, dict[str, str]]:
    """(the customer's notes, our marker's values) from a booking's notes."""
    if not text:
        return None, {}
    found = MARKER.search(text)
    if found is None:
        return text.strip() or None, {}
    values = dict(pair.split("=", 1) for pair in found.group(1).split())
    return text[:found.start()].strip() or None, {k: unquote(v) for k, v in values.items()}


def placeholder_email(ref: str, domain: str) -> str:
    """An undeliverable, stable contact email for a chat contact who gave none."""
    local = re.sub(r"[^a-z0-9]+", "-", ref.lower()).strip("-")[:40] or "contact"
    return f"{local}.{hashlib.sha256(ref.encode()).hexdigest()[:10]}@{domain}"


def is_placeholder(email: str | None, domain: str) -> bool:
    return bool(email) and email.lower().endswith("@" + domain.lower())  # type: ignore[union-attr]


# --- reading answers ----------------------------------------------------------------------------------


def utc_iso(moment: datetime) -> str:
    """An aware datetime as Relentify's examples write it: UTC, ISO 8601, `Z`."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 (with `Z` or an offset; none means UTC) as an aware UTC datetime."""
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def marker(data: Json) -> dict[str, str]:
    return split_notes(data.get("notes"))[1]


def email_of(data: Json) -> str:
    return str(data.get("contact_email") or "").lower()


def to_booking(data: Json, names: Names, placeholder_domain: str) -> Booking:
    """One Relentify booking as our `Booking`; `extra` keeps Relentify's own ids and status."""
    raw_status = str(data.get("status") or "").lower()
    status = STATUSES.get(raw_status, BookingStatus.CONFIRMED)
    service = names.service_of(data.get("booking_link_id"))
    start = parse_time(data.get("start_time"))
    if start is None:
        raise ValueError(f"Relentify booking {data.get('id')} has no start_time")
    end = parse_time(data.get("end_time"))
    if end is None:
        minutes = data.get("duration_minutes")
        end = start + (timedelta(minutes=int(minutes)) if minutes else names.length(service) or timedelta(0))
    notes, ours = split_notes(data.get("notes"))
    email = data.get("contact_email") or None
    reason = data.get("cancel_reason") or data.get("cancellation_reason") or data.get("reason") or None
    return Booking(
        id=str(data["id"]),
        service=service,
        staff=names.staff_of(data.get("staff_id")),
        start=start,
        end=end,
        status=status,
        contact=Contact(
            ref=ours.get(REF) or (f"email:{email}" if email else f"relentify:{data['id']}"),
            name=data.get("contact_name") or None,
            email=None if is_placeholder(email, placeholder_domain) else email,
            phone=data.get("contact_phone") or None,
        ),
        created_at=parse_time(data.get("created_at")),
        updated_at=parse_time(data.get("updated_at")),
        cancel_reason=reason if status is BookingStatus.CANCELLED else None,
        notes=notes,
        extra={
            "relentify_status": raw_status,
            "booking_link_id": data.get("booking_link_id"),
            "staff_id": data.get("staff_id"),
            "link_title": data.get("link_title"),
            "channel": ours.get(CHANNEL),
            "idempotency_key": ours.get(KEY),
            "answers": data.get("answers") or [],
        },
    )
