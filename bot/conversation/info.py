"""Questions a front desk answers (prices, opening hours, address, payment, policies, the business's own Q&A).

Every answer comes from the business file and today's date; a fact the file lacks is said to be
missing, with the business's phone where there is one. After the answer the customer is offered
a booking, or, in the middle of one, the question on the table is asked again.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from rapidfuzz import fuzz

import bot.conversation.policy as policy
import bot.conversation.reask as reask
import intents
from booking_client import Booking, BookingError, Capability
from booking_client.business import Faq, Service
from intents import Reading, note_words

from ..messages import Option
from .handoff import reach
from .hours import day_spans, spans_text, week_hours
from .mine import for_someone_else, my_bookings
from .payloads import BookAgain, TalkToTeam, alone
from .state import TeamNote
from .turn import Turn

CLOSURES_AHEAD = timedelta(days=30)  # closures within this are named with the week's hours
HOURS_DAYS_LISTED = 14  # a stretch of days asked about ("zwischen den Jahren") is answered day by day up to this
HOURS_LOOK_AHEAD = 30  # days "closed now" looks ahead for the next opening
FAQ_MIN_SCORE = 80  # how close a question must be to one of the business's own (0-100)
MORE_TOPICS = 2  # further questions answered from one message
LATE_SINCE = timedelta(minutes=90)  # "I'm running late" can be about a booking that began this long ago
LATE_AHEAD = timedelta(hours=12)  # or one that begins within this
MAX_LATE_WORDS = 500  # of the customer's words passed on to the team
_POINTS_BACK = re.compile(r"\b(?:it|that|this|das|es|dies|dafür|davon|damage|spaß|spass|i pay|i have to pay|i owe"
                          r"|ich (?:\w+ )?(?:zahlen|bezahlen))\b", re.IGNORECASE)  # ("how much will I pay?": for it)
_TOGETHER = re.compile(r"\b(?:together|in total|altogether|total|both|all in all|zusammen|insgesamt|beides?|gesamt)\b",
                       re.IGNORECASE)
_TOO = re.compile(r"\b(?:too|as well|also|auch|dazu|extra|additional(?:ly)?|plus)\b", re.IGNORECASE)
_NOW = re.compile(r"\b(?:now|right now|currently|at the moment|jetzt|gerade|momentan|noch)\b", re.IGNORECASE)


async def answer(turn: Turn, r: Reading, text: str = "") -> None:
    """Answer the question from the business file; then offer a booking or ask the open question again."""
    if r.topic == "late":
        await running_late(turn, r)
        return
    if r.topic == "arrived" and turn.team_reachable:
        await _arrived_told(turn)
        return
    if r.topic == "note":
        await _note_told(turn)
        return
    if r.topic == "reminders" and turn.state.step is None and turn.reminders and turn.upcoming_reminders:
        if await _reminders_of_next_booking(turn):
            return
    lines = facts(turn, r, text)
    if turn.state.step is not None:
        for line in lines:
            turn.note(line)
        await reask.reask(turn)
        return
    options = _book_option(turn, r.service or (_talked_about(turn, text) if r.topic == "prices" else None),
                           r.staff if r.topic == "staff" else None,
                           also=r.services[1] if r.topic == "prices" and len(r.services) == 2 else None)
    if turn.team_reachable and _unknown(turn) in lines:  # a question the file has no answer to: the team has
        options = [TalkToTeam().option(turn.t("ask_team")), *options]
    turn.say(*lines, options=options)
    turn.state.asked_topic = r.topic  # "and coloring?" next asks the same about coloring
    turn.state.asked_services = list(r.services) if r.topic == "prices" else []  # "book both" next: these
    if r.topic == "hours" and r.date is not None:
        turn.state.asked_day = r.date  # "when do you open tomorrow?" - "a haircut first thing?": tomorrow


def facts(turn: Turn, r: Reading, text: str = "") -> list[str]:
    """The lines that answer one info reading (the topic decides; no topic: the business in short), and
    the other topics the same message asks about ("how much is a haircut, and are you open on Saturday?")."""
    topic = r.topic or "about"
    if topic in ("faq", "about", "cancellation_policy"):  # "till when can I cancel for free?" is one question
        return _TOPICS.get(topic, _about)(turn, r, text)
    asked = [t for t in intents.topics_in(text) if t in _TOPICS and (t == topic or t != "prices" or r.service)]
    if topic not in asked:
        asked.insert(0, topic)
    asked = asked[:asked.index(topic) + 1 + MORE_TOPICS]
    lines: list[str] = []
    for each in asked:
        lines += [line for line in _TOPICS[each](turn, r, text) if line not in lines]
    return lines


def faq_match(turn: Turn, text: str) -> Faq | None:
    """The business's own question that `text` asks: by its keywords, or by a close wording."""
    folded = text.casefold()
    best: tuple[float, Faq] | None = None
    for entry in turn.business.faq:
        score = 100.0 if any(_has_word(folded, w) for w in entry.keywords.get(turn.lang)) else 0.0
        asked = (entry.question.get(turn.lang) or "").casefold()
        if asked and _names_every_word(folded, asked):  # "can I bring my cat?" is not "can I bring my dog?"
            score = max(score, fuzz.token_sort_ratio(folded, asked))
        if score >= FAQ_MIN_SCORE and (best is None or score > best[0]):
            best = (score, entry)
    return best[1] if best else None


# --- one function per topic -------------------------------------------------------------------------


def _prices(turn: Turn, r: Reading, text: str) -> list[str]:
    service = r.service or (turn.state.draft.service if turn.state.step is not None else None)  # "how much is it?"
    service = service or _talked_about(turn, text)  # "how long does it take?" under "Yes, we offer Coloring"
    together = _TOGETHER.search(text) is not None
    if service is None and turn.state.step is None and (together or _asks_back(text)):
        # "what will that be?", "how much?", "was kostet der Spaß?": of what was just booked
        if len(turn.state.last_services) > 1:
            return _prices_together(turn, [turn.business.service(s) for s in turn.state.last_services])
        if len(turn.state.booked_in_a_row) > 1 and together:  # booked one after another: "together?"
            return _prices_together(turn, [turn.business.service(s) for s in turn.state.booked_in_a_row])
        service = turn.state.last_service  # "what will that be?" right after booking it
    last = turn.state.last_service
    if r.service and last and r.service != last and turn.state.step is None and (together or _TOO.search(text)):
        # "what's the total with a beard trim too?" right after booking a coloring: the two together
        return _prices_together(turn, [turn.business.service(last), turn.business.service(r.service)],
                                turn.t("info_prices_added", service=turn.service_name(r.service)))
    children = _for_children(turn, text) or (  # "how much is it for him?" after "for my son, he's 7"
        _for_children(turn, turn.state.spoken_of) if turn.state.spoken_of and intents.refers_back(text) else None)
    if children is not None and (r.service is None or _names(children, turn, r.service)):
        return [_faq_answer(turn, children)]  # "how much for a 6 year old?": the business's own word on children
    if len(r.services) > 1:  # "how much is a beard trim and a haircut (together)?": each of them, and the sum
        named = [turn.business.service(s) for s in r.services]
        if together:
            return _prices_together(turn, named, turn.t("info_prices"))
        services = named
    else:
        services = [turn.business.service(service)] if service else turn.business.services
    priced = [s for s in services if s.price is not None]
    if not priced:
        return [_unknown(turn)]
    lines = [f"• {_price_line(turn, s)}" for s in priced]
    if len(services) == 1:
        return [turn.t("info_price_one", line=_price_line(turn, priced[0]))]
    return [turn.t("info_prices"), *lines]


async def running_late(turn: Turn, r: Reading) -> None:
    """"I'm running 10 minutes late": with an operator channel, word for the team about the booking it concerns
    (no handoff: the bot goes on answering); a customer whose appointment is another day is told when it is;
    without an operator channel, how to reach the business, since nobody reads this chat. A question on the table
    stays there."""
    lines = await _late(turn, r)
    await _said(turn, *lines)
    turn.state.asked_topic = "late"  # "actually make that 20" next: how late, said again


async def _late(turn: Turn, r: Reading) -> list[str]:
    if not turn.team_reachable:
        return [reach(turn, "late_call", "late_nobody_reads")]
    now = turn.now()
    bookings = await _mine_if_reachable(turn)
    booking = _late_for(turn, r, bookings or [], now)
    if booking is None and bookings:  # their appointment is another day: nothing to tell the team
        later = [b for b in bookings if b.start > now]
        if later:
            return [turn.t("late_not_today", service=turn.service_name(later[0].service),
                           when=turn.when(later[0].start))]
    arrives = turn.local(now).replace(hour=r.time.hour, minute=r.time.minute, second=0, microsecond=0) \
        if r.time is not None and r.late_by is None else None
    _tell_team(turn, "late", booking, late_by=r.late_by, arrives_at=arrives)
    if booking is None:
        return [turn.t("late_told_no_booking")]
    if r.late_by is not None:
        how = turn.t("late_how_by", delay=turn.formats.duration(r.late_by))
    elif arrives is not None:
        how = turn.t("late_how_at", time=turn.formats.clock_time(arrives))
    else:
        how = turn.t("late_how")
    today = turn.local(booking.start).date() == turn.local(now).date()
    at = turn.t("late_at_time", time=turn.formats.clock_time(turn.local(booking.start))) if today \
        else turn.t("late_on_day", when=turn.when(booking.start))
    return [turn.t("late_told", how=how, service=turn.service_name(booking.service), at=at)]


async def _mine_if_reachable(turn: Turn) -> list[Booking] | None:
    """The customer's bookings by start; None when the booking system is down (the team hears them all the same)."""
    try:
        return sorted(await my_bookings(turn), key=lambda b: b.start)
    except BookingError:
        return None


def _tell_team(turn: Turn, kind: Literal["late", "arrived", "note"], booking: Booking | None, **more: Any) -> None:
    """Word for the team, written with the conversation: the customer's words, and the booking it is about if any."""
    about = dict(booking_id=booking.id, booking_start=booking.start, service=booking.service,
                 staff=booking.staff) if booking else {}
    turn.state.for_team.append(TeamNote(kind=kind, text=(turn.msg.text or "")[:MAX_LATE_WORDS], **about, **more))


def _late_for(turn: Turn, r: Reading, bookings: list[Booking], now: datetime) -> Booking | None:
    """The booking a customer running late means: on the day they name, else the first that began at most
    LATE_SINCE ago or begins within LATE_AHEAD; of several at once (theirs and their daughter's), their own."""
    today = turn.local(now).date()
    if r.date is not None and r.date != today:
        meant = [b for b in bookings if turn.local(b.start).date() == r.date]
    else:
        meant = [b for b in bookings if now - LATE_SINCE <= b.start <= now + LATE_AHEAD]
    own = [b for b in meant if turn.state.name and not for_someone_else(turn, b)]
    return (own or meant or [None])[0]


async def _reminders_of_next_booking(turn: Turn) -> bool:
    """"Will I get a reminder?" from a customer with a booking: the reminders still to come for the next one, by
    the scheduler's own plan (one too close to the booking, or already past, is not promised). False: none booked."""
    bookings = sorted(await my_bookings(turn), key=lambda b: b.start)
    if not bookings or turn.upcoming_reminders is None:  # (the caller checked; this says so to the type checker)
        return False
    booking = bookings[0]
    times = turn.upcoming_reminders(booking, turn.now())
    names = dict(service=turn.service_name(booking.service), when=turn.when(booking.start))
    lines = [turn.t("info_reminders_booking", times=turn.formats.names([turn.when(t) for t in times]), **names)
             if times else turn.t("info_reminders_booking_none", **names)]
    if times and turn.msg.channel in turn.reminders_in_window:
        lines.append(turn.t("info_reminders_window_rule"))
    turn.say(*lines, options=_book_option(turn, None))
    return True


def _late_policy(turn: Turn, _: Reading, text: str) -> list[str]:
    """"What if I'm late?": the business's own answer, if its file has one; else what to do then, which is to say so
    here when the team hears it (`running_late`), or to tell the business directly."""
    entry = faq_match(turn, text)
    if entry is not None and entry.answer.get(turn.lang):
        return [entry.answer.get(turn.lang)]
    if turn.team_reachable:
        return [turn.t("info_late_tell_me")]
    return [reach(turn, "info_late_call", "info_late_tell_them")]


def _reminders(turn: Turn, _: Reading, __: str) -> list[str]:
    """"Will I get a reminder?": when the reminders go out, as the scheduler plans them, on this channel."""
    if not turn.reminders:
        return [turn.t("info_no_reminders")]
    before = turn.formats.names([turn.formats.duration(d, in_hours=True) for d in sorted(turn.reminders, reverse=True)])
    lines = [turn.t("info_reminders", before=before)]
    if turn.msg.channel in turn.reminders_in_window:
        lines.append(turn.t("info_reminders_window_rule"))
    return lines


def _arrived(turn: Turn, _: Reading, __: str) -> list[str]:
    """"I'm here" where no one on the team reads the chat: welcome, and the team at the desk is the one to tell."""
    return [turn.t("arrived")]


async def _arrived_told(turn: Turn) -> None:
    """"I'm here, should I come in?": word for the team (no handoff), with today's booking if there is one."""
    now = turn.now()
    booking = next((b for b in await _mine_if_reachable(turn) or []
                    if now - LATE_SINCE <= b.start <= now + LATE_AHEAD
                    and turn.local(b.start).date() == turn.local(now).date()), None)
    _tell_team(turn, "arrived", booking)
    said = turn.t("arrived_told", service=turn.service_name(booking.service),
                  time=turn.formats.clock_time(turn.local(booking.start))) if booking else turn.t("arrived_told_no_booking")
    await _said(turn, said)


async def _note_told(turn: Turn) -> None:
    """"Could you put a note that I have a sensitive scalp?": while a booking is being made, a note on it (the
    booking system keeps it, the team sees it with the booking); otherwise the customer's words for the team (no
    handoff), with their next booking if there is one; where nobody on the team reads the chat, how to reach the
    business."""
    step = turn.state.step
    if step is not None and step.flow == "book":
        turn.state.draft.notes.append(note_words(turn.msg.text or "")[:MAX_LATE_WORDS])
        await _said(turn, turn.t("note_on_booking"))
        return
    if not turn.team_reachable:
        said = reach(turn, "note_call", "note_nobody_reads")
    else:
        now = turn.now()
        booking = next((b for b in await _mine_if_reachable(turn) or [] if b.start > now), None)
        _tell_team(turn, "note", booking)
        said = turn.t("note_told", service=turn.service_name(booking.service), when=turn.when(booking.start)) \
            if booking else turn.t("note_told_no_booking")
    await _said(turn, said)


async def _said(turn: Turn, *lines: str) -> None:
    """Word for the customer that needs no answer; the question on the table, if any, asked again after it."""
    if turn.state.step is not None:
        for line in lines:
            turn.note(line)
        await reask.reask(turn)
        return
    turn.say(*lines)


def _confirmation(turn: Turn, _: Reading, __: str) -> list[str]:
    """"Will I get a confirmation by email?": by email only where the bot sends them (to the address given with the
    booking); every booking, move and cancellation is confirmed here in the chat in any case."""
    if not turn.email_confirmations:
        return [turn.t("info_confirmation_chat")]
    if turn.state.email:
        return [turn.t("info_confirmation_email", email=turn.state.email)]
    return [turn.t("info_confirmation_email_asked")]


def _hours(turn: Turn, r: Reading, text: str) -> list[str]:
    if r.date is None and r.start is not None and r.end is not None:
        first, last = turn.local(r.start).date(), (turn.local(r.end) - timedelta(microseconds=1)).date()
        if first < last and (last - first).days < HOURS_DAYS_LISTED:  # "zwischen den Jahren", "this weekend"
            return [turn.t("info_hours_days"), *(_day_line(turn, first + timedelta(days=n))
                                                 for n in range((last - first).days + 1))]
    day = r.date or (turn.local(r.start).date() if r.start else None)
    if day is None and not r.has_when and _NOW.search(text):
        return [_open_now(turn)]  # "are you open now?"
    if day is None and not r.has_when and turn.state.step is not None:
        day = turn.state.draft.date  # "what time does she finish?" while booking Thursday: Thursday's hours
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


def _services(turn: Turn, r: Reading, text: str) -> list[str]:
    entry = faq_match(turn, text)
    if entry:  # "do you cut children's hair?": the business's own answer is the better one
        return [_faq_answer(turn, entry)]
    if r.service:  # "do you colour hair?": yes, with what it takes and costs
        asked = _ASKS_WHO.search(text) is not None  # "who does beard trims?"
        return [_offered(turn, turn.business.service(r.service)), *_who_does(turn, r, asked=asked)]
    lines = [f"• {_service_line(turn, s)}" for s in turn.business.services]
    if r.service_text and r.staff:  # "does Tom do fades?": not one of ours; say what Tom does
        return [turn.t("info_not_offered"), *lines, *_staff(turn, r, text)]
    if r.service_text:  # "do you do nails?": not one of ours; say what is
        return [turn.t("info_not_offered"), *lines]
    return [turn.t("info_services"), *lines]


def _staff(turn: Turn, r: Reading, _: str) -> list[str]:
    """"Who is Tom?": what they do here; with nobody named, the team."""
    does = {s.id: turn.formats.names([turn.service_name(x) for x in s.services]) for s in turn.business.staff}
    if r.staff in does:
        return [turn.t("info_staff_member", staff=turn.staff_name(r.staff), services=does[r.staff])]
    return [turn.t("info_team"), *(f"• {s.name}: {does[s.id]}" for s in turn.business.staff)]


def _assistant(turn: Turn, _: Reading, __: str) -> list[str]:
    """"Are you a bot?": yes, plainly; and the way to a person."""
    return [turn.t("assistant_is_a_program")]


def _faq(turn: Turn, _: Reading, text: str) -> list[str]:
    return [_faq_answer(turn, faq_match(turn, text))]


def _for_children(turn: Turn, text: str) -> Faq | None:
    """The business's own question about children, when a question speaks of a child ("a 6 year old", "for my
    daughter"): the one whose keywords are about children."""
    if not intents.about_a_child(text):
        return None
    return next((e for e in turn.business.faq if any(intents.about_a_child(k) for k in e.keywords.get(turn.lang))),
                None)


def _names(entry: Faq, turn: Turn, service: str) -> bool:
    """Whether the business's answer speaks of this service ("… get a haircut for 20 EUR")."""
    return turn.service_name(service).casefold() in (entry.answer.get(turn.lang) or "").casefold()


def _faq_answer(turn: Turn, entry: Faq | None) -> str:
    answer_text = entry.answer.get(turn.lang) if entry else None
    return answer_text or _unknown(turn)


def _about(turn: Turn, _: Reading, __: str) -> list[str]:
    biz = turn.business
    description = biz.description.get(turn.lang) if biz.description else None
    return [description or _unknown(turn)]


def _waitlist(turn: Turn, _: Reading, __: str) -> list[str]:
    """"Let me know if something opens up": no waiting list is kept here, so nobody would be told; said plainly."""
    return [turn.t("info_waitlist")]


_TOPICS: dict[str, Callable[[Turn, Reading, str], list[str]]] = {
    "prices": _prices, "hours": _hours, "address": _address, "phone": _phone, "parking": _parking,
    "payment": _payment, "cancellation_policy": _cancellation, "services": _services, "faq": _faq,
    "reminders": _reminders, "late_policy": _late_policy, "staff": _staff, "assistant": _assistant,
    "confirmation": _confirmation, "arrived": _arrived, "waitlist": _waitlist,
}


# --- opening hours ---------------------------------------------------------------------------------------


def upcoming_closures(turn: Turn) -> list[str]:
    """The days the business is closed in the coming weeks on days it would otherwise open, with the reason."""
    today = turn.local(turn.now()).date()
    out = []
    for offset in range(CLOSURES_AHEAD.days + 1):
        day = today + timedelta(days=offset)
        closure = turn.business.closed_on(day)
        if closure and turn.business.hours.spans(day.weekday()):
            reason = f" ({closure.reason_in(turn.lang)})" if closure.reason else ""
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
        reason = f" ({closure.reason_in(turn.lang)})" if closure and closure.reason else ""
        return turn.t("info_closed_on", day=turn.formats.day(day), reason=reason)
    return turn.t("info_open_on", day=turn.formats.day(day), hours=spans_text(turn, spans))


def _day_line(turn: Turn, day: date) -> str:
    """"• Sunday 27 December: closed", "• Monday 28 December: 09:00–18:00" (a closure with its reason)."""
    spans = day_spans(turn, day)
    closure = turn.business.closed_on(day)
    hours = spans_text(turn, spans)
    if not spans and closure and closure.reason:
        hours += f" ({closure.reason_in(turn.lang)})"
    return turn.t("info_hours_day_line", day=turn.formats.day(day), hours=hours)


def _open_now(turn: Turn) -> str:
    """"Are you open now?": open until when, not open yet today, or closed now and when it opens next."""
    now = turn.local(turn.now())
    today, clock = now.date(), now.time().replace(tzinfo=None)
    for start, end in day_spans(turn, today):
        if start <= clock < end:
            return turn.t("info_open_now", until=turn.formats.clock_time(end))
        if clock < start:
            return turn.t("info_opens_today", at=turn.formats.clock_time(start))
    for n in range(1, HOURS_LOOK_AHEAD + 1):
        day = today + timedelta(days=n)
        spans = day_spans(turn, day)
        if spans:
            return turn.t("info_closed_now", day=turn.formats.day(day), at=turn.formats.clock_time(spans[0][0]))
    return turn.t("info_closed_on", day=turn.formats.day(today), reason="")


# --- small pieces ------------------------------------------------------------------------------------------


def _prices_together(turn: Turn, services: list[Service], header: str = "") -> list[str]:
    """"How much will that be?" right after booking several appointments: each one's price, and what they come
    to together (a price that is only a "from" makes the sum one too; one without a price, no sum)."""
    lines = [f"• {_service_line(turn, s)}" for s in services]
    header = header or turn.t("info_prices_together")
    if any(s.price is None for s in services):
        return [header, *lines, _unknown(turn)]
    total = turn.formats.money(sum(s.price or 0 for s in services), turn.business.currency)
    if any(s.price_from for s in services):
        total = turn.t("info_price_from", price=total)
    return [header, *lines, turn.t("info_price_total", total=total)]


def _price_line(turn: Turn, service: Service) -> str:
    return turn.t("info_price_line", service=service.display(turn.lang), price=_price(turn, service),
                  minutes=service.duration_minutes)


def _offered(turn: Turn, service: Service) -> str:
    name = service.display(turn.lang)
    if service.price is None:
        return turn.t("info_offered_unpriced", service=name, minutes=service.duration_minutes)
    return turn.t("info_offered", service=name, minutes=service.duration_minutes, price=_price(turn, service))


# "who does beard trims?", "which stylist does coloring?", "what about a beard trim, who does that?"
_ASKS_WHO = re.compile(
    r"(?:^|[,.;!?]\s*)\W*(?:(?:and|und|so|also|ok|okay|hi|hallo|hello)\W+)*(?:who|wer|(?:which|what) (?:stylist|hairdresser"
    r"|barber|one of you|of you|person|team member)|welche[rs]? (?:friseurin|friseur|von euch|von ihnen|mitarbeiter\w*))\b",
    re.IGNORECASE)


def _who_does(turn: Turn, r: Reading, *, asked: bool = False) -> list[str]:
    """"Does Tom do coloring?": whether the person asked about does it, and who does; "who does beard trims?"
    (`asked`): who does."""
    if r.service is None or len(turn.business.staff) < 2 or r.staff is None and not asked:
        return []
    doing = turn.business.staff_for(r.service)
    service = turn.service_name(r.service)
    if r.staff is None:
        return [turn.t("info_staff_does", staff=turn.formats.names([s.name for s in doing], either=True),
                       service=service)]
    if any(s.id == r.staff for s in doing):
        return [turn.t("info_staff_does", staff=turn.staff_name(r.staff), service=service)]
    return [turn.t("info_staff_does_not", staff=turn.staff_name(r.staff), service=service,
                   others=turn.formats.names([s.name for s in doing]))]


def _price(turn: Turn, service: Service) -> str:
    assert service.price is not None
    price = turn.formats.money(service.price, turn.business.currency)
    return turn.t("info_price_from", price=price) if service.price_from else price


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


def _talked_about(turn: Turn, text: str) -> str | None:
    """The service of the one "Book coloring" option under the answer just given, when a short question points back
    at it ("how long does it take?", "how much?")."""
    if turn.state.step is not None or not _asks_back(text):
        return None
    offered = alone(turn.state.options)
    return offered.service if isinstance(offered, BookAgain) else None


def _asks_back(text: str) -> bool:
    """A short question about what was just talked about or booked ("how much?", "how long does it take?")."""
    return _POINTS_BACK.search(text) is not None or len(text.split()) <= 3


def _book_option(turn: Turn, service: str | None, staff: str | None = None, also: str | None = None) -> list[Option]:
    """"Book a haircut" (or "Book with Tom", "Book an appointment") under the answer, where the chat takes new
    bookings."""
    if Capability.CREATE not in turn.backend.capabilities:
        return []
    if staff and not service:
        return [BookAgain(service=None, staff=staff).option(turn.t("info_book_with", staff=turn.staff_name(staff)))]
    if service and also:  # "Book Beard trim and Haircut" under the prices of the two
        names = turn.formats.names([turn.service_name(service), turn.service_name(also)])
        return [BookAgain(service=service, also=also).option(turn.t("info_book_service", service=names))]
    if service:
        return [BookAgain(service=service).option(turn.t("info_book_service", service=turn.service_name(service)))]
    return [BookAgain(service=None).option(turn.t("info_book"))]


def _names_every_word(folded: str, asked: str) -> bool:
    """Whether the text names (or nearly: a typo) every word of the question that carries meaning."""
    said = _WORD.findall(folded)
    return all(any(fuzz.ratio(word, w) >= FAQ_MIN_SCORE for w in said)
               for word in _WORD.findall(asked) if word not in _FUNCTION_WORDS)


_WORD = re.compile(r"\w[\w']*")
_FUNCTION_WORDS = frozenset("""
a an the i you we my your our me us it is are am be do does did can could may might will would should have has
to of in on at for with and or not no any some this that there here please
ich du sie wir ihr mein meine meinen dein euer eure ein eine einen der die das den dem ist sind bin habt haben
hat kann könnt darf dürfen auch mit bei für und oder nicht kein keine man es hier bitte
""".split())


def _has_word(folded: str, word: str) -> bool:
    pattern = _whole_word(word.casefold().strip())
    return pattern is not None and pattern.search(folded) is not None


@functools.cache
def _whole_word(word: str) -> re.Pattern[str] | None:
    """A keyword of the business's questions as a whole word, compiled once per word (the file does not change)."""
    return re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)") if word else None
