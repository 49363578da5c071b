"""The customer's confirmation email for a booking, a move, a cancellation or a request, with the calendar file.

Pure composition: the email is built here and sent elsewhere (the notification outbox
hands it to the channels' mailer), so what it says can be tested without a server.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Literal

from booking_client import Booking, Business

from .calendar import calendar_file, service_name, summary
from .replies import Texts

Change = Literal["booked", "moved", "cancelled", "requested"]
CHANGES: tuple[str, ...] = ("booked", "moved", "cancelled", "requested")
ATTACHMENT = "appointment.ics"


def confirmation_email(booking: Booking, business: Business, texts: Texts, lang: str, change: str, *,
                       now: datetime, sender: str) -> EmailMessage:
    """The email telling the customer what changed, in their language, with `appointment.ics` attached.

    Raises ValueError for an unknown `change` or a booking without the customer's email."""
    if change not in CHANGES:
        raise ValueError(f"change must be one of {', '.join(CHANGES)}, not {change!r}")
    to = booking.contact.email
    if not to:
        raise ValueError(f"booking {booking.id} has no email address to confirm to")
    when = texts.formats(lang).when(business.local(booking.start))
    names = dict(service=service_name(business, booking.service, lang), when=when, business=business.name)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = texts(lang, f"email_subject_{change}", **names)
    message["Date"] = format_datetime(business.local(now))
    message["Message-ID"] = make_msgid(domain=_domain(sender))
    message["Content-Language"] = lang
    message.set_content(_body(booking, business, texts, lang, change, when))
    method = "CANCEL" if change == "cancelled" else "REQUEST"
    ics = calendar_file(booking, business, lang, method=method, now=now, organizer=parseaddr(sender)[1] or None,
                        texts=texts)
    message.add_attachment(ics, maintype="text", subtype="calendar", filename=ATTACHMENT,
                           params={"method": method, "charset": "utf-8"})
    return message


def _body(booking: Booking, business: Business, texts: Texts, lang: str, change: str, when: str) -> str:
    """Greeting, what changed, the appointment (what, when, where), the calendar file, how to change it."""
    name = booking.contact.name
    hello = texts(lang, "email_hello", name=name) if name else texts(lang, "email_hello_anon")
    details = [summary(booking, business, lang, texts), when]
    if business.address:
        details.append(texts(lang, "email_where", address=business.address))
    cancelled = change == "cancelled"
    paragraphs = [
        hello,
        texts(lang, f"email_{change}", business=business.name),
        "\n".join(details),
        texts(lang, "email_attached_cancel" if cancelled else "email_attached"),
        texts(lang, "email_footer_cancelled" if cancelled else "email_footer", business=business.name),
    ]
    return "\n\n".join(paragraphs) + "\n"


def _domain(sender: str) -> str | None:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or None if "@" in address else None
