"""Dates, times and periods resolve against the given `now`, into the future, DST-correct."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from intents import read

from intent_cases import ctx

FRI = "2026-03-27T10:00"  # Friday; Berlin moves to summer time on Sunday 2026-03-29
OCT = "2026-10-23T10:00"  # Friday; Berlin moves back to winter time on Sunday 2026-10-25
JAN31 = "2026-01-31T10:00"  # Saturday, last day of the month
DEC30 = "2026-12-30T10:00"  # Wednesday, end of the year
JUNE = "2026-06-10T10:00"  # Wednesday


def _day(text: str, now: str = FRI, lang: str | None = None) -> str | None:
    r = read(text, ctx(now, lang))
    return r.date.isoformat() if r.date else None


def _time(text: str, now: str = FRI, lang: str | None = None) -> str | None:
    r = read(text, ctx(now, lang))
    return r.time.strftime("%H:%M") if r.time else None


def _period(text: str, now: str = FRI, lang: str | None = None) -> tuple[str | None, str | None]:
    r = read(text, ctx(now, lang))
    return (r.start.isoformat() if r.start else None, r.end.isoformat() if r.end else None)


@pytest.mark.parametrize("text, now, expected", [
    # absolute
    ("March 7", JUNE, "2027-03-07"),
    ("7th of March", JUNE, "2027-03-07"),
    ("am 7.3.", JUNE, "2027-03-07"),
    ("07.03.2027", JUNE, "2027-03-07"),
    ("2027-03-07", JUNE, "2027-03-07"),
    ("am 7. März", JUNE, "2027-03-07"),
    ("on the 14th", JUNE, "2026-06-14"),
    ("the 3rd", JUNE, "2026-07-03"),
    ("June 20th", JUNE, "2026-06-20"),
    ("Dec 3, 2026", JUNE, "2026-12-03"),
    # month ends and year ends
    ("tomorrow", JAN31, "2026-02-01"),
    ("the 30th", JAN31, "2026-03-30"),
    ("in 3 days", JAN31, "2026-02-03"),
    ("January 5", DEC30, "2027-01-05"),
    ("next Tuesday", DEC30, "2027-01-05"),
    ("the 2nd", DEC30, "2027-01-02"),
    ("am 07.01.", DEC30, "2027-01-07"),
    ("morgen", DEC30, "2026-12-31"),
    ("übermorgen", DEC30, "2027-01-01"),
    # relative
    ("today", FRI, "2026-03-27"),
    ("tmrw", FRI, "2026-03-28"),
    ("tomorow at 3", FRI, "2026-03-28"),
    ("day after tomorrow", FRI, "2026-03-29"),
    ("ubermorgen", FRI, "2026-03-29"),
    ("in 3 days", FRI, "2026-03-30"),
    ("in two weeks", FRI, "2026-04-10"),
    ("in zwei Wochen", FRI, "2026-04-10"),
    ("in a week", FRI, "2026-04-03"),
    ("next Tuesday", FRI, "2026-03-31"),
    ("this Tuesday", FRI, "2026-03-31"),
    ("Tuesday", FRI, "2026-03-31"),
    ("Tuesday week", FRI, "2026-04-07"),
    ("tuesday next week", FRI, "2026-03-31"),
    ("nächsten Dienstag", FRI, "2026-03-31"),
    ("naechsten dienstag", FRI, "2026-03-31"),
    ("Dienstag nächste Woche", FRI, "2026-03-31"),
    ("am Samstag", FRI, "2026-03-28"),
    ("this Saturday", FRI, "2026-03-28"),
    ("next Friday", FRI, "2026-04-03"),
    ("Friday next week", FRI, "2026-04-03"),
    ("wednsday", FRI, "2026-04-01"),
    ("heute", FRI, "2026-03-27"),
    ("How about Monday the 6th?", FRI, "2026-04-06"),
    ("move it from Tuesday to Thursday", FRI, "2026-04-02"),
])
def test_dates(text: str, now: str, expected: str) -> None:
    assert _day(text, now) == expected


@pytest.mark.parametrize("text, lang, expected", [
    ("2pm", "en", "14:00"),
    ("2 p.m.", "en", "14:00"),
    ("at 2:30pm", "en", "14:30"),
    ("14:00", None, "14:00"),
    ("um 14.00", "de", "14:00"),
    ("14h", None, "14:00"),
    ("14 Uhr", "de", "14:00"),
    ("noon", "en", "12:00"),
    ("midday", "en", "12:00"),
    ("halb drei", "de", "14:30"),
    ("um halb 11", "de", "10:30"),
    ("viertel nach drei", "de", "15:15"),
    ("viertel vor vier", "de", "15:45"),
    ("quarter to four", "en", "15:45"),
    ("quarter past 10", "en", "10:15"),
    ("half past 12 in the afternoon", "en", "12:30"),
    ("at 2", "en", "14:00"),  # opening hours 9-18 say afternoon
    ("tmrw arnd 3", "en", "15:00"),  # written short: "around", "about"
    ("abt 11", "en", "11:00"),
    ("at 10", "en", "10:00"),
    ("um 3", "de", "15:00"),
    ("5 in the evening", "en", "17:00"),
    ("evening 6:30", "en", "18:30"),
    ("three in the afternoon", "en", "15:00"),
    ("tomorrow at 3", "en", "15:00"),
    ("morgen um 10", "de", "10:00"),
    ("4 o'clock", "en", "16:00"),
    ("tonight at 7", "en", "19:00"),
    ("9am", "en", "09:00"),
    ("10 am am Montag", "de", None),  # German "am Montag" is not a.m.
])
def test_times(text: str, lang: str | None, expected: str | None) -> None:
    got = _time(text, FRI, lang)
    if expected is None and lang == "de":
        return  # only checks that it does not raise; see test_german_am below
    assert got == expected


def test_german_am_is_not_ante_meridiem() -> None:
    r = read("um 10 am Montag", ctx(FRI, "de"))
    assert r.time is not None and r.time.strftime("%H:%M") == "10:00"
    assert r.date is not None and r.date.isoformat() == "2026-03-30"


@pytest.mark.parametrize("text, now, start, end", [
    # Friday afternoon of the DST week: offsets change between Saturday and Monday
    ("Monday afternoon", FRI, "2026-03-30T12:00:00+02:00", "2026-03-30T17:00:00+02:00"),
    ("this weekend", FRI, "2026-03-28T00:00:00+01:00", "2026-03-30T00:00:00+02:00"),
    ("am Wochenende", FRI, "2026-03-28T00:00:00+01:00", "2026-03-30T00:00:00+02:00"),
    ("next week", FRI, "2026-03-30T00:00:00+02:00", "2026-04-06T00:00:00+02:00"),
    ("nächste Woche", OCT, "2026-10-26T00:00:00+01:00", "2026-11-02T00:00:00+01:00"),
    ("Sunday morning", OCT, "2026-10-25T08:00:00+01:00", "2026-10-25T12:00:00+01:00"),
    ("Saturday evening", OCT, "2026-10-24T17:00:00+02:00", "2026-10-24T21:00:00+02:00"),
    ("this week", FRI, "2026-03-27T00:00:00+01:00", "2026-03-30T00:00:00+02:00"),
    ("Friday afternoon", "2026-03-25T10:00", "2026-03-27T12:00:00+01:00", "2026-03-27T17:00:00+01:00"),
    ("between the 3rd and the 5th", FRI, "2026-04-03T00:00:00+02:00", "2026-04-06T00:00:00+02:00"),
    ("vom 3. bis 5. April", FRI, "2026-04-03T00:00:00+02:00", "2026-04-06T00:00:00+02:00"),
    ("tomorrow after 5pm", FRI, "2026-03-28T17:00:00+01:00", "2026-03-28T18:00:00+01:00"),
    ("Monday after 5", FRI, "2026-03-30T17:00:00+02:00", "2026-03-30T18:00:00+02:00"),
    ("tomorrow before noon", FRI, "2026-03-28T09:00:00+01:00", "2026-03-28T12:00:00+01:00"),
    ("morgen zwischen 14 und 16 Uhr", FRI, "2026-03-28T14:00:00+01:00", "2026-03-28T16:00:00+01:00"),
    ("Monday between 2 and 4", FRI, "2026-03-30T14:00:00+02:00", "2026-03-30T16:00:00+02:00"),
    ("nachmittags am Montag", FRI, "2026-03-30T12:00:00+02:00", "2026-03-30T17:00:00+02:00"),
    ("Montag vormittags", FRI, "2026-03-30T08:00:00+02:00", "2026-03-30T12:00:00+02:00"),
    ("Montag abends", FRI, "2026-03-30T17:00:00+02:00", "2026-03-30T21:00:00+02:00"),
    ("Monday arvo", FRI, "2026-03-30T12:00:00+02:00", "2026-03-30T17:00:00+02:00"),
    ("Monday aftn", FRI, "2026-03-30T12:00:00+02:00", "2026-03-30T17:00:00+02:00"),
    ("mon mrng", FRI, "2026-03-30T08:00:00+02:00", "2026-03-30T12:00:00+02:00"),
    ("sometime next week after 4", FRI, "2026-03-30T00:00:00+02:00", "2026-04-06T00:00:00+02:00"),
    ("end of the month", FRI, "2026-03-27T00:00:00+01:00", "2026-04-01T00:00:00+02:00"),
])
def test_periods(text: str, now: str, start: str, end: str) -> None:
    assert _period(text, now) == (start, end)


@pytest.mark.parametrize("text, now, start, end, daily", [
    # weekdays with a week: its Monday to Friday, never its Saturday
    ("any weekday morning next week", JUNE, "2026-06-15T00:00:00+02:00", "2026-06-20T00:00:00+02:00", "08:00-12:00"),
    ("werktags nächste Woche", JUNE, "2026-06-15T00:00:00+02:00", "2026-06-20T00:00:00+02:00", None),
    # without one: the rest of this week's weekdays, from a Friday on next week's
    ("haircut after 6pm on weekdays", JUNE, "2026-06-10T00:00:00+02:00", "2026-06-13T00:00:00+02:00", "18:00-24:00"),
    ("unter der Woche vormittags", JUNE, "2026-06-10T00:00:00+02:00", "2026-06-13T00:00:00+02:00", "08:00-12:00"),
    ("during the week after 5pm", FRI, "2026-03-30T00:00:00+02:00", "2026-04-04T00:00:00+02:00", "17:00-24:00"),
])
def test_weekdays_are_monday_to_friday(text: str, now: str, start: str, end: str, daily: str | None) -> None:
    r = read(text, ctx(now))
    assert _period(text, now) == (start, end)
    assert (f"{r.daily[0]:%H:%M}-{'24:00' if r.daily[1].hour == 23 else format(r.daily[1], '%H:%M')}"
            if r.daily else None) == daily


def test_the_week_of_a_date_is_still_that_week_and_a_day_said_with_weekdays_is_that_day() -> None:
    assert _period("during the week of the 6th", FRI) == ("2026-04-06T00:00:00+02:00", "2026-04-13T00:00:00+02:00")
    assert _day("I work on weekdays, is Saturday possible?", FRI) == "2026-03-28"


def test_a_wall_time_skipped_by_dst_is_moved_past_the_gap() -> None:
    r = read("Sunday between 2:30 and 4", ctx(FRI, "en"))
    assert r.start is not None and r.start.isoformat() == "2026-03-29T15:30:00+02:00" or r.start.hour >= 3


def test_now_comes_from_the_context_not_the_machine_clock() -> None:
    assert _day("tomorrow", "2031-07-15T10:00") == "2031-07-16"
    assert _day("tomorrow", "1999-12-31T23:30") == "2000-01-01"


def test_other_zones_give_their_own_offsets() -> None:
    r = read("tomorrow afternoon", ctx("2019-03-09T08:00", "en", zone="America/Los_Angeles"))
    assert r.start is not None and r.start.isoformat() == "2019-03-10T12:00:00-07:00"


@pytest.mark.parametrize("text", [
    "what's the weather like", "that's all for today, thanks", "I have 2 kids", "24/7 support?",
    "good morning", "Guten Morgen", "have a nice weekend", "the second one",
])
def test_no_spurious_dates(text: str) -> None:
    r = read(text, ctx(FRI))
    assert r.date is None and r.time is None and r.start is None


@pytest.mark.parametrize("text, expected_day, expected_time", [
    # German weekday abbreviations, and the same letters as ordinary words
    ("Haarschnitt nächsten Di gegen halb 3", "2027-01-05", "14:30"),
    ("am Fr. um 10", "2027-01-01", "10:00"),
    ("Do 14 Uhr", "2026-12-31", "14:00"),
    ("was machst du so", None, None),
    ("so what do you have", None, None),
    # English short forms; "sat" as a verb is not Saturday
    ("next sat at 11", "2027-01-02", "11:00"),
    ("Mon 10am", "2027-01-04", "10:00"),
    ("I sat down", None, None),
    # German day-part compounds
    ("Montagabend um 18 Uhr", "2027-01-04", "18:00"),
    # a day in the past is still read, so the bot can say it has passed
    ("yesterday at 10", "2026-12-29", "10:00"),
    ("gestern", "2026-12-29", None),
])
def test_abbreviations_compounds_and_past_days(text, expected_day, expected_time):
    assert (_day(text, DEC30), _time(text, DEC30)) == (expected_day, expected_time)


def test_a_day_part_compound_gives_its_period():
    assert _period("Was ist am Freitagnachmittag frei?", DEC30) == (
        "2027-01-01T12:00:00+01:00", "2027-01-01T17:00:00+01:00")


@pytest.mark.parametrize("text, lang", [
    ("ich kann morgen leider nicht kommen", "de"),
    ("ich schaffe es morgen nicht", "de"),
    ("I can't make it tomorrow after all", "en"),
])
def test_not_being_able_to_come_is_a_cancellation_of_that_day(text, lang):
    r = read(text, ctx(DEC30, lang))
    assert (r.intent, r.date.isoformat()) == ("cancel", "2026-12-31")


def test_a_service_written_as_a_noun_is_not_taken_for_a_person():
    r = read("Hallo, ich brauche einen Termin zum Färben", ctx(DEC30, "de"))
    assert (r.intent, r.service, r.staff_text) == ("book", "coloring", None)


@pytest.mark.parametrize("text, start, end", [
    ("Ende März", "2026-03-27T00:00:00+01:00", "2026-04-01T00:00:00+02:00"),
    ("end of April", "2026-04-24T00:00:00+02:00", "2026-05-01T00:00:00+02:00"),
    ("early May", "2026-05-01T00:00:00+02:00", "2026-05-08T00:00:00+02:00"),
    ("Anfang April", "2026-04-01T00:00:00+02:00", "2026-04-08T00:00:00+02:00"),
    ("beginning of January", "2027-01-01T00:00:00+01:00", "2027-01-08T00:00:00+01:00"),
    ("from 2 to 4", "2026-03-27T14:00:00+01:00", "2026-03-27T16:00:00+01:00"),
    ("as soon as possible", "2026-03-27T00:00:00+01:00", "2026-04-03T00:00:00+02:00"),
    ("so bald wie möglich", "2026-03-27T00:00:00+01:00", "2026-04-03T00:00:00+02:00"),
])
def test_parts_of_named_months_ranges_and_asap(text, start, end):
    assert _period(text, FRI) == (start, end)


@pytest.mark.parametrize("text, expected", [
    ("a week from today", "2026-04-03"),
    ("two weeks from now", "2026-04-10"),
])
def test_weeks_from_today(text, expected):
    assert _day(text, FRI) == expected


@pytest.mark.parametrize("text, expected", [("ten to four", "15:50"), ("10 to 4", "15:50"), ("3 minutes to 4", "15:57")])
def test_minutes_to_the_hour(text, expected):
    assert _time(text, FRI) == expected


@pytest.mark.parametrize("text, expected", [
    ("am dritten November", "2026-11-03"),
    ("am ersten Dezember um 10", "2026-12-01"),
    ("Christmas Eve", "2026-12-24"),
    ("Heiligabend vormittags", "2026-12-24"),
    ("Silvester um 11", "2026-12-31"),
    ("New Year's Day", "2027-01-01"),
])
def test_german_ordinal_words_and_holidays(text, expected):
    assert _day(text, OCT) == expected


@pytest.mark.parametrize("text, start", [
    ("in December", "2026-12-01T00:00:00+01:00"),
    ("im Dezember", "2026-12-01T00:00:00+01:00"),
    ("sometime in March", "2027-03-01T00:00:00+01:00"),
])
def test_a_month_on_its_own_is_the_whole_month(text, start):
    assert _period(text, OCT)[0] == start


@pytest.mark.parametrize("text, lang, hours", [
    ("any afternoon next week?", "en", ("12:00", "17:00")),
    ("a haircut next week in the morning", "en", ("08:00", "12:00")),
    ("next week after 4pm", "en", ("16:00", "24:00")),
    ("next week before 11", "en", ("00:00", "11:00")),
    ("next week at 3pm", "en", ("15:00", "15:01")),
    ("nächste Woche zwischen 14 und 16 Uhr", "de", ("14:00", "16:00")),
    ("nächste Woche vormittags", "de", ("08:00", "12:00")),
    ("am Wochenende nachmittags", "de", ("12:00", "17:00")),
])
def test_hours_said_with_a_period_of_days_narrow_each_day_of_it(text, lang, hours) -> None:
    r = read(text, ctx(JUNE, lang))
    assert r.start is not None and (r.end - r.start).days >= 2, "the days stay the period"
    until = "24:00" if r.daily[1].hour == 23 and r.daily[1].minute == 59 else r.daily[1].strftime("%H:%M")
    assert (r.daily[0].strftime("%H:%M"), until) == hours


@pytest.mark.parametrize("text", ["tomorrow afternoon", "next week", "on Friday between 2 and 4", "next week between 4 and 2"])
def test_a_single_day_or_a_bare_period_has_no_hours_of_each_day(text) -> None:
    assert read(text, ctx(JUNE, "en")).daily is None


DEC9 = "2026-12-09T10:00"  # Wednesday


@pytest.mark.parametrize("text, lang, expected", [
    ("übernächste Woche Dienstag", "de", "2026-12-22"),
    ("Dienstag übernächste Woche", "de", "2026-12-22"),
    ("übernächste Woche am Dienstag um 10", "de", "2026-12-22"),
    ("the week after next on Tuesday", "en", "2026-12-22"),
    ("Tuesday the week after next", "en", "2026-12-22"),
    ("next week Tuesday", "en", "2026-12-15"),
    ("Tuesday or next week", "en", "2026-12-15"),
    ("Friday at the end of the month", "en", "2026-12-25"),
    ("Tuesday early next week", "en", "2026-12-15"),
    ("a week on Friday", "en", "2026-12-18"),  # British: the Friday after the coming one
    ("a week from Friday", "en", "2026-12-18"),
    ("tomorrow week", "en", "2026-12-17"),
    ("a week tomorrow", "en", "2026-12-17"),
    ("morgen in einer Woche", "de", "2026-12-17"),
    ("a week from today", "en", "2026-12-16"),
    ("Monday week", "en", "2026-12-21"),
    ("in 2 weeks on Tuesday", "en", "2026-12-29"),  # as "Tuesday in two weeks": the coming Tuesday, two weeks on
    ("in zwei Wochen am Dienstag", "de", "2026-12-29"),
    ("Dienstag in zwei Wochen", "de", "2026-12-29"),
])
def test_a_day_said_with_a_week_is_that_weeks_or_a_week_later(text, lang, expected) -> None:
    assert _day(text, DEC9, lang) == expected


@pytest.mark.parametrize("text, expected", [
    ("Anfang nächster Woche", ("2026-12-14T00:00:00+01:00", "2026-12-17T00:00:00+01:00")),
    ("Ende nächster Woche", ("2026-12-18T00:00:00+01:00", "2026-12-21T00:00:00+01:00")),
    ("Mitte kommender Woche", ("2026-12-15T00:00:00+01:00", "2026-12-20T00:00:00+01:00")),
])
def test_the_start_middle_and_end_of_next_week_in_the_genitive(text, expected) -> None:
    assert _period(text, DEC9, "de") == expected



@pytest.mark.parametrize("text, lang, first, last", [
    ("between Monday and Wednesday", "en", "2026-12-14", "2026-12-16"),
    ("haircut Monday to Wednesday", "en", "2026-12-14", "2026-12-16"),
    ("Monday to Wednesday next week", "en", "2026-12-14", "2026-12-16"),
    ("Friday to Monday", "en", "2026-12-11", "2026-12-14"),
    ("Friday or Saturday", "en", "2026-12-11", "2026-12-12"),
    ("Monday or Tuesday afternoon", "en", "2026-12-14", "2026-12-15"),
    ("can you move it to Monday or Tuesday?", "en", "2026-12-14", "2026-12-15"),
    ("between Christmas and New Year", "en", "2026-12-25", "2027-01-01"),
    ("between Monday and the 15th", "en", "2026-12-14", "2026-12-15"),
    ("Montag bis Mittwoch", "de", "2026-12-14", "2026-12-16"),
    ("zwischen Montag und Mittwoch nächste Woche", "de", "2026-12-14", "2026-12-16"),
    ("Montag oder Dienstag nachmittags", "de", "2026-12-14", "2026-12-15"),
    ("zwischen Weihnachten und Neujahr", "de", "2026-12-25", "2027-01-01"),
    ("zwischen den Jahren", "de", "2026-12-27", "2026-12-30"),
    ("the first week of January", "en", "2027-01-01", "2027-01-07"),
    ("haircut in the 3rd week of December", "en", "2026-12-15", "2026-12-21"),
    ("the last week of March", "en", "2027-03-25", "2027-03-31"),
    ("in der ersten Januarwoche", "de", "2027-01-01", "2027-01-07"),
    ("die zweite Woche im Januar", "de", "2027-01-08", "2027-01-14"),
    ("letzte Woche im Dezember", "de", "2026-12-25", "2026-12-31"),
])
def test_two_days_said_together_and_a_week_of_a_month_are_the_days_from_first_to_last(text, lang, first, last) -> None:
    r = read(text, ctx(DEC9, lang))
    assert r.date is None and r.start is not None and r.end is not None
    assert (r.start.date().isoformat(), (r.end - timedelta(days=1)).date().isoformat()) == (first, last)


@pytest.mark.parametrize("text, lang, expected", [
    ("Monday or Thursday", "en", "2026-12-14"),  # not the days between: the first, as before
    ("move my appointment from Tuesday to Thursday", "en", "2026-12-17"),  # where it goes: after that Tuesday
    ("can you move it from Tuesday to Thursday at 3pm?", "en", "2026-12-17"),
    ("verschieb ihn von Dienstag auf Donnerstag", "de", "2026-12-17"),
    ("von Montag auf Dienstag", "de", "2026-12-15"),
])
def test_days_said_together_that_are_not_a_span_stay_one_day(text, lang, expected) -> None:
    assert _day(text, DEC9, lang) == expected


@pytest.mark.parametrize("text, lang, hours", [
    ("tomorrow 10 to 12", "en", ("10:00", "12:00")),
    ("Saturday 10-12", "en", ("10:00", "12:00")),
    ("morgen 9 bis 11", "de", ("09:00", "11:00")),
])
def test_two_hours_right_after_a_day_are_a_span_of_that_day(text, lang, hours) -> None:
    r = read(text, ctx(DEC9, lang))
    assert r.start is not None and r.start.date() == r.end.date()
    assert (r.start.strftime("%H:%M"), r.end.strftime("%H:%M")) == hours


@pytest.mark.parametrize("text, lang, intent", [
    ("Haarschnitt bei Sarah Montag bis Mittwoch", "de", "book"),
    ("danke, bis Mittwoch!", "de", "bye"),
])
def test_bis_with_a_weekday_says_goodbye_only_without_a_day_before_it(text, lang, intent) -> None:
    assert read(text, ctx(DEC9, lang)).intent == intent


@pytest.mark.parametrize("text, lang, intent, expected", [
    ("I can't make it today, can we do tomorrow same time?", "en", "reschedule", "2026-12-10"),
    ("I can't make it on Friday, is Monday possible?", "en", "reschedule", "2026-12-14"),
    ("Friday doesn't work for me, how about Monday?", "en", "reschedule", "2026-12-14"),
    ("heute kann ich nicht, geht es auch morgen um 15 Uhr?", "de", "reschedule", "2026-12-10"),
    ("ich kann morgen nicht, geht Freitag?", "de", "reschedule", "2026-12-11"),
    ("I can't make it tomorrow", "en", "cancel", "2026-12-10"),
    ("cancel today, can we do tomorrow instead?", "en", "reschedule", "2026-12-10"),  # a move: never neither
    ("Termin morgen absagen, lieber Freitag", "de", "reschedule", "2026-12-11"),
    ("Termin morgen absagen", "de", "cancel", "2026-12-10"),
    ("can you cancel my 10am tomorrow and book me for 3pm instead", "en", "reschedule", "2026-12-10 15:00"),
    ("kannst du meinen Termin morgen um 10 absagen und stattdessen um 15 Uhr buchen?", "de", "reschedule",
     "2026-12-10 15:00"),
    ("I can't do monday and wednesday, what about friday", "en", "reschedule", "2026-12-11"),  # the whole list
    ("I can't make it Tuesday or Thursday, how about Saturday at 10?", "en", "reschedule", "2026-12-12"),
    ("Montag und Mittwoch kann ich nicht, geht Freitag?", "de", "reschedule", "2026-12-11"),
])
def test_a_day_that_does_not_suit_with_another_offered_moves_to_the_other(text, lang, intent, expected) -> None:
    r = read(text, ctx(DEC9, lang))
    day = r.date.isoformat() if r.date else None
    assert (r.intent, f"{day} {r.time.strftime('%H:%M')}" if " " in expected else day) == (intent, expected)


@pytest.mark.parametrize("text, lang, first, last", [
    ("haircut sometime after christmas", "en", "2026-12-26", "2027-01-01"),
    ("nach Weihnachten", "de", "2026-12-26", "2027-01-01"),
    ("ab Montag", "de", "2026-12-14", "2026-12-20"),
    ("from Monday", "en", "2026-12-14", "2026-12-20"),
    ("before the 20th", "en", "2026-12-09", "2026-12-19"),
    ("vor Weihnachten noch ein Termin?", "de", "2026-12-09", "2026-12-24"),
    ("bis Freitag noch was frei?", "de", "2026-12-09", "2026-12-11"),
    ("bis Ostern", "de", "2026-12-09", "2027-02-09"),  # a far bound: the next weeks
    ("can I get a haircut the week before christmas?", "en", "2026-12-18", "2026-12-24"),
    ("the week after christmas", "en", "2026-12-26", "2027-01-01"),
    ("in der Woche vor Weihnachten", "de", "2026-12-18", "2026-12-24"),
    ("next week after work", "en", "2026-12-14", "2026-12-20"),  # no day after "after": the week stays
])
def test_a_day_said_as_a_bound_is_the_days_on_that_side_of_it(text, lang, first, last) -> None:
    r = read(text, ctx(DEC9, lang))
    assert r.date is None and r.start is not None and r.end is not None
    assert (r.start.date().isoformat(), (r.end - timedelta(days=1)).date().isoformat()) == (first, last)


@pytest.mark.parametrize("text, lang, expected", [
    ("move it from Tuesday to Thursday", "en", "2026-12-17"),  # where it is and where it goes: no bound
    ("verschieb ihn nach Freitag", "de", "2026-12-11"),
    ("the day after tomorrow", "en", "2026-12-11"),
    ("can I come by Friday?", "en", "2026-12-11"),  # "by Friday" is most often that Friday
    ("two days after christmas", "en", "2026-12-27"),
    ("zwei Tage vor Weihnachten", "de", "2026-12-23"),
    ("am Tag nach Weihnachten", "de", "2026-12-26"),
])
def test_bound_words_that_name_a_day_itself(text, lang, expected) -> None:
    assert _day(text, DEC9, lang) == expected


def test_a_wish_is_not_a_day() -> None:
    assert read("frohe Weihnachten!", ctx(DEC9, "de")).date is None
    assert read("merry christmas", ctx(DEC9, "en")).start is None


@pytest.mark.parametrize("text, lang, hours", [
    ("late afternoon tomorrow", "en", ("15:00", "17:00")),
    ("later in the afternoon", "en", ("15:00", "17:00")),
    ("tomorrow early morning", "en", ("08:00", "10:00")),
    ("early evening on friday", "en", ("17:00", "19:00")),
    ("morgen am späten Nachmittag", "de", ("15:00", "17:00")),
    ("Freitag spätnachmittags", "de", ("15:00", "17:00")),
    ("am frühen Abend", "de", ("17:00", "19:00")),
])
def test_early_and_late_are_the_first_or_last_hours_of_a_part_of_the_day(text, lang, hours) -> None:
    r = read(text, ctx(DEC9, lang))
    assert (r.start.strftime("%H:%M"), r.end.strftime("%H:%M")) == hours


@pytest.mark.parametrize("text, lang, hours", [
    ("anything after lunch tomorrow?", "en", ("13:00", "21:00")),  # to the day's end (the business's hours cut it)
    ("morgen nach der Mittagspause", "de", ("13:00", "21:00")),
    ("nach dem Mittagessen am Freitag", "de", ("13:00", "21:00")),
    ("friday before lunch", "en", ("08:00", "12:00")),
    ("around lunch tomorrow", "en", ("11:00", "14:00")),  # lunch itself
])
def test_after_lunch_is_the_rest_of_the_day_and_before_it_the_morning(text, lang, hours) -> None:
    r = read(text, ctx(DEC9, lang))
    assert (r.start.strftime("%H:%M"), r.end.strftime("%H:%M")) == hours


@pytest.mark.parametrize("text, lang, day, clock", [
    ("so um 10 morgen", "de", "2026-12-10", "10:00"),  # "so" is a filler, not Sunday
    ("so gegen 18 Uhr", "de", None, "18:00"),
    ("So 10 Uhr", "de", "2026-12-13", "10:00"),
    ("am So um 10", "de", "2026-12-13", "10:00"),
    ("could you do 3pm?", "en", None, "15:00"),  # "do" is the verb, not Thursday
    ("can you do 10 on Monday?", "en", "2026-12-14", "10:00"),
    ("Do. um 14 Uhr", "de", "2026-12-10", "14:00"),
    ("haircut for 2 at 3", "en", None, "15:00"),  # the hour is the one after "at"
])
def test_everyday_words_that_look_like_days_or_hours(text, lang, day, clock) -> None:
    r = read(text, ctx(DEC9, lang))
    assert (r.date.isoformat() if r.date else None, r.time.strftime("%H:%M") if r.time else None) == (day, clock)


def test_a_two_for_one_deal_is_no_time() -> None:
    r = read("do you do 2 for 1 deals", ctx(DEC9, "en"))
    assert r.time is None and r.intent != "book"


@pytest.mark.parametrize("text, lang, first, last", [
    ("in the next couple of days", "en", "2026-12-09", "2026-12-11"),
    ("over the next few days", "en", "2026-12-09", "2026-12-12"),
    ("within the next week", "en", "2026-12-09", "2026-12-16"),
    ("in den nächsten Tagen", "de", "2026-12-09", "2026-12-12"),
    ("the next two weeks", "en", "2026-12-09", "2026-12-23"),
])
def test_the_next_few_days_are_the_days_from_today(text, lang, first, last) -> None:
    r = read(text, ctx(DEC9, lang))
    assert (r.start.date().isoformat(), (r.end - timedelta(days=1)).date().isoformat()) == (first, last)


@pytest.mark.parametrize("text, lang, day", [
    ("this time next week", "en", "2026-12-16"), ("this time tomorrow", "en", "2026-12-10"),
    ("morgen um diese Zeit", "de", "2026-12-10"), ("nächste Woche um diese Zeit", "de", "2026-12-16"),
])
def test_this_time_is_the_clock_time_it_is_now_on_that_day(text, lang, day) -> None:
    r = read(text, ctx("2026-12-09T10:03", lang))
    assert (r.date.isoformat(), r.time.strftime("%H:%M")) == (day, "10:00")


@pytest.mark.parametrize("now, first, last", [
    ("2026-12-06T10:00", "2026-12-07", "2026-12-08"),  # a Sunday: next week starts tomorrow
    ("2026-12-07T10:00", "2026-12-14", "2026-12-15"),
    ("2026-12-09T10:00", "2026-12-14", "2026-12-15"),
])
def test_two_weekdays_said_with_a_week_are_those_days_of_that_week(now, first, last) -> None:
    r = read("haircut with Sarah Monday or Tuesday afternoon next week", ctx(now, "en"))
    assert (r.start.date().isoformat(), (r.end - timedelta(days=1)).date().isoformat()) == (first, last)


@pytest.mark.parametrize("text, lang, day, clock", [
    ("can you move it to 10 on Friday?", "en", "2026-12-11", "10:00"),  # a bare hour after "to": where it goes
    ("move it to 3", "en", None, "15:00"),
    ("can we push it to 5 tomorrow", "en", "2026-12-10", "17:00"),
    ("move my 2pm to 4", "en", None, "16:00"),  # where it is, and where it goes
    ("move my appointment from 2 to 4", "en", None, "16:00"),
    ("verschieb ihn auf 10 am Freitag", "de", "2026-12-11", "10:00"),
    ("kannst du ihn von 14 auf 16 Uhr verschieben", "de", None, "16:00"),
    ("can you change it to 4?", "en", None, "16:00"),
    ("kannst du es auf 10 ändern", "de", None, "10:00"),
])
def test_moving_to_a_bare_hour_is_the_time_it_goes_to(text, lang, day, clock) -> None:
    r = read(text, ctx(DEC9, lang))
    assert r.intent == "reschedule" and r.start is None
    assert (r.date.isoformat() if r.date else None, r.time.strftime("%H:%M") if r.time else None) == (day, clock)


@pytest.mark.parametrize("text, lang", [
    ("move it to between 2 and 4", "en"),  # a window to look in, not a time
    ("change it to 2 people", "en"),
    ("move it to the 10th", "en"),
    ("book 2 to 4 on Friday", "en"),  # no move: no time "to" goes to
    ("change the volume to 4 now please", "en"),  # a change, but of nothing booked
])
def test_a_number_after_to_that_is_no_time_it_goes_to_stays_what_it_was(text, lang) -> None:
    r = read(text, ctx(DEC9, lang))
    assert r.time is None


@pytest.mark.parametrize("text, lang, day", [
    ("haircut tomorrow after work", "en", "2026-12-10"),
    ("can I come after work on friday?", "en", "2026-12-11"),
    ("morgen nach Feierabend", "de", "2026-12-10"),
    ("nach der Arbeit am Montag", "de", "2026-12-14"),
])
def test_after_work_is_the_evening(text, lang, day) -> None:
    r = read(text, ctx(DEC9, lang))
    assert (r.start.date().isoformat(), r.start.strftime("%H:%M"), r.end.strftime("%H:%M")) == (day, "17:00", "21:00")


@pytest.mark.parametrize("text, lang, clock", [
    ("coloring next Monday at 10. My email is anna@example.com", "en", "10:00"),  # a sentence ends after the hour
    ("um 10. Danke!", "de", "10:00"),
    ("a cab for 4. A shared ride is fine.", "en", None),  # people, at a sentence's end
])
def test_an_hour_at_the_end_of_a_sentence(text, lang, clock) -> None:
    r = read(text, ctx(DEC9, lang))
    assert (r.time.strftime("%H:%M") if r.time else None) == clock


@pytest.mark.parametrize("text, lang, said", [
    ("haircut on the 31st of february", "en", "the 31st of february"),
    ("haircut on february 30", "en", "february 30"),
    ("haircut on 31.04.", "de", "31.04"),
    ("Haarschnitt am 30. Februar um 10", "de", "am 30. Februar"),
])
def test_a_date_no_calendar_has_is_asked_about_not_read_as_another(text, lang, said) -> None:
    r = read(text, ctx(DEC9, lang))
    assert (r.intent, r.date, r.unclear) == ("book", None, said)  # "the 31st" alone was the 31st of this month


@pytest.mark.parametrize("text, day", [("haircut on feb 29", "2028-02-29"), ("haircut on the 31st of march", "2027-03-31")])
def test_a_date_that_exists_is_read(text, day) -> None:
    r = read(text, ctx(DEC9))
    assert str(r.date) == day and r.unclear is None


@pytest.mark.parametrize("text, lang, part_from", [
    ("need haircut + beard trim sat morning", "en", "08:00"), ("haircut sat afternoon", "en", "12:00"),
    ("Haarschnitt Sa vormittag", "de", "08:00"),
])
def test_a_short_weekday_before_a_part_of_the_day_is_that_day(text, lang, part_from) -> None:
    r = read(text, ctx(DEC9, lang))
    assert str(r.date) == "2026-12-12" and r.start.strftime("%H:%M") == part_from and r.staff_text is None


def test_sat_as_a_verb_is_no_day() -> None:
    assert read("I sat down", ctx(DEC9)).date is None


@pytest.mark.parametrize("text, lang, first, last, not_days", [
    ("haircut next week but not monday", "en", "2026-12-15", "2026-12-20", (0,)),
    ("haircut next week, not on sunday", "en", "2026-12-14", "2026-12-19", (6,)),
    ("Haarschnitt nächste Woche, aber nicht Montag", "de", "2026-12-15", "2026-12-20", (0,)),
    ("haircut next week except friday", "en", "2026-12-14", "2026-12-20", (4,)),  # in the middle: left out of the offer
    ("next week, not Monday and not Tuesday", "en", "2026-12-16", "2026-12-20", (0, 1)),
    # no period of its own: the week from today
    ("any day except Fridays", "en", "2026-12-09", "2026-12-15", (4,)),
    ("anytime but Monday or Tuesday", "en", "2026-12-09", "2026-12-15", (0, 1)),
    ("except Monday, Tuesday or Friday", "en", "2026-12-09", "2026-12-15", (0, 1, 4)),
    ("other than Saturday any day works", "en", "2026-12-09", "2026-12-15", (5,)),
    ("außer montags", "de", "2026-12-09", "2026-12-15", (0,)),
    ("diese Woche, aber nicht Freitag oder Samstag", "de", "2026-12-09", "2026-12-13", (4, 5)),
])
def test_a_weekday_ruled_out_is_not_the_day(text, lang, first, last, not_days) -> None:
    r = read(text, ctx(DEC9, lang))
    assert r.date is None and (r.start.date().isoformat(), (r.end - timedelta(days=1)).date().isoformat()) == (first, last)
    assert r.not_days == not_days


def test_a_time_on_any_day_but_one_is_that_time_each_other_day() -> None:
    r = read("at 3pm any day but Monday", ctx(DEC9))
    assert (r.time, r.daily, r.not_days) == (time(15), (time(15), time(15, 1)), (0,))
    assert r.start.date().isoformat() == "2026-12-09"


@pytest.mark.parametrize("text, lang, day", [
    ("not Wednesday, Thursday", "en", "2026-12-10"),  # a correction: Thursday, not a list of days ruled out
    ("nicht am Mittwoch, sondern am Donnerstag", "de", "2026-12-10"),
    ("not Monday but Tuesday at 3", "en", "2026-12-15"),
])
def test_a_day_ruled_out_for_another_is_the_other(text, lang, day) -> None:
    r = read(text, ctx(DEC9, lang))
    assert r.date.isoformat() == day and r.start is None


def _also(r) -> list[str]:
    return [f"{day.isoformat()} {at.strftime('%H:%M')}" if at else day.isoformat() for day, at in r.also]


@pytest.mark.parametrize("text, lang, first, also", [
    ("I need a haircut next Friday and the Friday after, both at 10am", "en", "2026-12-11 10:00", ["2026-12-18 10:00"]),
    ("can I book haircuts on Monday and Wednesday at 3pm", "en", "2026-12-14 15:00", ["2026-12-16 15:00"]),
    ("haircut Friday at 10 and Saturday at 2", "en", "2026-12-11 10:00", ["2026-12-12 14:00"]),
    ("book me in for the 14th and the 21st at 10", "en", "2026-12-14 10:00", ["2026-12-21 10:00"]),
    ("haircut on monday, wednesday and friday at 9", "en", "2026-12-14 09:00", ["2026-12-16 09:00", "2026-12-18 09:00"]),
    ("haircut Friday and Monday at 11", "en", "2026-12-11 11:00", ["2026-12-14 11:00"]),  # the Monday after it
    ("Haarschnitt am Montag um 10 und am Mittwoch um 15 Uhr", "de", "2026-12-14 10:00", ["2026-12-16 15:00"]),
])
def test_more_days_said_for_appointments_of_their_own(text, lang, first, also) -> None:
    r = read(text, ctx(DEC9, lang))
    assert (r.intent, f"{r.date.isoformat()} {r.time.strftime('%H:%M')}", _also(r)) == ("book", first, also)


@pytest.mark.parametrize("text, lang", [
    ("haircut Monday or Wednesday at 3", "en"),  # a choice
    ("haircut between Monday and Wednesday", "en"),  # a period
    ("haircut Friday, the 18th at 10", "en"),  # one day said twice
    ("haircut Monday at 10 and Wednesday at 3 and 5", "en"),  # three times for two days: not guessed
    ("haircut Monday morning and Wednesday", "en"),  # a period for a day, which the list does not carry
    ("are you free on Monday and Wednesday at 3?", "en"),  # asking, not booking
    ("cancel my appointments on Monday and Wednesday", "en"),
    ("Haarschnitt Montag oder Mittwoch um 10", "de"),
])
def test_no_more_days_where_none_were_listed_to_book(text, lang) -> None:
    assert read(text, ctx(DEC9, lang)).also == ()


@pytest.mark.parametrize("text, day, clock", [
    ("the one on Friday 18", "2026-12-18", None),  # the 18th is a Friday after the coming one: that date
    ("Friday 18", "2026-12-18", None),
    ("Friday 11", "2026-12-11", "11:00"),  # the coming Friday is the 11th: a time on it, as before
    ("friday at 18", "2026-12-11", "18:00"),
    ("Freitag 18 Uhr", "2026-12-11", "18:00"),
    ("saturday 19th at 10", "2026-12-19", "10:00"),
])
def test_a_weekday_with_a_number(text, day, clock) -> None:
    r = read(text, ctx("2026-12-06T22:00"))
    assert (r.date.isoformat(), r.time.strftime("%H:%M") if r.time else None) == (day, clock)


@pytest.mark.parametrize("text", ["can i get a hiarcut tmrw arround 4 pls", "haircut tomorrow aroud 4"])
def test_around_misspelt_keeps_the_time(text: str) -> None:
    assert _time(text) == "16:00"


@pytest.mark.parametrize("text, lang, start", [
    ("anything on Friday afternoon or Saturday?", "en", "2026-12-11T12:00"),
    ("haircut friday morning or saturday", "en", "2026-12-11T08:00"),
    ("Freitagnachmittag oder Samstag?", "de", "2026-12-11T12:00"),
    ("am Freitag nachmittags oder am Samstag", "de", "2026-12-11T12:00"),
])
def test_part_of_a_day_or_the_next_day_is_the_time_from_the_one_to_the_end_of_the_other(text, lang, start) -> None:
    r = read(text, ctx(DEC9, lang))
    assert r.date is None and r.start.strftime("%Y-%m-%dT%H:%M") == start
    assert r.end.strftime("%Y-%m-%dT%H:%M") == "2026-12-13T00:00"


@pytest.mark.parametrize("text", ["Friday afternoon or Monday", "Friday afternoon and Saturday"])
def test_other_days_with_a_part_stay_the_first(text) -> None:
    r = read(text, ctx(DEC9))
    assert str(r.date) == "2026-12-11" and r.start.strftime("%H:%M") == "12:00"
