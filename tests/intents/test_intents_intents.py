"""Intent decisions in English and German, polite or terse, with typos, case and emoji."""

from __future__ import annotations

import pytest

from intents import read

from intent_cases import ctx

CASES = [
    # book
    ("book a haircut with Sarah tomorrow at 10", "book"),
    ("Haarschnitt morgen um 10 bei Sarah", "book"),
    ("tomorrow at 3", "book"),
    ("I'd like to make an appointment", "book"),
    ("can i get a beard trim friday", "book"),
    ("ich hätte gern einen Termin", "book"),
    ("Ich möchte einen Termin zum Färben", "book"),
    ("BOOK ME IN FOR A HAIRCUT PLS", "book"),
    ("haircut next tuesday 2pm 💇", "book"),
    ("Kann ich morgen um 14 Uhr vorbeikommen?", "book"),
    # cancel
    ("cancel my appointment", "cancel"),
    ("Termin absagen", "cancel"),
    ("I can't make it tomorrow, please cancel", "cancel"),
    ("bitte meinen Termin stornieren", "cancel"),
    ("cancle my booking", "cancel"),
    # reschedule
    ("move it to Thursday 3pm", "reschedule"),
    ("kann ich meinen Termin auf Donnerstag verschieben?", "reschedule"),
    ("can I reschedule my appointment", "reschedule"),
    ("I need to change my appointment to friday", "reschedule"),
    ("Bitte verschieb meinen Termin auf übermorgen 11 Uhr", "reschedule"),
    # list
    ("what are my bookings", "list"),
    ("meine Termine", "list"),
    ("do I have an appointment?", "list"),
    ("Welche Termine habe ich?", "list"),
    ("Wann habe ich meinen nächsten Termin?", "list"),
    ("what do I have booked?", "list"),
    ("what have I booked?", "list"),
    ("which appointments do I have?", "list"),
    ("cancel the second one", "cancel"),
    ("die zweite absagen", "cancel"),
    ("cancel the next haircut", "cancel"),
    ("cancel my last request, i know the answer", "other"),  # the assistant's last command, not a booking
    # availability
    ("what's free on Friday afternoon?", "availability"),
    ("any slots tomorrow?", "availability"),
    ("Habt ihr am Samstag noch was frei?", "availability"),
    ("when is Sarah available?", "availability"),
    # affirm / deny
    ("yes", "affirm"), ("yep", "affirm"), ("yh", "affirm"), ("sure", "affirm"), ("ja", "affirm"), ("passt", "affirm"),
    ("Yes, that works for me", "affirm"), ("sounds good 👍", "affirm"), ("Ja, gerne", "affirm"),
    ("no", "deny"), ("nein", "deny"), ("nope", "deny"), ("No, not right now.", "deny"), ("nee, lieber nicht", "deny"),
    # courtesy
    ("hi", "greet"), ("Hallo!", "greet"), ("good morning", "greet"), ("Guten Tag", "greet"), ("moin", "greet"),
    ("thanks!", "thanks"), ("Danke schön", "thanks"), ("thank you so much", "thanks"),
    ("bye", "bye"), ("Tschüss", "bye"), ("that's all, goodbye", "bye"), ("right, see you tuesday then!", "bye"),
    ("Great, that's all I needed.", "bye"), ("I'll go with that one", "affirm"),
    # help / handoff
    ("what can you do", "help"), ("help", "help"), ("Hilfe", "help"), ("was kannst du?", "help"),
    ("talk to a human", "handoff"), ("Ich möchte mit einem Mitarbeiter sprechen", "handoff"),
    ("can I speak to a real person please", "handoff"),
    # other: never an action
    ("what's the weather", "other"), ("cancel my Netflix", "other"), ("book me a taxi", "other"),
    ("Wie wird das Wetter morgen?", "other"),
    # info: a question about the business, never an action
    ("what's your address?", "info"), ("how much is a haircut?", "info"),
    ("asdfgh", "other"), ("", "other"), ("🙂", "other"),
]


@pytest.mark.parametrize("text, intent", CASES)
def test_intent(text: str, intent: str) -> None:
    assert read(text, ctx()).intent == intent


@pytest.mark.parametrize("text, expecting, intent", [
    ("yes, book it", "confirm", "affirm"),
    ("ok", "confirm", "affirm"),
    ("nein", "confirm", "deny"),
    ("3", "when", "book"),
    ("Sarah", "staff", "book"),
    ("beard", "service", "book"),
])
def test_intent_in_context(text: str, expecting: str, intent: str) -> None:
    assert read(text, ctx(expecting=expecting)).intent == intent


@pytest.mark.parametrize("text, lang", [
    ("Ich möchte einen Termin", "de"), ("morgen um 10 bitte", "de"), ("Haarschnitt übermorgen", "de"),
    ("I'd like an appointment", "en"), ("tomorrow at 10 please", "en"), ("yes", "en"), ("ja", "de"),
    ("Haarschnitt am 2. Weihnachtsfeiertag?", "de"), ("haircut at 10 am", "en"),
])
def test_language_is_detected_when_not_given(text: str, lang: str) -> None:
    assert read(text, ctx()).lang == lang


def test_given_language_is_kept() -> None:
    assert read("ok", ctx(lang="de")).lang == "de"


# everyday phrasings, both languages
MORE_CASES = [
    ('hey, do you have anything for a beard trim this week?', 'availability'),
    ("I'd love to get my hair coloured next Thursday afternoon", 'book'),
    ('Can I push my appointment back an hour?', 'reschedule'),
    ("something came up, can't make it on friday", 'cancel'),
    ('please cancel', 'cancel'),
    ('what time was my appointment again?', 'list'),
    ('do I have anything booked?', 'list'),
    ('what have i got booked', 'list'),
    ("what've I got coming up?", 'list'),
    ("when's my next one?", 'list'),
    ('was steht bei mir an?', 'list'),
    ('cancel the saturday one', 'cancel'),
    ("cancel the 4pm appointment", 'cancel'),
    ('cancel the monday meeting with my boss', 'other'),
    ('need a trim tmrw', 'book'),
    ('Kann ich morgen um 10 kommen?', 'book'),
    ('Habt ihr Samstag noch was frei?', 'availability'),
    ('Ich muss meinen Termin leider absagen', 'cancel'),
    ('wie sage ich den Termin ab?', 'cancel'),  # the verb split round the booking it is about
    ('wie sag ich meinen Termin am Freitag ab', 'cancel'),
    ('sag mal, habt ihr ab 10 offen?', 'info'),
    ('Können wir den Termin auf nächste Woche verlegen?', 'reschedule'),
    ('kann ich den Termin auf Freitag legen?', 'reschedule'),
    ('kann ich meinen Termin auf nächsten Montag um 10 legen?', 'reschedule'),
    ('ich möchte einen Termin auf Freitag legen', 'book'),
    ('Wann habe ich meinen nächsten Termin?', 'list'),
    ('Ich hätte gern einen Termin bei Tom', 'book'),
    ('Gibt es heute noch einen freien Termin?', 'availability'),
    ('Danke, bis dann!', 'bye'),
    ('Super, danke!', 'thanks'),
    ('Nein, lieber nicht', 'deny'),
    ('Ja, genau', 'affirm'),
    ('Guten Morgen', 'greet'),
    ('Was kannst du?', 'help'),
    ('Ich möchte mit einem Menschen sprechen', 'handoff'),
    ('Wie ist das Wetter?', 'other'),
    ('Kündige mein Netflix-Abo', 'other'),
    ('yes please', 'affirm'),
    ('sounds good', 'affirm'),
    ('nah', 'deny'),
    ('not that one', 'deny'),
    ('cheers', 'thanks'),
    ('good morning!', 'greet'),
    ('how does this work?', 'help'),
    ('can I speak to someone at the salon', 'handoff'),
    ('book', 'book'),
    ('cancel it', 'cancel'),
    ('move it', 'reschedule'),
    ('can i change the time of my appointment', 'reschedule'),
    ("I'm running late", 'info'),  # no action: the team may be told, if the customer wants
    ('is tom available tomorrow?', 'availability'),
    ('what slots do you have on monday morning', 'availability'),
    ('could you fit me in for a colour on saturday', 'book'),
    ('bitte stornieren', 'cancel'),
    ('Termin verschieben bitte', 'reschedule'),
    ('meine buchungen', 'list'),
    ('Zeig mir meine Termine', 'list'),
    ('hallo, ich brauche einen haarschnitt', 'book'),
    ('Wann hat Sarah Zeit?', 'availability'),
    ('Geht auch 15 Uhr?', 'book'),
    ('Am liebsten vormittags', 'book'),
]


@pytest.mark.parametrize("text, intent", MORE_CASES)
def test_everyday_phrasings(text, intent):
    assert read(text, ctx("2026-11-23T09:00")).intent == intent


@pytest.mark.parametrize("text, intent", [("👍", "affirm"), ("👍🏽👍🏽", "affirm"), ("✅", "affirm"), ("👎", "deny"),
                                          ("❌", "deny"), ("🙏", "thanks"), ("😀", "other")])
def test_an_emoji_answer_alone_is_read_as_its_words(text: str, intent: str) -> None:
    assert read(text, ctx(expecting="confirm")).intent == intent


@pytest.mark.parametrize("text, intent", [
    ("y", "affirm"), ("y!", "affirm"), ("y pls", "affirm"), ("yy", "affirm"), ("n", "deny"), ("n thanks", "deny"),
])
def test_a_single_letter_answers_yes_or_no(text: str, intent: str) -> None:
    assert read(text, ctx(expecting="confirm")).intent == intent


@pytest.mark.parametrize("text", ["y check engine light came on", "n 3pm"])
def test_a_letter_leading_other_words_is_no_answer(text: str) -> None:
    assert read(text, ctx()).intent not in ("affirm", "deny")


@pytest.mark.parametrize("text", ["jana.k@gmx.de", "ja.k@gmx.de", "yes.man@example.com", "nein@example.com"])
def test_an_email_address_says_neither_yes_nor_no(text: str) -> None:
    """The address is read as one: "jana.k@gmx.de" holds no "ja", and giving it agrees to nothing."""
    r = read(text, ctx(expecting="confirm"))
    assert r.email == text and r.intent not in ("affirm", "deny")


@pytest.mark.parametrize("text", [
    "Hi, ich hab morgen um 11 nen Termin bei Sarah gebucht, oder?", "I have an appointment tomorrow at 11 with Sarah, right?",
    "ich habe doch morgen einen Termin, oder?", "I've got a haircut booked on friday, correct?",
])
def test_saying_one_has_a_booking_and_asking_right_checks_it(text: str) -> None:
    """Checking a booking is there lists it; it books nothing."""
    assert read(text, ctx()).intent == "list"


def test_saying_one_has_a_booking_without_asking_is_no_check() -> None:
    assert read("I have an appointment tomorrow at 11", ctx()).intent != "list"


@pytest.mark.parametrize("text", ["what time should i arrive", "what time do we need to be there?",
                                  "when do I have to be there?", "when should we be there?", "wann soll ich morgen da sein?",
                                  "um wie viel Uhr muss ich kommen?"])
def test_when_to_arrive_asks_when_their_booking_is(text: str) -> None:
    assert read(text, ctx()).intent == "list"


@pytest.mark.parametrize("text", ["I booked a haircut for tomorrow but I can't remember the time",
                                  "I forgot when my appointment is",
                                  "ich habe einen Termin gebucht, weiß aber die Uhrzeit nicht mehr",
                                  "ich hab vergessen, wann mein Termin ist"])
def test_a_forgotten_time_of_their_booking_asks_for_their_bookings(text: str) -> None:
    assert read(text, ctx()).intent == "list"


@pytest.mark.parametrize("text", ["i cant remember when my bill is due", "I forgot my password"])
def test_other_things_forgotten_are_no_booking(text: str) -> None:
    assert read(text, ctx()).intent != "list"


def test_when_to_come_for_a_service_asks_for_a_time() -> None:
    assert read("when should I come for a colour?", ctx()).intent == "book"


@pytest.mark.parametrize("text", ["are you there?", "anyone there?", "bist du da?", "ist da jemand?"])
def test_asking_whether_anyone_is_there_is_a_greeting(text: str) -> None:
    assert read(text, ctx()).intent == "greet"


def test_whenever_answering_who_is_anyone_at_the_earliest_time() -> None:
    r = read("whenever", ctx(expecting="staff"))
    assert (r.intent, r.earliest, r.any_staff, r.staff_text) == ("book", True, True, None)


def test_whether_someone_does_an_unknown_service_is_a_question_about_services() -> None:
    r = read("does tom do fades?", ctx())
    assert (r.intent, r.topic, r.staff) == ("info", "services", "tom")


@pytest.mark.parametrize("text", ["with the same person as last time", "haircut friday with the same stylist please",
                                  "bei derselben wie letztes Mal"])
def test_the_same_person_as_last_time_is_asked_for(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.same_staff, r.same_again) == ("book", True, False)


def test_the_same_service_as_last_time_is_not_the_same_person() -> None:
    r = read("same as last time please", ctx())
    assert (r.same_again, r.same_staff) == (True, False)


@pytest.mark.parametrize("text", ["ich kann am Freitag leider doch nicht", "Freitag klappt bei mir doch nicht",
                                  "Freitag passt mir doch nicht", "friday doesn't work for me anymore",
                                  "hey, something came up and I can't make it on friday anymore"])
def test_a_day_that_no_longer_suits_asks_to_cancel(text: str) -> None:
    assert read(text, ctx()).intent == "cancel"


@pytest.mark.parametrize("text", ["the heater doesn't work anymore", "my card doesn't work anymore",
                                  "mein Handy geht nicht mehr"])
def test_something_else_that_no_longer_works_cancels_nothing(text: str) -> None:
    assert read(text, ctx()).intent != "cancel"


def test_a_day_that_does_not_suit_answering_a_question_is_no_cancel() -> None:
    assert read("Freitag passt mir nicht", ctx(expecting="when")).intent != "cancel"


@pytest.mark.parametrize("text", ["good morning", "hello, are you doing alright", "hi! are you doing okay", "hi there"])
def test_a_greeting_alone_is_a_greeting(text: str) -> None:
    assert read(text, ctx()).intent == "greet"


def test_a_greeting_before_a_request_leaves_the_request() -> None:
    r = read("Good morning Sarah, can I book a haircut at 10?", ctx())
    assert (r.intent, r.staff, r.service, r.time.hour) == ("book", "sarah", "haircut", 10)


@pytest.mark.parametrize("text", ["oh no wait, I didn't mean to cancel that", "I cancelled it by mistake",
                                  "ich wollte den Termin gar nicht absagen", "aus Versehen abgesagt"])
def test_taking_back_a_cancellation_asks_for_it_again(text: str) -> None:
    r = read(text, ctx())
    assert r.undo and r.intent == "book"


@pytest.mark.parametrize("text", ["undo this process", "can you undo that?"])
def test_undo_alone_acts_only_right_after_a_cancellation(text: str) -> None:
    r = read(text, ctx())
    assert r.undo and r.intent != "book", "the dialogue knows whether something was just cancelled"
