"""What every backend checks of a request before it touches its store or its API: the clock, the times,
the service and the staff member, each refused with the same `InvalidRequest` wherever it is asked."""

from __future__ import annotations

from datetime import UTC, datetime

from .backend import Now
from .business import Business, Service, Staff
from .errors import InvalidRequest


def utc_now(now: Now) -> datetime:
    """The clock's time in UTC; a clock without a zone is a programming error, not a customer's."""
    moment = now()
    if moment.tzinfo is None:
        raise ValueError("the clock must return an aware datetime")
    return moment.astimezone(UTC)


def aware(moment: datetime, what: str) -> datetime:
    """`moment`, if it has a time zone."""
    if moment.tzinfo is None:
        raise InvalidRequest(f"{what} needs a time zone")
    return moment


def known_service(business: Business, service_id: str) -> Service:
    try:
        return business.service(service_id)
    except KeyError:
        offered = ", ".join(s.id for s in business.services)
        raise InvalidRequest(f"unknown service {service_id!r}; offered: {offered}") from None


def known_person(business: Business, staff_id: str, service: Service) -> Staff:
    """The staff member, if they exist and offer the service."""
    try:
        person = business.person(staff_id)
    except KeyError:
        known = ", ".join(s.id for s in business.staff)
        raise InvalidRequest(f"unknown staff member {staff_id!r}; staff: {known}") from None
    if service.id not in person.services:
        raise InvalidRequest(f"{person.name} does not offer {service.display('en')}")
    return person
