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
    ("ist bei Sarah noch was frei für eine Färbung?", "coloring", "Färbung"),  # the noun of a service named as a verb
    ("was kosten Faerbungen?", "coloring", "Faerbungen"),
    ("Bartschnitt morgen", "beard", "Bartschnitt"),
    ("a beard trim", "beard", "beard trim"),
    ("haircutt tomorrow", "haircut", "haircutt"),
    ("highlights next week", "coloring", "highlights"),
    ("cut my beard tomorrow", "beard", "beard"),  # a service said as a verb, another as its object: the object
])
def test_services(text: str, service: str, written: str) -> None:
    r = read(text, ctx())
    assert (r.service, r.service_text) == (service, written)


@pytest.mark.parametrize("text", ["haircut", "haircut and beard", "colouring?", "Haarschnitt", "Haarschnitt und Färben"])
def test_a_message_that_only_names_services_asks_for_them(text: str) -> None:
    assert read(text, ctx()).intent == "book"


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
    ("Herr Müller", "name", "Herr Müller"),  # a title and a surname: the name, as the business will say it
    ("Frau Dr. Schmidt", "name", "Frau Dr. Schmidt"),
    ("Mrs Jones", "name", "Mrs Jones"),
    ("Herr Müller", "choice", "Herr Müller"),  # said while times are offered: the customer, nobody of the team
    ("Frau", "name", None),
    ("hmm", "name", None), ("ähm", "name", None), ("keine Ahnung", "name", None),  # thinking, not a name
    ("Ahmed", "name", "Ahmed"), ("Hannah Ohm", "name", "Hannah Ohm"),
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


@pytest.mark.parametrize("text, staff, written, name", [
    ("Anna Schmidt", None, None, "Anna Schmidt"),  # the customer's own name, not a provider we lack
    ("Sara Klein", None, None, "Sara Klein"),  # no misspelled "Sarah" either
    ("Tom Becker", None, None, "Tom Becker"),  # a full name that starts like a staff member's
    ("I'm Tom", None, None, "Tom"),
    ("ich bin Anna", None, None, "Anna"),
    ("Uwe Kraus.", None, None, "Uwe Kraus"),
    ("mit Maria bitte", None, "Maria", None),  # named as the one to do it: a person we don't have
    ("with Tom instead", "tom", "Tom", None),
    ("Tom", "tom", "Tom", None),
    ("the one with Sara", "sarah", "Sara", None),
    ("Tom Becker here, with Sarah please", "sarah", "Sarah", None),
    ("Keine Ahnung", None, None, None),
    ("Andere Uhrzeit", None, None, None),
    ("None Of These", None, None, None),
    ("Beard Trim", None, None, None),
])
@pytest.mark.parametrize("expecting", ["choice", "when", "confirm"])
def test_a_name_said_when_the_bot_asked_about_a_time(text: str, staff: str | None, written: str | None,
                                                     name: str | None, expecting: str) -> None:
    r = read(text, ctx(expecting=expecting))
    assert (r.staff, r.staff_text, r.name) == (staff, written, name)


@pytest.mark.parametrize("text, staff, written", [
    ("Anna Schmidt", None, "Anna Schmidt"),  # asked who: a name we don't know is a provider we lack
    ("Sara Klein", "sarah", "Sara"),
    ("Tom Becker", "tom", "Tom"),
])
@pytest.mark.parametrize("expecting", [None, "staff"])
def test_a_name_said_when_the_bot_asked_who_or_nothing(text: str, staff: str | None, written: str,
                                                       expecting: str | None) -> None:
    r = read(text, ctx(expecting=expecting))
    assert (r.staff, r.staff_text) == (staff, written)


@pytest.mark.parametrize("text, service", [
    ("Bartschnitt Samstag Vormittag", "beard"), ("Haarschnitt Freitag Abend", "haircut"),
    ("Färben Freitag Nachmittag", "coloring"), ("Coloring Friday Afternoon", "coloring"),
])
def test_a_service_and_a_part_of_a_day_in_capitals_name_no_one(text, service) -> None:
    """German writes its nouns in capitals: "Bartschnitt Samstag Vormittag" is a service and a time, not a person."""
    r = read(text, ctx(lang="de" if "Friday" not in text else "en"))
    assert (r.intent, r.service, r.staff, r.staff_text) == ("book", service, None, None)
    assert r.date is not None


@pytest.mark.parametrize("text, lang, name", [
    ("book a haircut for my husband, his name is Mark Jones", "en", "Mark Jones"),
    ("a haircut for my daughter, her name is Lily Cole", "en", "Lily Cole"),
    ("Haarschnitt für meinen Mann, er heißt Jonas Weber", "de", "Jonas Weber"),
])
def test_the_name_of_whom_the_booking_is_for(text, lang, name) -> None:
    r = read(text, ctx(lang=lang))
    assert (r.intent, r.name, r.staff, r.staff_text) == ("book", name, None, None)  # not "I don't know Mark Jones here"


@pytest.mark.parametrize("text, lang", [
    ("can I get a haircut with Sarah or Tom, whoever is free first, tomorrow", "en"),
    ("haircut with Tom or Sarah tomorrow", "en"), ("Haarschnitt bei Sarah oder Tom morgen", "de"),
])
def test_two_of_the_team_joined_by_or_are_either(text, lang) -> None:
    r = read(text, ctx(lang=lang))
    assert (r.staff, r.any_staff) == (None, True)


def test_or_between_days_keeps_the_one_named() -> None:
    assert read("haircut with Sarah tomorrow or friday", ctx()).staff == "sarah"


@pytest.mark.parametrize("text", ["yes but not with Tom, with Sarah please", "not Tom, Sarah", "Sarah instead of Tom",
                                  "nicht bei Tom, sondern bei Sarah", "no, not Tom - Sarah please"])
def test_of_two_of_the_team_the_one_not_ruled_out_is_meant(text: str) -> None:
    assert read(text, ctx()).staff == "sarah"


@pytest.mark.parametrize("text", ["with Tom, not Sarah", "yes with Tom"])
def test_the_one_asked_for_stays_when_the_other_is_ruled_out(text: str) -> None:
    assert read(text, ctx()).staff == "tom"
