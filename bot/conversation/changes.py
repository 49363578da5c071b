"""The customer's own bookings: list them, pick the one to cancel or move, and find a move its new time."""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta

import bot.conversation.confirm as confirm
import bot.conversation.policy as policy
import bot.conversation.receipt as receipt
import bot.conversation.relative as relative
from booking_client import (
    Booking,
    BookingError,
    BookingRequest,
    Capability,
    InvalidRequest,
    NeedsAnswers,
    NotAccepted,
    NotFound,
    Slot,
    SlotTaken,
)
from intents import Reading

from ..messages import Option
from .booking import correct, earliest, keeps_time, latest, merge, pin
from .events import Said, Yes
from .handoff import reach
from .mine import booking_line, my_bookings, own_booking
from .payloads import BookingChoice, CancelIt, MoveIt, SlotChoice, unpack
from .slots import (MAX_OPTIONS, Free, Offer, Wanted, at, guard_time, nearest, outside_hours, search,
                    slot_options)
from .state import Draft, Pending, Step
from .turn import Turn

log = logging.getLogger(__name__)

# --- listing ------------------------------------------------------------------------------------------


async def list_bookings(turn: Turn, day: date | None = None, *, aside: bool = False,
                        period: tuple[datetime, datetime] | None = None) -> None:
    """"My appointments": the customer's upcoming bookings (whatever was under way is left). Asked about a day ("do
    I have an appointment tomorrow?") or a few ("anything next week?"): those, or that there are none then, and the
    others after it. `aside`: asked in the middle of a booking, cancel or move that stays on the table, so the list
    goes in front of its question, whose options stay what "the second one" means."""
    bookings = await my_bookings(turn)
    if not aside and turn.state.step is not None:
        turn.state.clear_flow()
    asked, heading, nothing = _asked_about(turn, bookings, day, period)
    lines = [nothing] if nothing and not asked else []
    shown = asked or bookings
    if not shown:
        lines.append(turn.t("no_bookings_yet" if aside else "no_bookings"))
    else:
        lines.append(heading if asked else turn.t("your_bookings"))
        lines.extend(f"• {booking_line(turn, b)}" for b in shown)
    if aside:
        for line in lines:
            turn.note(line)
        return
    turn.say(*lines)
    if shown:
        turn.state.listed = [b.id for b in shown]


def _asked_about(turn: Turn, bookings: list[Booking], day: date | None, period: tuple[datetime, datetime] | None
                 ) -> tuple[list[Booking], str, str]:
    """The bookings on the day or in the days asked about, the heading over them, and what to say when there are
    none (nothing asked about: no bookings, no texts)."""
    if day is None and period is not None:
        first, last = turn.local(period[0]).date(), turn.local(period[1] - timedelta(seconds=1)).date()
        if first == last:
            day = first
        else:
            days = turn.formats.days(first, last)
            within = [b for b in bookings if first <= turn.local(b.start).date() <= last]
            return within, turn.t("your_bookings_in", period=days), turn.t("nothing_booked_in", period=days)
    if day is None:
        return [], "", ""
    on_day = [b for b in bookings if turn.local(b.start).date() == day]
    return (on_day, turn.t("your_bookings_on", day=turn.formats.day(day)),
            turn.t("nothing_booked_on", day=turn.formats.day(day)))


def _booked_elsewhere(turn: Turn) -> str:
    """For a customer who means a booking this chat cannot find: one made another way, and whom to ask about it."""
    return reach(turn, "booked_elsewhere", "booked_elsewhere_ask")


# --- cancelling -----------------------------------------------------------------------------------------


async def start_cancel(turn: Turn, r: Reading | None) -> None:
    """"Cancel my appointment": the one meant, or the question which one when several fit."""
    if r is not None and r.service is None and r.service_text:
        turn.say(turn.t("cancel_elsewhere"))  # "cancel my hotel reservation"
        return
    bookings = await my_bookings(turn)
    turn.state.clear_flow()
    if not bookings:
        turn.say(turn.t("nothing_to_cancel"), _booked_elsewhere(turn))
        return
    picked = _listed(turn, bookings, r) or _filter(turn, _not_the_last(turn, bookings, r), r)
    if len(picked) == 1:
        await _cancel(turn, picked[0].id)
        return
    if r is not None and r.every:  # "cancel all my appointments", "beide absagen"
        _cancel_several(turn, sorted(picked, key=lambda b: b.start))
        return
    turn.ask(Step.PICK_BOOKING_CANCEL, turn.t("which_booking_cancel"), options=_booking_options(turn, picked))


async def cancel_chosen(turn: Turn, choice: BookingChoice) -> None:
    await _cancel(turn, choice.booking_id)


async def cancel_from_reminder(turn: Turn, choice: CancelIt) -> None:
    """"Cancel it" under a reminder: whatever was under way gives way to cancelling that booking."""
    turn.state.clear_flow()
    await _cancel(turn, choice.booking_id)


async def cancel_by_words(turn: Turn, said: Said) -> None:
    """"The one on Friday" while asked which booking to cancel."""
    bookings = await my_bookings(turn)
    if said.reading.every:  # "both", "alle": every booking listed in the question
        choices = [unpack(o.value) for o in turn.state.options]
        listed = {c.booking_id for c in choices if isinstance(c, BookingChoice)}
        _cancel_several(turn, sorted((b for b in bookings if b.id in listed), key=lambda b: b.start))
        return
    picked = _filter(turn, bookings, said.reading)
    if len(picked) == 1:
        await _cancel(turn, picked[0].id)
    else:
        await start_cancel(turn, None)


async def _cancel(turn: Turn, booking_id: str) -> None:
    booking = await own_booking(turn, booking_id)
    if booking is None:
        turn.end(turn.t("nothing_to_cancel"))
        return
    if policy.too_late(turn, booking):
        policy.refuse(turn, booking, "cancel")
        return
    confirm.ask_cancel(turn, booking)


def _cancel_several(turn: Turn, bookings: list[Booking]) -> None:
    """Every one of `bookings` cancelled on one yes; one inside the business's cancellation period stays booked,
    and the customer hears why, as for one."""
    allowed = [b for b in bookings if not policy.too_late(turn, b)]
    if not allowed:
        policy.refuse(turn, bookings[0], "cancel")
        return
    for kept in (b for b in bookings if b not in allowed):
        turn.note(policy.refusal(turn, kept, "cancel"))
    if len(allowed) == 1:
        confirm.ask_cancel(turn, allowed[0])
    else:
        confirm.ask_cancel_several(turn, allowed)


# --- moving -------------------------------------------------------------------------------------------------


async def start_move(turn: Turn, r: Reading | None) -> None:
    """"Move my appointment (to Thursday)": the booking meant, then its new time ("push it back an hour":
    relative to that booking, once it is known which one)."""
    bookings = await my_bookings(turn)
    turn.state.clear_flow()
    if not bookings:
        turn.say(turn.t("none_to_move"), _booked_elsewhere(turn))
        return
    # "move it to Thursday": the day said is the new one, so it does not pick the booking
    if r is not None and r.other and r.likewise and turn.state.last_move_minutes and not r.has_when and not r.shift:
        r = replace(r, shift=timedelta(minutes=turn.state.last_move_minutes))  # "move the other one too": as far
    picked = bookings if r is None else _listed(turn, bookings, r) or _just_made(turn, bookings, r) or _filter(
        turn, _not_the_last(turn, bookings, r), _without_when(r))
    if r is not None:
        merge(turn.state.draft, r)
    if len(picked) == 1:
        await _move(turn, picked[0].id, reading=r)
        return
    if r is not None and r.shift is not None:
        turn.state.draft.shift_minutes = int(r.shift.total_seconds() // 60)
    ask_which_to_move(turn, picked)


async def move_instead(turn: Turn, said: Said) -> None:
    """"Can we do the week after instead?" asked whether to cancel: that booking moved, if the new time is had (the
    move is confirmed as any is); nothing is cancelled."""
    booking_id = turn.state.booking_id
    if turn.state.group or booking_id is None:  # several being cancelled: which one to move is asked
        await start_move(turn, said.reading)
        return
    await move_again(turn, booking_id, said.reading)


async def move_again(turn: Turn, booking_id: str, r: Reading) -> None:
    """A new time for this booking (said right after its move was refused, or asked whether to cancel it): refused
    while it is too late, else moved."""
    turn.state.clear_flow()
    merge(turn.state.draft, r)
    await _move(turn, booking_id, reading=r)


def ask_which_to_move(turn: Turn, bookings: list[Booking], question: str = "") -> None:
    turn.ask(Step.PICK_BOOKING_MOVE, question or turn.t("which_booking_move"), options=_booking_options(turn, bookings))


async def move_chosen(turn: Turn, choice: BookingChoice) -> None:
    await _move(turn, choice.booking_id)


async def move_from_reminder(turn: Turn, choice: MoveIt) -> None:
    """"Move it" under a reminder: whatever was under way gives way to moving that booking."""
    turn.state.clear_flow()
    await _move(turn, choice.booking_id)


async def move_by_words(turn: Turn, said: Said) -> None:
    """"The haircut" while asked which booking to move."""
    if said.reading.every:  # "both", "beide": they are moved one after the other, each with its own question
        turn.repeat_options(turn.t("move_one_at_a_time"))
        return
    picked = _filter(turn, await my_bookings(turn), said.reading)
    swap_to = turn.state.draft.swap_to
    if len(picked) == 1:
        await _move(turn, picked[0].id)
    elif swap_to:  # still which one to change into another service, with the same choices
        turn.repeat_options(turn.t("which_booking_change", service=turn.service_name(swap_to)))
    else:
        await start_move(turn, None)


async def new_time(turn: Turn, said: Said) -> None:
    """A new day, time or staff member for the booking being moved."""
    state = turn.state
    booking = await own_booking(turn, state.booking_id)
    if booking is None:
        turn.end(turn.t("nothing_to_move"))
        return
    r, d = said.reading, state.draft
    pending = state.pending if state.step is Step.CONFIRM_MOVE else None
    if pending is not None:
        pin(turn, pending.start)  # "not Wednesday, Thursday" keeps the time being confirmed
    # "an hour later", "same time on Thursday": from the booking's own time; "anything earlier?" than the one asked
    anchor = pending.start if pending is not None and r.direction else booking.start
    if said.relative and relative.apply(turn, r, anchor):
        pass
    elif r.earliest and not r.has_when:
        earliest(turn, d)
    elif r.latest:  # "the latest you have on Friday": that day's last free times
        if r.has_when:
            d.set_when(r.date, None, r.start, r.end)
        latest(turn, d)
    elif r.unclear and not (r.date or r.start):
        # the time said with it (or the one being confirmed) waits for the day
        d.set_when(time=r.time or (d.time if pending is not None else None))
        turn.ask(Step.ASK_NEW_TIME, turn.t("which_day", word=r.unclear))
        return
    elif r.has_when:
        d.earliest = d.latest = False
        keep = d.time if state.step is Step.ASK_NEW_TIME and keeps_time(d, r) else r.time
        when = Reading(intent="reschedule", lang=r.lang, date=r.date, time=keep, start=r.start, end=r.end,
                       daily=r.daily, not_days=r.not_days)
        if pending is not None:
            correct(d, when)
        else:
            merge(d, when)
    if r.staff:
        _take_staff(turn, booking, r.staff)
    if r.service and r.service != booking.service:  # "coloring on Monday instead" while moving a haircut
        turn.note(turn.t("move_keeps_service", service=turn.service_name(booking.service),
                         other=turn.service_name(r.service)))
    await _find_new_time(turn, booking)


async def new_slot_chosen(turn: Turn, choice: SlotChoice) -> None:
    await confirm.ask_move(turn, choice.start, choice.staff)


async def ask_new_time(turn: Turn) -> None:
    """"When would you like to move it to?" for the booking being moved (if it is still there)."""
    booking = await own_booking(turn, turn.state.booking_id)
    if booking is None:
        turn.end(turn.t("nothing_to_move"))
        return
    _ask_new_time(turn, booking)


async def _move(turn: Turn, booking_id: str, *, reading: Reading | None = None) -> None:
    """The booking to move is known; keep a new time that came with the request."""
    state = turn.state
    booking = await own_booking(turn, booking_id)
    if booking is None:
        turn.end(turn.t("nothing_to_move"))
        return
    if policy.too_late(turn, booking):
        policy.refuse(turn, booking, "change" if state.draft.swap_to else "move")
        return
    state.booking_id = booking.id
    d = state.draft
    moved = reading if reading is not None and relative.is_relative(reading) else None
    if moved is None and d.shift_minutes is not None:  # said before the customer picked which booking
        moved = Reading(intent="reschedule", lang=turn.lang, shift=timedelta(minutes=d.shift_minutes))
    state.draft = Draft(service=d.swap_to or booking.service, staff=booking.staff, date=d.date, time=d.time,
                        start=d.start, end=d.end, daily=d.daily, not_days=d.not_days, swap_to=d.swap_to)
    if d.swap_to:
        _as_other_service(turn, booking)
        moved = None
    elif reading is not None and reading.staff and reading.staff != booking.staff:
        # "can Tom do it instead?": with Tom, at its time unless said; if Tom can't, nothing else was asked
        if not _to_someone_else(turn, booking, reading.staff) and moved is None \
                and not (reading.has_when or reading.earliest or reading.latest):
            turn.end(turn.t("move_staff_stays", service=turn.service_name(booking.service),
                            staff=turn.staff_name(booking.staff), when=turn.when(booking.start)))
            return
    if moved is not None:
        relative.apply(turn, moved, booking.start)
    elif reading is not None and reading.earliest and not reading.has_when:
        earliest(turn, state.draft)
    elif reading is not None and reading.latest:  # "to the latest you have on Friday": that day's last times
        state.draft.time = None
        latest(turn, state.draft)
    elif reading is not None and reading.unclear and not (reading.date or reading.start):
        turn.ask(Step.ASK_NEW_TIME, turn.t("which_day", word=reading.unclear))
        return
    await _find_new_time(turn, booking)


def _as_other_service(turn: Turn, booking: Booking) -> None:
    """The booking is to become another service: at its own time unless another was said, with the same person if
    they do it (else with whoever does, said so)."""
    d = turn.state.draft
    assert d.swap_to is not None
    if not (d.date or d.time or d.start):
        local = turn.local(booking.start)
        d.set_when(local.date(), local.time().replace(tzinfo=None))
    offering = turn.business.staff_for(d.swap_to)
    if booking.staff not in {p.id for p in offering}:
        turn.note(turn.t("staff_no_service", staff=turn.staff_name(booking.staff), service=turn.service_name(d.swap_to),
                         others=turn.formats.names([p.name for p in offering], either=True)))
        d.staff, d.any_staff = None, True


def _to_someone_else(turn: Turn, booking: Booking, staff: str) -> bool:
    """The booking is to go to another person: at its own time unless another was said. False if it cannot go to
    them (they don't do its service, or the booking system can't change the person; said so)."""
    _take_staff(turn, booking, staff)
    d = turn.state.draft
    if d.staff == booking.staff:
        return False
    if not (d.date or d.time or d.start):
        local = turn.local(booking.start)
        d.set_when(local.date(), local.time().replace(tzinfo=None))
    return True


def _in_its_own_time(turn: Turn, booking: Booking) -> bool:
    """The new service at the booking's own start, with the same person, within their hours: the booking's own
    time counts as free (a search would count it as taken), and the booking system decides the rest when the
    change is made (`swap`: the booking is put back if the new one does not fit)."""
    d = turn.state.draft
    if not d.swap_to or not (d.date and d.time) or d.start or d.staff != booking.staff:
        return False
    new = at(d.date, d.time, turn.business.tz)
    return new == booking.start and not outside_hours(turn, Wanted(d.swap_to, booking.staff), new,
                                                      turn.local(new).date())


async def _find_new_time(turn: Turn, booking: Booking) -> None:
    """Search like a booking, then confirm the move (or offer times, or ask again)."""
    d = turn.state.draft
    if not (d.date or d.time or d.start):
        _ask_new_time(turn, booking)
        return
    if d.time and not (d.date or d.start):  # "move it to 3pm": that time on the booking's own day
        d.set_when(date=turn.local(booking.start).date(), time=d.time)
    if _in_its_own_time(turn, booking):
        await confirm.ask_move(turn, booking.start, booking.staff)
        return
    if d.date and d.time and not d.start and d.staff in (None, booking.staff) and not d.swap_to \
            and at(d.date, d.time, turn.business.tz) == booking.start:  # where it already is
        d.forget_when()
        turn.ask(Step.ASK_NEW_TIME, turn.t("move_same_time", service=turn.service_name(booking.service),
                                          when=turn.when(booking.start)))
        return
    found = await search(turn, d)
    if not isinstance(found, Free) and not d.swap_to and _over_own_time(turn, booking):
        await confirm.ask_move(turn, at(d.date, d.time, turn.business.tz), booking.staff)  # type: ignore[arg-type]
    elif isinstance(found, Free):
        await confirm.ask_move(turn, found.slot.start, found.slot.staff)
    elif isinstance(found, Offer):
        slots = await _same_time_first(turn, booking, found.slots)
        turn.ask(Step.PICK_NEW_SLOT, *found.lines, options=slot_options(turn, slots, d.staff))
    else:
        d.forget_when()
        turn.ask(Step.ASK_NEW_TIME, *found.lines)


async def _same_time_first(turn: Turn, booking: Booking, slots: tuple[Slot, ...]) -> tuple[Slot, ...]:
    """"Can we do Friday instead?": the booking's own time on that day among the times offered, where it is free."""
    d = turn.state.draft
    if not d.date or d.time or d.start or d.daily:
        return slots
    wall = turn.local(booking.start).time().replace(tzinfo=None)
    if any(turn.local(s.start).time().replace(tzinfo=None) == wall for s in slots):
        return slots
    probe = d.model_copy(update={"time": wall})
    found = await search(turn, probe)
    if not isinstance(found, Free):
        return slots
    kept = list(slots)
    if len(kept) >= MAX_OPTIONS:  # its nearest neighbour makes room: the day's first and last times stay
        kept.remove(min(kept, key=lambda s: abs(s.start - found.slot.start)))
    return tuple(sorted((*kept, found.slot), key=lambda s: s.start))


def _over_own_time(turn: Turn, booking: Booking) -> bool:
    """The new time overlaps the booking's own, with the same person: its own time counts as free, so
    the booking system decides when moving (it frees the old time as it moves it)."""
    d = turn.state.draft
    if not (d.date and d.time) or d.start or d.staff not in (None, booking.staff):
        return False
    new = at(d.date, d.time, turn.business.tz)
    end = new + (booking.end - booking.start)
    if new == booking.start or not (new < booking.end and booking.start < end):
        return False
    wanted = Wanted(booking.service, booking.staff)
    if guard_time(turn, new) or outside_hours(turn, wanted, new, turn.local(new).date()):
        return False
    return new >= turn.now() + turn.business.min_notice


def _take_staff(turn: Turn, booking: Booking, staff: str) -> None:
    """Someone else for the booking being moved, if they do its service (else say who does) and the booking
    system can give the appointment to them (else say so, rather than promise them)."""
    offering = turn.business.staff_for(booking.service)
    if staff in {p.id for p in offering}:
        if staff != booking.staff and not _changes_staff(turn):
            turn.note(turn.t("move_same_staff", service=turn.service_name(booking.service),
                             staff=turn.staff_name(booking.staff), other=turn.staff_name(staff)))
            turn.state.draft.staff = booking.staff
            return
        turn.state.draft.staff = staff
        return
    turn.note(turn.t("staff_no_service", staff=turn.staff_name(staff), service=turn.service_name(booking.service),
                     others=turn.formats.names([p.name for p in offering], either=True)))


def _changes_staff(turn: Turn) -> bool:
    """Whether a move can go to someone else: the booking system books the new appointment, then cancels the old."""
    return {Capability.CREATE, Capability.CANCEL} <= turn.backend.capabilities


async def move_confirmed(turn: Turn, yes: Yes) -> None:
    """Yes to a move. To the same person the booking system moves it; to someone else (which its move cannot
    do) the new appointment is booked first, then the old one cancelled, so the customer never has neither,
    and if the old one cannot be cancelled the new one is cancelled again, so they never have both."""
    p = turn.state.pending
    booking = await own_booking(turn, turn.state.booking_id) if p is not None else None
    moves_itself = Capability.RESCHEDULE in turn.backend.capabilities  # (else it is booked anew anyway)
    if p is None or booking is None or p.staff == booking.staff or not moves_itself:
        await confirm.move(turn, yes)
        return
    new = await book_then_cancel(turn, p, booking, reason="moved by the customer in the chat (to another staff member)")
    if new is not None:
        receipt.finish(turn, turn.t("moved", service=turn.service_name(new.service), staff=turn.staff_name(new.staff),
                                    when=turn.when(new.start)), new)


async def book_then_cancel(turn: Turn, p: Pending, booking: Booking, *, reason: str) -> Booking | None:
    """What is pending booked first, then `booking` cancelled, so the customer never has neither; if the old one
    cannot be cancelled the new one is cancelled again, so they never have both. The new booking, or None (and
    the customer has heard why)."""
    request = BookingRequest(service=p.service, staff=p.staff, start=p.start, contact=booking.contact,
                             channel=turn.msg.channel, lang=turn.lang, notes=booking.notes)
    try:
        new = await turn.backend.create(request, idempotency_key=p.key)
    except (SlotTaken, InvalidRequest, NotFound, NotAccepted, NeedsAnswers):
        await _new_time_gone(turn, p.start, p.service, p.staff)
        return None
    try:
        await turn.backend.cancel(booking.id, reason=reason)
    except NotFound:
        pass  # already gone: the customer has exactly the new appointment
    except BookingError as exc:
        log.warning("booked %s for a change but could not cancel %s: %s", new.id, booking.id, type(exc).__name__)
        await _undo_new(turn, new, booking)
        return None
    return new


async def _undo_new(turn: Turn, new: Booking, old: Booking) -> None:
    """The old appointment could not be cancelled: cancel the new one again, and keep the question open."""
    try:
        await turn.backend.cancel(new.id, reason="a move that could not be completed")
    except BookingError as exc:
        log.warning("could not cancel %s after a failed move: %s", new.id, type(exc).__name__)
        turn.end(turn.t("rebooked_not_cancelled", service=turn.service_name(new.service),
                        staff=turn.staff_name(new.staff), new=turn.when(new.start), old=turn.when(old.start)))
        return
    pending = turn.state.pending
    if pending is not None:
        pending.key = uuid.uuid4().hex  # a second yes books afresh, not the appointment just cancelled
    turn.say(turn.t("backend_down"))


async def _new_time_gone(turn: Turn, start: datetime, service: str, staff: str) -> None:
    """The new time can't be had: say so and offer the nearest free ones (or ask for another time)."""
    turn.note(turn.t("slot_gone"))
    turn.state.pending = None
    slots = await nearest(turn, start, service, staff)
    if not slots:
        turn.ask(Step.ASK_NEW_TIME, turn.t("none_near"))
        return
    turn.ask(Step.PICK_NEW_SLOT, turn.t("alternatives"), turn.t("pick_one"), options=slot_options(turn, slots, staff))


def _ask_new_time(turn: Turn, booking: Booking) -> None:
    turn.ask(Step.ASK_NEW_TIME, turn.t("ask_new_when", service=turn.service_name(booking.service),
                                       when=turn.when(booking.start)))


# --- helpers ------------------------------------------------------------------------------------------------


def _booking_options(turn: Turn, bookings: list[Booking]) -> list[Option]:
    return [BookingChoice(booking_id=b.id).option(booking_line(turn, b)) for b in bookings]


def _listed(turn: Turn, bookings: list[Booking], r: Reading | None) -> list[Booking]:
    """"Cancel the second one" right after a listing: that booking of the list (none, if it is gone)."""
    if r is None or r.pick is None or not 1 <= r.pick <= len(turn.listed):
        return []
    return [b for b in bookings if b.id == turn.listed[r.pick - 1]]


def _filter(turn: Turn, bookings: list[Booking], r: Reading | None) -> list[Booking]:
    """The bookings the reading narrows down to (by service, staff, day, hours); a filter that fits none is ignored."""
    if r is None:
        return bookings
    picked = bookings
    if r.service:
        picked = [b for b in picked if b.service == r.service] or picked
    if r.staff:
        picked = [b for b in picked if b.staff == r.staff] or picked
    if r.date:
        picked = [b for b in picked if turn.local(b.start).date() == r.date] or picked
    if r.of_hours:  # "the afternoon one", "the 3pm one"
        picked = [b for b in picked if r.of_hours[0] <= turn.local(b.start).time() <= r.of_hours[1]] or picked
    return picked


def _just_made(turn: Turn, bookings: list[Booking], r: Reading) -> list[Booking]:
    """"Make it 10:45 instead" right after booking: the booking just made (none, when nothing was just made)."""
    if not r.correction:
        return []
    return [b for b in bookings if b.id == turn.state.last_booking]


def _not_the_last(turn: Turn, bookings: list[Booking], r: Reading | None) -> list[Booking]:
    """"The other one": the bookings besides the one just booked or moved (all of them, if that is not among them)."""
    if r is None or not r.other:
        return bookings
    return [b for b in bookings if b.id != turn.state.last_booking] or bookings


def _without_when(r: Reading) -> Reading:
    """The reading as it points at a booking: its service and staff, and the day or hours that name it ("move my
    Saturday appointment to 12", "the afternoon one"), not the time it is to go to."""
    return Reading(intent=r.intent, lang=r.lang, service=r.service, staff=r.staff, date=r.of_day, of_hours=r.of_hours)
