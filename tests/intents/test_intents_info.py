"""Questions about the business itself (prices, hours, address, ...) read as `info` with a topic, never as an action."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

import intents
from intents import read

from intent_cases import DEMO, ctx

FAQ = replace(DEMO, faq={"en": ["dog", "dogs", "children"], "de": ["Hund", "Kinder"]})


@pytest.mark.parametrize("text, topic, service", [
    ("How much is a haircut?", "prices", "haircut"),
    ("what do you charge for a beard trim", "prices", "beard"),
    ("what are your prices?", "prices", None),
    ("Was kostet Färben?", "prices", "coloring"),
    ("wie teuer ist ein Haarschnitt bei euch?", "prices", "haircut"),
    ("how long does coloring take?", "prices", "coloring"),  # the answer gives durations with the prices
    ("Wie lange dauert Färben?", "prices", "coloring"),
    ("where are you?", "address", None),
    ("what's the address of the salon", "address", None),
    ("Wo seid ihr?", "address", None),
    ("Wie ist eure Adresse?", "address", None),
    ("what's your phone number?", "phone", None),
    ("Wie ist eure Telefonnummer?", "phone", None),
    ("what's your email address?", "phone", None),
    ("is there parking nearby?", "parking", None),
    ("habt ihr Parkplätze?", "parking", None),
    ("do you take credit cards?", "payment", None),
    ("can I pay cash?", "payment", None),
    ("kann ich mit Karte zahlen?", "payment", None),
    ("what's your cancellation policy", "cancellation_policy", None),
    ("can I cancel for free?", "cancellation_policy", None),
    ("Bis wann kann ich kostenlos absagen?", "cancellation_policy", None),
    ("what services do you offer?", "services", None),
    ("Welche Leistungen bietet ihr an?", "services", None),
    ("what are your opening hours?", "hours", None),
    ("Wie sind eure Öffnungszeiten?", "hours", None),
])
def test_question_about_the_business(text: str, topic: str, service: str | None) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic, r.service) == ("info", topic, service)


@pytest.mark.parametrize("text, lang, day", [
    ("are you open on Saturdays? till when?", "en", date(2026, 3, 28)),
    ("what time do you close on friday", "en", date(2026, 4, 3)),
    ("habt ihr morgen offen?", "de", date(2026, 3, 28)),
    ("Seid ihr am Montag geöffnet?", "de", date(2026, 3, 30)),
])
def test_hours_question_keeps_the_day(text: str, lang: str, day: date) -> None:
    r = read(text, ctx())  # Friday 27 March 2026
    assert (r.intent, r.topic, r.lang, r.date) == ("info", "hours", lang, day)


@pytest.mark.parametrize("text", ["can I bring my dog?", "do you cut children's hair?", "darf mein Hund mit?"])
def test_question_from_the_business_faq(text: str) -> None:
    from intents import Context

    r = read(text, Context(now=ctx().now, vocabulary=FAQ))
    assert (r.intent, r.topic) == ("info", "faq")


@pytest.mark.parametrize("text, intent", [
    ("book a haircut Saturday at 4pm", "book"),
    ("Haarschnitt morgen um 10 bei Sarah", "book"),
    ("cancel my appointment", "cancel"),
    ("what's free on Friday afternoon?", "availability"),
    ("Habt ihr am Samstag noch was frei?", "availability"),
    ("yes, and what's the address?", "affirm"),  # the yes counts; the question comes along as the topic
])
def test_requests_stay_requests(text: str, intent: str) -> None:
    assert read(text, ctx()).intent == intent


@pytest.mark.parametrize("text", [
    "what's the weather tomorrow?", "how much is a flight to Paris?", "book a table at a restaurant for two",
    "where is my package?", "how much do I have in my bank account", "where are you from?",
    "how much time do I have left", "Wie wird das Wetter morgen?", "Wo ist mein Paket?", "take me to the car park",
    "my dog wants a walk", "what's the exchange rate to dollars", "how long does it take to get to the airport",
    "how much have I spent this week", "can I pay my phone bill",
])
def test_unrelated_questions_are_not_info(text: str) -> None:
    r = read(text, ctx())
    assert r.intent not in ("info", "book", "cancel", "reschedule")
    assert r.topic is None


def test_the_dog_without_a_question_is_not_faq() -> None:
    from intents import Context

    r = read("my dog needs a haircut tomorrow at 10", Context(now=ctx().now, vocabulary=FAQ))
    assert r.intent == "book"


@pytest.mark.parametrize("text, service, lang", [
    ("do you colour hair?", "coloring", "en"),
    ("do you do beard trims?", "beard", "en"),
    ("Do you offer highlights?", "coloring", "en"),
    ("hi, do you also do men's cuts?", "haircut", "en"),
    ("can you do a beard shave?", "beard", "en"),
    ("färbt ihr auch Haare?", "coloring", "de"),
    ("macht ihr Bärte?", "beard", "de"),
    ("Bietet ihr auch Strähnchen an?", "coloring", "de"),
    ("Habt ihr auch Herrenschnitt?", "haircut", "de"),
])
def test_asking_whether_a_service_is_offered(text: str, service: str, lang: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic, r.service, r.lang) == ("info", "services", service, lang)


@pytest.mark.parametrize("text, thing", [
    ("do you do nails?", "nails"),
    ("Do you guys offer waxing?", "waxing"),
    ("macht ihr auch Nägel?", "nägel"),
    ("bietet ihr Maniküre an?", "maniküre"),
])
def test_asking_for_something_the_business_does_not_list(text: str, thing: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic, r.service) == ("info", "services", None)
    assert r.service_text == thing  # what was asked for: the answer says it is not among the services


@pytest.mark.parametrize("text", ["what do you offer?", "Was bietet ihr an?"])
def test_asking_what_is_offered_names_nothing(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic, r.service, r.service_text) == ("info", "services", None, None)


@pytest.mark.parametrize("text, staff, service", [
    ("does Sarah do beard trims?", "sarah", "beard"),
    ("macht Tom auch Färben?", "tom", "coloring"),
])
def test_asking_whether_someone_does_a_service(text: str, staff: str, service: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic, r.staff, r.service) == ("info", "services", staff, service)


@pytest.mark.parametrize("text, intent", [
    ("do you have anything tomorrow?", "availability"),
    ("do you do haircuts on Saturday at 11?", "book"),
    ("book a haircut with Tom on Friday", "book"),
    ("macht ihr mir einen Termin für Freitag?", "book"),
    ("what do you do for fun?", "help"),
])
def test_offer_words_with_a_time_stay_requests(text: str, intent: str) -> None:
    r = read(text, ctx())
    assert r.intent == intent
    assert r.topic is None


@pytest.mark.parametrize("text, lang, day", [
    ("open on christmas?", "en", date(2026, 12, 25)),
    ("open tomorrow?", "en", date(2026, 3, 28)),
    ("offen am Sonntag?", "de", date(2026, 3, 29)),
    ("hab ihr an Silvester offen?", "de", date(2026, 12, 31)),  # "hab" for "habt", as typed in a hurry
    ("habts ihr morgen auf?", "de", date(2026, 3, 28)),
])
def test_short_hours_questions(text: str, lang: str, day: date) -> None:
    r = read(text, ctx())  # Friday 27 March 2026
    assert (r.intent, r.topic, r.lang, r.date) == ("info", "hours", lang, day)


@pytest.mark.parametrize("text, topic", [
    ("where exactly are you located?", "address"),
    ("can I park nearby?", "parking"),
    ("what if I need to cancel?", "cancellation_policy"),
    ("what happens if I cancel late?", "cancellation_policy"),
    ("kann ich kostenlos stornieren?", "cancellation_policy"),
    ("was passiert, wenn ich absagen muss?", "cancellation_policy"),
    ("is there a car park?", "parking"),
    ("where can I park my car?", "parking"),
    ("kann man bei euch mit Apple Pay zahlen?", "payment"),
    ("can I call you?", "phone"),
    ("what payment do you accept?", "payment"),
    ("do you accept contactless payment?", "payment"),
    ("Wo genau seid ihr?", "address"),
    ("Nur Barzahlung?", "payment"),
    ("Wie lange vorher muss ich absagen?", "cancellation_policy"),
    ("how far in advance do I need to cancel?", "cancellation_policy"),
    ("Habt ihr sonntags zu?", "hours"),
    ("Habt ihr eine Webseite?", "phone"),
    ("Was macht ihr so?", "services"),
    ("is it free to cancel?", "cancellation_policy"),
    ("how much does it cost to cancel?", "cancellation_policy"),
    ("do you charge for no-shows?", "cancellation_policy"),
    ("do you take bitcoin?", "payment"), ("nehmt ihr Bitcoin?", "payment"), ("akzeptiert ihr PayPal?", "payment"),
    ("geht auch Apple Pay?", "payment"), ("do you guys accept amex?", "payment"),
    ("how do I get there from the station?", "address"), ("and how do I get there from the Hauptbahnhof?", "address"),
])
def test_more_ways_to_ask_about_the_business(text: str, topic: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", topic)


@pytest.mark.parametrize("text", [
    "set an alarm for 7am", "stell einen Wecker auf 7 Uhr", "start a timer for 10 minutes",
    "do you have a name?", "do you do anything for fun?", "where is my car?", "can I park my car at the airport",
    "reserve a table tomorrow at 7", "Tisch für zwei morgen um 19 Uhr reservieren", "remind me to call mom at 5",
    "wake me up at 6", "erinnere mich morgen um 9 an den Müll",
])
def test_assistant_requests_are_neither_bookings_nor_services(text: str) -> None:
    r = read(text, ctx())
    assert r.intent not in ("book", "cancel", "reschedule")
    assert r.topic != "services"


@pytest.mark.parametrize("text", ["do you do walk-ins?", "Do you offer student discounts?", "bietet ihr Gutscheine an?",
                                  "do you sell hair products?", "verkauft ihr auch Haarpflegeprodukte?"])
def test_asking_for_a_fact_that_is_not_a_service(text: str) -> None:
    r = read(text, ctx())  # answered from the business's own Q&A, or honestly as not known
    assert (r.intent, r.topic, r.service_text) == ("info", "faq", None)


@pytest.mark.parametrize("text, topics", [
    ("how much is a haircut, and are you open on saturday?", ("prices", "hours")),
    ("can I pay by card and where can I park?", ("payment", "parking")),
    ("wo seid ihr und kann man da parken?", ("address", "parking")),
    ("what's the weather tomorrow?", ()),
    ("how much is my phone bill", ()),
])
def test_every_topic_a_message_asks_in_order(text: str, topics: tuple[str, ...]) -> None:
    from intents import topics_in

    assert topics_in(text) == topics


@pytest.mark.parametrize("text, minutes", [
    ("I'm running 10 minutes late, sorry!", 10),
    ("running about 15 mins late", 15),
    ("I'll be 5-10 minutes late", 10),
    ("I'm running half an hour late for my appointment", 30),
    ("sorry, running late", None),
    ("won't make it on time, sorry", None),
    ("ich komme 10 Minuten später", 10),
    ("bin eine Viertelstunde zu spät", 15),
    ("ich verspäte mich um 20 Minuten", 20),
    ("ich schaffe es nicht pünktlich", None),
    ("Kannst du Bescheid sagen, dass ich später komme?", None),
    ("sag Sarah bitte Bescheid, dass ich 10 Minuten später komme", 10),
])
def test_running_late_says_how_late(text: str, minutes: int | None) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "late")
    assert r.late_by == (timedelta(minutes=minutes) if minutes else None)
    assert r.shift is None, "how late moves nothing: no relative change of a time on the table"


@pytest.mark.parametrize("text, topic", [
    ("what if I'm running late?", "late_policy"),
    ("what happens if I'm 10 minutes late", "late_policy"),
    ("is there a grace period for late arrivals?", "late_policy"),
    ("how late can I be?", "late_policy"),
    ("was passiert, wenn ich zu spät komme?", "late_policy"),
    ("was ist, wenn ich mich verspäte?", "late_policy"),
    ("sorry, I'm running late", "late"),  # said, not asked: the team is to hear it
    ("what happens if I cancel late?", "cancellation_policy"),
    ("und wenn ich 10 Minuten zu spät komme?", "late_policy"), ("and if I'm 10 minutes late?", "late_policy"),
    ("ok and if I'm running late by 10 min is that ok?", "late_policy"), ("is it ok if I'm 10 minutes late?", "late_policy"),
    ("ist es schlimm, wenn ich 10 Minuten zu spät komme?", "late_policy"),
    ("what's the total with a beard trim?", "prices"),
    ("ich komme 10 Minuten zu spät", "late"),
    ("wann muss ich spätestens absagen?", "cancellation_policy"), ("bis wann muss ich absagen?", "cancellation_policy"),
    ("by when do I have to cancel?", "cancellation_policy"),
])
def test_what_if_im_late_asks_what_happens_then(text: str, topic: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", topic)


@pytest.mark.parametrize("text", [
    "Will Sarah message me if she runs late?", "will you text me if you're running behind?",
    "what happens if the stylist is running late?", "Sagt Sarah Bescheid, wenn sie sich verspätet?",
    "sagt ihr Bescheid, wenn ihr in Verzug seid?",
])
def test_the_business_running_late_is_a_question_for_the_business(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "faq"), "not the customer's own lateness, and no booking"


@pytest.mark.parametrize("text", ["if I'm late will Sarah wait?", "wenn ich mich verspäte, wartet Sarah dann?",
                                  "I'm running late, tell Sarah please"])
def test_the_customers_own_lateness_stays_theirs(text: str) -> None:
    assert read(text, ctx()).topic in ("late", "late_policy")


@pytest.mark.parametrize("text, topic", [
    ("why did you cancel it?", "faq"), ("why was my appointment cancelled?", "faq"),
    ("so why did it get moved?", "faq"), ("warum wurde mein Termin abgesagt?", "faq"),
    ("wieso habt ihr meinen Termin verschoben?", "faq"),
    ("why can't I cancel?", "cancellation_policy"), ("warum kann ich den Termin nicht mehr absagen?", "cancellation_policy"),
])
def test_why_a_booking_changed_is_asked_not_done(text: str, topic: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", topic)


def test_a_question_about_coming_later_in_the_day_is_not_about_being_late() -> None:
    assert read("what if I come later in the day?", ctx()).topic != "late_policy"


@pytest.mark.parametrize("text, day", [
    ("I'll be 10 minutes late on Friday", date(2026, 4, 3)),
    ("I'll be late tomorrow", date(2026, 3, 28)),
])
def test_running_late_on_a_day_keeps_the_day(text: str, day: date) -> None:
    r = read(text, ctx())  # Friday 27 March 2026
    assert (r.intent, r.topic, r.date) == ("info", "late", day)


@pytest.mark.parametrize("text", [
    "I'm late on my rent", "I'm behind on payments", "I'm running late for work", "my flight is running late",
])
def test_late_with_something_else_is_not_about_the_appointment(text: str) -> None:
    assert read(text, ctx()).topic != "late"


@pytest.mark.parametrize("text", [
    "do I need to wash my hair before my appointment?", "what should I bring to my appointment?",
    "should I wash my hair before coloring?", "muss ich vorher die Haare waschen?",
    "is it ok if I bring my kid to the appointment?",
])
def test_a_question_about_coming_to_the_visit_is_for_the_front_desk(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "faq")


@pytest.mark.parametrize("text", [
    "do i need to get a visa to visit canada", "should i bring a converter to barcelona",
    "do i need to get shots before i go to kenya", "should I cancel my appointment?",
])
def test_advice_about_other_things_or_an_action_is_not(text: str) -> None:
    assert read(text, ctx()).topic != "faq"


@pytest.mark.parametrize("text", [
    "when was that again?", "what time was it again?", "sorry, what day was my appointment again?",
    "wann genau war das nochmal?", "wann war der Termin nochmal",
])
def test_asking_back_when_their_booking_is_lists_it(text: str) -> None:
    assert read(text, ctx()).intent == "list"


@pytest.mark.parametrize("text", ["what time is it again in tokyo", "when was the battle of hastings again"])
def test_asking_back_about_something_else_is_not(text: str) -> None:
    assert read(text, ctx()).intent != "list"


@pytest.mark.parametrize("text", [
    "do I have anything on Friday?", "have I got something next week?", "do we have anything booked?",
    "do I have anything?", "hab ich nächste Woche was?", "habe ich am Freitag etwas?", "haben wir schon was gebucht?",
])
def test_asking_whether_they_have_anything_lists_their_bookings(text: str) -> None:
    assert read(text, ctx()).intent == "list"
    assert read(text, ctx(expecting="confirm")).intent == "list"  # no answer to "Shall I book …?" either


@pytest.mark.parametrize("text", [
    "my appointments this week", "show my appointments for next week", "can you show me my booking for tomorrow",
    "list my bookings for tomorrow", "meine Termine nächste Woche", "welche Termine habe ich diese Woche?",
])
def test_their_bookings_on_days_named_are_listed(text: str) -> None:
    assert read(text, ctx()).intent == "list"


@pytest.mark.parametrize("text", ["my appointment on Friday at 3", "book my appointments for next week",
                                  "please book it, show my bookings for friday"])
def test_a_booking_asked_for_on_a_day_is_not_a_list(text: str) -> None:
    assert read(text, ctx()).intent == "book"


@pytest.mark.parametrize("text, intent", [
    ("do you have anything on Friday?", "availability"), ("haben Sie am Freitag etwas frei?", "availability"),
    ("hab ich was vergessen?", "other"), ("habe ich etwas zu beachten?", "other"), ("do I have anything to bring?", "info"),
    ("do i have anything on my calendar tomorrow", "other"),
])
def test_anything_they_have_that_is_not_a_booking_is_not_listed(text: str, intent: str) -> None:
    assert read(text, ctx()).intent == intent


@pytest.mark.parametrize("text", ["how much?", "what's the damage?", "was kostet der Spaß?", "wie viel muss ich zahlen?",
                                  "was zahl ich?", "how much for both?", "what does that come to together?",
                                  "what's the total?", "wie viel macht das zusammen?", "was kostet das insgesamt?"])
def test_a_price_asked_on_its_own(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "prices")


@pytest.mark.parametrize("text", ["how much do i owe on my credit card", "how much is my bill"])
def test_a_price_of_something_of_their_own_is_not(text: str) -> None:
    assert read(text, ctx()).topic != "prices"


@pytest.mark.parametrize("text", ["how long does it take?", "and how long will that take?", "how long is it",
                                  "wie lange dauert das?", "wie lange dauert das ungefähr?"])
def test_how_long_asked_on_its_own_is_the_price_list_line_with_its_duration(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "prices")


@pytest.mark.parametrize("text", ["how long will it take to get there", "wie lange dauert es bis ihr antwortet",
                                  "how long is the drive from the station"])
def test_how_long_of_something_else_is_no_price(text: str) -> None:
    assert read(text, ctx()).topic != "prices"


@pytest.mark.parametrize("text, lang, arrives", [
    ("I'm 5 minutes away", "en", "10:05"), ("on my way, be there in 10", "en", "10:10"),
    ("we're about ten minutes out", "en", "10:10"), ("bin in 5 Minuten da", "de", "10:05"),
])
def test_how_far_away_is_when_they_arrive(text: str, lang: str, arrives: str) -> None:
    r = read(text, ctx("2026-03-27T10:00", lang=lang))
    assert (r.intent, r.topic, r.time.strftime("%H:%M")) == ("info", "late", arrives)


@pytest.mark.parametrize("text, topic", [
    ("u open sat?", "hours"), ("you open tomorrow?", "hours"), ("open saturday?", "hours"),
    ("wats ur adress", "address"), ("what's your adress?", "address"),
    ("do u take walk ins", "faq"), ("do you take walk-ins?", "faq"), ("do you accept vouchers?", "faq"),
])
def test_questions_written_as_in_a_chat(text: str, topic: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", topic)


@pytest.mark.parametrize("text", ["you open the door", "open a new account", "do you take the bus to work?"])
def test_open_and_take_about_something_else_are_no_question_for_us(text: str) -> None:
    assert read(text, ctx()).topic is None


@pytest.mark.parametrize("text, lang, staff", [
    ("who is Tom?", "en", "tom"), ("tell me about Sarah", "en", "sarah"), ("what does Tom do?", "en", "tom"),
    ("wer ist Tom?", "de", "tom"), ("was macht Sarah?", "de", "sarah"),
    ("who works there?", "en", None), ("who are your stylists?", "en", None), ("wer arbeitet bei euch?", "de", None),
    # who is good for what: the team and what each does
    ("who is best for curly hair?", "en", None), ("can you recommend someone for a fade?", "en", None),
    ("wer ist bei euch am besten für Locken?", "de", None), ("könnt ihr mir jemanden für lockiges Haar empfehlen?", "de", None),
])
def test_questions_about_the_team(text: str, lang: str, staff: str | None) -> None:
    r = read(text, ctx(lang=lang))
    assert (r.intent, r.topic, r.staff) == ("info", "staff", staff)


@pytest.mark.parametrize("text", ["Tom on friday at 10", "who is working tomorrow?", "who are the people responsible for you",
                                  "who is the president?", "can you recommend someone else?", "who is the best restaurant?"])
def test_naming_staff_to_book_or_someone_else_is_no_team_question(text: str) -> None:
    assert read(text, ctx()).topic != "staff"


@pytest.mark.parametrize("text, lang", [
    ("how early should I arrive?", "en"), ("which stylist is best for curly hair?", "en"), ("do you have gift cards?", "en"),
    ("do you sell vouchers?", "en"), ("habt ihr Gutscheine?", "de"), ("welcher Friseur ist gut für Locken?", "de"),
])
def test_front_desk_questions_the_file_may_not_answer(text: str, lang: str) -> None:
    r = read(text, ctx(lang=lang))
    assert (r.intent, r.topic) == ("info", "faq")


@pytest.mark.parametrize("text", ["do you have time on friday?", "should I book online?"])
def test_have_and_should_about_booking_are_no_front_desk_question(text: str) -> None:
    assert read(text, ctx()).topic != "faq"


@pytest.mark.parametrize("text, lang", [
    ("are you a bot?", "en"), ("am I talking to a real person?", "en"), ("is this an AI?", "en"), ("are you human", "en"),
    ("bist du ein mensch?", "de"), ("rede ich hier mit einem Bot?", "de"),
])
def test_asking_whether_this_is_a_person_is_answered_not_handed_off(text: str, lang: str) -> None:
    r = read(text, ctx(lang=lang))
    assert (r.intent, r.topic, r.staff_text) == ("info", "assistant", None)


@pytest.mark.parametrize("text, intent", [("I want to talk to a real person", "handoff"), ("are you open on sunday?", "info"),
                                          ("are you free tomorrow?", "availability")])
def test_asking_for_a_person_or_about_the_salon_is_not_about_the_assistant(text: str, intent: str) -> None:
    r = read(text, ctx())
    assert r.intent == intent and r.topic != "assistant"


@pytest.mark.parametrize("text, lang", [("hello there, how are you?", "en"), ("how are you?", "en"), ("hallo, wie geht's?", "de")])
def test_small_talk_is_a_greeting(text: str, lang: str) -> None:
    assert read(text, ctx(lang=lang)).intent == "greet"


@pytest.mark.parametrize("text, lang, intent, service", [
    ("I have a question about the haircut", "en", "info", "haircut"),
    ("quick question about coloring", "en", "info", "coloring"),
    ("Dazu habe ich eine Frage zum Haarschnitt", "de", "info", "haircut"),
    ("I have a question", "en", "help", None),
    ("hi, quick question", "en", "help", None),
    ("can I ask you something?", "en", "help", None),
    ("ich habe eine Frage", "de", "help", None),
    ("kann ich Sie was fragen?", "de", "help", None),
])
def test_a_question_announced_is_no_booking(text, lang, intent, service) -> None:
    r = read(text, ctx(lang=lang))
    assert (r.intent, r.service) == (intent, service)
    assert r.topic == ("services" if service else None)


@pytest.mark.parametrize("text, intent", [
    ("I have a question about my appointment", "list"),
    ("question about parking", "info"),
    ("I have a question about my bill", "other"),
])
def test_a_question_about_something_else_is_read_as_before(text, intent) -> None:
    assert read(text, ctx()).intent == intent


@pytest.mark.parametrize("text, lang", [
    ("Kann ich auch ohne Termin kommen?", "de"), ("can I just walk in?", "en"),
    ("Do I need to pay a deposit?", "en"), ("is there a deposit?", "en"), ("muss ich eine Anzahlung leisten?", "de"),
    ("I'll be 10 minutes early, is that ok?", "en"), ("ich bin 10 Minuten früher da, ist das ok?", "de"),
    ("Gibt es einen Studentenrabatt?", "de"), ("is there a discount for seniors?", "en"), ("are there any deals?", "en"),
])
def test_a_question_of_the_business_own_answers_is_no_booking(text, lang) -> None:
    r = read(text, ctx(lang=lang))
    assert (r.intent, r.topic) == ("info", "faq")


@pytest.mark.parametrize("text", ["i need to set up direct deposit", "when is my next direct deposit",
                                  "help me set up a direct deposit"])
def test_a_bank_deposit_is_nothing_of_ours(text) -> None:
    assert read(text, ctx()).intent == "other"


@pytest.mark.parametrize("text, topic", [
    ("sure, is parking available?", "parking"), ("hmm ok, how much is it?", "prices"),
    ("is that ok if I bring my son?", "faq"), ("fine, is Tom good with curly hair?", "faq"),
    ("ja, passt. Kann man bei euch parken?", "parking"),
])
def test_a_yes_with_a_question_carries_the_question(text, topic) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("affirm", topic)


@pytest.mark.parametrize("text", ["yes please", "ok great", "is that ok?", "yes, is that ok?", "yes please!! :)"])
def test_a_plain_yes_carries_no_question(text) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("affirm", None)


@pytest.mark.parametrize("text, topic", [
    ("is coloring safe during pregnancy?", "faq"), ("does colouring damage my hair?", "faq"),
    ("I have a question about my hair colour, is it safe during pregnancy?", "faq"),
    ("Ich habe eine Frage zum Färben, ist das in der Schwangerschaft ok?", "faq"),
    ("is a beard trim ok with sensitive skin?", "faq"), ("does a haircut hurt?", "faq"),
    ("Ist eine Coloration schädlich für die Haare?", "faq"),
    ("what is a haircut?", "services"), ("was ist ein Herrenschnitt?", "services"),
    ("what should I bring?", "faq"), ("What do I need to bring?", "faq"), ("was soll ich mitbringen?", "faq"),
    ("muss ich was mitbringen?", "faq"), ("Hallo! Was soll ich zum Termin mitbringen?", "faq"),
    ("hi, do I need to wash my hair before my appointment?", "faq"),
    ("who is the best stylist?", "staff"), ("which stylist do you recommend?", "staff"),
    ("wer ist euer bester Friseur?", "staff"), ("welche Friseurin empfehlt ihr?", "staff"),
    ("does he need to come with an adult?", "faq"), ("muss mein Sohn mit einem Erwachsenen kommen?", "faq"),
    ("does my son need to bring anything?", "faq"),
    ("how do I get there by train?", "address"), ("wie komme ich mit der Bahn zu euch?", "address"),
    ("how do I get there?", "address"),
])
def test_a_question_about_a_service_or_the_visit_is_for_the_front_desk(text: str, topic: str) -> None:
    """Answered from the business file (or with where to ask), not with a booking started or "only appointments"."""
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", topic)


@pytest.mark.parametrize("text, intent", [
    ("can I get a haircut?", "book"), ("is a haircut possible?", "book"), ("haircut with Tom?", "book"),
    ("quick question about the haircut, can I book one?", "book"),
    ("I have a question about my booking, can I cancel it?", "cancel"),
    ("which stylist is free on Friday?", "availability"),
    ("what trees change color in autumn", "other"), ("who is the best barber in town?", "other"),
    ("what should I bring to the party?", "other"), ("what should I wear to the wedding?", "other"),
    ("what's the address of the train station", "other"), ("how do i get there from the airport", "other"),
    ("should he come at 10?", "book"), ("and my son Max the same day, haircut too?", "book"),
    ("what's left?", "list"), ("was ist jetzt noch übrig?", "list"), ("how much money do i have left", "other"),
    ("what's left on my shopping list", "other"),
])
def test_what_only_sounds_like_such_a_question_is_read_as_before(text: str, intent: str) -> None:
    assert read(text, ctx()).intent == intent


@pytest.mark.parametrize(("text", "child"), [
    ("how much is it for a 6 year old", True), ("how much is a kids haircut?", True),
    ("a haircut for my daughter", True), ("was kostet es für meinen 8-jährigen Sohn?", True),
    ("Kinderhaarschnitt", True), ("my son is 7 years old", True),
    ("how much is a haircut?", False), ("I'm 30 years old", False), ("a 16 year old", False), ("kindly", False),
])
def test_a_child_is_recognised(text: str, child: bool) -> None:
    """A price asked for a child can be the business's own answer about children."""
    assert intents.about_a_child(text) is child


@pytest.mark.parametrize("text", [
    "and what if I'm sick on the day?", "what happens if I miss my appointment?", "what if I get ill",
    "was ist, wenn ich krank werde?", "und wenn ich nicht kommen kann?", "was mache ich wenn ich krank bin",
])
def test_what_if_i_am_sick_asks_about_the_cancellation_rule(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "cancellation_policy")


@pytest.mark.parametrize(("text", "topic"), [
    ("super. und habt ihr am 24. offen?", "hours"), ("great. and are you open on the 24th?", "hours"),
    ("ok. und wie lange dauert der Bartschnitt eigentlich?", "prices"), ("great, is there parking?", "parking"),
])
def test_an_ok_then_a_question_of_its_own_is_the_question(text: str, topic: str) -> None:
    """An answer ("ok") and a question: the dialogue answers the question (with nothing on the table, no booking)."""
    r = read(text, ctx())
    assert r.intent in ("info", "affirm") and r.topic == topic


@pytest.mark.parametrize("text", ["ok and can I book friday at 3?", "yes, book me for friday at 3"])
def test_an_ok_then_a_booking_is_the_booking(text: str) -> None:
    assert read(text, ctx()).intent == "book"


@pytest.mark.parametrize("text", [
    "Danke! Muss ich vorher irgendwas beachten?", "thanks! is there anything I should know beforehand?",
    "do I need to prepare anything?", "gibt es etwas zu beachten?",
])
def test_what_to_keep_in_mind_before_the_visit_is_a_question_about_it(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "faq")


@pytest.mark.parametrize("text", [
    "can you send me the confirmation by email too?", "will I get a confirmation?", "is there an email confirmation?",
    "bekomme ich eine Bestätigung per Mail?", "schickt ihr mir eine Buchungsbestätigung?",
])
def test_a_question_about_the_confirmation_is_one(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "confirmation")


@pytest.mark.parametrize("text", ["send me a confirmation code for my bank", "yes, confirm"])
def test_other_confirmations_are_not_that_question(text: str) -> None:
    assert read(text, ctx()).topic != "confirmation"


@pytest.mark.parametrize("text", ["kann ich die Termine auch getrennt absagen, falls die Kleine krank wird?",
                                  "can I cancel my booking if I get sick?", "can I cancel if something comes up?"])
def test_can_i_cancel_if_asks_about_the_rule(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "cancellation_policy")


@pytest.mark.parametrize("text", [
    "wann muss ich absagen?", "when do I have to cancel by?", "wie kurzfristig kann ich absagen?",
    "muss ich absagen, wenn ich krank bin?", "when should I let you know if I can't come?",
    "do I have to cancel if my daughter is ill?",
])
def test_when_i_must_cancel_asks_about_the_rule(text: str) -> None:
    """When the customer must cancel (or whether, if something happens) is the rule, not a cancellation."""
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "cancellation_policy")


@pytest.mark.parametrize("text", ["can I cancel my appointment tomorrow", "kann ich meinen Termin absagen",
                                  "ich muss absagen, wenn es geht", "I need to cancel my haircut on Friday"])
def test_can_i_cancel_without_an_if_cancels(text: str) -> None:
    assert read(text, ctx()).intent == "cancel"


@pytest.mark.parametrize("text", ["what time does she finish?", "when does he start tomorrow",
                                  "bis wann arbeitet sie heute?", "wann hört er auf?"])
def test_when_someone_on_the_team_finishes_asks_the_hours(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "hours")


def test_when_a_film_starts_is_not_our_hours() -> None:
    assert read("what time does the movie start", ctx()).topic is None


@pytest.mark.parametrize("text", ["Ich komme mit dem Auto, wo kann ich parken?", "I'm coming by car, where can I park?"])
def test_coming_by_car_and_asking_where_to_park_asks_about_parking(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "parking")


def test_parking_at_the_airport_is_not_ours() -> None:
    assert read("where can i park my car at the airport", ctx()).intent == "other"


@pytest.mark.parametrize(("text", "wish"), [
    ("merry christmas!", True), ("Frohe Weihnachten und einen guten Rutsch!", True), ("happy new year to you all", True),
    ("greetings to you", False), ("what's open on christmas day", False),
])
def test_festive_wishes_are_a_courtesy_said_back(text: str, wish: bool) -> None:
    r = read(text, ctx())
    assert (r.intent == "thanks" and intents.wishes(text)) is wish


@pytest.mark.parametrize("text", ["book me in for my usual", "same as last time please", "wie immer bitte, morgen um 10",
                                  "das Übliche am Freitag"])
def test_the_usual_is_the_service_booked_last_time(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.same_again, r.service) == ("book", True, None)


@pytest.mark.parametrize("text", ["as usual the weather is bad", "the usual time works", "I usually come on fridays"])
def test_other_usuals_are_not(text: str) -> None:
    assert not read(text, ctx()).same_again


@pytest.mark.parametrize("text", ["Kann ich einen Gutschein kaufen?", "can I buy a gift card?", "do I need to pay upfront?"])
def test_vouchers_and_paying_ahead_are_questions_for_the_business(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "faq")


@pytest.mark.parametrize(("text", "arrived"), [
    ("Ich bin schon da, soll ich reinkommen?", True), ("I'm here", True), ("hi, i've arrived", True), ("wir sind da", True),
    ("I'm here to book a haircut", False), ("ich bin da um 11", False),
    ("I'm here for my 11 o'clock", True), ("hi, I'm here for my appointment at 11:30.", True),
    ("ich bin da für meinen Termin um 11", True), ("ich bin wegen meinem Termin hier", True),
    ("I'm here for a haircut", False),
    ("I'm here for my sister's wedding next week, can I book a blowdry?", False),
])
def test_i_am_here_says_they_are_at_the_door(text: str, arrived: bool) -> None:
    assert (read(text, ctx()).topic == "arrived") is arrived


@pytest.mark.parametrize("text", ["und was kostet beides?", "wie lange bin ich dann insgesamt da?",
                                  "how long will I be there in total?", "how long will it take altogether"])
def test_how_long_or_how_much_for_all_of_it_asks_the_prices_and_durations(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "prices")


@pytest.mark.parametrize("text", ["is there a bus stop near by", "what's the nearest train station to you?",
                                  "is there a tram stop close by?", "gibt es eine Haltestelle in der Nähe?",
                                  "wie komme ich mit den Öffentlichen zu euch?"])
def test_a_stop_nearby_asks_how_to_get_here(text: str) -> None:
    """The address text says how to get there (the nearest stop, the floor): the answer to these."""
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "address")


@pytest.mark.parametrize("text", ["please tell me the subway station nearest to madison square garden in new york",
                                  "what's the nearest train station?", "when is the next bus to the airport"])
def test_stations_elsewhere_are_not_ours(text: str) -> None:
    assert read(text, ctx()).topic is None


@pytest.mark.parametrize("text", ["who does balayage?", "who does beard trims?", "wer von euch macht Balayage?",
                                  "wer macht bei euch Dauerwelle?", "who can do a perm?", "who here does a perm?",
                                  "wer kann eine Dauerwelle machen?", "who can do a beard trim?",
                                  "which stylist does coloring?", "which of you does a perm?",
                                  "welche Friseurin macht Färben?"])
def test_who_does_a_service_asks_whether_it_is_offered(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "services")


@pytest.mark.parametrize("text", ["who does the voice of homer simpson", "who do you work for", "wer macht das?",
                                  "who does a good impression of trump", "wer kann mir helfen?"])
def test_who_does_something_else_is_no_question_about_services(text: str) -> None:
    assert read(text, ctx()).topic != "services"


@pytest.mark.parametrize("text", ["kann ich auch per WhatsApp erinnert werden?", "can I get reminded by text?",
                                  "will you remind me by email?", "werde ich erinnert?", "will you remind me?"])
def test_asking_to_be_reminded_asks_about_reminders(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "reminders")


@pytest.mark.parametrize("text", ["remind me by text to call mom", "can you remind me to buy milk?",
                                  "i would like to be reminded", "I want to be reminded to take my pills"])
def test_reminders_of_other_things_are_not_ours(text: str) -> None:
    assert read(text, ctx()).topic != "reminders"


@pytest.mark.parametrize("text", [
    "are you wheelchair accessible?", "what products do you use?", "can I get a refund if I'm unhappy?",
    "habt ihr einen barrierefreien Zugang?", "welche Produkte benutzt ihr?", "what if I don't like my haircut?",
    "kann ich mein Geld zurückbekommen, wenn ich nicht zufrieden bin?", "do you have a toilet?",
])
def test_questions_about_the_place_and_its_work_are_for_the_business(text: str) -> None:
    """The business's own answer if it has one, else how to reach it: never a booking or the refusal."""
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "faq")


@pytest.mark.parametrize("text", ["can you please put toilet paper on the shopping list i'm out of it",
                                  "how do I get a refund for my flight", "what products are on sale at walmart"])
def test_such_words_about_other_things_are_not_for_the_business(text: str) -> None:
    assert read(text, ctx()).intent != "info"


@pytest.mark.parametrize("text", ["can I come with him? he's a bit shy", "can I stay with my daughter?",
                                  "darf ich dabei bleiben?", "kann ich mitkommen?"])
def test_whether_the_customer_may_come_along_or_stay_is_a_question_about_the_visit(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "faq")


def test_coming_with_someone_named_is_still_a_booking_for_both() -> None:
    r = read("can I come with my son?", ctx())
    assert (r.intent, r.party) == ("book", 2)


@pytest.mark.parametrize("text", ["how much is a bitcoin worth", "should I buy bitcoin", "what's the bitcoin price?"])
def test_money_elsewhere_is_no_payment_question(text: str) -> None:
    assert read(text, ctx()).intent != "info"


@pytest.mark.parametrize("text", ["can you send me the confirmation again?", "I never got a confirmation",
                                  "schickt ihr mir die Bestätigung nochmal?", "ich habe keine Bestätigung bekommen",
                                  "resend the confirmation please"])
def test_the_confirmation_asked_for_again_shows_what_is_booked(text: str) -> None:
    assert read(text, ctx()).intent == "list"


@pytest.mark.parametrize("text", ["will I get a confirmation?", "bekomme ich eine Bestätigung per Mail?"])
def test_whether_a_confirmation_comes_is_a_question(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "confirmation")


def test_a_confirmation_of_something_else_is_not_ours() -> None:
    assert read("I never got a confirmation for my amazon order", ctx()).intent == "other"


@pytest.mark.parametrize("text", ["do I need to come with her or can she come alone?", "can he come on his own?",
                                  "muss ich mitkommen?", "kann meine Tochter alleine kommen?"])
def test_whether_a_child_comes_alone_is_a_question_for_the_business(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "faq")


@pytest.mark.parametrize("text, thing", [("can I also get my eyebrows done", "eyebrows"),
                                         ("I'd like to get my nails done tomorrow", "nails"),
                                         ("ich möchte meine Nägel machen lassen", "nägel")])
def test_a_service_not_ours_asked_for_is_named(text: str, thing: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.service, r.service_text) == ("book", None, thing)


@pytest.mark.parametrize("text", ["can I get my hair done friday", "ich möchte mir die Haare schneiden lassen"])
def test_hair_asked_for_names_no_service_we_lack(text: str) -> None:
    r = read(text, ctx())
    assert r.intent == "book" and (r.service is not None or r.service_text is None)


@pytest.mark.parametrize("text, topic", [("good morning, what time do you open tomorrow?", "hours"),
                                         ("good morning, what are your opening hours?", "hours"),
                                         ("good evening, are you open on sunday?", "hours"),
                                         ("Guten Morgen, wann habt ihr morgen offen?", "hours")])
def test_a_greeting_before_a_question_is_no_time_and_no_yes(text: str, topic: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic, r.time, r.start) == ("info", topic, None, None)


@pytest.mark.parametrize("text", ["could you also put a note that I have sensitive scalp?",
                                  "please let Sarah know I'm allergic to ammonia", "can you let Tom know my son is autistic",
                                  "bitte notieren, dass ich empfindliche Kopfhaut habe",
                                  "kannst du Sarah Bescheid sagen, dass ich Allergikerin bin?",
                                  "please note I'm allergic to ammonia", "note: my son is autistic"])
def test_word_for_the_team_is_a_note(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "note")


@pytest.mark.parametrize("text", ["let Sarah know I'm running late", "note that down", "let me know my card's apr",
                                  "did i make a note on my todo list to mop the floor",
                                  "can you make a note for my next oil change",
                                  "please note that i will be travelling internationally soon"])
def test_other_words_about_notes_and_knowing_are_no_note(text: str) -> None:
    assert read(text, ctx()).topic != "note"


@pytest.mark.parametrize("text, note", [
    ("could you put a note that I have a sensitive scalp?", "I have a sensitive scalp"),
    ("hi, could you please note I have a sensitive scalp?", "I have a sensitive scalp"),
    ("can you add a note to my booking that I'll bring my own products", "I'll bring my own products"),
    ("make a note: my son is autistic, he needs a quiet spot", "My son is autistic, he needs a quiet spot"),
    ("Notiz: ich komme mit Kinderwagen", "Ich komme mit Kinderwagen"),
    ("Kannst du bitte notieren: allergisch gegen Ammoniak", "Allergisch gegen Ammoniak"),
    # as said: a "dass" clause, a message naming whom to tell, nothing left after the asking
    ("bitte notieren, dass ich empfindliche Kopfhaut habe", "bitte notieren, dass ich empfindliche Kopfhaut habe"),
    ("please let Sarah know I'm allergic to ammonia", "please let Sarah know I'm allergic to ammonia"),
    ("note that", "note that"), ("Notebooks are great", "Notebooks are great"), ("noted, thanks", "noted, thanks"),
])
def test_a_notes_words_are_what_it_says_without_the_asking(text: str, note: str) -> None:
    assert intents.note_words(text) == note


@pytest.mark.parametrize("text", [
    "can you let me know if an earlier slot opens up?", "put me on the waiting list", "is there a waitlist?",
    "text me when something frees up on Friday", "könnt ihr mir Bescheid sagen, wenn früher was frei wird?",
    "setzt mich auf die Warteliste", "können Sie mich benachrichtigen, falls jemand absagt?",
])
def test_asking_to_be_told_when_a_time_frees_up_is_the_waitlist_question(text: str) -> None:
    r = read(text, ctx())
    assert (r.intent, r.topic) == ("info", "waitlist")


@pytest.mark.parametrize("text", ["what's your cheapest service?", "which one is quickest?", "was ist am günstigsten?",
                                  "welche Leistung ist die kürzeste?"])
def test_the_cheapest_or_quickest_is_a_question_about_prices(text: str) -> None:
    assert (read(text, ctx()).intent, read(text, ctx()).topic) == ("info", "prices")


@pytest.mark.parametrize("text", ["what do you recommend for curly hair?", "which treatment is best for thin hair?",
                                  "was empfehlt ihr bei lockigen Haaren?", "what would you suggest for a wedding?"])
def test_asking_for_advice_is_the_businesss_own_question(text: str) -> None:
    assert (read(text, ctx()).intent, read(text, ctx()).topic) == ("info", "faq")


@pytest.mark.parametrize("text", ["what is the cheapest electric guitar", "what's the quickest way to get there?",
                                  "what do you recommend to do in vegas", "who do you recommend for a fade?"])
def test_cheapest_things_and_advice_elsewhere_are_not_ours(text: str) -> None:
    assert read(text, ctx()).topic not in ("prices", "faq")


@pytest.mark.parametrize("text", ["how much will I pay?", "what will I have to pay?", "was muss ich zahlen?",
                                  "wie viel muss ich dafür bezahlen?"])
def test_what_the_customer_will_pay_is_a_question_about_prices(text: str) -> None:
    assert (read(text, ctx()).intent, read(text, ctx()).topic) == ("info", "prices")


def test_where_exactly_is_the_address() -> None:
    assert read("where exactly are you?", ctx()).topic == "address"


@pytest.mark.parametrize("text", ["how much do i pay in apr on my amex card", "what do i have to pay on my amex that is the minimum"])
def test_what_is_paid_elsewhere_is_not_a_price_of_ours(text: str) -> None:
    assert read(text, ctx()).topic != "prices"
