"""Confirmation emails, end to end: composed, sent by the mailer (aiosmtplib) to a local SMTP server
(aiosmtpd on 127.0.0.1), and read back as the customer's mail program and calendar would."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from channel_kit import settings_for
from fake_smtp import FakeSMTP, Received, client_context, self_signed

from booking_client import BookingRequest, Contact
from bot.confirmations import confirmation_email
from bot.main import build_app
from bot.replies import Texts
from bot.settings import Settings, SettingsError
from channels.email import Mailer, mailer_from
from channels.errors import RetryLater, Undeliverable

SENDER = "Demo Salon <salon@example.com>"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def cert(tmp_path):
    made = self_signed(tmp_path)
    if made is None:
        pytest.skip("the openssl tool is needed to make a test certificate")
    return made


def plain(port: int, **extra) -> Mailer:
    return Mailer("127.0.0.1", port, sender=SENDER, tls="none", timeout=5, **extra)


def calendar_of(received: Received) -> tuple[icalendar.Calendar, icalendar.Event, str]:
    """The attached appointment.ics, parsed, with its content type header."""
    [part] = [p for p in received.message.iter_attachments() if p.get_filename() == "appointment.ics"]
    cal = icalendar.Calendar.from_ical(part.get_content() if isinstance(part.get_content(), str)
                                       else part.get_content().decode())
    [event] = cal.walk("VEVENT")
    return cal, event, part["Content-Type"]


async def test_book_move_cancel_each_arrive_with_one_calendar_event_in_german(sqlite_engine, smtp, clock):
    app = await build_app(settings_for(), clock=clock, engine=sqlite_engine)
    texts, business = Texts(app.business.texts), app.business
    mailer = plain(smtp.port)
    try:
        start = (clock.now().astimezone(BERLIN) + timedelta(days=1)).replace(hour=10, minute=0)
        contact = Contact(ref="telegram:4242", name="Anna Schmidt", email="anna@example.com")
        booked = await app.backend.create(BookingRequest("haircut", "sarah", start, contact, lang="de"), "k1")
        await mailer.send(confirmation_email(booked, business, texts, "de", "booked", now=clock.now(), sender=SENDER))
        clock.advance(timedelta(minutes=5))
        moved = await app.backend.reschedule(booked.id, start + timedelta(hours=2))
        await mailer.send(confirmation_email(moved, business, texts, "de", "moved", now=clock.now(), sender=SENDER))
        clock.advance(timedelta(minutes=5))
        cancelled = await app.backend.cancel(booked.id, reason="test")
        await mailer.send(confirmation_email(cancelled, business, texts, "de", "cancelled", now=clock.now(),
                                             sender=SENDER))
    finally:
        await app.aclose()

    mails = await smtp.wait_for(3)
    assert [m.recipients for m in mails] == [["anna@example.com"]] * 3
    assert all(m.message["From"] == SENDER for m in mails)
    subjects = [str(m.message["Subject"]) for m in mails]
    assert subjects[0].startswith("Gebucht: Haarschnitt am Di. 24. Nov., 10:00")
    assert subjects[1].startswith("Verschoben:") and "12:00" in subjects[1]
    assert subjects[2].startswith("Abgesagt:")
    body = mails[0].message.get_body(("plain",)).get_content()
    assert "Guten Tag Anna Schmidt," in body and "Ihr Termin ist gebucht" in body
    assert "Adresse: Hauptstraße 1, 10115 Berlin" in body

    events = [calendar_of(m) for m in mails]
    methods = [str(cal["METHOD"]) for cal, _, _ in events]
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]
    assert [ctype.split(";")[0] for _, _, ctype in events] == ["text/calendar"] * 3
    assert 'method="CANCEL"' in events[2][2] or "method=CANCEL" in events[2][2]
    uids = {str(event["UID"]) for _, event, _ in events}
    assert uids == {f"{booked.id}@demo-salon.booking-bot"}, "one appointment: the same UID throughout"
    sequences = [int(event["SEQUENCE"]) for _, event, _ in events]
    assert sequences[0] < sequences[1] < sequences[2]
    assert [str(event["STATUS"]) for _, event, _ in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]

    cal, event, _ = events[1]
    begin, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert begin == start + timedelta(hours=2) and end - begin == timedelta(minutes=30)
    assert begin.astimezone(BERLIN).hour == 12
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin" and event["DTEND"].params["TZID"] == "Europe/Berlin"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(event["SUMMARY"]) == "Haarschnitt bei Sarah – Demo Salon"
    assert str(event["LOCATION"]) == "Hauptstraße 1, 10115 Berlin"
    assert str(event["ORGANIZER"]) == "mailto:salon@example.com"


async def test_english_and_a_request_the_business_still_has_to_confirm(sqlite_engine, smtp, clock):
    app = await build_app(settings_for(), clock=clock, engine=sqlite_engine)
    try:
        start = (clock.now().astimezone(BERLIN) + timedelta(days=1)).replace(hour=11, minute=0)
        booking = await app.backend.create(BookingRequest("haircut", "tom", start, Contact("whatsapp:+49151", None,
                                                                                        "ben@example.org")), "k2")
        message = confirmation_email(booking, app.business, Texts(), "en", "requested", now=clock.now(), sender=SENDER)
    finally:
        await app.aclose()
    await plain(smtp.port).send(message)
    [mail] = await smtp.wait_for(1)
    assert str(mail.message["Subject"]).startswith("Request received: Haircut on Tue 24 Nov, 11:00")
    body = mail.message.get_body(("plain",)).get_content()
    assert body.startswith("Hello,\r\n") and "not confirmed" in body
    _, event, _ = calendar_of(mail)
    assert str(event["SUMMARY"]) == "Haircut with Tom at Demo Salon"


async def test_starttls_and_implicit_tls_with_the_servers_certificate(cert, clock):
    for mode in ("starttls", "tls"):
        server = FakeSMTP(tls=mode, cert=cert, login=("salon", "s3cret"))
        port = await server.start()
        try:
            mailer = Mailer("127.0.0.1", port, user="salon", password="s3cret", sender=SENDER, tls=mode, timeout=5,
                            tls_context=client_context(cert[0]))
            await mailer.send(_note("anna@example.com"))
            [mail] = await server.wait_for(1)
            assert mail.tls, f"{mode}: the message travelled encrypted"
            assert mail.message["Subject"] == "hello"
        finally:
            await server.stop()


async def test_a_refused_recipient_is_undeliverable_and_a_busy_one_worth_another_try(smtp):
    smtp.refuse.add("gone@example.com")
    smtp.busy.add("busy@example.com")
    with pytest.raises(Undeliverable):
        await plain(smtp.port).send(_note("gone@example.com"))
    with pytest.raises(RetryLater):
        await plain(smtp.port).send(_note("busy@example.com"))
    assert smtp.received == []


async def test_an_unreachable_server_or_a_refused_login_is_tried_again_later(cert):
    server = FakeSMTP()
    port = await server.start()
    await server.stop()  # nobody listens there any more
    with pytest.raises(RetryLater, match="cannot reach"):
        await plain(port).send(_note("anna@example.com"))

    server = FakeSMTP(tls="starttls", cert=cert, login=("salon", "s3cret"))
    port = await server.start()
    try:
        mailer = Mailer("127.0.0.1", port, user="salon", password="wrong", sender=SENDER, timeout=5,
                        tls_context=client_context(cert[0]))
        with pytest.raises(RetryLater, match="SMTP_USER / SMTP_PASSWORD"):
            await mailer.send(_note("anna@example.com"))
        untrusting = Mailer("127.0.0.1", port, sender=SENDER, timeout=5)  # the system's CAs: not our certificate
        with pytest.raises(RetryLater, match="SMTP_TLS"):
            await untrusting.send(_note("anna@example.com"))
    finally:
        await server.stop()


async def test_starttls_required_but_the_server_offers_none(smtp):
    mailer = Mailer("127.0.0.1", smtp.port, sender=SENDER, tls="starttls", timeout=5)
    with pytest.raises(RetryLater, match="SMTP_TLS"):
        await mailer.send(_note("anna@example.com"))


@pytest.mark.parametrize(("values", "named"), [
    ({"smtp_host": "mail.example.com"}, "SMTP_FROM"),
    ({"smtp_host": "mail.example.com", "smtp_from": "not an address"}, "SMTP_FROM"),
    ({"smtp_from": "salon@example.com"}, "SMTP_HOST"),
    ({"smtp_host": "mail.example.com", "smtp_from": "salon@example.com", "smtp_user": "salon"}, "SMTP_PASSWORD"),
])
def test_incomplete_smtp_settings_name_the_setting(values, named):
    with pytest.raises(SettingsError, match=f"^setting {named}:"):
        mailer_from(Settings(_env_file=None, **values))


def test_smtp_settings_make_a_mailer_and_none_make_none():
    assert mailer_from(Settings(_env_file=None)) is None
    mailer = mailer_from(Settings(_env_file=None, smtp_host="mail.example.com", smtp_from=SENDER, smtp_tls="TLS",
                                  smtp_port=465))
    assert mailer is not None and (mailer.host, mailer.port, mailer.tls) == ("mail.example.com", 465, "tls")


def _note(to: str):
    from email.message import EmailMessage

    message = EmailMessage()
    message["To"] = to
    message["Subject"] = "hello"
    message.set_content("hello")
    return message


async def test_the_start_up_check_logs_in_and_names_what_is_wrong_without_sending_anything(cert, smtp):
    assert await plain(smtp.port).check() is None
    stopped = FakeSMTP()
    port = await stopped.start()
    await stopped.stop()
    assert (await plain(port).check()).startswith("cannot reach the mail server")
    assert "SMTP_TLS" in await Mailer("127.0.0.1", smtp.port, sender=SENDER, tls="starttls", timeout=5).check()

    server = FakeSMTP(tls="starttls", cert=cert, login=("salon", "s3cret"))
    port = await server.start()
    try:
        def mailer(password: str) -> Mailer:
            return Mailer("127.0.0.1", port, user="salon", password=password, sender=SENDER, timeout=5,
                          tls_context=client_context(cert[0]))

        assert await mailer("s3cret").check() is None
        assert await mailer("wrong").check() == "setting SMTP_USER / SMTP_PASSWORD: the mail server refused the login"
    finally:
        await server.stop()
    assert smtp.received == [] and server.received == [], "a check sends nothing"
