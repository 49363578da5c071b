"""When each message is planned: offsets, daylight-saving days, quiet hours, things already past."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking_client import Booking, BookingStatus, Contact
from scheduler import QuietHours, Rules, plan_booking, plan_no_show

BERLIN = ZoneInfo("Europe/Berlin")
RULES = Rules((timedelta(hours=24), timedelta(hours=2)), QuietHours.parse("21:00-08:00"), timedelta(hours=2), BERLIN)


def booking(start: datetime, minutes: int = 30, status=BookingStatus.CONFIRMED) -> Booking:
    return Booking(id="b1", service="haircut", staff="sarah", start=start, end=start + timedelta(minutes=minutes),
                   status=status, contact=Contact(ref="telegram:1"))


def local(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def planned(plans, kind="reminder"):
    return [(p.due_at.astimezone(BERLIN).strftime("%a %d %H:%M"), p.status) for p in plans if p.kind == kind]


def test_reminders_a_day_and_two_hours_before_and_a_follow_up_after():
    plans = plan_booking(booking(local(2026, 11, 26, 14, 0)), RULES, now=local(2026, 11, 23, 9), made_at=None)
    assert planned(plans) == [("Wed 25 14:00", "planned"), ("Thu 26 12:00", "planned")]
    assert planned(plans, "follow_up") == [("Thu 26 16:30", "planned")]


@pytest.mark.parametrize("start, day_before", [
    (local(2026, 10, 25, 10, 0), "Sat 24 10:00"),  # summer time ends in the night before
    (local(2026, 10, 26, 10, 0), "Sun 25 10:00"),  # ... in the night after the reminder
    (local(2027, 3, 28, 10, 0), "Sat 27 10:00"),  # summer time starts
    (local(2027, 3, 29, 10, 0), "Sun 28 10:00"),
])
def test_a_day_before_keeps_the_wall_clock_time_across_dst(start, day_before):
    plans = plan_booking(booking(start), RULES, now=start - timedelta(days=5), made_at=None)
    assert planned(plans)[0] == (day_before, "planned")
    two_hours = [p for p in plans if p.kind == "reminder"][1]
    assert start - two_hours.due_at == timedelta(hours=2)  # hours are real elapsed time


def test_a_reminder_in_quiet_hours_moves_to_the_evening_before():
    plans = plan_booking(booking(local(2026, 11, 26, 9, 0)), RULES, now=local(2026, 11, 23, 9), made_at=None)
    assert planned(plans) == [("Wed 25 09:00", "planned"), ("Wed 25 21:00", "planned")]
    assert "quiet hours" in [p for p in plans if p.kind == "reminder"][1].note


def test_booked_late_at_night_the_quiet_hours_reminder_is_skipped_not_sent_at_night():
    made = local(2026, 11, 25, 22, 30)
    plans = plan_booking(booking(local(2026, 11, 26, 9, 0)), RULES, now=made, made_at=made)
    assert planned(plans) == [("Wed 25 09:00", "skipped"), ("Thu 26 07:00", "skipped")]


def test_reminders_already_past_are_skipped():
    now = local(2026, 11, 26, 11, 0)
    plans = plan_booking(booking(local(2026, 11, 26, 12, 0)), RULES, now=now, made_at=now)
    assert [s for _, s in planned(plans)] == ["skipped", "skipped"]


def test_a_follow_up_in_quiet_hours_waits_for_the_morning():
    plans = plan_booking(booking(local(2026, 11, 26, 17, 45), minutes=90), RULES, now=local(2026, 11, 23, 9),
                         made_at=None)
    assert planned(plans, "follow_up") == [("Fri 27 08:00", "planned")]


def test_a_no_show_follow_up_is_planned_only_for_no_shows():
    b = booking(local(2026, 11, 26, 10, 0), status=BookingStatus.NO_SHOW)
    assert planned(plan_no_show(b, RULES, now=local(2026, 11, 26, 11)), "no_show") == [("Thu 26 11:00", "planned")]
    assert planned(plan_no_show(b, RULES, now=local(2026, 11, 26, 23)), "no_show") == [("Fri 27 08:00", "planned")]
    assert plan_no_show(booking(local(2026, 11, 26, 10, 0)), RULES, now=local(2026, 11, 26, 11)) == []


def test_cancelled_bookings_get_nothing():
    assert plan_booking(booking(local(2026, 11, 26, 10), status=BookingStatus.CANCELLED), RULES,
                        now=local(2026, 11, 23, 9), made_at=None) == []
