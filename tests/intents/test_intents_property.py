"""Any text at all is read without raising, into one of the known intents."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intents import INTENTS
from intents.rules import _read as read_unguarded  # the guard in read() would hide a crash from us

from intent_cases import ctx

_WORDS = st.sampled_from([
    "book", "cancel", "tomorrow", "at", "3", "14:00", "halb", "drei", "Uhr", "am", "7.3.", "the", "14th", "with",
    "Sarah", "Dr.", "between", "and", "after", "noon", "nächsten", "Dienstag", "übermorgen", "yes", "nein", "🙂",
    "2027-02-30", "31.02.", "99:99", "o'clock", "-", "/", "@", "+49", "in", "days", "weeks", "quarter", "to",
])


def _check(text: str, expecting: str | None = None) -> None:
    r = read_unguarded(text, ctx(expecting=expecting))
    assert r.intent in INTENTS
    assert r.lang in ("en", "de")
    if r.start is not None or r.end is not None:
        assert r.start is not None and r.end is not None and r.start.tzinfo is not None and r.start < r.end


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300), st.sampled_from([None, "when", "name", "email", "confirm", "choice", "service", "staff"]))
def test_arbitrary_unicode_never_raises(text: str, expecting: str | None) -> None:
    _check(text, expecting)


@settings(max_examples=400, deadline=None)
@given(st.lists(_WORDS, max_size=12).map(" ".join))
def test_date_like_word_salad_never_raises(text: str) -> None:
    _check(text)


@pytest.mark.parametrize("text", ["bis 0 monday", "before midnight tomorrow", "afternoon and neujahr bis 00",
                                  "14:00 weeks after tomorrow", "until 00 nach so of coming 7.3. halb with"])
def test_a_bound_at_midnight_is_never_an_empty_span(text: str) -> None:
    _check(text)
    _check(text, "when")
