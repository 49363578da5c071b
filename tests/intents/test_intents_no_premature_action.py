"""Nothing is booked on words that only look like a booking: choosing what was offered, looking for a
provider, thanking for a booking, closing for the day, asking about one's own calendar. Each of these
would start a booking flow (or put a wrong time into it) if read as `book`."""

from __future__ import annotations

import pytest

from intents import read

from intent_cases import ctx

ACTIONS = ("book", "cancel", "reschedule")


@pytest.mark.parametrize("text", [
    "yes, I'll stick with that one", "ok let's go with them", "sure, I'd rather have that one",
    "yes please book", "yep, please book it", "that's right, proceed with the booking",
])
def test_accepting_what_was_offered_is_an_answer_not_a_new_booking(text: str) -> None:
    assert read(text, ctx()).intent == "affirm"


@pytest.mark.parametrize("text", [
    "yes, go with that one and also book me a beard trim", "I'll take that one, and I want to see Sarah too",
])
def test_choosing_and_asking_for_more_is_still_a_booking(text: str) -> None:
    assert read(text, ctx()).intent == "book"


@pytest.mark.parametrize("text", [
    "can you find me a barber nearby?", "I'm searching for someone in Leipzig", "could you look up hairdressers for me",
    "I want one close to the station",
])
def test_looking_for_a_provider_is_a_search_without_a_time(text: str) -> None:
    r = read(text, ctx())
    assert r.intent not in ACTIONS
    assert r.time is None and r.date is None


@pytest.mark.parametrize("text", ["I'd like one", "we'd like two please", "I'm looking for one near the park"])
def test_a_number_after_like_or_looking_for_is_no_clock_time(text: str) -> None:
    assert read(text, ctx()).time is None


@pytest.mark.parametrize("text,hour", [("like 3 would be great", 15), ("book me for 4", 16)])
def test_like_and_for_before_an_hour_still_give_the_time(text: str, hour: int) -> None:
    r = read(text, ctx())
    assert r.time is not None and r.time.hour == hour


@pytest.mark.parametrize("text", [
    "thanks so much for helping me book the haircut", "thank you for getting me that appointment!",
    "Danke fürs Buchen des Termins",
])
def test_thanks_for_a_booking_is_thanks(text: str) -> None:
    assert read(text, ctx()).intent in ("thanks", "bye")


@pytest.mark.parametrize("text", [
    "no, that's all for today, thanks", "not today, thank you", "nope, that was everything for today",
    "Nein danke, das war's für heute",
])
def test_closing_for_the_day_names_no_day(text: str) -> None:
    r = read(text, ctx())
    assert r.intent not in ACTIONS
    assert r.date is None and r.start is None


def test_not_today_but_another_day_still_names_that_day() -> None:
    r = read("not today but tomorrow at 10 would work", ctx("2026-03-27T10:00"))
    assert r.intent == "book"
    assert str(r.date) == "2026-03-28"


@pytest.mark.parametrize("text", [
    "can you check my free schedule for the 12th?", "would I have any spare time on Monday?",
    "what free days do I have next week?", "put the haircut into my calender for 3pm", "add it to my itinerary",
])
def test_the_customers_own_calendar_is_not_a_booking_here(text: str) -> None:
    assert read(text, ctx()).intent not in ACTIONS


@pytest.mark.parametrize("text", ["we're on 5th street, right?", "is it the place on 3rd avenue?"])
def test_a_street_number_is_no_date(text: str) -> None:
    assert read(text, ctx()).date is None


@pytest.mark.parametrize("text", ["haircut for two people tomorrow", "Termin für zwei Personen morgen",
                                  "three kids and me, tomorrow please", "wir kommen zu dritt, morgen"])
def test_how_many_people_is_no_clock_time(text: str) -> None:
    r = read(text, ctx("2026-03-27T10:00"))
    assert r.time is None
    assert str(r.date) == "2026-03-28"


def test_a_swapped_pair_of_letters_still_names_the_service() -> None:
    r = read("i wnat a hiarcut on wendsday at 2pm", ctx("2026-03-27T10:00"))
    assert (r.intent, r.service, str(r.date), r.time.hour) == ("book", "haircut", "2026-04-01", 14)


@pytest.mark.parametrize("text", ["can you push the first one back an hour?", "push both of them back a bit"])
def test_pushing_one_of_several_back_is_a_move(text: str) -> None:
    assert read(text, ctx()).intent == "reschedule"


def test_switching_another_kind_of_plan_is_no_move() -> None:
    assert read("switch my insurance plan to a new one", ctx()).intent not in ACTIONS


@pytest.mark.parametrize(("text", "intent"), [
    ("ok thanks bye", "bye"), ("ok bye", "bye"), ("ok danke tschüss", "bye"), ("alright, gotta go", "bye"),
    ("yes thanks bye", "affirm"), ("ja danke tschüss", "affirm"), ("ok go ahead, bye", "affirm"),
    ("great, see you then!", "affirm"), ("perfect, see you saturday", "affirm"), ("super, bis Samstag!", "affirm"),
    ("ok thanks", "affirm"),
])
def test_at_a_confirmation_a_goodbye_after_an_ok_is_no_yes(text: str, intent: str) -> None:
    """"Ok thanks bye" to "cancel it?" takes leave; a plain yes with a goodbye, or looking forward to the
    appointment, says yes."""
    assert read(text, ctx(expecting="confirm")).intent == intent


@pytest.mark.parametrize("text", [
    "ok let me think about it", "sure, I'll get back to you", "I'll let you know tomorrow", "I'll text you on Monday",
    "let me check with my wife and get back to you", "I need to check my calendar first", "not sure yet",
    "I'll call you back", "ok, ich überlege es mir", "Ich sage euch ab morgen Bescheid", "ich gebe Ihnen morgen Bescheid",
    "ich melde mich morgen nochmal", "muss ich mir noch überlegen", "weiß ich noch nicht", "ich ueberlege es mir noch",
    "ok let me see", "let me check", "one sec", "hang on", "ich schau mal", "Moment bitte", "einen Augenblick",
])
@pytest.mark.parametrize("expecting", [None, "confirm", "choice", "name"])
def test_putting_the_decision_off_is_no_yes_and_no_day(text: str, expecting: str | None) -> None:
    r = read(text, ctx(expecting=expecting))
    assert r.later and r.intent == "other"
    assert not r.has_when and r.direction == 0  # "tomorrow", "later": when they will say, not a time to book


@pytest.mark.parametrize("text,intent", [
    ("maybe later", "deny"), ("no, maybe another time", "deny"),  # a no to what was asked
    ("yes, I'll let you know if I'm late", "info"),  # a yes with word for later: not put off
    ("I'll think about it, what are your prices?", "info"),  # the question is answered
    ("sag mir Bescheid, wenn was frei wird", "info"),  # asks us to say (no waiting list: said so)
    ("ich melde mich für Freitag an", "book"),  # signs up for Friday
    ("sag den Termin ab", "cancel"),
    ("let me check my bookings", "list"), ("hold on, is that with Sarah?", "book"),  # asks something now
])
def test_words_near_putting_it_off_keep_their_own_reading(text: str, intent: str) -> None:
    r = read(text, ctx(expecting="confirm" if intent == "deny" else None))
    assert not r.later and r.intent == intent



@pytest.mark.parametrize("text", ["what did I just book?", "which one did I book?", "was habe ich gerade gebucht?"])
def test_asking_what_was_booked_lists_it(text: str) -> None:
    assert read(text, ctx()).intent == "list"


@pytest.mark.parametrize("text", ["ja nee, lieber doch nicht", "yeah no, forget it", "ja nein doch nicht", "ok, actually no",
                                  "Okay. No thank you."])
def test_a_filler_yes_before_a_no_is_a_no(text: str) -> None:
    assert read(text, ctx(expecting="confirm")).intent == "deny"


@pytest.mark.parametrize("text", ["yes, no problem", "ja, kein Problem", "yes, no worries", "ok no rush"])
def test_a_yes_with_no_problem_is_a_yes(text: str) -> None:
    assert read(text, ctx(expecting="confirm")).intent == "affirm"


def test_yes_for_someone_else_at_the_question_says_whom_it_is_for() -> None:
    r = read("yes for my son actually", ctx(expecting="confirm"))
    assert (r.intent, r.for_others) == ("affirm", 1)
