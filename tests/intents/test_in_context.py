"""Replies read against their context: picks of offered options, changes relative to a known time,
corrections of one part, an unclear day, and "the earliest you have" — measured without the dialogue."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import pytest

from intents import Context, Offer, Reading, read
from intents.in_context import within
from intents.rules import read as rules_read

from intent_cases import DEMO, at, ctx

NOW = at("2026-11-23T09:00")  # a Monday
# what the bot offered: two Wednesday times and one on Thursday, with who is free then
OFFERS = (Offer("Wed 25 Nov, 14:00 (Sarah)", at("2026-11-25T14:00"), "sarah"),
          Offer("Wed 25 Nov, 14:30 (Tom)", at("2026-11-25T14:30"), "tom"),
          Offer("Thu 26 Nov, 11:00 (Sarah)", at("2026-11-26T11:00"), "sarah"))
BOOKING = at("2026-11-25T10:00")  # the booking being moved, or the time being confirmed


def offered(text: str) -> Reading:
    return read(text, Context(now=NOW, vocabulary=DEMO, expecting="choice", offers=OFFERS))


def anchored(text: str, expecting: str | None = "when") -> Reading:
    return read(text, Context(now=NOW, vocabulary=DEMO, expecting=expecting, anchor=BOOKING))


def plain(text: str, expecting: str | None = None) -> Reading:
    return read(text, Context(now=NOW, vocabulary=DEMO, expecting=expecting))


# --- picks ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "pick"), [
    ("the 2nd one then", 2), ("the first one", 1), ("the last one please", 3), ("the later one", 3),
    ("der erste passt", 1), ("die zweite bitte", 2), ("die letzte", 3), ("the earliest one", 1),
    ("the 2nd", 2), ("ok the 3rd", 3), ("2nd please", 2),  # not the 2nd or 3rd of the month
])
def test_a_position_picks_that_option_and_its_time(text, pick):
    r = offered(text)
    assert r.pick == pick
    assert (r.date, r.time) == (OFFERS[pick - 1].start.date(), OFFERS[pick - 1].start.time().replace(tzinfo=None))


@pytest.mark.parametrize(("text", "pick"), [
    ("fine, 11 then", 3), ("2:30 please", 2), ("14:30", 2), ("um 11 Uhr", 3), ("lieber 14 Uhr", 1),
])
def test_a_clock_time_picks_the_option_at_that_time(text, pick):
    assert offered(text).pick == pick


@pytest.mark.parametrize(("text", "pick"), [("Thursday", 3), ("the Thursday one please", 3), ("Donnerstag", 3),
                                            ("am Donnerstag bitte", 3)])
def test_a_weekday_with_one_offered_time_picks_it(text, pick):
    r = offered(text)
    assert r.pick == pick and r.date == date(2026, 11, 26) and r.time == time(11, 0)


@pytest.mark.parametrize("text", ["lieber Donnerstag", "I'd rather have Thursday", "what about Thursday?",
                                  "how about Thursday", "wie wäre es mit Donnerstag?", "anytime Thursday"])
def test_a_day_wished_for_is_that_days_times_not_the_one_listed(text):
    r = offered(text)
    assert r.pick is None and r.date == date(2026, 11, 26) and r.time is None


@pytest.mark.parametrize(("text", "pick"), [("ok Wednesday then, the first one", 1), ("Wednesday, the last one", 2),
                                            ("Mittwoch, die zweite Uhrzeit", 2), ("Thursday, the first one", 3)])
def test_a_position_said_with_a_day_counts_that_days_offered_times(text, pick):
    r = offered(text)
    assert r.pick == pick and r.time == OFFERS[pick - 1].start.time()


@pytest.mark.parametrize(("text", "pick"), [("the one with Tom", 2), ("bei Tom", 2), ("Tom please", 2)])
def test_a_staff_member_with_one_offered_time_picks_it(text, pick):
    assert offered(text).pick == pick


@pytest.mark.parametrize("text", [
    "Wednesday",  # two offered times that day
    "Sarah",  # two offered times with Sarah
    "at 4",  # no offered time at 16:00
    "the 5th one",  # only three were offered
    "what about the 2nd?",  # a day of the month: more than a bare position
    "I'd like the first appointment you have next week please, thanks a lot",  # a request of its own
])
def test_nothing_is_picked_when_the_reply_fits_no_single_option(text):
    assert offered(text).pick is None


def test_labels_alone_still_allow_a_pick_by_position_and_are_kept_as_offered():
    context = Context(now=NOW, vocabulary=DEMO, expecting="choice", offered=("Haircut", "Beard trim"))
    r = read("the second one", context)
    assert r.pick == 2 and r.date is None
    assert Context(now=NOW, offers=OFFERS).offered == tuple(o.label for o in OFFERS)


def test_no_pick_at_a_confirmation():
    r = read("the first one", Context(now=NOW, vocabulary=DEMO, expecting="confirm",
                                      offers=(Offer("Yes"), Offer("No"))))
    assert r.pick is None


# --- changes relative to a known time -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "minutes", "new"), [
    ("an hour later", 60, "2026-11-25T11:00"), ("push it back an hour", 60, "2026-11-25T11:00"),
    ("15 minutes later", 15, "2026-11-25T10:15"), ("half an hour earlier", -30, "2026-11-25T09:30"),
    ("2h later", 120, "2026-11-25T12:00"),
    ("eine Stunde später", 60, "2026-11-25T11:00"), ("eine halbe Stunde früher", -30, "2026-11-25T09:30"),
    ("15 Minuten später bitte", 15, "2026-11-25T10:15"),
])
def test_a_shift_is_resolved_against_the_anchor(text, minutes, new):
    r = anchored(text)
    assert r.shift == timedelta(minutes=minutes)
    assert (r.date, r.time) == (at(new).date(), at(new).time().replace(tzinfo=None))


def test_a_shift_without_an_anchor_names_no_time_of_its_own():
    r = plain("push it back 2h")
    assert r.shift == timedelta(hours=2) and r.time is None and r.date is None


@pytest.mark.parametrize(("text", "day"), [
    ("same time on Thursday", date(2026, 11, 26)), ("thursday same time", date(2026, 11, 26)),
    ("gleiche Uhrzeit am Donnerstag", date(2026, 11, 26)), ("zur selben Zeit am Freitag", date(2026, 11, 27)),
])
def test_same_time_on_another_day_keeps_the_anchors_clock_time(text, day):
    r = anchored(text)
    assert r.same_time and r.date == day and r.time == time(10, 0)


@pytest.mark.parametrize("text", ["same time", "the same time please", "gleiche Uhrzeit"])
def test_same_time_under_one_days_offered_times_is_that_day_at_the_anchors_time(text):
    thursday = tuple(Offer(f"Thu 26 Nov, {h}:00", at(f"2026-11-26T{h}:00")) for h in (11, 12, 15))
    r = read(text, Context(now=NOW, vocabulary=DEMO, expecting="choice", offers=thursday, anchor=BOOKING))
    assert (r.date, r.time) == (date(2026, 11, 26), time(10, 0))
    r = read(text, Context(now=NOW, vocabulary=DEMO, expecting="choice", offers=OFFERS, anchor=BOOKING))
    assert (r.date, r.time) == (date(2026, 11, 25), time(10, 0)), "offered times on two days: the anchor's own"


@pytest.mark.parametrize(("text", "direction"), [
    ("anything earlier?", -1), ("something later?", 1), ("do you have anything earlier", -1),
    ("geht es früher?", -1), ("geht's auch später?", 1), ("vielleicht etwas früher", -1),
    ("what about earlier?", -1), ("how about later?", 1), ("wie wäre es mit früher?", -1), ("was ist mit später?", 1),
])
def test_earlier_or_later_looks_before_the_first_or_after_the_last_offered_time(text, direction):
    r = offered(text)
    assert r.direction == direction and r.pick is None
    if direction < 0:
        assert (r.start, r.end) == (at("2026-11-25T00:00"), OFFERS[0].start)
    else:
        assert r.start > OFFERS[2].start and r.end == at("2026-11-27T00:00")


def test_earlier_without_offers_counts_from_the_anchor():
    r = anchored("anything earlier?", expecting="confirm")
    assert r.direction == -1 and (r.start, r.end) == (at("2026-11-25T00:00"), BOOKING)


def test_relative_words_are_read_without_any_context_too():
    assert plain("15 minutes later").shift == timedelta(minutes=15)
    assert plain("gleiche Uhrzeit").same_time
    assert plain("anything earlier?").direction == -1
    assert plain("I want a haircut on Friday").shift is None


# --- corrections ------------------------------------------------------------------------------------------


def test_make_it_3_at_the_confirmation_changes_only_the_time():
    r = anchored("actually make it 3", expecting="confirm")
    assert r.correction and r.intent == "book" and r.time == time(15, 0) and r.date is None


@pytest.mark.parametrize(("text", "day"), [
    ("oh sorry not wednesday, thursday", date(2026, 11, 26)),
    ("nicht Mittwoch, sondern Donnerstag", date(2026, 11, 26)),
    ("no not tuesday but friday", date(2026, 11, 27)),
])
def test_not_one_day_but_another_reads_the_day_that_counts(text, day):
    r = anchored(text, expecting="confirm")
    assert r.correction and r.intent == "book" and r.date == day and r.time is None


@pytest.mark.parametrize(("text", "staff"), [("with Tom instead", "tom"), ("lieber bei Sarah", "sarah")])
def test_another_staff_member_instead_is_a_correction(text, staff):
    r = anchored(text, expecting="confirm")
    assert r.correction and r.staff == staff and not r.has_when


@pytest.mark.parametrize(("text", "at"), [("can I make it 11 instead?", time(11, 0)), ("make it 3 instead", time(15, 0)),
                                        ("lieber um 11", time(11, 0))])
def test_instead_after_an_answer_with_a_button_is_a_correction(text, at):
    """Under "Book an appointment" (a button, not a time) right after a booking, "make it 11 instead" corrects it."""
    r = read(text, Context(now=NOW, vocabulary=DEMO, offers=(Offer("Book an appointment"),)))
    assert r.correction and r.time == at


@pytest.mark.parametrize(("text", "at"), [("kann ich auch schon um 8 kommen?", time(8, 0)),
                                        ("kann ich erst um 11 kommen?", time(11, 0))])
def test_earlier_or_later_than_agreed_is_a_correction(text, at):
    """"Kann ich auch schon um 8 kommen?" with nothing on the table: the time just agreed, earlier (it started a new
    booking); with a service named it is one more ("… um 8 einen Haarschnitt bekommen?")."""
    r = plain(text)
    assert r.correction and r.time == at
    assert not plain("kann ich auch schon um 8 einen Haarschnitt bekommen?").correction


def test_a_plain_yes_or_a_new_request_is_no_correction():
    assert not anchored("yes please", expecting="confirm").correction
    assert not plain("not wednesday, thursday").correction  # nothing on the table to correct


# --- an unclear day ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "word"), [
    ("haircut with Sarah on thuesday at 3pm", "thuesday"),  # Tuesday or Thursday?
    ("Haarschnitt bei Sarah am Donstag um 10", "Donstag"),  # Dienstag or Donnerstag?
])
def test_an_ambiguous_misspelled_day_is_unclear_and_no_day_is_guessed(text, word):
    r = plain(text)
    assert r.unclear == word and r.date is None and r.start is None


def test_an_unclear_day_answering_when_is_part_of_the_booking():
    assert plain("thuesday?", expecting="when").intent == "book"


def test_a_misspelling_with_one_close_day_is_read_as_that_day():
    r = plain("haircut on wendsday at 2pm")
    assert r.unclear is None and r.date == date(2026, 11, 25) and r.time == time(14, 0)


# --- the earliest free time -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "right now", "whatever's the earliest you have", "the next free one", "earliest available", "asap please",
    "as soon as possible", "sofort", "so früh wie möglich", "den nächsten freien Termin bitte", "jetzt gleich",
    "haircut with Sarah right now", "Haarschnitt bei Tom sofort", "kann ich sofort kommen?",
])
def test_the_earliest_is_a_request_for_the_first_free_time(text):
    r = plain(text)
    assert r.earliest and r.intent in ("book", "availability")
    assert r.time is None and r.date is None  # never today at the current minute, never "früh" as the morning


def test_the_earliest_on_a_day_keeps_the_day():
    r = plain("the earliest you have on Friday")
    assert r.earliest and r.date == date(2026, 11, 27)


def test_the_earliest_answering_when_is_part_of_the_booking():
    r = plain("whatever's the earliest", expecting="when")
    assert r.earliest and r.intent == "book"


@pytest.mark.parametrize("text", [
    "Not right now, thanks.", "No, I don't want to book an appointment right now.", "that's all for right now",
    "is the salon open now?", "block my bank account asap", "I'm in Santa Rosa right now",
])
def test_now_in_other_sentences_is_no_request_for_the_earliest(text):
    assert not plain(text).earliest


# --- any reader -------------------------------------------------------------------------------------------


def test_a_reading_from_another_reader_is_read_in_context_too():
    model = Reading(intent="other", lang="en", number=2)
    r = within(model, "the 2nd one then", Context(now=NOW, vocabulary=DEMO, expecting="choice", offers=OFFERS), rules_read)
    assert r.pick == 2 and r.time == time(14, 30)


def test_a_day_another_reader_found_is_not_unclear():
    model = Reading(intent="book", lang="en", date=date(2026, 11, 24), unclear="thuesday")
    assert within(model, "thuesday", Context(now=NOW, vocabulary=DEMO), rules_read).unclear is None


@pytest.mark.parametrize("text, lang, service", [
    ("can I also get a beard trim right after?", "en", "beard"),
    ("beard trim right after my haircut", "en", "beard"),  # the haircut is where it goes, not a second booking
    ("right after my haircut please", "en", None),
    ("book a haircut back to back with my coloring", "en", "haircut"),
    ("und direkt danach noch einen Bartschnitt", "de", "beard"),
    ("Bartschnitt im Anschluss an meinen Haarschnitt", "de", "beard"),
    ("gleich im Anschluss", "de", None),  # answering "when?"
    ("can I add a beard trim to that?", "en", "beard"),
    ("could you add a beard trim to my appointment?", "en", "beard"),  # read as a list of them before
    ("add on a beard trim to my haircut please", "en", "beard"),
    ("kann ich noch einen Bartschnitt dazu buchen?", "de", "beard"),
    ("einen Bartschnitt dazu?", "de", "beard"),
])
def test_right_after_their_own_booking(text, lang, service) -> None:
    r = read(text, ctx(lang=lang, expecting="when" if service is None else None))
    assert (r.intent, r.right_after, r.service, r.name) == ("book", True, service, None)
    assert r.services in ((), (service,))


@pytest.mark.parametrize("text, lang, service", [
    ("can I also add a haircut right before?", "en", "haircut"),
    ("a haircut right before my beard trim", "en", "haircut"),  # the beard trim is where it goes
    ("Haarschnitt direkt davor", "de", "haircut"),
    ("und gleich vorher noch einen Bartschnitt?", "de", "beard"),
])
def test_right_before_their_own_booking(text, lang, service) -> None:
    r = read(text, ctx(lang=lang))
    assert (r.intent, r.right_before, r.right_after, r.service) == ("book", True, False, service)


@pytest.mark.parametrize("text", ["I'll arrive right before 10", "right before lunch, a haircut", "what was before?",
                                  "haircut before Friday"])
def test_before_something_else_is_no_booking_of_theirs(text) -> None:
    assert not read(text, ctx()).right_before


@pytest.mark.parametrize("text", ["right after lunch, a haircut", "I'll come right after work", "und danach?",
                                  "add me to the waiting list", "what's your address?",
                                  "Dazu habe ich eine Frage zum Haarschnitt", "add a haircut on Friday"])
def test_after_something_else_is_no_booking_of_theirs(text) -> None:
    assert not read(text, ctx()).right_after


@pytest.mark.parametrize("text, lang", [
    ("I'll be there!", "en"), ("great, I'll make it", "en"), ("ok, I'll be there on time", "en"),
    ("ich komme wie geplant", "de"), ("alles klar, ich bin dabei", "de"),
    ("I'll be there tomorrow", "en"), ("ich komme morgen wie geplant", "de"),  # no new booking for tomorrow
])
def test_saying_they_will_come(text, lang) -> None:
    r = read(text, ctx(lang=lang))
    assert r.attending and r.intent != "book"


@pytest.mark.parametrize("text", ["I'll be there at 3 if you have a slot", "how do I get there?", "ich komme aus Berlin",
                                  "can I come on Friday?", "I'll be there tomorrow for a haircut at 3"])
def test_not_saying_they_will_come(text) -> None:
    assert not read(text, ctx()).attending


@pytest.mark.parametrize("text, lang, expecting", [
    ("cancel all my appointments", "en", None), ("please cancel both", "en", None),
    ("ich muss alle meine Termine absagen", "de", None), ("both", "en", "choice"), ("beide", "de", "choice"),
    ("alle", "de", "choice"),
])
def test_every_one_of_their_bookings(text, lang, expecting) -> None:
    assert read(text, ctx(lang=lang, expecting=expecting)).every


@pytest.mark.parametrize("text, expecting", [("cancel my haircut", None), ("both", None), ("is that all?", "choice"),
                                             ("book a haircut for both of us", None)])
def test_not_every_one(text, expecting) -> None:
    assert not read(text, ctx(expecting=expecting)).every


@pytest.mark.parametrize("text, lang", [
    ("whenever works", "en"), ("I'm flexible", "en"), ("doesn't matter", "en"), ("you tell me", "en"),
    ("what do you have?", "en"), ("ok", "en"), ("honestly, whenever suits you", "en"),
    ("ist mir egal wann", "de"), ("bin flexibel", "de"), ("was habt ihr denn frei?", "de"), ("ok", "de"),
])
def test_indifference_answering_when_asks_for_the_earliest_times(text, lang) -> None:
    r = read(text, ctx(lang=lang, expecting="when"))
    assert (r.intent, r.earliest, r.date, r.time) == ("book", True, None, None)


@pytest.mark.parametrize("text, lang", [("whenever works", "en"), ("I'm flexible", "en"), ("egal wann", "de")])
def test_whenever_answering_who_is_anyone_at_the_earliest_time(text, lang) -> None:
    r = read(text, ctx(lang=lang, expecting="staff"))
    assert (r.intent, r.earliest, r.any_staff) == ("book", True, True)


@pytest.mark.parametrize("text, expecting", [
    ("whenever works", None),  # nobody asked when
    ("ok", "confirm"),
    ("doesn't matter", "staff"),  # any staff member, not any time
    ("whenever works, but not Monday", "when"),  # a day is said
    ("I don't mind, but I'd like to bring my dog and my kids along", "when"),  # more than that
])
def test_indifference_elsewhere_asks_for_no_earliest_time(text, expecting) -> None:
    assert not read(text, ctx(expecting=expecting)).earliest


@pytest.mark.parametrize("text, lang, direction", [
    ("can you move it earlier that day?", "en", -1), ("can I come in earlier that day?", "en", -1),
    ("could I come a bit later?", "en", 1), ("kann ich auch früher kommen?", "de", -1),
    ("könnte ich etwas früher vorbeikommen?", "de", -1),
])
def test_earlier_or_later_said_as_a_request_to_come(text, lang, direction) -> None:
    assert read(text, ctx(lang=lang)).direction == direction


@pytest.mark.parametrize("text, lang, intent, likewise", [
    ("move the other one too", "en", "reschedule", True),
    ("can you reschedule the other appointment as well?", "en", "reschedule", True),
    ("cancel the other appointment on Tuesday", "en", "cancel", False),
    ("kannst du den anderen auch verschieben?", "de", "reschedule", True),
    ("den anderen Termin absagen", "de", "cancel", False),
])
def test_the_other_booking(text, lang, intent, likewise) -> None:
    r = read(text, ctx(lang=lang))
    assert (r.intent, r.other, r.likewise) == (intent, True, likewise)


@pytest.mark.parametrize("text", ["I need another appointment", "book the other stylist", "move it to the other day",
                                  "can I move it, the other time was better"])
def test_not_the_other_booking(text) -> None:
    assert not read(text, ctx()).other


@pytest.mark.parametrize("text, lang, date", [
    ("sorry I missed my appointment yesterday", "en", None),  # the day missed is no day wanted
    ("I missed my appointment", "en", None),
    ("I missed my haircut this morning, can I come tomorrow?", "en", "2026-12-10"),
    ("Ich habe meinen Termin gestern verpasst", "de", None),
    ("hab den Termin total verschwitzt, geht morgen?", "de", "2026-12-10"),
])
def test_a_missed_appointment_wants_a_new_time(text, lang, date) -> None:
    r = read(text, ctx("2026-12-09T14:00", lang=lang))
    assert (r.intent, r.missed, r.date.isoformat() if r.date else None) == ("book", True, date)


@pytest.mark.parametrize("text", ["sorry I missed your call", "I missed my bus, running 10 min late",
                                  "I forgot my umbrella there yesterday"])
def test_nothing_missed_of_theirs(text) -> None:
    assert not read(text, ctx("2026-12-09T14:00")).missed


@pytest.mark.parametrize("text, lang, old, new", [
    ("can I change my haircut to a beard trim?", "en", "haircut", "beard"),
    ("could I have coloring instead of the haircut?", "en", "haircut", "coloring"),
    ("make it a coloring instead", "en", None, "coloring"),
    ("Kann ich meinen Haarschnitt in einen Bartschnitt ändern?", "de", "haircut", "beard"),
    ("statt dem Haarschnitt lieber Färben", "de", "haircut", "coloring"),
    ("instead of a haircut can I get a beard trim?", "en", "haircut", "beard"),
    ("kann ich statt Haarschnitt auch Bart machen lassen?", "de", "haircut", "beard"),
])
def test_a_booking_to_become_another_service(text, lang, old, new) -> None:
    r = read(text, ctx(lang=lang))
    assert (r.intent, r.service, r.swap_to, r.services) == ("reschedule", old, new, ())


@pytest.mark.parametrize("text", ["book me for a haircut", "move my haircut to friday", "haircut and beard trim at 10",
                                  "can I change the time of my haircut?"])
def test_no_other_service_asked_for(text) -> None:
    assert read(text, ctx()).swap_to is None


def test_another_service_while_one_is_being_booked_is_a_correction() -> None:
    r = read("make it a coloring instead", ctx(expecting="confirm"))
    assert (r.service, r.swap_to) == ("coloring", None)


def test_same_time_next_week_counts_from_the_time_talked_about():
    anchored = Context(now=at("2026-12-08T10:00", "Europe/Berlin"), lang="en", vocabulary=DEMO, expecting="confirm",
                       anchor=at("2026-12-09T10:00", "Europe/Berlin"))
    r = read("same time next week instead", anchored)
    assert (r.date, r.time) == (date(2026, 12, 16), time(10, 0))
    r = read("kann ich den Termin auf nächste Woche zur gleichen Zeit verschieben?", replace(anchored, lang="de"))
    assert (r.date, r.time) == (date(2026, 12, 16), time(10, 0))


@pytest.mark.parametrize("text", ["can I get a haircut first thing?", "Haarschnitt morgen gleich als erstes"])
def test_first_thing_asks_for_the_earliest(text):
    assert plain(text).earliest


def test_the_first_thing_said_is_no_time():
    assert not plain("the first thing I want to know is the price").earliest


@pytest.mark.parametrize(("text", "name"), [("can I bring my son Leo? he needs a haircut too", "Leo"),
                                            ("kann ich noch meinen Sohn mitbringen? der braucht auch einen Haarschnitt",
                                             None)])
def test_someone_named_then_he_or_she_in_the_same_message_is_who_it_is_for(text, name):
    r = plain(text)
    assert (r.intent, r.service, r.for_others, r.name) == ("book", "haircut", 1, name)


def test_right_after_answering_with_whom_is_no_name():
    r = plain("direkt danach", expecting="staff")
    assert r.right_after and r.staff_text is None


@pytest.mark.parametrize("text", ["right after it then", "lieber direkt danach", "right after that"])
def test_right_after_at_shall_i_book_is_when_their_own_booking_ends(text):
    """At "Shall I book …?" ("you already have a beard trim then"): the time their own booking ends; on its own, with
    nothing asked, it asks nothing."""
    assert plain(text, expecting="confirm").right_after
    assert not plain(text).right_after


@pytest.mark.parametrize("text", ["ok book both for friday afternoon", "beide bitte am Freitag", "can I book both?"])
def test_book_both_with_no_service_named_is_every_one_talked_about(text):
    r = plain(text)
    assert r.intent == "book" and r.every and r.service is None


@pytest.mark.parametrize("text", ["a haircut for both of us", "book both of us in for haircuts"])
def test_both_of_us_is_two_people_not_every_service(text):
    r = plain(text)
    assert r.party == 2 and not r.every


@pytest.mark.parametrize(("text", "staff"), [("can I change to Tom?", "tom"), ("switch to tom please", "tom"),
                                           ("kann ich zu Tom wechseln?", "tom")])
def test_changing_to_another_person_with_nothing_on_the_table_is_a_correction(text, staff):
    """Right after booking or listing it, "can I change to Tom?" moves that booking to him (it started a new one)."""
    r = plain(text)
    assert r.correction and r.staff == staff


@pytest.mark.parametrize("text", ["can you also do mine right after?", "and me right after", "mir auch direkt danach",
                                  "kannst du mich direkt danach auch machen?"])
def test_mine_right_after_is_the_same_again_for_the_customer(text):
    """After booking for a son, "can you also do mine right after?": the same service, for the customer, when it ends
    (it was no request at all)."""
    r = plain(text)
    assert (r.intent, r.right_after, r.same_again, r.for_others) == ("book", True, True, 0)
    assert not plain("call me right after").right_after
