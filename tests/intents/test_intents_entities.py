"""Services, staff, contact details and option numbers, from the vocabulary or as written."""

from __future__ import annotations

import pytest

from intents import read

from intent_cases import ctx


@pytest.mark.parametrize("text, service, written", [
    ("book a haircut", "haircut", "haircut"),
    ("a hair cut please", "haircut", "hair cut"),
    ("I want my hair colour done", "coloring", "hair colour"),
    ("colouring on friday", "coloring", "colouring"),
    ("Haare färben am Montag", "coloring", "Haare färben"),
    ("Haare faerben bitte", "coloring", "Haare faerben"),
    ("Bartschnitt morgen", "beard", "Bartschnitt"),
    ("a beard trim", "beard", "beard trim"),
    ("haircutt tomorrow", "haircut", "haircutt"),
    ("highlights next week", "coloring", "highlights"),
])
def test_services(text: str, service: str, written: str) -> None:
    r = read(text, ctx())
    assert (r.service, r.service_text) == (service, written)


@pytest.mark.parametrize("text, staff, written", [
    ("with Sarah", "sarah", "Sarah"),
    ("with sara tomorrow", "sarah", "sara"),
    ("bei Sarah bitte", "sarah", "Sarah"),
    ("mit Tom", "tom", "Tom"),
    ("can tom do it", "tom", "tom"),
])
def test_known_staff(text: str, staff: str, written: str) -> None:
    r = read(text, ctx())
    assert (r.staff, r.staff_text) == (staff, written)


@pytest.mark.parametrize("text, written", [
    ("I'd like to see Dr. Thomas Stodgel on Monday", "Dr. Thomas Stodgel"),
    ("I want to book an appointment at Great Clips.", "Great Clips"),
    ("Is there anything at 2 pm at Boyer Dental Arts?", "Boyer Dental Arts"),
    ("The salon is called Hair Heaven.", "Hair Heaven"),
    ("Termin bei Frau Müller", "Frau Müller"),
])
def test_unknown_providers_as_written(text: str, written: str) -> None:
    r = read(text, ctx())
    assert r.staff is None and r.staff_text == written


@pytest.mark.parametrize("text", ["anyone is fine", "egal wer", "no preference", "Ist mir egal"])
def test_any_staff(text: str) -> None:
    assert read(text, ctx()).any_staff


@pytest.mark.parametrize("text, expecting, name", [
    ("I'm Anna Schmidt", None, "Anna Schmidt"),
    ("my name is anna", None, "anna"),
    ("ich heiße Jonas Weber", None, "Jonas Weber"),
    ("Mein Name ist Lea", None, "Lea"),
    ("Anna", "name", "Anna"),
    ("anna schmidt", "name", "anna schmidt"),
    ("I'm looking for a slot", None, None),
    ("I'm free tomorrow", None, None),
])
def test_names(text: str, expecting: str | None, name: str | None) -> None:
    assert read(text, ctx(expecting=expecting)).name == name


@pytest.mark.parametrize("text, email, phone", [
    ("my email is anna.schmidt@example.com", "anna.schmidt@example.com", None),
    ("call me on +49 170 1234567", None, "+49 170 1234567"),
    ("0170/1234567", None, "0170/1234567"),
    ("(415) 555-1234 or a@b.de", "a@b.de", "(415) 555-1234"),
    ("am 07.03.2027", None, None),
])
def test_contact(text: str, email: str | None, phone: str | None) -> None:
    r = read(text, ctx())
    assert (r.email, r.phone) == (email, phone)


@pytest.mark.parametrize("text, expecting, number, time", [
    ("2", "choice", 2, None),
    ("option 3", "choice", 3, None),
    ("the second one", "choice", 2, None),
    ("die zweite", "choice", 2, None),
    ("3", "when", None, "15:00"),
    ("10", "when", None, "10:00"),
    ("2", None, 2, None),
])
def test_numbers(text: str, expecting: str | None, number: int | None, time: str | None) -> None:
    r = read(text, ctx(expecting=expecting))
    assert r.number == number
    assert (r.time.strftime("%H:%M") if r.time else None) == time
