"""Every message becomes one event: a button, a typed or worded pick, yes, no, stop, noise, or read text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import intents
from booking_client import load_business
from bot.conversation.events import Chosen, No, Noise, Said, Stale, Stop, Yes, classify, expecting
from bot.conversation.payloads import NoChoice, ServiceChoice, SlotChoice, YesChoice
from bot.conversation.state import OfferedOption, Pending, State, Step
from bot.messages import Inbound
from bot.vocabulary import business_vocabulary
from dialogue_kit import MONDAY_9

VOCABULARY = business_vocabulary(load_business())
TEN = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
SLOTS = [SlotChoice(start=TEN, staff="sarah"), SlotChoice(start=TEN, staff="tom")]


def slot_question() -> State:
    return State(step=Step.PICK_SLOT, offer_id="o1", options=[
        OfferedOption(label="Tue 24 Nov, 10:00 (Sarah)", value=SLOTS[0].pack()),
        OfferedOption(label="Tue 24 Nov, 10:00 (Tom)", value=SLOTS[1].pack()),
    ])


def confirmation(step: Step = Step.CONFIRM_MOVE) -> State:
    return State(step=step, booking_id="b1", offer_id="o2", pending=Pending(
        service="haircut", staff="sarah", start=TEN, booking_id="b1", key="k"), options=[
        OfferedOption(label="Yes", value=YesChoice().pack()), OfferedOption(label="No", value=NoChoice().pack())])


class Reader:
    """The real extractor, in the context of the question on the table; counts how often it is asked."""

    def __init__(self, state: State) -> None:
        self.state, self.calls = state, 0

    def __call__(self, text: str) -> intents.Reading:
        self.calls += 1
        context = intents.Context(now=MONDAY_9, vocabulary=VOCABULARY, expecting=expecting(self.state))
        return intents.read(text, context)


def event(state: State, text: str = "", choice: str | None = None):
    read = Reader(state)
    result = classify(Inbound("telegram", "1001", text=text, choice=choice), state, read)
    return result, read.calls


def test_a_pressed_button_of_the_offer_on_the_table_is_its_payload():
    assert event(slot_question(), choice="o1:1") == (Chosen(SLOTS[1], "button"), 0)


@pytest.mark.parametrize("choice", ["old:0", "o1:7", "o1:x", "stale:-1", "o1"])
def test_a_button_from_another_offer_or_out_of_range_is_stale(choice):
    assert event(slot_question(), choice=choice) == (Stale(), 0)


def test_the_yes_and_no_buttons_are_yes_and_no():
    assert event(confirmation(), choice="o2:0") == (Yes(), 0)
    assert event(confirmation(), choice="o2:1") == (No(), 0)


@pytest.mark.parametrize("text", ["2", " 2 ", "#2", "2."])
def test_a_typed_number_picks_that_option(text):
    assert event(slot_question(), text) == (Chosen(SLOTS[1], "number"), 0)


def test_a_typed_label_picks_that_option():
    state = State(step=Step.ASK_SERVICE, offer_id="o3", options=[
        OfferedOption(label="Haircut (30 min)", value=ServiceChoice(service="haircut").pack()),
        OfferedOption(label="Beard trim (15 min)", value=ServiceChoice(service="beard").pack())])
    assert event(state, "Beard trim") == (Chosen(ServiceChoice(service="beard"), "label"), 0)
    assert event(state, "beard trim (15 min)!")[0] == Chosen(ServiceChoice(service="beard"), "label")


def test_a_pick_in_words_picks_that_option():
    result, calls = event(slot_question(), "the second one")
    assert result == Chosen(SLOTS[1], "words") and calls == 1


def test_a_number_beyond_the_options_is_read_as_text():
    result, _ = event(slot_question(), "9")
    assert isinstance(result, Said) and result.text == "9"


@pytest.mark.parametrize("text", ["yes", "Yes please", "ja", "sure"])
def test_agreeing_at_a_confirmation_is_yes(text):
    result, _ = event(confirmation(), text)
    assert isinstance(result, Yes)  # "yes" is also the label of the Yes option


def test_refusing_at_a_confirmation_is_no_unless_it_names_another_time():
    assert isinstance(event(confirmation(), "nope")[0], No)
    assert isinstance(event(confirmation(), "no, Friday at 11 instead")[0], Said)


def test_yes_without_a_confirmation_on_the_table_is_read_text():
    result, _ = event(State(step=Step.ASK_WHEN), "yes tomorrow at 10")
    assert isinstance(result, Said) and result.reading.has_when


@pytest.mark.parametrize("text", ["stop", "Never mind", "abbrechen!", "forget it."])
def test_a_stop_word_is_stop_without_reading(text):
    assert event(State(step=Step.ASK_WHEN), text) == (Stop(), 0)


def test_a_bare_cancel_stops_a_flow_but_otherwise_asks_to_cancel_a_booking():
    assert event(State(step=Step.ASK_WHEN), "cancel") == (Stop(), 0)
    result, _ = event(State(), "cancel")
    assert isinstance(result, Said) and result.reading.intent == "cancel"


@pytest.mark.parametrize(("text", "kind"), [
    ("", "empty"), ("   ", "empty"), ("x" * 1001, "too_long"), ("😀🎉", "not_understood"), ("?!", "not_understood"),
])
def test_noise_is_noise_without_reading(text, kind):
    assert event(slot_question(), text) == (Noise(kind), 0)


def test_free_text_is_read_in_the_context_of_the_question():
    result, calls = event(State(step=Step.ASK_WHEN), "3")  # asked "when?": a bare number is a time
    assert isinstance(result, Said) and result.reading.time is not None and calls == 1
