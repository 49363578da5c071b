"""The business file's facts (address, prices, payment, policies, questions and answers): read, checked, named."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking_client import BusinessFileError, load_business, parse_business

SMALL = '''
name = "Studio"
timezone = "Europe/Vienna"
[hours]
mon = ["09:00-17:00"]
[[services]]
id = "consult"
name = { en = "Consultation", de = "Beratung" }
duration_minutes = 45
[[staff]]
id = "eva"
name = "Eva"
services = ["consult"]
'''

FACTS = SMALL.replace('timezone = "Europe/Vienna"', '''timezone = "Europe/Vienna"
address = "Ringstraße 5, 1010 Wien"
phone = "+43 1 234567"
currency = "CHF"
payment = { en = "cash only", de = ["bar"] }
parking = { en = "Garage next door." }''').replace("duration_minutes = 45", '''duration_minutes = 45
price = 120
price_from = true''') + '''
[cancellation]
free_until_hours = 48
note = { de = "Bitte früh absagen." }

[[faq]]
question = { en = "Do you do house calls?", de = "Kommt ihr auch ins Haus?" }
answer = { en = "No, only in the studio.", de = "Nein, nur im Studio." }
keywords = { en = ["house call", "home visit"] }
'''


def test_the_facts_are_read():
    biz = parse_business(FACTS)
    assert biz.address == "Ringstraße 5, 1010 Wien" and biz.currency == "CHF"
    assert biz.service("consult").price == 120 and biz.service("consult").price_from
    assert biz.payment.get("en") == ["cash only"] and biz.payment.get("de") == ["bar"]
    assert biz.parking.get("de") == "Garage next door."  # a language left out falls back to the other
    assert biz.cancellation.deadline == timedelta(hours=48)
    assert biz.faq[0].keywords.get("en") == ["house call", "home visit"]


def test_every_fact_is_optional_and_the_deadline_defaults_to_a_day():
    biz = parse_business(SMALL)
    assert (biz.address, biz.phone, biz.payment, biz.faq, biz.currency) == (None, None, None, [], "EUR")
    assert biz.cancellation.deadline == timedelta(hours=24)
    assert parse_business(SMALL + "[cancellation]\nfree_until_hours = 0\n").cancellation.deadline == timedelta(0)


def test_the_demo_salon_has_its_facts():
    biz = load_business()
    assert biz.address == "Hauptstraße 1, 10115 Berlin"
    assert [(s.id, s.price, s.price_from) for s in biz.services] == [
        ("haircut", 35, False), ("coloring", 80, True), ("beard", 15, False)]
    assert biz.cancellation.free_until_hours == 24
    assert len(biz.faq) >= 2 and all(f.question.en and f.question.de and f.answer.de for f in biz.faq)


@pytest.mark.parametrize("broken, words", [
    (FACTS.replace('currency = "CHF"', 'currency = "Euro"'), ["'currency'", "ISO 4217"]),
    (FACTS.replace("price = 120", "price = -1"), ["services.0.price"]),
    (FACTS.replace("free_until_hours = 48", "free_until_hourz = 48"), ["cancellation.free_until_hourz"]),
    (FACTS.replace('parking = { en = "Garage next door." }', 'parking = { fr = "Garage" }'), ["parking.fr"]),
    (FACTS.replace('answer = { en = "No', 'answr = { en = "No'), ["faq.0.answ"]),
    (FACTS.replace('address = "Ringstraße 5, 1010 Wien"', 'adress = "Ringstraße 5"'), ["adress"]),
])
def test_mistakes_name_the_key(broken, words):
    with pytest.raises(BusinessFileError) as err:
        parse_business(broken, "studio.toml")
    message = str(err.value)
    assert "studio.toml" in message
    for word in words:
        assert word in message
