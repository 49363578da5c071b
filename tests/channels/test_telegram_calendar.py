"""On Telegram a booking's confirmation carries the appointment: the .ics as a document and an
"add to calendar" link; the email question and its promise only when confirmations go out by email."""

from __future__ import annotations

import copy
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
from channel_kit import settings_for

ANNA = 515151
BERLIN = ZoneInfo("Europe/Berlin")


def event_of(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    [event] = cal.walk("VEVENT")
    return cal, event


async def press_yes(fake, count: int):
    question = copy.deepcopy((await fake.wait_for(ANNA, count))[-1])
    assert question.buttons == ["Yes", "No"]
    await fake.press(ANNA, question, "Yes")
    return (await fake.wait_for(ANNA, count + 1))[-1]


async def test_booked_and_cancelled_each_bring_the_calendar_file_and_say_the_email_is_coming(
        sqlite_engine, fake_telegram, run_bot, smtp, clock):
    settings = settings_for(fake_telegram, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_tls="none",
                            smtp_from="Demo Salon <salon@example.com>")
    async with run_bot(settings, sqlite_engine) as (server, app):
        await fake_telegram.send(ANNA, "book a haircut with Sarah tomorrow at 10")
        await fake_telegram.wait_for(ANNA, 1)
        await fake_telegram.send(ANNA, "Anna Schmidt")
        asked = (await fake_telegram.wait_for(ANNA, 2))[-1]
        assert "What email address should the confirmation go to?" in asked.text and "no email" in asked.text
        await fake_telegram.send(ANNA, "anna@example.com")
        booked = await press_yes(fake_telegram, 3)
        assert "You're booked: Haircut with Sarah on Tue 24 Nov, 10:00" in booked.text
        assert "A confirmation is on its way to anna@example.com." in booked.text
        assert "Add it to your calendar: https://calendar.google.com/calendar/render?action=TEMPLATE" in booked.text

        [document] = await fake_telegram.wait_for_documents(ANNA, 1)
        assert document.filename == "appointment.ics"
        cal, event = event_of(document.data)
        [booking] = await app.backend.list_all()
        assert str(cal["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == f"{booking.id}@demo-salon.booking-bot"
        assert event.decoded("DTSTART") == datetime(2026, 11, 24, 10, 0, tzinfo=BERLIN)
        assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
        assert str(event["SUMMARY"]) == "Haircut with Sarah at Demo Salon"
        assert str(event["LOCATION"]) == "Hauptstraße 1, 10115 Berlin"

        clock.set(datetime(2026, 11, 23, 9, 30, tzinfo=BERLIN))
        await fake_telegram.send(ANNA, "cancel my appointment")
        cancelled = await press_yes(fake_telegram, 5)
        assert "is cancelled" in cancelled.text and "A confirmation is on its way" in cancelled.text
        assert "calendar.google.com" not in cancelled.text
        _, second = await fake_telegram.wait_for_documents(ANNA, 2)
        cal2, event2 = event_of(second.data)
        assert str(cal2["METHOD"]) == "CANCEL" and str(event2["STATUS"]) == "CANCELLED"
        assert str(event2["UID"]) == str(event["UID"]), "the same event, now removed"
        assert int(event2["SEQUENCE"]) > int(event["SEQUENCE"])


async def test_without_email_confirmations_telegram_asks_no_email_and_promises_none(
        sqlite_engine, fake_telegram, run_bot):
    async with run_bot(settings_for(fake_telegram), sqlite_engine) as (server, app):
        await fake_telegram.send(ANNA, "Ich möchte einen Bartschnitt bei Tom morgen um 11", lang="de")
        await fake_telegram.wait_for(ANNA, 1)
        await fake_telegram.send(ANNA, "Greta", lang="de")
        question = copy.deepcopy((await fake_telegram.wait_for(ANNA, 2))[-1])
        assert question.text.startswith("Soll ich Bartschnitt bei Tom am Di. 24. Nov., 11:00")
        await fake_telegram.press(ANNA, question, "Ja", lang="de")
        booked = (await fake_telegram.wait_for(ANNA, 3))[-1]
        assert "Erledigt!" in booked.text and "In Ihren Kalender eintragen: https://calendar.google.com/" in booked.text
        assert "Bestätigung" not in booked.text
        [document] = await fake_telegram.wait_for_documents(ANNA, 1)
        _, event = event_of(document.data)
        assert str(event["SUMMARY"]) == "Bartschnitt bei Tom – Demo Salon"


async def test_a_calendar_file_telegram_refuses_leaves_the_booking_and_its_reply(
        sqlite_engine, fake_telegram, run_bot, caplog):
    fake_telegram.refuse_documents = True
    async with run_bot(settings_for(fake_telegram), sqlite_engine) as (server, app):
        await fake_telegram.send(ANNA, "book a haircut with Sarah tomorrow at 10")
        await fake_telegram.wait_for(ANNA, 1)
        await fake_telegram.send(ANNA, "Anna Schmidt")
        booked = await press_yes(fake_telegram, 2)
        assert "You're booked" in booked.text
        await fake_telegram.send(ANNA, "my appointments")
        assert "Haircut with Sarah on Tue 24 Nov, 10:00" in (await fake_telegram.wait_for(ANNA, 4))[-1].text
        assert fake_telegram.documents == [] and len(await app.backend.list_all()) == 1
        assert "appointment.ics not sent" in caplog.text
