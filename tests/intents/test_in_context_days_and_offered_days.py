"""Against what is on the table: moves by days and weeks from the booking's own time, a time that was not
listed taken on the day the list was for, and a weekday meaning that day of the week offered."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from intents import Context, Offer, Reading, read

from intent_cases import DEMO, at

NOW = at("2026-11-23T09:00")  # a Monday
BOOKING = at("2026-11-25T10:00")  # a Wednesday
ONE_DAY = tuple(Offer(f"Mon 30 Nov, {h}", at(f"2026-11-30T{h}"), "tom") for h in ("09:00", "10:45", "12:30"))
NEXT_WEEK = tuple(Offer(f"{d} {h}", at(f"{d}T{h}"), "tom")
                  for d, h in (("2026-11-30", "09:00"), ("2026-12-01", "10:00"), ("2026-12-03", "11:30")))


def anchored(text: str) -> Reading:
    return read(text, Context(now=NOW, vocabulary=DEMO, expecting="when", anchor=BOOKING))


def offered(text: str, offers: tuple[Offer, ...]) -> Reading:
    return read(text, Context(now=NOW, vocabulary=DEMO, expecting="choice", offers=offers))


@pytest.mark.parametrize(("text", "days", "day"), [
    ("a week later", 7, date(2026, 12, 2)), ("push it back a week", 7, date(2026, 12, 2)),
    ("2 days earlier", -2, date(2026, 11, 23)), ("move it up a week", -7, date(2026, 11, 18)),
    ("eine Woche später", 7, date(2026, 12, 2)), ("zwei Tage früher", -2, date(2026, 11, 23)),
    ("einen Tag nach hinten", 1, date(2026, 11, 26)),
])
def test_a_shift_by_days_or_weeks_keeps_the_bookings_clock_time(text: str, days: int, day: date) -> None:
    r = anchored(text)
    assert r.shift == timedelta(days=days)
    assert (r.date, r.time) == (day, time(10))


@pytest.mark.parametrize("text", ["the day after tomorrow", "3 days back", "a week before christmas"])
def test_words_that_name_a_day_are_no_shift(text: str) -> None:
    assert read(text, Context(now=NOW, vocabulary=DEMO)).shift is None


@pytest.mark.parametrize(("text", "lang"), [("fine, 11 then", "en"), ("gut, dann 11", "de"), ("ok 11:15", "en")])
def test_a_time_not_listed_is_taken_on_the_day_the_list_was_for(text: str, lang: str) -> None:
    r = offered(text, ONE_DAY)
    assert r.pick is None and r.intent == "book"
    assert r.date == date(2026, 11, 30) and r.time is not None and r.time.hour == 11


@pytest.mark.parametrize("text", ["fine, 11 then", "ok the 3pm one", "dann lieber um 15 Uhr"])
def test_a_time_not_listed_when_the_list_spans_several_days_is_that_time_on_each_of_them(text: str) -> None:
    """Not today's or tomorrow's: the days the customer is looking at (Monday to Thursday), at that time."""
    r = offered(text, NEXT_WEEK)
    assert r.date is None and r.intent == "book"
    assert (r.start, r.end) == (at("2026-11-30T00:00"), at("2026-12-04T00:00"))
    assert r.daily is not None and r.daily[0].hour in (11, 15) and r.daily[0].minute == 0


@pytest.mark.parametrize(("text", "pick", "clock"), [
    ("ok thursday 11 then", None, time(11)), ("dann Donnerstag um 11", None, time(11)),
    ("thursday 11:30", 3, time(11, 30)), ("the tuesday one", 2, time(10)),
])
def test_a_weekday_means_that_day_of_the_week_offered(text: str, pick: int | None, clock: time) -> None:
    r = offered(text, NEXT_WEEK)
    assert r.pick == pick
    assert r.date == (date(2026, 12, 3) if "thu" in text.lower() or "donn" in text.lower() else date(2026, 12, 1))
    assert r.time == clock


def test_a_weekday_with_a_date_of_its_own_is_kept() -> None:
    assert offered("thursday 26th at 11", NEXT_WEEK).date == date(2026, 11, 26)
    assert offered("this thursday at 11", NEXT_WEEK).date == date(2026, 11, 26)


def test_the_unclear_day_keeps_the_time_said_with_it() -> None:
    r = read("Haarschnitt bei Sarah am Donstag um 10", Context(now=NOW, vocabulary=DEMO))
    assert r.unclear == "Donstag" and r.date is None and r.time == time(10)


@pytest.mark.parametrize(("text", "hours"), [
    ("the afternoon would be best", ("12:00", "17:00")), ("lieber nachmittags", ("12:00", "17:00")),
    ("between 2 and 4?", ("14:00", "16:00")), ("morning?", ("08:00", "12:00")),
])
def test_hours_without_a_day_are_those_hours_of_the_one_day_offered(text: str, hours: tuple[str, str]) -> None:
    r = offered(text, ONE_DAY)
    assert r.start is not None and r.end is not None and r.start.date() == date(2026, 11, 30)
    assert (r.start.strftime("%H:%M"), r.end.strftime("%H:%M")) == hours


def test_hours_with_a_day_of_their_own_keep_it() -> None:
    r = offered("tomorrow afternoon", ONE_DAY)
    assert r.start is not None and r.start.date() == date(2026, 11, 24)


def test_hours_without_a_day_with_times_of_several_days_offered_narrow_each_of_those_days() -> None:
    r = offered("lieber nachmittags", NEXT_WEEK)
    assert (r.start.date(), (r.end - timedelta(days=1)).date()) == (date(2026, 11, 30), date(2026, 12, 3))
    assert r.daily == (time(12), time(17))


@pytest.mark.parametrize(("text", "service", "clock"), [
    ("oh and can my girlfriend get her hair colored the same day?", "coloring", None),
    ("am selben Tag noch einen Bartschnitt für meinen Mann", "beard", None),
    ("a beard trim the same day as my haircut", "beard", None), ("same day at 3 for a beard trim", "beard", time(15)),
])
def test_the_same_day_is_the_day_of_their_booking(text: str, service: str, clock: time | None) -> None:
    """The dialogue takes the day of the booking just made (or their next); a time said with it stays."""
    r = read(text, Context(now=NOW, vocabulary=DEMO))
    assert (r.intent, r.same_day, r.service, r.time, r.date) == ("book", True, service, clock, None)


@pytest.mark.parametrize("text", ["book that day at 3", "the same day please"])
def test_that_day_or_the_same_day_under_times_offered_is_not_their_bookings_day(text: str) -> None:
    assert not offered(text, ONE_DAY).same_day


@pytest.mark.parametrize(("text", "day", "clock"), [
    ("can I move it to the day after, same time?", date(2026, 11, 26), time(10)),
    ("move it to the next day please", date(2026, 11, 26), time(10)),
    ("kann ich ihn auf den Tag danach verschieben?", date(2026, 11, 26), time(10)),
    ("am Tag davor?", date(2026, 11, 24), time(10)),
    ("the day before at 3?", date(2026, 11, 24), time(15)),
    ("the week after, same time", date(2026, 12, 2), time(10)), ("in der Woche davor?", date(2026, 11, 18), time(10)),
])
def test_the_day_after_or_before_counts_from_the_booking(text: str, day: date, clock: time) -> None:
    """Not "the day after tomorrow" (a date of its own): a day on from the booking being moved, at its time unless
    another is said."""
    r = anchored(text)
    assert (r.date, r.time) == (day, clock)


@pytest.mark.parametrize("text", ["the day after tomorrow", "when is the next day off", "the day after my birthday"])
def test_other_days_after_are_no_shift(text: str) -> None:
    assert anchored(text).shift is None


@pytest.mark.parametrize(("text", "day"), [
    ("haircut, what's the latest you have tomorrow?", date(2026, 11, 24)),
    ("coloring as late as possible on friday", date(2026, 11, 27)),
    ("ich hätte gern den letzten Termin am Freitag", date(2026, 11, 27)),
    ("Haarschnitt morgen so spät wie möglich", date(2026, 11, 24)),
])
def test_the_latest_asks_for_the_last_free_times_of_the_day(text: str, day: date) -> None:
    r = read(text, Context(now=NOW, vocabulary=DEMO))
    assert r.intent in ("book", "availability") and (r.latest, r.date, r.time) == (True, day, None)


def test_the_latest_under_times_offered_is_the_last_of_those_days() -> None:
    r = offered("what's the latest you have?", NEXT_WEEK)
    assert r.latest and (r.start, r.end) == (at("2026-11-30T00:00"), at("2026-12-04T00:00"))


@pytest.mark.parametrize("text", ["what's the latest news", "six in the evening at the latest",
                                  "not the latest, the earliest please"])
def test_other_latests_are_not(text: str) -> None:
    assert not read(text, Context(now=NOW, vocabulary=DEMO)).latest


def test_and_my_son_the_same_day_is_a_booking_for_him_under_his_name() -> None:
    r = read("and my son Max the same day, haircut too?", Context(now=NOW, vocabulary=DEMO))
    assert (r.intent, r.same_day, r.service, r.for_others, r.name) == ("book", True, "haircut", 1, "Max")


def alone(text: str) -> Reading:
    """Read with nothing on the table: the dialogue knows whether a booking was just made."""
    return read(text, Context(now=NOW, vocabulary=DEMO))


@pytest.mark.parametrize("text", ["actually can you make it 10:45 instead", "I'd rather come at 3",
                                  "kannst du es lieber auf 11:30 legen?", "stattdessen Freitag um 9?"])
def test_make_it_instead_with_nothing_on_the_table_is_a_correction(text: str) -> None:
    """Right after booking, the dialogue moves the booking just made."""
    r = alone(text)
    assert r.correction and r.has_when


@pytest.mark.parametrize("text", ["can I also book a beard trim tomorrow at 3 instead of waiting", "I'd rather not",
                                  "could I book another one on Friday instead", "lieber nicht",
                                  "instead of my haircut, a beard trim"])
def test_one_more_or_no_time_is_no_correction(text: str) -> None:
    assert not alone(text).correction


@pytest.mark.parametrize(("text", "again"), [
    ("same time next week too?", True), ("another one a week later please", True),
    ("kann ich nächste Woche zur gleichen Zeit nochmal kommen?", True),
    ("can I come a week later?", False), ("geht es auch eine Stunde später?", False),
])
def test_too_or_again_with_a_relative_time_asks_for_the_same_once_more(text: str, again: bool) -> None:
    """"Too", "again", "nochmal": one more like the booking just made; without them, that booking moved."""
    r = alone(text)
    assert (r.shift is not None or r.same_time) and r.same_again is again


@pytest.mark.parametrize(("text", "clock"), [("10", time(10)), ("13", time(13)), ("ok 9 then", time(9)),
                                             ("um 12 bitte", time(12))])
def test_a_number_no_option_has_is_the_hour(text: str, clock: time) -> None:
    """Three times offered: "10" cannot be an option's number, so it is the hour."""
    assert offered(text, ONE_DAY).time == clock


@pytest.mark.parametrize(("text", "number"), [("2", 2), ("3 please", 3)])
def test_a_number_an_option_has_is_that_options_number(text: str, number: int) -> None:
    """The dialogue picks the option by it; it is no 2 o'clock."""
    r = offered(text, ONE_DAY)
    assert (r.number, r.time) == (number, None)


@pytest.mark.parametrize(("said_before", "text", "name"), [
    ("can i bring my son along? he's 5", "could he get a haircut at the same time?", None),
    ("meine Tochter Mia möchte auch mitkommen", "kann sie auch einen Haarschnitt bekommen?", "Mia"),
    ("my wife Anna is coming too", "can you book her a coloring for friday?", None),
])
def test_he_or_she_after_naming_someone_is_a_booking_for_them(said_before: str, text: str, name: str | None) -> None:
    r = read(text, Context(now=NOW, vocabulary=DEMO, recent=(("customer", said_before), ("bot", "…"))))
    assert (r.intent, r.for_others) == ("book", 1) and (name is None or r.name == name)


@pytest.mark.parametrize(("said_before", "text"), [
    ("I'd like a haircut", "could he get a haircut at the same time?"),  # nobody named: "he" is no one we know
    ("me and my two kids", "can she come at 3?"),
])
def test_he_or_she_with_no_one_person_named_before_is_no_one(said_before: str, text: str) -> None:
    r = read(text, Context(now=NOW, vocabulary=DEMO, recent=(("customer", said_before),)))
    assert r.for_others == 0
