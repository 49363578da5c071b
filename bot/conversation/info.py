"""Questions a front desk answers (prices, opening hours, address, payment, policies, the business's own Q&A).

Every answer comes from the business file and today's date; a fact the file lacks is said to be
missing, with the business's phone where there is one. After the answer the customer is offered
a booking, or, in the middle of one, the question on the table is asked again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time, timedelta

from babel.dates import get_day_names
from babel.numbers import format_currency
from rapidfuzz import fuzz

import bot.conversation.policy as policy
import bot.conversation.reask as reask
from booking_client import Capability
from booking_client.business import Faq, Service
from intents import Reading

from ..messages import Option
from .payloads import BookAgain
from .turn import Turn

CLOSURES_AHEAD = timedelta(days=30)  # closures within this are named with the week's hours
FAQ_MIN_SCORE = 80  # how close a question must be to one of the business's own (0-100)


async def answer(turn: Turn, r: Reading, text: str = "") -> None:
    """Answer the question from the business file; then offer a booking or ask the open question again."""
    lines = facts(turn, r, text)
    if turn.state.step is not None:
        for line in lines:
            turn.note(line)
        await reask.reask(turn)
        return
    turn.say(*lines, options=_book_option(turn, r.service))


def facts(turn: Turn, r: Reading, text: str = "") -> list[str]:
    """The lines that answer one info reading (the topic decides; no topic: the business in short)."""
    topic = r.topic or "about"
    return _TOPICS.get(topic, _about)(turn, r, text)


def faq_match(turn: Turn, text: str) -> Faq | None:
    """The business's own question that `text` asks: by its keywords, or by a close wording."""
    folded = text.casefold()
    best: tuple[float, Faq] | None = None
    for entry in turn.business.faq:
        score = 100.0 if any(_has_word(folded, w) for w in entry.keywords.get(turn.lang)) else 0.0
        asked = entry.question.get(turn.lang) or ""
        score = max(score, fuzz.token_sort_ratio(folded, asked.casefold()) if asked else 0.0)
        if score >= FAQ_MIN_SCORE and (best is None or score > best[0]):
            best = (score, entry)
    return best[1] if best else None


# --- one function per topic -------------------------------------------------------------------------


def _prices(turn: Turn, r: Reading, _: str) -> list[str]:
    service = r.service or (turn.state.draft.service if turn.state.step is not None else None)  # "how much is it?"
    services = [turn.business.service(service)] if service else turn.business.services
    priced = [s for s in services if s.price is not None]
    if not priced:
        return [_unknown(turn)]
    lines = [f"• {_price_line(turn, s)}" for s in priced]
    if len(services) == 1:
        return [turn.t("info_price_one", line=_price_line(turn, priced[0]))]
    return [turn.t("info_prices"), *lines]


def _hours(turn: Turn, r: Reading, _: str) -> list[str]:
    day = r.date or (turn.local(r.start).date() if r.start else None)
    if day is not None:
        return [_day_hours(turn, day)]
    lines = [turn.t("info_hours", week=week_hours(turn))]
    closed = upcoming_closures(turn)
    if closed:
        lines.append(turn.t("info_closures", days=turn.formats.names(closed)))
    return lines


def _address(turn: Turn, _: Reading, __: str) -> list[str]:
    biz = turn.business
    directions = biz.directions.get(turn.lang) if biz.directions else None
    if not biz.address:
        return [directions] if directions else [_unknown(turn)]
    return [turn.t("info_address", address=biz.address), directions or ""]


def _phone(turn: Turn, _: Reading, __: str) -> list[str]:
    biz = turn.business
    if not (biz.phone or biz.email):
        return [_unknown(turn)]
    lines = [turn.t("info_phone", phone=biz.phone)] if biz.phone else []
    if biz.email:
        lines.append(turn.t("info_email", email=biz.email))
    if biz.website:
        lines.append(turn.t("info_website", website=biz.website))
    return lines


def _parking(turn: Turn, _: Reading, __: str) -> list[str]:
    parking = turn.business.parking.get(turn.lang) if turn.business.parking else None
    return [parking or _unknown(turn)]


def _payment(turn: Turn, _: Reading, __: str) -> list[str]:
    ways = turn.business.payment.get(turn.lang) if turn.business.payment else []
    if not ways:
        return [_unknown(turn)]
    return [turn.t("info_payment", ways=turn.formats.names(ways))]


def _cancellation(turn: Turn, _: Reading, __: str) -> list[str]:
    policy = turn.business.cancellation
    note = policy.note.get(turn.lang) if policy.note else None
    return [policy_line(turn), note or ""]


def _services(turn: Turn, _: Reading, __: str) -> list[str]:
    return [turn.t("info_services"), *(f"• {_service_line(turn, s)}" for s in turn.business.services)]


def _faq(turn: Turn, _: Reading, text: str) -> list[str]:
    entry = faq_match(turn, text)
    answer_text = entry.answer.get(turn.lang) if entry else None
    return [answer_text or _unknown(turn)]


def _about(turn: Turn, _: Reading, __: str) -> list[str]:
    biz = turn.business
    description = biz.description.get(turn.lang) if biz.description else None
    return [description or _unknown(turn)]


_TOPICS: dict[str, Callable[[Turn, Reading, str], list[str]]] = {
    "prices": _prices, "hours": _hours, "address": _address, "phone": _phone, "parking": _parking,
    "payment": _payment, "cancellation_policy": _cancellation, "services": _services, "faq": _faq,
}


# --- opening hours ---------------------------------------------------------------------------------------


def week_hours(turn: Turn) -> str:
    """The week in one line, equal neighbouring days joined: 'Mon–Fri 09:00–18:00, Sat 10:00–14:00, Sun closed'."""
    hours = turn.business.hours
    days = [_spans_text(turn, hours.spans(i)) for i in range(7)]
    parts, first = [], 0
    for i in range(1, 8):
        if i == 7 or days[i] != days[first]:
            names = _weekday(turn, first) if i - 1 == first else f"{_weekday(turn, first)}–{_weekday(turn, i - 1)}"
            parts.append(f"{names} {days[first]}")
            first = i
    return ", ".join(parts)


def day_spans(turn: Turn, day: date) -> list[tuple[time, time]]:
    """The business's opening spans on one date (none on a closure)."""
    if turn.business.closed_on(day):
        return []
    return turn.business.hours.spans(day.weekday())


def spans_text(turn: Turn, spans: list[tuple[time, time]]) -> str:
    """'10:00–14:00' or '09:00–12:00, 13:00–18:00' in the customer's locale."""
    return _spans_text(turn, spans)


def upcoming_closures(turn: Turn) -> list[str]:
    """The days the business is closed in the coming weeks on days it would otherwise open, with the reason."""
    today = turn.local(turn.now()).date()
    out = []
    for offset in range(CLOSURES_AHEAD.days + 1):
        day = today + timedelta(days=offset)
        closure = turn.business.closed_on(day)
        if closure and turn.business.hours.spans(day.weekday()):
            reason = f" ({closure.reason})" if closure.reason else ""
            out.append(turn.formats.day(day) + reason)
    return out


def policy_line(turn: Turn) -> str:
    """The cancellation rule in one sentence."""
    deadline = turn.business.cancellation.deadline
    if not deadline:
        return turn.t("info_cancel_any_time")
    return turn.t("info_cancel_policy", notice=policy.notice(turn, deadline))


def _day_hours(turn: Turn, day: date) -> str:
    closure = turn.business.closed_on(day)
    spans = day_spans(turn, day)
    if not spans:
        reason = f" ({closure.reason})" if closure and closure.reason else ""
        return turn.t("info_closed_on", day=turn.formats.day(day), reason=reason)
    return turn.t("info_open_on", day=turn.formats.day(day), hours=_spans_text(turn, spans))


def _spans_text(turn: Turn, spans: list[tuple[time, time]]) -> str:
    if not spans:
        return turn.t("info_closed")
    return ", ".join(f"{_clock(turn, a)}–{_clock(turn, b)}" for a, b in spans)


def _clock(turn: Turn, wall: time) -> str:
    return turn.formats.clock_time(wall)


def _weekday(turn: Turn, index: int) -> str:
    return get_day_names("abbreviated", locale=turn.formats.locale)[index].rstrip(".")


# --- small pieces ------------------------------------------------------------------------------------------


def _price_line(turn: Turn, service: Service) -> str:
    assert service.price is not None
    price = format_currency(service.price, turn.business.currency, locale=turn.formats.locale)
    if service.price_from:
        price = turn.t("info_price_from", price=price)
    return turn.t("info_price_line", service=service.display(turn.lang), price=price,
                  minutes=service.duration_minutes)


def _service_line(turn: Turn, service: Service) -> str:
    if service.price is not None:
        return _price_line(turn, service)
    return turn.t("choose_service_line", name=service.display(turn.lang), minutes=service.duration_minutes)


def _unknown(turn: Turn) -> str:
    """The fact is not in the business file: say so, and how to ask the business (only what the file has)."""
    biz = turn.business
    if biz.phone:
        return turn.t("info_unknown_phone", phone=biz.phone)
    if biz.email:
        return turn.t("info_unknown_email", email=biz.email)
    return turn.t("info_unknown")


def _book_option(turn: Turn, service: str | None) -> list[Option]:
    """"Book a haircut" (or "Book an appointment") under the answer, where the chat takes new bookings."""
    if Capability.CREATE not in turn.backend.capabilities:
        return []
    if service:
        return [BookAgain(service=service).option(turn.t("info_book_service", service=turn.service_name(service)))]
    return [BookAgain(service=None).option(turn.t("info_book"))]


def _has_word(folded: str, word: str) -> bool:
    word = word.casefold().strip()
    return bool(word) and re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", folded) is not None
