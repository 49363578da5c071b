"""Several appointments in one go: for several people ("me and my son") or several services ("haircut and beard trim").

Every plan is made from the backend's free times: the appointments at the same time with different
staff (several people, nobody named), or one after another (the same staff where they offer each
service). The plan is confirmed as one list and created all or nothing: when one create fails, the
ones already made are cancelled again, and the customer hears so plainly.
"""

from __future__ import annotations

import itertools
import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import bot.conversation.receipt as receipt
from booking_client import (
    BackendUnavailable,
    Booking,
    BookingError,
    BookingRequest,
    BookingStatus,
    Capability,
    NeedsAnswers,
    NotAccepted,
    NotSupported,
    Slot,
)

from ..calendar import add_to_calendar_link
from ..messages import Option
from .events import Said
from .payloads import SlotChoice
from .slots import (MAX_OPTIONS, SEARCH_DAYS, Daily, Wanted, asked_time, at, closed_part_of_day, from_daily, guard_time,
                    in_daily, near_closed_part, on_a_day_asked, outside_daily, period_text, why_not)
from .state import Draft, Pending, Step
from .turn import Turn

log = logging.getLogger(__name__)

MOST = 4  # appointments booked together in the chat; a larger group is asked to contact the business
ALTERNATIVES = 3
_CANDIDATES = 400  # start times tried when looking for other times (bounded work per message)

Item = tuple[str, int]  # a service, and which of the people it is for (0: the customer)


@dataclass(frozen=True)
class Plan:
    """One slot per item, in the order the customer named them; `together`: all at the same time."""

    slots: tuple[Slot, ...]
    together: bool

    @property
    def start(self) -> datetime:
        return min(s.start for s in self.slots)


# --- what is wanted ----------------------------------------------------------------------------------


def wanted(d: Draft) -> bool:
    """Whether the draft asks for more than one appointment."""
    return len(d.services) > 1 or (d.party or 1) > 1


def items(d: Draft) -> list[Item]:
    """The appointments the draft asks for: one service for each person, each person's own service
    ("a haircut for me and a colouring for my wife"), or one person's several services."""
    services = list(d.services) if len(d.services) > 1 else [d.service] if d.service else []
    party = d.party or 1
    if party == 1:
        return [(s, 0) for s in services]
    if len(services) == 1:
        return [(services[0], person) for person in range(party)]
    if len(services) == party:
        return [(s, person) for person, s in enumerate(services)]
    return [(s, person) for person in range(party) for s in services]


_ONLY = re.compile(r"\b(?:only|just|nur|bloß|lediglich)\b", re.IGNORECASE)


def narrows(said: Said) -> bool:
    """ "Just me", "only the haircut", "nur ich": fewer people or services than asked for before."""
    r = said.reading
    if r.intent not in ("other", "book", "affirm", "deny") or r.has_when:
        return False
    return r.party == 1 or (r.service is not None and _ONLY.search(said.text) is not None)


def possible(turn: Turn) -> bool:
    """Whether several appointments can be booked together here; if not, the customer hears why and the
    draft goes on as one booking of the first service."""
    d = turn.state.draft
    if Capability.CANCEL not in turn.backend.capabilities:
        # without cancelling, a failed second booking would leave the first one half-made
        turn.note(turn.t("several_one_at_a_time", service=turn.service_name(d.service)))
        d.services, d.party = [], None
        return False
    return True


# --- finding a plan -------------------------------------------------------------------------------------


async def settle(turn: Turn) -> bool:
    """Find times for every appointment: True when a plan is pending (ask for the name or the yes);
    otherwise the question asked is when, or which of the offered times."""
    d = turn.state.draft
    turn.state.group = []
    wanted_items = items(d)
    if len(wanted_items) > MOST:
        turn.end(turn.t("several_too_many", count=len(wanted_items), most=MOST))
        return False
    if not (d.date or d.time or d.start):
        turn.ask(Step.ASK_WHEN, turn.t("several_ask_when", count=len(wanted_items), list=_wanted_text(turn, wanted_items)))
        return False
    asked = asked_time(turn, d)
    if isinstance(asked, datetime):
        return await _at(turn, wanted_items, asked)
    await _within(turn, wanted_items, *asked, daily=d.daily, not_days=tuple(d.not_days))
    return False


async def _at(turn: Turn, wanted_items: list[Item], exact: datetime) -> bool:
    problem = guard_time(turn, exact)
    if problem:
        _ask_another_time(turn, problem)
        return False
    day = turn.local(exact).date()
    tz = turn.business.tz
    free = await _free(turn, wanted_items, at(day, time(0), tz), at(day + timedelta(days=1), time(0), tz))
    plan = _plan_at(turn, wanted_items, exact, free)
    if plan is not None:
        if len({p for _, p in wanted_items}) > 1 and not plan.together and _may_be_together(turn):
            turn.note(turn.t("several_not_together", time=turn.formats.clock_time(turn.local(exact))))
        pend(turn, plan, wanted_items)
        return True
    why = _why_not(turn, wanted_items, exact, free)
    await _offer_near(turn, wanted_items, exact, why)
    return False


async def _within(turn: Turn, wanted_items: list[Item], start: datetime, end: datetime,
                  daily: Daily | None = None, not_days: tuple[int, ...] = ()) -> None:
    problem = guard_time(turn, start, end)
    if problem:
        _ask_another_time(turn, problem)
        return
    free = await _free(turn, wanted_items, max(start, turn.now()), end)
    every = [s for s in free.starts(wanted_items[0][0]) if on_a_day_asked(turn, s, not_days)]
    starts = every if daily is None else [s for s in every if in_daily(turn, s, daily)]
    plans = _plans_among(turn, wanted_items, starts, free, spaced=False)
    period = period_text(turn, start, end, daily, not_days)
    if plans:
        turn.ask(Step.PICK_SLOT, turn.t("several_free_times", all=_all(turn, len(wanted_items)), period=period),
                 turn.t("pick_one"), options=plan_options(turn, _spread(plans, MAX_OPTIONS)))
        return
    want = Wanted(wanted_items[0][0], turn.state.draft.staff)
    why = daily is not None and outside_daily(turn, want, start, end, daily) or \
        turn.t("several_no_free_times", all=_all(turn, len(wanted_items)), period=period)
    near = _nearest_daily(turn, wanted_items, every, free, daily) if daily is not None else []
    if near:  # none at those hours: the times nearest them, in the same period
        turn.ask(Step.PICK_SLOT, why, turn.t("several_alternatives", all=_all(turn, len(wanted_items))),
                 turn.t("pick_one"), options=plan_options(turn, near))
        return
    one_day = turn.local(end - timedelta(seconds=1)).date() == turn.local(start).date()
    if one_day and (closed := closed_part_of_day(turn, want, start, end)):
        await _offer_near(turn, wanted_items, near_closed_part(turn, start, end), closed)
        return
    await _offer_near(turn, wanted_items, end, why)


def _nearest_daily(turn: Turn, wanted_items: list[Item], starts: Sequence[datetime], free: Free,
                   daily: Daily) -> list[Plan]:
    """Plans nearest the hours asked of each day, one a day, the nearest three in time order."""
    plans: dict[date, Plan] = {}
    for start in sorted(starts, key=lambda s: (from_daily(turn, s, daily), s))[:_CANDIDATES]:
        day = turn.local(start).date()
        if day in plans:
            continue
        plan = _plan_at(turn, wanted_items, start, free)
        if plan is not None:
            plans[day] = plan
            if len(plans) == ALTERNATIVES:
                break
    return sorted(plans.values(), key=lambda p: p.start)


async def _offer_near(turn: Turn, wanted_items: list[Item], target: datetime, why: str) -> None:
    """The nearest times where every appointment fits, after saying why the asked one won't do."""
    tz, day = turn.business.tz, turn.local(target).date()
    window_start = max(turn.now(), at(day - timedelta(days=SEARCH_DAYS), time(0), tz))
    window_end = at(day + timedelta(days=SEARCH_DAYS + 1), time(0), tz)
    free = await _free(turn, wanted_items, window_start, window_end)
    starts = sorted(free.starts(wanted_items[0][0]),
                    key=lambda s: (turn.local(s).date() != day, abs((s - target).total_seconds())))
    plans = sorted(_plans_among(turn, wanted_items, starts, free, spaced=True)[:ALTERNATIVES], key=lambda p: p.start)
    if not plans:
        _ask_another_time(turn, why, turn.t("none_near"))
        return
    turn.ask(Step.PICK_SLOT, why, turn.t("several_alternatives", all=_all(turn, len(wanted_items))), turn.t("pick_one"),
             options=plan_options(turn, plans))


def _ask_another_time(turn: Turn, *lines: str) -> None:
    turn.state.draft.forget_when()
    turn.ask(Step.ASK_WHEN, *lines)


@dataclass(frozen=True)
class Free:
    """The backend's free slots, by service and start time."""

    slots: dict[tuple[str, datetime], list[Slot]]

    def at(self, service: str, moment: datetime) -> list[Slot]:
        return self.slots.get((service, moment), [])

    def starts(self, service: str) -> list[datetime]:
        return sorted(moment for s, moment in self.slots if s == service)


async def _free(turn: Turn, wanted_items: list[Item], start: datetime, end: datetime) -> Free:
    """The backend's free slots for each service wanted, with any staff."""
    slots: dict[tuple[str, datetime], list[Slot]] = {}
    for service in dict.fromkeys(s for s, _ in wanted_items):
        for slot in await turn.backend.availability(start, end, service, None):
            slots.setdefault((service, slot.start), []).append(slot)
    return Free(slots)


def _plans_among(turn: Turn, wanted_items: list[Item], starts: Sequence[datetime], free: Free,
                 *, spaced: bool) -> list[Plan]:
    """Plans at the first of `starts` that fit (spaced: at least half an hour apart, so they are real choices)."""
    plans: list[Plan] = []
    for start in itertools.islice(starts, _CANDIDATES):
        if spaced and any(abs((start - p.start).total_seconds()) < 1800 for p in plans):
            continue
        plan = _plan_at(turn, wanted_items, start, free)
        if plan is not None:
            plans.append(plan)
            if spaced and len(plans) == ALTERNATIVES:
                break
    return plans


def _may_be_together(turn: Turn) -> bool:
    """Several people may be seen at the same time unless the customer asked for one staff member."""
    d = turn.state.draft
    return not d.staff and len(turn.business.staff) > 1


def _plan_at(turn: Turn, wanted_items: list[Item], start: datetime, free: Free) -> Plan | None:
    """All appointments from `start`, done as soon as can be: at the same time where there are staff for it,
    one after another where not. Each person's own appointments keep the order they were named in."""
    best: tuple[Slot, ...] | None = None
    for order in _orders(wanted_items):
        slots = _fit(turn, wanted_items, order, start, free)
        if slots is not None and (best is None or _done_by(turn, slots) < _done_by(turn, best)):
            best = slots
            if len({s.start for s in slots}) == 1:
                break  # everyone at once: nothing is sooner
    return Plan(best, together=len({s.start for s in best}) == 1) if best else None


def _orders(wanted_items: list[Item]) -> list[tuple[int, ...]]:
    """The orders to plan the items in: the named one first, then others that keep each person's own order."""
    named = tuple(range(len(wanted_items)))
    if len({p for _, p in wanted_items}) == 1:
        return [named]
    return [order for order in itertools.permutations(named)
            if all(order.index(a) < order.index(b) for a in named for b in named
                   if a < b and wanted_items[a][1] == wanted_items[b][1])]


def _done_by(turn: Turn, slots: Sequence[Slot]) -> datetime:
    return max(s.start + turn.business.service(s.service).duration for s in slots)


def _fit(turn: Turn, wanted_items: list[Item], order: Sequence[int], start: datetime, free: Free
         ) -> tuple[Slot, ...] | None:
    """One free slot per item, taken in `order`, each as early as its person and some staff member are
    both free (never before `start`, never two at once for one person or one staff member)."""
    biz = turn.business
    chosen = turn.state.draft.staff
    wanted_services = {s for s, _ in wanted_items}
    covers = {p.id: len(wanted_services.intersection(p.services)) for p in biz.staff}  # who does most of it
    person_ready: dict[int, datetime] = {}
    staff_ready: dict[str, datetime] = {}
    picked: dict[int, Slot] = {}
    seen_by: dict[int, str] = {}  # who saw each person last: their next service with them, if they do it
    for index in order:
        service, person = wanted_items[index]
        svc = biz.service(service)
        offering = [p.id for p in biz.staff_for(service)]
        if chosen in offering:
            offering = [chosen]  # the one the customer asked for, for everything they do
        options = []
        for staff in offering:
            moment = max(person_ready.get(person, start), staff_ready.get(staff, start))
            slot = next((s for s in free.at(service, moment) if s.staff == staff), None)
            if slot is not None:
                options.append((moment, staff != seen_by.get(person), -covers.get(staff, 0), slot))
        if not options:
            return None
        moment, _, _, slot = min(options, key=lambda o: o[:3])
        picked[index] = slot
        person_ready[person] = moment + svc.duration
        staff_ready[slot.staff] = moment + svc.duration + svc.buffer_after
        seen_by[person] = slot.staff
    return tuple(picked[i] for i in range(len(wanted_items)))


def _why_not(turn: Turn, wanted_items: list[Item], exact: datetime, free: Free) -> str:
    """Why the asked time won't do: closed, too soon, only one of the appointments fits, or none does."""
    local_day = turn.local(exact).date()
    first = wanted_items[0][0]
    fitting = _most_that_fit(turn, wanted_items, exact, free)
    if not fitting:
        return why_not(turn, Wanted(first, turn.state.draft.staff), exact, local_day)
    names = dict(when=turn.when(exact), count=len(wanted_items))
    if len(fitting) == 1:
        return turn.t("several_only_one", service=turn.service_name(fitting[0][0]), all=_all(turn, len(wanted_items)),
                      **names)
    return turn.t("several_not_all", fit=len(fitting), **names)


def _all(turn: Turn, count: int) -> str:
    """ "both" for two appointments, "all 3" for more (German: "beide", "alle 3")."""
    return turn.t("several_both") if count == 2 else turn.t("several_all", count=count)


def _most_that_fit(turn: Turn, wanted_items: list[Item], exact: datetime, free: Free) -> list[Item]:
    """The most of the appointments that fit at `exact` together (none: not even one)."""
    for size in range(len(wanted_items) - 1, 0, -1):
        for subset in itertools.combinations(wanted_items, size):
            if _plan_at(turn, list(subset), exact, free) is not None:
                return list(subset)
    return []


# --- offering and confirming ---------------------------------------------------------------------------


def plan_options(turn: Turn, plans: Sequence[Plan]) -> list[Option]:
    """One option per plan, picked by its first time (the plan is made again, from fresh free times)."""
    return [SlotChoice(start=p.start, staff=p.slots[0].staff).option(
        f"{turn.when(p.start)} ({_staff_text(turn, p)})") for p in plans]


def _staff_text(turn: Turn, plan: Plan) -> str:
    names = list(dict.fromkeys(turn.staff_name(s.staff) for s in plan.slots))
    starts = len({s.start for s in plan.slots})
    how = "several_together" if starts == 1 else "several_in_a_row" if starts == len(plan.slots) else \
        "several_partly_together"
    return turn.t(how, staff=turn.formats.names(names))


def pend(turn: Turn, plan: Plan, wanted_items: list[Item]) -> None:
    """The plan becomes the confirmation on the table, each appointment with its own idempotency key and person."""
    group = [Pending(service=s.service, staff=s.staff, start=s.start, key=uuid.uuid4().hex, person=person)
             for s, (_, person) in zip(plan.slots, wanted_items, strict=True)]
    turn.state.group = group
    turn.state.pending = group[0].model_copy()


def name_of(turn: Turn, p: Pending) -> str | None:
    """The name an appointment of several goes under: the other person's, where they are named ("me and my
    daughter Emma"), else the customer's."""
    d = turn.state.draft
    index = p.person if d.party_of_others else p.person - 1  # (the customer is person 0 where they come too)
    return d.other_names[index] if 0 <= index < len(d.other_names) else turn.booking_name


def _each_named(turn: Turn) -> bool:
    """Whether the appointments go under more than one name."""
    return len({name_of(turn, p) for p in turn.state.group}) > 1


def question(turn: Turn) -> str:
    """ "Shall I book these 2 appointments for Anna: ...?"; under several names, each line says whose it is."""
    group = turn.state.group
    if _each_named(turn):
        lines = [turn.t("several_confirm_each", count=len(group))]
        lines += [line(turn, i, p.service, p.staff, p.start, name=name_of(turn, p)) for i, p in enumerate(group, 1)]
        return "\n".join(lines)
    lines = [turn.t("several_confirm", count=len(group), name=turn.formats.after_for(turn.booking_name or ""))]
    lines += [line(turn, i, p.service, p.staff, p.start) for i, p in enumerate(group, 1)]
    return "\n".join(lines)


def ask(turn: Turn) -> None:
    turn.ask(Step.CONFIRM_BOOK, question(turn), options=turn.yes_no())


def line(turn: Turn, number: int, service: str, staff: str, start: datetime, name: str | None = None) -> str:
    """"1. Haircut with Tom, Sat 12 Dec, 10:00 (30 min)": one of several appointments, numbered; with `name`,
    whose it is (", for Emma")."""
    minutes = turn.business.service(service).duration_minutes if service else 0
    text = turn.t("several_line", number=number, service=turn.service_name(service), staff=turn.staff_name(staff),
                  when=turn.when(start), minutes=minutes)
    return turn.t("several_line_for", line=text, name=turn.formats.after_for(name)) if name else text


def _wanted_text(turn: Turn, wanted_items: list[Item]) -> str:
    """ "Haircut and Beard trim", "2 × Haircut"."""
    counts: dict[str, int] = {}
    for service, _ in wanted_items:
        counts[service] = counts.get(service, 0) + 1
    return turn.formats.names([f"{n} × {turn.service_name(s)}" if n > 1 else turn.service_name(s)
                               for s, n in counts.items()])


# --- booking ------------------------------------------------------------------------------------------------


async def book(turn: Turn) -> None:
    """Yes to the list: create every appointment; if one fails, cancel the ones made, so none is left half-made."""
    group, made = list(turn.state.group), []
    held = turn.state.pending.hold if turn.state.pending else None
    for i, p in enumerate(group):
        contact = replace(turn.contact(), name=name_of(turn, p))
        request = BookingRequest(service=p.service, staff=p.staff, start=p.start, contact=contact,
                                 channel=turn.msg.channel, lang=turn.lang, hold=held if i == 0 else None,
                                 notes=turn.state.draft.notes_text())
        try:
            booking = await turn.backend.create(request, idempotency_key=p.key)
        except BookingError as exc:
            log.info("appointment %d of %d not booked: %s", i + 1, len(group), type(exc).__name__)
            await _undo(turn, made, p, exc)
            return
        if i == 0:
            turn.consumed_hold = held
        made.append(booking)
    _finish(turn, made)


async def _undo(turn: Turn, made: list[Booking], failed: Pending, exc: BookingError) -> None:
    """One appointment could not be made: cancel the ones that were, then say plainly what happened."""
    kept: list[Booking] = []
    for booking in made:
        try:
            await turn.backend.cancel(booking.id, reason="booked together with an appointment that could not be made")
        except BookingError as cancel_exc:
            log.warning("could not cancel %s after a failed group booking: %s", booking.id, type(cancel_exc).__name__)
            kept.append(booking)
    what = dict(service=turn.service_name(failed.service), when=turn.when(failed.start), count=len(turn.state.group))
    if kept:
        still = "\n".join(line(turn, i, b.service, b.staff, b.start) for i, b in enumerate(kept, 1))
        turn.end(turn.t("several_half_made", **what), still)
        return
    turn.note(turn.t("several_undone" if made else "several_none_booked", **what))
    if isinstance(exc, BackendUnavailable):
        turn.end(turn.t("several_try_later"))
        return
    if isinstance(exc, (NeedsAnswers, NotAccepted, NotSupported)):
        turn.end(turn.t("several_one_at_a_time_now"))  # the booking system wants each one taken on its own
        return
    first = turn.local(min(p.start for p in turn.state.group))
    turn.state.group, turn.state.pending = [], None
    d = turn.state.draft
    d.set_when(first.date(), first.time().replace(tzinfo=None))
    if await settle(turn):  # the same time again, from fresh free times: other staff may be free
        ask(turn)


def _finish(turn: Turn, made: list[Booking]) -> None:
    """Booked: the list, the confirmation note, and each appointment's calendar link and file."""
    requested = any(b.status is BookingStatus.PENDING for b in made)
    lines = [turn.t("several_requested" if requested else "several_booked", count=len(made))]
    named = _each_named(turn)
    lines += [line(turn, i, b.service, b.staff, b.start, name=name_of(turn, p) if named else None)
              for i, (b, p) in enumerate(zip(made, turn.state.group, strict=True), 1)]
    email = next((b.contact.email for b in made if b.contact.email), None)
    if turn.email_confirmations and email:
        lines.append(turn.t("several_confirmations_on_their_way", email=email, count=len(made)))
    if turn.msg.channel in receipt.LINK_CHANNELS:
        for i, b in enumerate(made, 1):
            link = add_to_calendar_link(b, turn.business, turn.lang, texts=turn.texts)
            lines.append(turn.t("several_add_to_calendar", number=i, link=link))
    files = [replace(receipt.calendar(turn, b), filename=f"appointment-{i}.ics") for i, b in enumerate(made, 1)
             if turn.msg.channel in receipt.FILE_CHANNELS]
    turn.end(*lines, attachments=files)
    # "how much is that?" prices them all; "a beard trim right after" follows the last of them
    turn.state.last_services, turn.state.last_service = [b.service for b in made], None
    turn.state.booked_in_a_row = [b.service for b in made]
    turn.state.last_booking = max(made, key=lambda b: b.end).id
    turn.state.last_move_minutes = None


def _spread(plans: list[Plan], most: int) -> list[Plan]:
    if len(plans) <= most:
        return plans
    step = (len(plans) - 1) / (most - 1)
    return [plans[round(i * step)] for i in range(most)]
