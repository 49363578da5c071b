"""The appointment as an iCalendar file (RFC 5545) and as an "add to calendar" link.

One booking is one event whose UID never changes, so a calendar that already has it
updates it on a move (METHOD:REQUEST with a higher SEQUENCE) and removes it on a
cancellation (METHOD:CANCEL). SEQUENCE is the number of whole seconds between the
booking's creation and its last change (0 when the booking system tells neither):
it grows with every change without our keeping a counter, and every copy of the file
made for the same version of the booking (chat reply, email) carries the same number.
"""

from __future__ import annotations

import contextlib
import functools
import re
from datetime import date, datetime, timezone
from urllib.parse import urlencode

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from booking_client import Booking, BookingStatus, Business

from .replies import Texts

PRODID = "-//booking-bot//appointments//EN"
GOOGLE_TEMPLATE = "https://calendar.google.com/calendar/render"


def calendar_file(booking: Booking, business: Business, lang: str, *, method: str = "REQUEST",
                  now: datetime, organizer: str | None = None, texts: Texts | None = None) -> bytes:
    """The booking as a VCALENDAR with one VEVENT; `method` "CANCEL" tells calendars to remove it.

    `organizer` is the address the confirmations come from (SMTP_FROM), when there is one."""
    method = method.upper()
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"method must be REQUEST or CANCEL, not {method!r}")
    texts = texts or Texts(business.texts)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add_component(_event(booking, business, lang, method, now, organizer, texts))
    start = booking.start.date()
    for tzid in sorted(cal.get_missing_tzids()):  # VTIMEZONE before the event that uses it
        with contextlib.suppress(ValueError):  # a zone icalendar does not know is left out, as it would leave it
            cal.subcomponents.insert(0, _vtimezone(tzid, start.year))
    return cal.to_ical()


@functools.lru_cache(maxsize=32)
def _vtimezone(tzid: str, year: int) -> Timezone:
    """The zone's rules from the year before to two years after: worked out once per zone and year (a fifth of
    a millisecond each time), then shared by every file made for that year (nothing changes it afterwards)."""
    return Timezone.from_tzid(tzid, first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1))


def _event(booking: Booking, business: Business, lang: str, method: str, now: datetime, organizer: str | None,
           texts: Texts) -> Event:
    event = Event()
    event.add("uid", uid(booking, business))
    event.add("sequence", sequence(booking))
    event.add("dtstamp", now.astimezone(timezone.utc))
    event.add("dtstart", business.local(booking.start))
    event.add("dtend", business.local(booking.end))
    event.add("summary", summary(booking, business, lang, texts))
    event.add("description", texts(lang, "calendar_details", business=business.name))
    if address := _address(business):
        event.add("location", address)
    event.add("status", _status(booking, method))
    event.add("transp", "OPAQUE")
    if organizer:
        who = vCalAddress(f"mailto:{organizer}")
        who.params["cn"] = vText(business.name)
        event.add("organizer", who)
    return event


def _status(booking: Booking, method: str) -> str:
    if method == "CANCEL" or booking.status is BookingStatus.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if booking.status is BookingStatus.PENDING else "CONFIRMED"


def uid(booking: Booking, business: Business) -> str:
    """`<booking id>@<business slug>.booking-bot`: the same for every version of the booking."""
    return f"{booking.id}@{slug(business.name)}.booking-bot"


def slug(name: str) -> str:
    """'Demo Salon' -> 'demo-salon' (letters and digits of the business's name, for the UID's domain)."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "business"


def sequence(booking: Booking) -> int:
    """Whole seconds from the booking's creation to its last change; 0 when either is unknown."""
    if booking.created_at is None or booking.updated_at is None:
        return 0
    return max(0, int((booking.updated_at - booking.created_at).total_seconds()))


def summary(booking: Booking, business: Business, lang: str, texts: Texts) -> str:
    """"Haircut with Sarah at Demo Salon" in the customer's language."""
    service = service_name(business, booking.service, lang)
    staff = _staff_name(business, booking.staff)
    if not staff:  # the booking system assigns whoever is free
        return texts(lang, "calendar_summary_anyone", service=service, business=business.name)
    return texts(lang, "calendar_summary", service=service, staff=staff, business=business.name)


def add_to_calendar_link(booking: Booking, business: Business, lang: str, *, texts: Texts | None = None) -> str:
    """A Google Calendar link that opens the appointment ready to save (times in UTC)."""
    texts = texts or Texts(business.texts)
    params = {
        "action": "TEMPLATE",
        "text": summary(booking, business, lang, texts),
        "dates": f"{_utc(booking.start)}/{_utc(booking.end)}",
        "details": texts(lang, "calendar_details", business=business.name),
    }
    if address := _address(business):
        params["location"] = address
    return f"{GOOGLE_TEMPLATE}?{urlencode(params)}"


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _address(business: Business) -> str | None:
    return business.address.strip() or None if business.address else None


def service_name(business: Business, service_id: str, lang: str) -> str:
    """The service's name in a language (its id, for a service the business file no longer has)."""
    try:
        return business.service(service_id).display(lang)
    except KeyError:
        return service_id


def _staff_name(business: Business, staff_id: str) -> str:
    if not staff_id:
        return ""
    try:
        return business.person(staff_id).name
    except KeyError:
        return staff_id

