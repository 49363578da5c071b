"""Several appointments in one message: how many people, and every service named."""

from __future__ import annotations

import pytest

from intents import read
from intents.party import find_party

from intent_cases import ctx


@pytest.mark.parametrize("text, party", [
    ("haircuts for me and my son tomorrow at 3", 2),
    ("for 3 people on friday", 3),
    ("a table of haircuts for two people", 2),
    ("Haarschnitt für zwei Personen", 2),
    ("wir sind zu dritt", 3),
    ("wir kommen zu viert am Samstag", 4),
    ("my wife and I would like haircuts", 2),
    ("My husband and I want to come in", 2),
    ("Termin für mich und meine Tochter", 2),
    ("meine Frau und ich möchten einen Termin", 2),
    ("ich und mein Mann", 2),
    ("me and my two kids", 3),
    ("me and my son and my daughter", 3),
    ("a haircut for me and one for my son", 2),
    ("for my son and me", 2),
    ("both of us need a cut", 2),
    ("wir beide", 2),
    ("the two of us", 2),
    ("I want to come with my friend, both haircuts, tomorrow afternoon", 2),
    ("can I come in together with my two kids on Saturday?", 3),
    ("Ich würde gern mit meiner Tochter vorbeikommen, Samstag um 10", 2),
    ("zusammen mit meinem Mann, Haarschnitt am Freitag", 2),
])
def test_party_size(text: str, party: int) -> None:
    assert find_party(text.lower()) == party
    assert read(text, ctx()).party == party


@pytest.mark.parametrize("text", [
    "haircut tomorrow at 3",
    "haircuts please",
    "book me in for 2",
    "option 2",
    "the 2nd one",
    "uns passt 15 Uhr",
    "haircut for me",
    "we'd like to come on Friday",
    "for 45 minutes",
    "my son needs a haircut",
    "ich möchte zwei Termine verschieben",
    "haircut with Tom on Friday",
    "book with my usual stylist",
    "I'm coming with my own products",
    "can I come with wet hair?",
])
def test_no_party_when_none_is_said(text: str) -> None:
    assert read(text, ctx()).party is None


@pytest.mark.parametrize("text, services", [
    ("haircut and beard trim with Tom tomorrow at 11", ("haircut", "beard")),
    ("Haarschnitt und Färben morgen um 10", ("haircut", "coloring")),
    ("Haarschnitt und Bart bei Tom", ("haircut", "beard")),
    ("a colour and a cut", ("coloring", "haircut")),
    ("haircuts for me and my son", ("haircut",)),
    ("a haircut for me and a haircut for my son", ("haircut",)),
    ("beard cut please", ("beard",)),
    ("book a haircut", ("haircut",)),
    ("what's free tomorrow?", ()),
])
def test_every_service_in_order(text: str, services: tuple[str, ...]) -> None:
    r = read(text, ctx())
    assert r.services == services
    assert r.service == (services[0] if services else None)


def test_services_named_together_are_no_person() -> None:
    r = read("Haarschnitt und Färben morgen um 10", ctx())
    assert (r.intent, r.staff, r.staff_text) == ("book", None, None)


@pytest.mark.parametrize("text", [
    "me and my son want to set an alarm for 9",
    "my wife and I need a table for two at the diner",
    "wir sind zu dritt und suchen ein Hotel",
])
def test_a_party_alone_books_nothing(text: str) -> None:
    assert read(text, ctx()).intent != "book"


@pytest.mark.parametrize("text", ["just me", "only me", "nur ich", "nur für mich", "actually just me then", "allein"])
def test_just_me_is_a_party_of_one(text: str) -> None:
    assert read(text, ctx()).party == 1


@pytest.mark.parametrize("text", ["just me and my son", "give me a haircut", "only me and my wife"])
def test_just_me_needs_to_be_all_that_is_said(text: str) -> None:
    assert read(text, ctx()).party != 1


@pytest.mark.parametrize("text", ["can you book me in every 4 weeks for a haircut?", "a standing appointment every other Friday",
                                  "Haarschnitt alle 4 Wochen bitte", "ich hätte gern jeden Freitag einen Termin"])
def test_a_series_asked_for(text: str) -> None:
    r = read(text, ctx())
    assert r.intent == "book" and r.recurring


@pytest.mark.parametrize("text", ["haircut on Friday", "what's free every day next week?", "remind me every week",
                                  "haircut next week"])
def test_no_series(text: str) -> None:
    assert not read(text, ctx()).recurring


@pytest.mark.parametrize("text, day", [
    ("can you book me in every 4 weeks for a haircut with Tom, starting Friday at 10?", "2026-04-03"),
    ("Haarschnitt alle 4 Wochen bei Tom, ab Freitag um 10", "2026-04-03"),
])
def test_a_series_starting_on_a_day_begins_on_it(text: str, day: str) -> None:
    r = read(text, ctx())
    assert r.recurring and r.date.isoformat() == day and r.start is None


def test_a_series_from_a_week_keeps_the_week() -> None:
    r = read("every 4 weeks please, from next week", ctx())
    assert r.recurring and r.date is None and r.start is not None


@pytest.mark.parametrize("text, others, party", [
    ("book a haircut for my husband friday at 10", 1, None),
    ("my son needs a haircut", 1, None),
    ("Haarschnitt für meine Tochter am Samstag", 1, None),
    ("haircuts for my two kids on saturday", 2, 2),  # two appointments, neither the customer's
    ("Haarschnitte für meine Söhne", 2, 2),
    ("a haircut for me and my son", 0, 2),  # the customer comes too
    ("haircut for me", 0, None),
    ("I need to book my son in for a haircut, he's 7", 1, None),
    ("can I book my daughter in for friday?", 1, None),
])
def test_a_booking_for_others_without_the_customer(text: str, others: int, party: int | None) -> None:
    r = read(text, ctx())
    assert (r.for_others, r.party) == (others, party)


@pytest.mark.parametrize("text, expecting, name", [
    ("a haircut for my son Leo on Saturday", None, "Leo"), ("Haarschnitt für meine Tochter Mia Schmidt", None, "Mia Schmidt"),
    ("it's for my son Leo, he's 8", "name", "Leo"), ("der ist für meinen Sohn Leo", "name", "Leo"),
    ("it's for my son", "name", None), ("a haircut for my son on Friday", None, None),
    ("for my son tomorrow please", None, None),
])
def test_the_name_of_the_one_it_is_for_comes_with_them(text: str, expecting: str | None, name: str | None) -> None:
    r = read(text, ctx(expecting=expecting))
    assert (r.for_others, r.name) == (1, name)


@pytest.mark.parametrize("text", ["can my girlfriend get her hair colored?", "can my husband get a haircut on Friday?",
                                  "kann meine Freundin auch einen Termin zum Färben bekommen?",
                                  "can my mum come with me for a haircut at the same time?",
                                  "can my friend come along for a beard trim?",
                                  "kann meine Mama gleichzeitig einen Haarschnitt bekommen?"])
def test_can_someone_else_get_one_is_a_booking_for_them(text: str) -> None:
    assert read(text, ctx()).for_others == 1


@pytest.mark.parametrize("text", ["great, also can my mum come with me for a haircut at the same time?",
                                  "great, my son needs a haircut too", "super, meine Tochter möchte auch einen Haarschnitt"])
def test_a_yes_then_a_booking_for_someone_else_is_that_booking(text: str) -> None:
    """Right after a booking, "great, can my mum get one too?" is a booking for her, not only a yes."""
    r = read(text, ctx())
    assert (r.intent, r.for_others) == ("book", 1)


def test_others_named_outside_a_booking_are_no_booking_for_them() -> None:
    assert read("do you sell gift cards for my husband?", ctx()).for_others == 0
    assert read("cancel the appointment for my son", ctx()).for_others == 0


@pytest.mark.parametrize("text, others", [
    ("and the same for my husband right after", 1), ("the same for my son please", 1),
    ("und für meinen Mann das gleiche direkt danach", 1), ("dasselbe nochmal in 4 Wochen", 0),
    ("same again next month", 0),
])
def test_the_same_again_is_a_booking_of_the_service_just_booked(text: str, others: int) -> None:
    r = read(text, ctx())
    assert (r.intent, r.same_again, r.service, r.for_others) == ("book", True, None, others)


@pytest.mark.parametrize("text", ["same time next week", "Thanks for the same", "I feel the same way", "the same day?"])
def test_the_same_time_or_thanks_for_the_same_is_no_service_again(text: str) -> None:
    assert not read(text, ctx()).same_again


@pytest.mark.parametrize("text, first, then", [
    ("book me a beard trim with Tom for tomorrow 9am and a haircut with Sarah on Saturday at 11",
     ("beard", "tom", "2026-03-28", "09:00"), ("haircut", "sarah", "2026-03-28", "11:00")),
    ("Bartschnitt bei Tom morgen um 9 und einen Haarschnitt bei Sarah am Montag um 11",
     ("beard", "tom", "2026-03-28", "09:00"), ("haircut", "sarah", "2026-03-30", "11:00")),
])
def test_two_services_each_with_its_own_day_are_two_bookings(text: str, first: tuple, then: tuple) -> None:
    """Not both at the first one's time with the first one's person, one after the other."""
    r = read(text, ctx())
    assert (r.service, r.staff, r.date.isoformat(), r.time.strftime("%H:%M")) == first and len(r.services) <= 1
    (service, staff, day, at), = r.then
    assert (service, staff, day.isoformat(), at.strftime("%H:%M")) == then


@pytest.mark.parametrize("text", ["a haircut and a beard trim tomorrow at 9", "haircut and beard trim with Tom on Friday",
                                  "Haarschnitt und Bartschnitt morgen um 10"])
def test_two_services_of_one_visit_stay_one_after_the_other(text: str) -> None:
    r = read(text, ctx())
    assert len(r.services) == 2 and r.then == ()


@pytest.mark.parametrize("text, of_day, day, at", [
    ("move the saturday one to 12", "2026-03-28", "2026-03-28", "12:00"),
    ("can we reschedule tomorrow's appointment to monday at 10?", "2026-03-28", "2026-03-30", "10:00"),
    ("can we reschedule tomorrow's appointment?", "2026-03-28", None, None),
    ("kann ich den Termin am Samstag auf 12 Uhr verschieben?", "2026-03-28", "2026-03-28", "12:00"),
])
def test_the_day_of_the_booking_meant_is_not_where_it_goes(text: str, of_day: str, day: str | None,
                                                            at: str | None) -> None:
    r = read(text, ctx())
    assert r.intent == "reschedule" and r.of_day.isoformat() == of_day
    assert (r.date.isoformat() if r.date else None, r.time.strftime("%H:%M") if r.time else None) == (day, at)


@pytest.mark.parametrize("text, intent, hours, day, at", [
    ("move the afternoon one to Friday", "reschedule", ("12:00", "16:59"), "2026-04-03", None),
    ("move the 10am appointment to 11", "reschedule", ("10:00", "10:00"), None, "11:00"),
    ("move my appointment at 3pm to friday at 4pm", "reschedule", ("15:00", "15:00"), "2026-04-03", "16:00"),
    ("verschieb den Termin um 15 Uhr auf Freitag", "reschedule", ("15:00", "15:00"), "2026-04-03", None),
    ("cancel the 3pm one", "cancel", ("15:00", "15:00"), None, "15:00"),
    ("cancel the morning one", "cancel", ("08:00", "11:59"), None, None),
])
def test_the_hours_of_the_booking_meant_are_not_where_it_goes(text: str, intent: str, hours: tuple[str, str],
                                                              day: str | None, at: str | None) -> None:
    r = read(text, ctx())
    assert r.intent == intent and tuple(t.strftime("%H:%M") for t in r.of_hours) == hours
    assert (r.date.isoformat() if r.date else None, r.time.strftime("%H:%M") if r.time else None) == (day, at)


@pytest.mark.parametrize("text", ["move my appointment to the afternoon", "move it to 3pm", "cancel my appointment"])
def test_a_new_time_alone_points_at_no_booking(text: str) -> None:
    assert read(text, ctx()).of_hours is None


@pytest.mark.parametrize("text,name", [
    ("her name is Emma", "Emma"), ("her name is emma please", "Emma"), ("she's called Mia", "Mia"),
    ("his name is Leo Berg", "Leo Berg"), ("my daughter's name is Mia", "Mia"), ("my daughter is Emma", "Emma"),
    ("Emma is my daughter", "Emma"), ("my husband is called Mark", "Mark"), ("meine Tochter heißt Lea", "Lea"),
    ("sie heißt Lea", "Lea"), ("sein Name ist Leo", "Leo"), ("haircuts for me and my daughter Emma on friday", "Emma"),
    ("Haarschnitte für mich und meine Tochter Lea", "Lea"),
])
def test_the_name_of_the_other_one_is_theirs_not_the_customers(text: str, name: str) -> None:
    r = read(text, ctx(expecting="name"))
    assert r.their_name == name
    assert r.name is None and r.staff_text is None


@pytest.mark.parametrize("text", [
    "my daughter is 6", "my son is nervous", "my name is Anna", "I'm Anna", "his name is Dr. Bui",
    "a haircut for my son Leo",  # his name for his booking: `name`, as before
])
def test_no_name_of_someone_else_where_none_is_said(text: str) -> None:
    assert read(text, ctx(expecting="name")).their_name is None


@pytest.mark.parametrize("text", [
    "can my son get one too?", "my wife wants one as well", "yes, and can my son get one too?",
    "kann mein Sohn auch einen bekommen?", "ja, und meine Tochter auch", "yes and my son too please",
])
@pytest.mark.parametrize("expecting", [None, "confirm"])
def test_one_too_for_someone_else_is_the_same_again_for_them(text: str, expecting: str | None) -> None:
    r = read(text, ctx(expecting=expecting))
    assert (r.intent, r.same_again, r.for_others, r.topic) == ("book", True, 1, None)


@pytest.mark.parametrize("text", ["my son is coming too", "my wife said hi too", "thanks, my son says thanks too"])
def test_someone_else_along_is_no_booking_for_them(text: str) -> None:
    assert not read(text, ctx()).same_again


@pytest.mark.parametrize("text,days", [
    ("a haircut every 4 weeks", 28), ("haircut every other week", 14), ("fortnightly haircut please", 14),
    ("I'd like a monthly beard trim", 28), ("every 3 months a coloring", 91), ("every thursday a haircut", 7),
    ("alle zwei Wochen einen Haarschnitt", 14), ("jede zweite Woche Haarschnitt", 14), ("alle 6 Wochen Haarschnitt", 42),
    ("jeden Monat Färben", 28), ("wöchentlich einen Bartschnitt", 7),
])
def test_how_often_a_series_comes_round(text: str, days: int) -> None:
    r = read(text, ctx())
    assert (r.intent, r.recurring, r.every_days) == ("book", True, days)


def test_a_series_without_an_interval_has_none() -> None:
    r = read("I'd like a haircut on a regular basis", ctx())
    assert r.recurring and r.every_days is None


@pytest.mark.parametrize("text,names", [
    ("their names are Max and Leo", ("Max", "Leo")), ("they're called Max, Leo and Tim", ("Max", "Leo", "Tim")),
    ("my sons are Max and Leo", ("Max", "Leo")), ("sie heißen Max und Leo", ("Max", "Leo")),
    ("meine Kinder heißen Mia und Ben", ("Mia", "Ben")), ("two haircuts for my sons Max and Leo", ("Max", "Leo")),
])
def test_the_names_of_several_others_are_theirs(text: str, names: tuple[str, ...]) -> None:
    r = read(text, ctx(expecting="name"))
    assert r.their_names == names and r.name is None


@pytest.mark.parametrize("text", ["my sons are twins", "they are coming tomorrow and friday", "her name is Emma"])
def test_no_names_of_several_where_none_are_said(text: str) -> None:
    assert read(text, ctx(expecting="name")).their_names == ()


@pytest.mark.parametrize("text,theirs,own", [("er heißt Jens, ich bin Sabine Roth", "Jens", "Sabine Roth"),
                                             ("his name is Jens and I am Sabine", "Jens", "Sabine")])
def test_their_name_and_the_customers_own_in_one_message(text: str, theirs: str, own: str) -> None:
    r = read(text, ctx(expecting="name"))
    assert (r.their_name, r.name) == (theirs, own)


@pytest.mark.parametrize("text", ["can I book my daughter for a haircut?", "I'd like to book my son for a beard trim"])
def test_booking_someone_for_a_service_is_for_them(text: str) -> None:
    assert read(text, ctx()).for_others == 1
