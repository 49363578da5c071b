"""A booking and a question about the business in one message: each part read on its own."""

from __future__ import annotations

import pytest

from intents import booking_along, questions_along, read

from intent_cases import ctx


@pytest.mark.parametrize("text,topics", [
    ("book a haircut tomorrow at 10, how much is it?", ["prices"]),
    ("Ich möchte Freitag färben lassen, wie lange dauert das?", ["prices"]),
    ("I'd like to book a coloring, but I have a question first: how long does it take and do I need to wash my hair"
     " before?", ["prices", "faq"]),
    ("what's your address? and I'd like a haircut tomorrow at 3", ["address"]),
])
def test_the_questions_asked_with_a_booking_are_found_with_the_bookings_service(text, topics):
    c = ctx()
    whole = read(text, c)
    asked = questions_along(whole, text, lambda p: read(p, c))
    assert whole.intent in ("book", "availability")
    assert [r.topic for _, r in asked] == topics
    assert all(r.service == whole.service for _, r in asked if r.topic == "prices")


@pytest.mark.parametrize("text", ["can I book a haircut tomorrow?", "haircut tomorrow at 10 please",
                                  "is Sarah free tomorrow at 10 for a haircut?"])
def test_a_booking_asked_as_a_question_has_no_question_along(text):
    c = ctx()
    assert questions_along(read(text, c), text, lambda p: read(p, c)) == []


@pytest.mark.parametrize("text,service", [("I want a coloring on friday. do you take cards?", "coloring"),
                                          ("haircut tomorrow at 10. do you take cards?", "haircut")])
def test_the_booking_asked_with_a_question_is_found(text, service):
    c = ctx()
    whole = read(text, c)
    wanted = booking_along(whole, text, lambda p: read(p, c))
    assert whole.intent == "info" and wanted is not None and wanted.service == service and wanted.has_when


@pytest.mark.parametrize("text", ["do you take cards? and what are your hours?", "how much is a haircut?"])
def test_questions_alone_want_no_booking(text):
    c = ctx()
    assert booking_along(read(text, c), text, lambda p: read(p, c)) is None
