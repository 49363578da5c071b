"""The appointment as a calendar file and an "add to calendar" link, read back as a calendar would."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest

from booking_client import Booking, BookingStatus, Contact, load_business
from bot.calendar import add_to_calendar_link, calendar_file, sequence

BUSINESS = load_business()
START = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)  # 10:00 in Berlin
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def booking(**changes) -> Booking:
    values = dict(id="b-1", service="haircut", staff="sarah", start=START, end=START + timedelta(minutes=30),
                  status=BookingStatus.CONFIRMED, contact=Contact("telegram:1", "Anna", "anna@example.com"),
                  created_at=NOW, updated_at=NOW)
    return Booking(**(values | changes))


def event(data: bytes) -> icalendar.Event:
    [found] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    return found


def test_the_link_opens_the_appointment_in_google_calendar_in_utc():
    link = add_to_calendar_link(booking(), BUSINESS, "de")
    parts = urlsplit(link)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://calendar.google.com/calendar/render"
    assert query["action"] == ["TEMPLATE"]
    assert query["dates"] == ["20261124T090000Z/20261124T093000Z"]
    assert query["text"] == ["Haarschnitt bei Sarah – Demo Salon"]
    assert query["location"] == ["Hauptstraße 1, 10115 Berlin"]
    assert "Demo Salon" in query["details"][0]


def test_sequence_grows_with_each_change_and_is_zero_when_unknown():
    assert sequence(booking()) == 0
    assert sequence(booking(updated_at=NOW + timedelta(minutes=2))) == 120
    assert sequence(booking(created_at=None)) == 0


def test_a_booking_waiting_for_the_business_is_tentative_and_one_for_whoever_is_free_names_no_one():
    found = event(calendar_file(booking(status=BookingStatus.PENDING, staff=""), BUSINESS, "en", now=NOW))
    assert str(found["STATUS"]) == "TENTATIVE"
    assert str(found["SUMMARY"]) == "Haircut at Demo Salon"
    assert found.decoded("DTSTAMP") == NOW
    assert "ORGANIZER" not in found


def test_cancel_and_the_organizer():
    data = calendar_file(booking(), BUSINESS, "en", method="cancel", now=NOW, organizer="salon@example.com")
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["METHOD"]) == "CANCEL"
    found = event(data)
    assert str(found["STATUS"]) == "CANCELLED" and str(found["ORGANIZER"]) == "mailto:salon@example.com"
    with pytest.raises(ValueError, match="REQUEST or CANCEL"):
        calendar_file(booking(), BUSINESS, "en", method="PUBLISH", now=NOW)


def test_a_business_without_an_address_has_no_location():
    plain = BUSINESS.model_copy(update={"address": None})
    assert "LOCATION" not in event(calendar_file(booking(), plain, "en", now=NOW))
    assert "location=" not in add_to_calendar_link(booking(), plain, "en")
