"""Text -> Reading: offline rules for English and German (an optional LLM reader may sit beside them),
read in the conversation's context (what the bot offered or asked, the time being changed)."""

from collections.abc import Callable
from datetime import UTC, datetime

from .lexicon import EMOJI_WORDS, THINKING
from .types import INTENTS, TOPICS, Context, Intent, Offer, Reading, Topic, Vocabulary

__all__ = ["EMOJI_WORDS", "INTENTS", "THINKING", "TOPICS", "Context", "Intent", "Offer", "Reading", "Topic", "Vocabulary",
           "about_a_child", "booking_along", "language_of", "note_words", "person_named", "prepare", "questions_along",
           "read", "refers_back", "topics_in", "wishes"]


def read(text: str, context: Context) -> Reading:
    """Read one message in its context. Never raises on any input text."""
    from .in_context import within
    from .rules import read as rules_read

    return within(rules_read(text, context), text, context, rules_read)


def questions_along(whole: Reading, text: str, reader: Callable[[str], Reading]) -> list[tuple[str, Reading]]:
    """The questions about the business asked with a booking ("book a haircut at 10, how much is it?"), each part
    read by `reader` on its own."""
    from .along import questions_along as _questions_along

    return _questions_along(whole, text, reader)


def booking_along(whole: Reading, text: str, reader: Callable[[str], Reading]) -> Reading | None:
    """The booking asked for with a question about the business ("… on Friday. Do you take cards?"), read by
    `reader` on its own; else None."""
    from .along import booking_along as _booking_along

    return _booking_along(whole, text, reader)


def about_a_child(text: str) -> bool:
    """Whether a message speaks of a child ("a 6 year old", "für meine Tochter"): a price asked for one may be the
    business's own answer about children."""
    from .party import about_a_child as _about_a_child

    return _about_a_child(text)


def note_words(text: str) -> str:
    """What a note asked for says, without the asking: "please note that I have a sensitive scalp" -> "I have a
    sensitive scalp" (the message as it is where it opens otherwise)."""
    from .notes import note_words as _note_words

    return _note_words(text)


def person_named(text: str) -> str | None:
    """The one person a message names besides the customer ("my son", "meine Tochter Mia"), as written; None where
    it names none or several. Kept for one message, so that "could he get a haircut too?" knows whom "he" means."""
    from .party import person_named as _person_named

    return _person_named(text)


def refers_back(text: str) -> bool:
    """Whether "he", "she", "for him" in a message point back at the one person named just before (`person_named`):
    "how much is it for him?" after "a haircut for my son"."""
    from .party import points_back

    return points_back(text.lower())


def language_of(text: str) -> str | None:
    """ "de" or "en" where the words of a message tell (its frequent words, umlauts); None where they do not: a name,
    an address, words of neither language."""
    from .language import leaning
    from .normalize import normalize

    return leaning(normalize(text)[1])


def topics_in(text: str) -> tuple[str, ...]:
    """Every business topic a question names, in the order of TOPICS' checks ("prices and opening hours?")."""
    from .rules import topics_in as _topics_in

    return _topics_in(text)


_ANY_MOMENT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # what the warm-up reads against; nothing is kept


def prepare() -> None:
    """Load the rules and compile their patterns now, once (about 0.1 s), so that a running bot's first
    customer does not wait for them; `parse` and `chat` load them at their first line instead."""
    for text in ("book a haircut tomorrow at 3pm", "kann ich meinen Termin auf Donnerstag verschieben?"):
        read(text, Context(now=_ANY_MOMENT))


def wishes(text: str) -> bool:
    """Whether a message sends festive wishes ("merry Christmas!", "frohe Feiertage!"): said back, not refused."""
    from .rules import wishes as _wishes

    return _wishes(text)
