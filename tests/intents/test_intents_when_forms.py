"""Dates and times beyond the common forms, in English and German: offsets from now (forward and
back), minutes in words, day ranges, the n-th weekday of a month, holidays and misspelled weekdays.
Now is Wednesday 2026-06-10 10:00 in Berlin.
"""

from __future__ import annotations

import pytest

from intents import read
from intents.when import resolve
from intents.when.holidays import easter

from intent_cases import at, ctx

NOW = "2026-06-10T10:00"  # a Wednesday


def _read(text: str, lang: str | None = None):
    return read(text, ctx(NOW, lang))


def _point(text: str, lang: str | None = None) -> tuple[str | None, str | None]:
    r = _read(text, lang)
    return (r.date.isoformat() if r.date else None, r.time.strftime("%H:%M") if r.time else None)


def _span(text: str, lang: str | None = None) -> tuple[str | None, str | None]:
    r = _read(text, lang)
    return (r.start.isoformat(timespec="minutes") if r.start else None,
            r.end.isoformat(timespec="minutes") if r.end else None)


@pytest.mark.parametrize("text, lang, expected", [
    ("could you fit me in in 2 hours", "en", ("2026-06-10", "12:00")),
    ("in half an hour", "en", ("2026-06-10", "10:30")),
    ("in about three quarters of an hour", "en", ("2026-06-10", "10:45")),
    ("in 1.5 hours", "en", ("2026-06-10", "11:30")),
    ("in 1/2h", "en", ("2026-06-10", "10:30")),
    ("in an hour and a half", "en", ("2026-06-10", "11:30")),
    ("in anderthalb Stunden", "de", ("2026-06-10", "11:30")),
    ("in einer Viertelstunde", "de", ("2026-06-10", "10:15")),
    ("in 1,5 Stunden", "de", ("2026-06-10", "11:30")),
    ("in zwei ein halb Stunden", "de", ("2026-06-10", "12:30")),
    ("in 3 days", "en", ("2026-06-13", None)),
    ("5 days from now", "en", ("2026-06-15", None)),
    ("a week hence", "en", ("2026-06-17", None)),
    ("in 2 years", "en", ("2028-06-10", None)),
    ("in zwei Wochen", "de", ("2026-06-24", None)),
    ("2 Mondays from now", "en", ("2026-06-22", None)),
    ("3 weeks from tomorrow", "en", ("2026-07-02", None)),
    ("two weeks from Friday", "en", ("2026-06-26", None)),
    ("morgen in einer Woche", "de", ("2026-06-18", None)),
    ("in 15'", "en", ("2026-06-10", "10:15")),
    ("in ein paar Tagen", "de", ("2026-06-12", None)),
    ("Montag in einer Woche", "de", ("2026-06-22", None)),
    ("Freitag in zwei Wochen", "de", ("2026-06-26", None)),
    ("Montag der nächsten Woche", "de", ("2026-06-15", None)),
])
def test_offsets_forward(text, lang, expected):
    assert _point(text, lang) == expected


@pytest.mark.parametrize("text, lang, expected", [
    ("two weeks ago", "en", "2026-05-27"),
    ("3 days back", "en", "2026-06-07"),
    ("vor 3 Tagen", "de", "2026-06-07"),
    ("vor einer Woche", "de", "2026-06-03"),
    ("the day before yesterday", "en", "2026-06-08"),
    ("vorgestern", "de", "2026-06-08"),
    ("last tuesday", "en", "2026-06-09"),
    ("last wednesday", "en", "2026-06-03"),  # said on a Wednesday: a week ago, not today
    ("letzten Montag", "de", "2026-06-08"),
    ("Friday of last week", "en", "2026-06-05"),
    ("Donnerstag letzte Woche", "de", "2026-06-04"),
    ("2 Saturdays ago", "en", "2026-05-30"),
    ("a couple of days ago", "en", "2026-06-08"),
    ("Mittwoch vor zwei Wochen", "de", "2026-05-27"),
    ("the 20th of last month", "en", "2026-05-20"),
])
def test_past_days_are_kept_as_said(text, lang, expected):
    assert _point(text, lang)[0] == expected


@pytest.mark.parametrize("text, lang, expected", [
    ("last week", "en", ("2026-06-01T00:00+02:00", "2026-06-08T00:00+02:00")),
    ("letzte Woche", "de", ("2026-06-01T00:00+02:00", "2026-06-08T00:00+02:00")),
    ("the following week", "en", ("2026-06-15T00:00+02:00", "2026-06-22T00:00+02:00")),
    ("sometime in the upcoming week", "en", ("2026-06-15T00:00+02:00", "2026-06-22T00:00+02:00")),
])
def test_weeks_before_and_after(text, lang, expected):
    assert _span(text, lang) == expected


@pytest.mark.parametrize("text, expected", [
    ("a quarter past 3pm", "15:15"),
    ("can I come at twenty to 5pm", "16:40"),
    ("10 past noon", "12:10"),
    ("25 minutes past 2pm", "14:25"),
    ("quarter to midnight", "23:45"),
    ("nine forty-five am", "09:45"),
    ("two thirty p.m.", "14:30"),
    ("seven oh five pm", "19:05"),
    ("at 630 in the evening", "18:30"),
    ("415 pm", "16:15"),
    ("9:15:30 am", "09:15"),
    ("7:45p", "19:45"),
    ("5 o'clock pm", "17:00"),
    ("around 4ish pm", "16:00"),
    ("mid day", "12:00"),
    ("at 1545", "15:45"),
    ("at six thirty", "18:30"),  # am or pm from the opening hours
    ("15 minutes from 1pm", "13:15"),
    ("at 2019 prices", None),  # a year, not 20:19
    ("for 30 minutes", None),  # a length, not half past midnight
])
def test_clock_times_in_more_words(text, expected):
    assert _point(text, "en")[1] == expected


@pytest.mark.parametrize("text, lang, expected", [
    ("8 tonight", "en", ("2026-06-10", "20:00")),
    ("10 tomorrow morning", "en", ("2026-06-11", "10:00")),
    ("7 morgen abend", "de", ("2026-06-11", "19:00")),
    ("20 minutes to 2pm on Friday", "en", ("2026-06-12", "13:40")),
    ("Monday, 5 July", "en", ("2027-07-05", None)),  # 5 July 2026 is a Sunday
    ("Thursday, June 12", "en", ("2026-06-12", None)),  # no year near enough fits: the date as written
    ("Sonntag, der 5. Juli", "de", ("2026-07-05", None)),
    ("sat", "en", ("2026-06-13", None)),
    ("Fr.", "de", ("2026-06-12", None)),
    ("am dreissigsten Dezember", "de", ("2026-12-30", None)),
])
def test_hours_with_a_day_and_weekday_dates(text, lang, expected):
    assert _point(text, lang) == expected


@pytest.mark.parametrize("text, lang, expected", [
    ("September 7-9", "en", ("2026-09-07T00:00+02:00", "2026-09-10T00:00+02:00")),
    ("Aug 3 through Aug 6", "en", ("2026-08-03T00:00+02:00", "2026-08-07T00:00+02:00")),
    ("from the 4th to the 6th of August", "en", ("2026-08-04T00:00+02:00", "2026-08-07T00:00+02:00")),
    ("from the 14th to the 16th", "en", ("2026-06-14T00:00+02:00", "2026-06-17T00:00+02:00")),
    ("Nov 29 - Dec 2", "en", ("2026-11-29T00:00+01:00", "2026-12-03T00:00+01:00")),
    ("20 bis 22 August", "de", ("2026-08-20T00:00+02:00", "2026-08-23T00:00+02:00")),
    ("3. - 5.9.", "de", ("2026-09-03T00:00+02:00", "2026-09-06T00:00+02:00")),
    ("vom 1.10. bis zum 4.10.2027", "de", ("2027-10-01T00:00+02:00", "2027-10-05T00:00+02:00")),
    ("30.12. - 2.1.", "de", ("2026-12-30T00:00+01:00", "2027-01-03T00:00+01:00")),
    ("the 3rd through the 7th", "en", ("2026-07-03T00:00+02:00", "2026-07-08T00:00+02:00")),
    ("the week of June 22", "en", ("2026-06-22T00:00+02:00", "2026-06-29T00:00+02:00")),
    ("die Woche vom 22. Juni", "de", ("2026-06-22T00:00+02:00", "2026-06-29T00:00+02:00")),
    ("12/24 - 12/26", "en", ("2026-12-24T00:00+01:00", "2026-12-27T00:00+01:00")),
    ("24/12 bis 26/12", "de", ("2026-12-24T00:00+01:00", "2026-12-27T00:00+01:00")),
    ("2pm for 45 minutes", "en", ("2026-06-10T14:00+02:00", "2026-06-10T14:45+02:00")),
])
def test_ranges_of_days_and_lengths_of_time(text, lang, expected):
    assert _span(text, lang) == expected


@pytest.mark.parametrize("text, lang, expected", [
    ("first Monday of July", "en", "2026-07-06"),
    ("the last Friday in September", "en", "2026-09-25"),
    ("third Thursday of next month", "en", "2026-07-16"),
    ("the last day of February", "en", "2027-02-28"),
    ("zweiter Dienstag im November", "de", "2026-11-10"),
    ("letzter Sonntag im Mai", "de", "2027-05-30"),  # this year's has passed
    ("erster Freitag im Oktober 2027", "de", "2027-10-01"),
    ("am letzten Freitag im Monat", "de", "2026-06-26"),
    ("am letzten Tag des Monats", "de", "2026-06-30"),
])
def test_nth_weekday_of_a_month(text, lang, expected):
    assert _point(text, lang)[0] == expected


@pytest.mark.parametrize("text, lang, expected", [
    ("Easter Monday", "en", "2027-03-29"),
    ("Pfingstmontag", "de", "2027-05-17"),
    ("Karfreitag 2028", "de", "2028-04-14"),
    ("on Thanksgiving", "en", "2026-11-26"),
    ("the day after Labor Day", "en", "2026-09-08"),  # counted from a holiday: not the holiday itself
    ("Halloween", "en", "2026-10-31"),
    ("Tag der Deutschen Einheit", "de", "2026-10-03"),
    ("last Thanksgiving", "en", "2025-11-27"),
    ("Valentinstag nächstes Jahr", "de", "2027-02-14"),
    ("irgendwann nach Ostern", "de", None),  # after Easter is not Easter
    ("happy Easter!", "en", None),  # a wish, not a day
    ("frohe Weihnachten", "de", None),
    ("am 1. Advent", "de", "2026-11-29"),
    ("Reformationstag", "de", "2026-10-31"),
    ("an Silvester um 18 Uhr", "de", "2026-12-31"),
])
def test_holidays(text, lang, expected):
    assert _point(text, lang)[0] == expected


def test_easter_dates():
    assert [easter(y).isoformat() for y in (2024, 2025, 2026, 2027)] == [
        "2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28"]


@pytest.mark.parametrize("text, lang, expected", [
    ("i want a haircut on wendsday at 2pm", "en", ("2026-06-17", "14:00")),
    ("thrusday 11am", "en", ("2026-06-11", "11:00")),
    ("am Dinstag um 15 Uhr", "de", ("2026-06-16", "15:00")),
    ("Mitwoch nachmittag", "de", ("2026-06-17", None)),
])
def test_a_misspelled_weekday_is_corrected_when_only_one_fits(text, lang, expected):
    assert _point(text, lang)[:2] == expected


@pytest.mark.parametrize("text, lang, clock", [("haircut on thuesday at 3pm", "en", "15:00"),
                                               ("Termin am Donstag um 10", "de", "10:00")])
def test_a_misspelled_weekday_that_fits_two_days_is_not_guessed(text, lang, clock):
    r = _read(text, lang)
    assert (r.date, r.start) == (None, None)  # never today: the dialogue asks which day
    assert r.time is not None and r.time.strftime("%H:%M") == clock  # the time said stays for the day it names
    assert resolve(text.lower(), at(NOW, "Europe/Berlin"), lang).unclear is not None


@pytest.mark.parametrize("text", [
    "i'll call you in a minute", "what do you make in a year", "happy birthday", "we are open every weekday",
    "my son is 7 years old",
])
def test_everyday_phrases_stay_without_a_date(text):
    r = _read(text, "en")
    assert (r.date, r.time) == (None, None)


def test_a_count_of_people_is_not_a_time():
    assert _point("a table for 10 people from monday", "en")[1] is None
