"""The model's reading -> a `Reading`, trusting only what code can check.

Ids must be in the vocabulary; names, addresses and numbers must be in the text; times go
through the same deterministic resolver as the rules, and a date the model worked out
itself counts only where the resolver agrees. On a confirmation question a "yes" (or "ok cancel it", "move it")
counts only if the rules read one too: the customer's own yes is the dialogue's, not the model's.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

from ..normalize import normalize
from ..types import Context, Reading
from ..when import resolve
from .schema import ModelReading

log = logging.getLogger("intents.llm")


def merge(model: ModelReading, rules: Reading, text: str, context: Context) -> Reading:
    """The reading to hand the dialogue: the model's language, the code's checks."""
    if rules.later:
        return rules  # "ok, let me think about it": no yes, and no day to book, whatever the model made of it
    vocab = context.vocabulary
    when = _when(model, rules, text, context)
    intent = model.intent
    if context.expecting == "confirm" and intent in ("affirm", "cancel", "reschedule") and rules.intent != intent:
        intent = rules.intent  # a yes to a confirmation ("yes", "ok cancel it") is what the customer plainly wrote
    number = model.option_number
    if number is not None and not (1 <= number <= max(len(context.offered), 1) and str(number) in text):
        number = rules.number
    service = model.service if model.service in vocab.services else rules.service
    staff = model.staff if model.staff in vocab.staff else rules.staff
    staff_text = _written(model.staff_text, text) or rules.staff_text or _first(vocab.staff.get(staff))
    name = _written(model.name, text) or rules.name
    if rules.their_name and name and rules.their_name.casefold() in name.casefold():
        name = rules.name  # "her name is Emma": someone else's, whatever the model made of it
    if staff_text and name and staff_text.casefold() in name.casefold() and (
            staff is None or context.asks_another_thing):
        staff, staff_text = rules.staff, rules.staff_text  # "I'm Anna", "I'm Tom" while times are offered: the customer
    return replace(
        rules,
        intent=intent,
        lang=model.lang if model.lang in ("en", "de") else rules.lang,
        service=service,
        service_text=rules.service_text if service == rules.service else _first(vocab.services.get(service)),
        staff=staff,
        staff_text=staff_text,
        any_staff=model.any_staff or rules.any_staff,
        date=when.date, time=when.time, start=when.start, end=when.end, daily=when.daily,
        also=when.also if intent == "book" else (),
        name=name,
        email=_written(model.email, text) or rules.email,
        phone=_written(model.phone, text) or rules.phone,
        number=number if number is not None else rules.number,
        topic=_topic(model, rules, intent),
    )


def _topic(model: ModelReading, rules: Reading, intent: str) -> str | None:
    """The topic of an info question: the model's, or the rules' when the model named none."""
    if intent not in ("info", "affirm"):
        return None
    return model.topic or rules.topic if intent == "info" else rules.topic


def _first(names) -> str | None:
    return names[0] if names else None


def _written(value: str | None, text: str) -> str | None:
    """A value only if the customer wrote it (the model may not invent names or addresses)."""
    return value if value and value.strip() and value.casefold() in text.casefold() else None


def _when(model: ModelReading, rules: Reading, text: str, context: Context) -> Reading:
    """Resolve the time words the model found; the rules' reading where they resolve to nothing.

    A date the model worked out alone ("the Monday after next") is never used as such."""
    found = rules
    if _written(model.when_text, text):
        _, norm = normalize(model.when_text)
        when = resolve(norm, context.now, model.lang, context.vocabulary.opening_hours,
                       bare_number_is_time=context.expecting == "when")
        if when.date or when.time or when.start:
            found = replace(rules, date=when.date, time=when.time, start=when.start, end=when.end, daily=when.daily,
                            also=when.also if rules.intent == "book" else ())
    if model.date and _iso(model.date) != found.date:
        log.info("llm date disagrees with the resolver; the resolver's reading is used")
    return found


def _iso(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
