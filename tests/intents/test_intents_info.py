"""Questions about the business itself (prices, hours, address, ...) read as `info` with a topic, never as an action."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

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
