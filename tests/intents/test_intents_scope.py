"""Only appointments at this business become actions: other assistants' requests, with a date or a
booking verb in them, stay `other`; real cancellations, in any wording, are cancellations."""

from __future__ import annotations

import pytest

from intents import read

from intent_cases import ctx

ACTIONS = ("book", "cancel", "reschedule")

# Requests for another kind of assistant, by category; each names a day, a time or a booking word.
NOT_HERE = [
    # the device: alarms, timers, reminders, volume, calls and texts
    "wake me at 6:30 on friday", "set a timer for 10 minutes", "remind me to water the plants tomorrow",
    "turn the volume up to 7", "ring Tom on his mobile", "text my sister that I'll be late tonight",
    "Stell den Wecker auf 7 Uhr morgen", "Erinnere mich morgen an den Müll",
    # money and banking
    "how much did I spend on groceries last month", "set up a standing transfer to my savings every friday",
    "why was my credit card declined on monday", "when is my electricity bill due this month",
    "Wie hoch ist mein Kontostand heute?", "Überweise am Freitag 50 Euro an Anna",
    # travel, vehicles and traffic
    "what's the traffic like on the way to the stadium at 6", "do I need a visa for Japan in April",
    "when do I have to change my tires if I bought them in 2022", "Wie ist der Verkehr morgen früh auf der A9?",
    # food
    "is the soup from sunday still ok to eat", "how many calories are in two slices of toast",
    "what should I cook for dinner tonight",
    # dates, numbers, facts and language
    "what's the date on saturday", "what is 17 times 23", "how do you say good morning in Italian",
    "what will the weather be like tomorrow afternoon", "Welches Datum ist nächsten Dienstag?",
    # lists and time off
    "put milk on the shopping list", "what's on my to-do list for tomorrow", "I'd like to take friday off as PTO",
    "Ich möchte nächste Woche zwei Urlaubstage nehmen",
]

# Reservations and appointments of other kinds, and questions about them.
BOOKED_ELSEWHERE = [
    "book a table for four at the Italian place at 8 tonight", "I need a hotel room in Munich from the 3rd to the 5th",
    "reserve a rental car for the weekend", "book me a flight to Lisbon next Monday",
    "make an appointment for an oil change on thursday", "does the sushi bar take reservations",
    "how busy is the pizzeria on friday at 7", "Reservier uns einen Tisch für zwei heute Abend",
    "Buch mir einen Flug nach Rom am Montag", "Ich brauche ein Hotelzimmer in Hamburg vom 3. bis 5.",
    "make a reservation for three at Luigi's on saturday", "get me a reservation at the Blue Moon for 7",
]

# Real cancellations, in words people use.
CANCELLATIONS = [
    "please cancel my appointment on friday", "get rid of my 3pm booking", "my reservation isn't needed anymore",
    "I won't need the appointment tomorrow", "scrap the booking I made for Tom", "my booking needs to be cancelled",
    "undo the reservation please", "the appointment I booked is no longer required",
    "Bitte meinen Termin am Freitag absagen", "Den Termin morgen brauche ich nicht mehr, bitte stornieren",
    "Kannst du meine Buchung löschen?",
]

# Bookings stay bookings: with a service, a staff member, an appointment word or a day in reply.
BOOKINGS = [
    ("book a haircut for tomorrow at 10", None), ("can I get an appointment with Sarah on Friday", None),
    ("I need a beard trim on my day off, friday at 11", None), ("how about 2pm on thursday?", None),
    ("after lunch around 1:30 would be good", None), ("schedule a meeting with Tom at 4pm", None),
    ("Ich hätte gern einen Termin zum Färben am Samstag", None), ("Haarschnitt morgen um 15 Uhr", None),
    ("tomorrow at 3", "when"), ("morgen um 10", "when"), ("I'd like a reservation at 4pm tomorrow", None),
    ("can I make a reservation at noon on friday", None),
    # a word of another domain beside a real request for a slot
    ("book me in for tomorrow at 3, I'll come by car", None), ("an appointment for two people tomorrow at 3", None),
    ("Termin für zwei Personen morgen um 15 Uhr", None), ("I'd like to stay with the same stylist, friday at 10", None),
]


@pytest.mark.parametrize("text", NOT_HERE)
def test_other_assistants_requests_are_no_action(text: str) -> None:
    assert read(text, ctx()).intent not in ACTIONS


@pytest.mark.parametrize("text", BOOKED_ELSEWHERE)
def test_reservations_of_other_things_are_no_booking(text: str) -> None:
    assert read(text, ctx()).intent not in ACTIONS


@pytest.mark.parametrize("text", CANCELLATIONS)
def test_cancellations_in_many_wordings(text: str) -> None:
    assert read(text, ctx()).intent == "cancel"


@pytest.mark.parametrize("text, expecting", BOOKINGS)
def test_bookings_stay_bookings(text: str, expecting: str | None) -> None:
    assert read(text, ctx(expecting=expecting)).intent == "book"


@pytest.mark.parametrize("text, intent", [
    ("do I still have a booking for saturday?", "list"),
    ("can you confirm my appointment on friday", "list"),
    ("hello, is anybody there?", "greet"),
    ("thanks for your help today", "thanks"),
])
def test_questions_about_a_booking_are_no_action(text: str, intent: str) -> None:
    assert read(text, ctx()).intent == intent


def test_keeping_a_booking_cancels_nothing() -> None:
    assert read("don't cancel my appointment, I'll be there", ctx()).intent not in ACTIONS
    assert read("I'll drop the kids off before my appointment tomorrow", ctx()).intent != "cancel"
    assert read("forget about it, book the appointment for friday at 3", ctx()).intent == "book"


def test_a_misheard_service_does_not_outweigh_another_domain() -> None:
    # "board" is one letter from "beard", but boarding a plane is no beard trim
    assert read("when does my plane start boarding tomorrow", ctx()).intent not in ACTIONS


@pytest.mark.parametrize("text", ["hab morgen um 3 nen termin, kann nicht", "Termin am Freitag, kann leider nicht."])
def test_a_termin_they_cannot_keep_is_a_cancellation(text: str) -> None:
    assert read(text, ctx(lang="de")).intent == "cancel"


@pytest.mark.parametrize("text", ["ich brauche einen Termin, kann aber nicht vor 17 Uhr", "ich kann mich nicht entscheiden"])
def test_cannot_about_something_else_cancels_nothing(text: str) -> None:
    assert read(text, ctx(lang="de")).intent != "cancel"


@pytest.mark.parametrize("text", ["kann mir jemand helfen?", "können Sie mir helfen?", "kannst du mir helfen"])
def test_asking_for_help_in_german(text: str) -> None:
    assert read(text, ctx(lang="de")).intent == "help"


@pytest.mark.parametrize("text", ["what's the latest I can come in on friday?", "what's the earliest I can come in tomorrow?"])
def test_a_question_about_when_they_can_come_is_a_request(text: str) -> None:
    assert read(text, ctx()).intent in ("book", "availability")


@pytest.mark.parametrize("text", ["what will the traffic be like at 5", "what's the weather on friday?"])
def test_a_question_about_a_day_without_coming_is_not(text: str) -> None:
    assert read(text, ctx()).intent == "other"


@pytest.mark.parametrize("text, lang", [
    ("can we reschedule tomorrow's appointment?", "en"), ("move my friday appointment", "en"),
    ("kann ich meinen Termin am Freitag verschieben?", "de"), ("kann ich meinen Termin morgen verschieben?", "de"),
])
def test_the_day_of_the_booking_to_move_is_not_where_it_goes(text: str, lang: str) -> None:
    r = read(text, ctx(lang=lang))
    assert (r.intent, r.date) == ("reschedule", None)


@pytest.mark.parametrize("text, lang, day", [
    ("move my appointment on friday to monday", "en", 0), ("can I move tomorrow's haircut to friday?", "en", 4),
    ("kann ich meinen Termin auf Donnerstag verschieben?", "de", 3),
])
def test_the_day_a_move_goes_to_is_kept(text: str, lang: str, day: int) -> None:
    r = read(text, ctx(lang=lang))
    assert r.intent == "reschedule" and r.date is not None and r.date.weekday() == day
