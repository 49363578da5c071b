"""Who a chat customer is in Empfio: the leads that are theirs, by phone number or email, never by name.

A name proves nothing (two customers may share one, and anyone can type it); a WhatsApp number is
the customer's own (WhatsApp verified it), and an email is what the customer gave us. A lead matches
when its phone or its email is one of the contact's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import phonenumbers

from ..types import Contact

WHATSAPP = "whatsapp:"


def phone_key(raw: str | None) -> str | None:
    """A phone number in E.164, for comparing; None when it is not an international number.

    National forms ("0151 ...") are not guessed into a country: no match is better than a wrong one.
    """
    if not raw or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw.strip().removeprefix(WHATSAPP), None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email_key(raw: str | None) -> str | None:
    """An email address for comparing; None for none, or for an undeliverable one (RFC 2606 `.invalid`),
    which stands for a chat contact who gave no email (the Cal.com adapter makes those)."""
    email = (raw or "").strip().lower()
    if not email or "@" not in email or email.endswith(".invalid"):
        return None
    return email


@dataclass(frozen=True)
class Identity:
    """The phone numbers and emails that make a lead this contact's."""

    phones: frozenset[str]
    emails: frozenset[str]

    @classmethod
    def of(cls, contact: Contact) -> Identity:
        """A WhatsApp contact's chat identity is their number; the phone and email they gave count too."""
        whatsapp = contact.ref if contact.ref.startswith(WHATSAPP) else None
        phones = {key for key in (phone_key(contact.phone), phone_key(whatsapp)) if key}
        emails = {key for key in (email_key(contact.email),) if key}
        return cls(frozenset(phones), frozenset(emails))

    def __bool__(self) -> bool:
        return bool(self.phones or self.emails)

    def owns(self, lead: Mapping[str, Any]) -> bool:
        """Whether the lead is this contact: the same phone number or the same email (never the name)."""
        phone, email = phone_key(lead.get("phone")), email_key(lead.get("email"))
        return (phone is not None and phone in self.phones) or (email is not None and email in self.emails)


def lead_ref(lead: Mapping[str, Any], fallback: str) -> str:
    """The chat identity an Empfio lead stands for, when no chat of ours made the booking.

    A WhatsApp lead is its number, the way the WhatsApp channel names its customers. Other leads get
    a ref no chat channel uses (email:, phone:, empfio-lead:), so nobody in a chat owns them by it.
    """
    phone, email = phone_key(lead.get("phone")), email_key(lead.get("email"))
    if lead.get("channel") == "whatsapp" and phone:
        return WHATSAPP + phone
    if email:
        return f"email:{email}"
    if phone:
        return f"phone:{phone}"
    return f"empfio-lead:{lead.get('id') or fallback}"


def with_whatsapp_phone(contact: Contact) -> Contact:
    """The contact with their WhatsApp number as phone when they gave none, so that the booking made
    for them in Cal.com carries it and Empfio files it under a lead with that phone."""
    if contact.phone or not contact.ref.startswith(WHATSAPP):
        return contact
    phone = phone_key(contact.ref)
    return Contact(contact.ref, contact.name, contact.email, phone) if phone else contact
