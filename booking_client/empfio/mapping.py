"""Empfio bookings -> our `Booking`: statuses, services, staff and the contact, read as truthfully as the data allows.

An Empfio booking names its lead and the Cal.com booking and event type behind it, but no staff
member. When the Cal.com booking is at hand (through the creator), the service, the staff member
and the chat identity come from it; otherwise from Empfio's metadata and event type, and the
staff member only where one person does that service.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ..business import Business
from ..types import Booking, BookingStatus, Contact
from .contacts import email_key, lead_ref

Json = dict[str, Any]

# Empfio's statuses (its Bookings API lists confirmed, cancelled, rescheduled, no_show, completed), and
# the ones a booking synced from Cal.com may carry while the host has not accepted it yet.
STATUSES: Mapping[str, BookingStatus] = {
    "confirmed": BookingStatus.CONFIRMED,
    "accepted": BookingStatus.CONFIRMED,  # Cal.com's word, if Empfio passes it through
    "pending": BookingStatus.PENDING,
    "unconfirmed": BookingStatus.PENDING,
    "pending_confirmation": BookingStatus.PENDING,
    "cancelled": BookingStatus.CANCELLED,
    "canceled": BookingStatus.CANCELLED,
    "rejected": BookingStatus.CANCELLED,  # the host declined it in Cal.com
    "rescheduled": BookingStatus.RESCHEDULED,  # active, at its new time
    "completed": BookingStatus.COMPLETED,
    "no_show": BookingStatus.NO_SHOW,
}
MARKS: Mapping[BookingStatus, str] = {BookingStatus.COMPLETED: "completed", BookingStatus.NO_SHOW: "no_show"}
# Our keys in an Empfio booking's metadata (Empfio keeps service and notes there itself).
REASON = "cancellation_reason"
# Refs the Cal.com adapter makes up for bookings made outside any chat: not a chat identity.
MADE_UP_REFS = ("email:", "calcom:")


def raw_status(data: Json) -> str:
    return str(data.get("status") or "").strip().lower()


def status_of(data: Json) -> BookingStatus:
    """Empfio's status as ours; an unknown one is taken as confirmed (and kept in `extra`)."""
    return STATUSES.get(raw_status(data), BookingStatus.CONFIRMED)


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 (with `Z`, an offset, or none: then UTC) as an aware UTC datetime."""
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


class Names:
    """The business's services and staff behind Empfio's event type ids, metadata and names."""

    def __init__(self, business: Business, event_types: Mapping[str, int]) -> None:
        self.business = business
        self.by_event_type = {int(v): k for k, v in event_types.items()}

    def is_service(self, value: str) -> bool:
        return any(s.id == value for s in self.business.services)

    def is_staff(self, value: str) -> bool:
        return any(p.id == value for p in self.business.staff)

    def service_of_event_type(self, event_type_id: Any) -> str | None:
        """The service a Cal.com event type books; in a one-service business, that service."""
        if event_type_id is not None and int(event_type_id) in self.by_event_type:
            return self.by_event_type[int(event_type_id)]
        return self.business.services[0].id if len(self.business.services) == 1 else None

    def service(self, data: Json) -> str:
        """From the metadata's service (an id or any of its names), else the event type; else Empfio's word."""
        named = str((data.get("metadata") or {}).get("service") or "").strip()
        wanted = named.casefold()
        for svc in self.business.services:
            if wanted and wanted in {svc.id.casefold(), *(n.casefold() for n in svc.all_names())}:
                return svc.id
        return self.service_of_event_type(data.get("event_type_id")) or named

    def staff(self, data: Json, service: str) -> str:
        """From the metadata (staff or host, by id, name or alias), else the one person doing the
        service; "" when Empfio does not say who (any of them, as far as we know)."""
        meta = data.get("metadata") or {}
        named = str(meta.get("staff") or meta.get("host") or "").strip().casefold()
        for person in self.business.staff:
            if named and named in {person.id.casefold(), person.name.casefold(), *(a.casefold() for a in person.aliases)}:
                return person.id
        doing = self.business.staff_for(service)
        return doing[0].id if len(doing) == 1 else ""


def to_booking(data: Json, names: Names, calcom: Booking | None = None) -> Booking:
    """One Empfio booking as our `Booking`; `calcom` (the Cal.com booking behind it) fills in who and what.

    Empfio's record wins for the time and the status: it is the system the business runs.
    """
    lead: Json = data.get("lead") or {}
    meta: Json = data.get("metadata") or {}
    status = status_of(data)
    service = calcom.service if calcom is not None and names.is_service(calcom.service) else names.service(data)
    staff = calcom.staff if calcom is not None and names.is_staff(calcom.staff) else names.staff(data, service)
    theirs = calcom.contact if calcom is not None else Contact("")
    ref = theirs.ref if theirs.ref and not theirs.ref.startswith(MADE_UP_REFS) else lead_ref(lead, str(data["id"]))
    email = email_key(lead.get("email")) and str(lead["email"]).strip()
    reason = meta.get(REASON) or (calcom.cancel_reason if calcom is not None else None)
    return Booking(
        id=str(data["id"]),
        service=service,
        staff=staff,
        start=parse_time(data.get("start_time")),  # type: ignore[arg-type]
        end=parse_time(data.get("end_time")),  # type: ignore[arg-type]
        status=status,
        contact=Contact(ref=ref, name=lead.get("name") or theirs.name or None, email=email or theirs.email,
                        phone=lead.get("phone") or theirs.phone or None),
        created_at=parse_time(data.get("created_at")),
        updated_at=parse_time(data.get("updated_at")),
        cancel_reason=reason if status is BookingStatus.CANCELLED else None,
        notes=meta.get("notes") or (calcom.notes if calcom is not None else None) or None,
        extra={
            "empfio_id": data["id"],
            "empfio_status": raw_status(data),
            "lead_id": data.get("lead_id") or lead.get("id"),
            "lead_channel": lead.get("channel"),
            "calcom_booking_id": data.get("calcom_booking_id"),
            "calcom_booking_uid": data.get("calcom_booking_uid"),
            "event_type_id": data.get("event_type_id"),
            "meeting_url": data.get("meeting_url"),
        },
    )


def from_calcom(made: Booking, prefix: str) -> Booking:
    """A booking made in Cal.com that Empfio has not heard of yet, under an id that says so."""
    return Booking(id=prefix + made.id, service=made.service, staff=made.staff, start=made.start, end=made.end,
                   status=made.status, contact=made.contact, created_at=made.created_at,
                   updated_at=made.updated_at, cancel_reason=made.cancel_reason, notes=made.notes,
                   extra={**made.extra, "empfio_id": None, "calcom_booking_uid": made.id})
