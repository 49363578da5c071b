"""Confirmations: the question before anything is booked, cancelled or moved, and what yes or no then does.

One function per action (book, cancel, move), each with its own texts, including what to say
when the time or the booking is gone by the time the customer says yes.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from datetime import datetime

import bot.conversation.group as group
import bot.conversation.receipt as receipt
from booking_client import (
    BackendUnavailable,
    Booking,
    BookingError,
    BookingRequest,
    BookingStatus,
    Capability,
    InvalidRequest,
    NeedsAnswers,
    NotAccepted,
    NotFound,
    SlotTaken,
)

from .events import No, Said, Yes
from .mine import my_bookings, own_booking
from .slots import nearest, slot_options
from .state import Pending, Step
from .turn import Turn

log = logging.getLogger(__name__)

# --- asking -----------------------------------------------------------------------------------------


def ask_book(turn: Turn) -> None:
    """"Shall I book ...?" for the time already chosen."""
    turn.ask(Step.CONFIRM_BOOK, _book_question(turn, _pending(turn)), options=turn.yes_no())


def ask_cancel(turn: Turn, booking: Booking) -> None:
    """"Cancel your ...?" for one of the customer's bookings."""
    turn.state.booking_id = booking.id
    turn.state.pending = p = Pending(service=booking.service, staff=booking.staff, start=booking.start,
                                     booking_id=booking.id, key=_new_key())
    turn.ask(Step.CONFIRM_CANCEL, _cancel_question(turn, p), options=turn.yes_no())


def ask_cancel_several(turn: Turn, bookings: list[Booking]) -> None:
    """"Cancel these 2 appointments? 1. … 2. …" for several of the customer's bookings at once."""
    several = [Pending(service=b.service, staff=b.staff, start=b.start, booking_id=b.id, key=_new_key())
               for b in bookings]
    turn.state.booking_id = several[0].booking_id
    turn.state.pending, turn.state.group = several[0], several
    turn.ask(Step.CONFIRM_CANCEL, _cancel_question(turn, several[0]), options=turn.yes_no())


async def ask_move(turn: Turn, start: datetime, staff: str) -> None:
    """"Move your ... from ... to ...?" for the booking being moved."""
    booking = await own_booking(turn, turn.state.booking_id)
    if booking is None:
        turn.end(turn.t("nothing_to_move"))
        return
    swap_to = turn.state.draft.swap_to
    turn.state.pending = p = Pending(service=swap_to or booking.service, staff=staff, start=start, booking_id=booking.id,
                                     old_start=booking.start, old_service=booking.service if swap_to else None,
                                     old_staff=booking.staff, key=_new_key())
    turn.ask(Step.CONFIRM_MOVE, _move_question(turn, p), options=turn.yes_no())


def question(turn: Turn) -> str:
    """The confirmation on the table, asked again."""
    p, step = _pending(turn), turn.state.step
    if step is Step.CONFIRM_CANCEL:
        return _cancel_question(turn, p)
    if step is Step.CONFIRM_MOVE:
        return _move_question(turn, p)
    return _book_question(turn, p)


def ask_again(turn: Turn, before: str = "") -> None:
    """The confirmation on the table, as a new offer (after noise, or an answer that was neither yes nor no)."""
    turn.say(before, question(turn), options=turn.yes_no())


# --- yes -----------------------------------------------------------------------------------------------


async def book(turn: Turn, _: Yes) -> None:
    """Yes to a new booking: create exactly what was confirmed (once, however often yes is said)."""
    if turn.state.group:
        await group.book(turn)  # several appointments: all of them, or none
        return
    p = _pending(turn)
    if await _overlap_said(turn, p):
        return
    request = BookingRequest(service=p.service, staff=p.staff, start=p.start, contact=turn.contact(),
                             channel=turn.msg.channel, lang=turn.lang, hold=p.hold, answers=dict(p.answers),
                             notes=turn.state.draft.notes_text())
    try:
        booking = await turn.backend.create(request, idempotency_key=p.key)
    except NotAccepted:
        turn.end(turn.t("not_accepted"))
        return
    except NeedsAnswers as exc:
        _ask_answer(turn, p, exc.questions)
        return
    except (SlotTaken, InvalidRequest, NotFound):
        # someone else was faster, or the time stopped being bookable: offer the nearest ones
        await time_gone_before_yes(turn, p)
        return
    turn.consumed_hold = p.hold
    names = dict(service=turn.service_name(booking.service), staff=turn.staff_name(booking.staff),
                 when=turn.when(booking.start))
    guest = turn.state.draft.guest
    said = turn.t("requested", **names) if booking.status is BookingStatus.PENDING else \
        turn.t("booked_someone", name=guest, **names) if guest else turn.t("booked", **names)
    receipt.finish(turn, said, booking)


async def _overlap_said(turn: Turn, p: Pending) -> bool:
    """Before booking the customer a time that overlaps one of their own bookings ("a haircut on Monday at 11 too",
    with a beard trim booked then), say so once and ask again; True if asked. Bookings for someone else are theirs."""
    d = turn.state.draft
    if p.overlap_told or d.for_someone or d.guest or d.party:
        return False
    end = p.start + turn.business.service(p.service).duration
    try:
        mine = await my_bookings(turn)
    except BookingError:  # the booking system says so itself when it is asked to book
        return False
    other = min((b for b in mine if b.start < end and p.start < b.end), key=lambda b: b.start, default=None)
    if other is None:
        return False
    p.overlap_told = True
    turn.ask(Step.CONFIRM_BOOK, turn.t("confirm_overlap", other=turn.service_name(other.service),
                                       other_staff=turn.staff_name(other.staff), when=turn.when(other.start),
                                       question=_book_question(turn, p)), options=turn.yes_no())
    return True


async def answer(turn: Turn, said: Said | Yes | No) -> None:
    """The answer to the booking system's question: kept with the booking, which is then tried again."""
    p = _pending(turn)
    if p.question:
        p.answers[p.question] = _answer_text(turn, said)
        p.question = None
    turn.state.step = Step.CONFIRM_BOOK  # the customer said yes already; that yes stands
    await book(turn, Yes())


def _answer_text(turn: Turn, said: Said | Yes | No) -> str:
    if isinstance(said, Said):
        return said.text.strip()[:500]
    return turn.t("yes" if isinstance(said, Yes) else "no")  # a button or a plain yes / no


def ask_question_again(turn: Turn) -> None:
    """The booking system's question on the table, once more."""
    p = _pending(turn)
    _ask_answer(turn, p, (p.question,) if p.question else ())


def _ask_answer(turn: Turn, p: Pending, keys: tuple[str, ...]) -> None:
    """Ask the first question the booking system wants answered that the business file words for us;
    without its wording, say who can take the booking instead."""
    for key in keys:
        texts = turn.questions.get(key, {})
        text = texts.get(turn.lang) or texts.get("en")
        if text and key not in p.answers:
            p.question = key
            turn.ask(Step.ASK_ANSWER, turn.t("needs_answer", question=text))
            return
    turn.end(turn.t("needs_answer_unknown"))


async def time_gone_before_yes(turn: Turn, p: Pending) -> None:
    """The time of a new booking can't be had: say so, and offer the nearest free ones."""
    await _time_gone(turn, p, search_staff=turn.state.draft.staff, fixed_staff=None,
                     pick=Step.PICK_SLOT, ask=Step.ASK_WHEN)


async def cancel(turn: Turn, _: Yes) -> None:
    """Yes to cancelling: cancel the booking, if it is still the customer's and still active."""
    p = _pending(turn)
    if len(turn.state.group) > 1:
        await _cancel_several(turn, list(turn.state.group))
        return
    booking = await own_booking(turn, p.booking_id)
    if booking is None:
        turn.end(turn.t("nothing_to_cancel"))
        return
    try:
        booking = await turn.backend.cancel(booking.id, reason="cancelled by the customer in the chat")
    except (NotFound, InvalidRequest):  # gone, or cancelled elsewhere meanwhile
        turn.end(turn.t("nothing_to_cancel"))
        return
    said = turn.t("cancelled", service=turn.service_name(booking.service), when=turn.when(booking.start))
    receipt.finish(turn, said, booking, cancelled=True)


async def _cancel_several(turn: Turn, several: list[Pending]) -> None:
    """Yes to cancelling several: each one still the customer's and still active is cancelled; the answer lists
    what was, with a calendar file removing each."""
    done: list[Booking] = []
    for p in several:
        booking = await own_booking(turn, p.booking_id)
        if booking is None:
            continue  # gone, or cancelled elsewhere meanwhile
        try:
            done.append(await turn.backend.cancel(booking.id, reason="cancelled by the customer in the chat"))
        except (NotFound, InvalidRequest):
            continue
    if not done:
        turn.end(turn.t("nothing_to_cancel"))
        return
    lines = [turn.t("cancelled_several", count=len(done)),
             *(turn.t("booking_line_numbered", number=n, service=turn.service_name(b.service),
                      staff=turn.staff_name(b.staff), when=turn.when(b.start)) for n, b in enumerate(done, 1))]
    files = [replace(receipt.calendar(turn, b, cancelled=True), filename=f"appointment-{n}.ics")
             for n, b in enumerate(done, 1) if turn.msg.channel in receipt.FILE_CHANNELS]
    turn.end(*lines, attachments=files)
    turn.state.last_service, turn.state.last_booking, turn.state.last_services = None, None, []
    turn.state.last_move_minutes, turn.state.booked_in_a_row = None, []


async def move(turn: Turn, _: Yes) -> None:
    """Yes to a move: move the booking, if it is still the customer's; a taken time gets alternatives."""
    p = _pending(turn)
    booking = await own_booking(turn, p.booking_id)
    if booking is None:
        turn.end(turn.t("nothing_to_move"))
        return
    if not _moves(turn):
        await _rebook(turn, p, booking)
        return
    try:
        booking = await turn.backend.reschedule(booking.id, p.start)
    except NotFound:
        turn.end(turn.t("nothing_to_move"))
        return
    except (SlotTaken, InvalidRequest):
        await _time_gone(turn, p, search_staff=p.staff, fixed_staff=p.staff,
                         pick=Step.PICK_NEW_SLOT, ask=Step.ASK_NEW_TIME)
        return
    receipt.finish(turn, turn.t("moved", service=turn.service_name(booking.service),
                                staff=turn.staff_name(booking.staff), when=turn.when(booking.start)), booking)


# --- no ----------------------------------------------------------------------------------------------------


async def not_booked(turn: Turn, _: No) -> None:
    """No to a new booking (or to carrying on with one): nothing is booked. The one declined at its question is
    kept for the next message, which may be "ok fine, book it"."""
    state = turn.state
    p = state.pending if state.step is Step.CONFIRM_BOOK and not state.group else None
    draft = state.draft
    turn.end(turn.t("not_booked"))
    if p is not None:
        state.declined, state.declined_draft = p.model_copy(update={"hold": None}), draft


def ask_declined_again(turn: Turn) -> bool:
    """"Ok fine, book it", "actually yes" right after saying no to a booking: its question once more (the time is
    checked again when the customer says yes). False if nothing was just declined."""
    if turn.declined is None:
        return False
    p, draft = turn.declined
    turn.state.clear_flow()
    turn.state.draft, turn.state.pending, turn.state.step = draft, p, Step.CONFIRM_BOOK
    turn.say(_book_question(turn, p), options=turn.yes_no())
    return True


async def kept(turn: Turn, _: No) -> None:
    """No to a cancel or a move: the booking stays as it is."""
    turn.end(turn.t("kept_several" if len(turn.state.group) > 1 else "kept"))


# --- helpers ---------------------------------------------------------------------------------------------


def _book_question(turn: Turn, p: Pending) -> str:
    notes = "; ".join(turn.state.draft.notes)
    if turn.state.group:
        asked = group.question(turn)
    else:
        service = turn.business.service(p.service)
        asked = turn.t("confirm_book", service=service.display(turn.lang), staff=turn.staff_name(p.staff),
                       when=turn.when(p.start), minutes=service.duration_minutes,
                       name=turn.formats.after_for(turn.booking_name or ""))
    return f"{asked}\n{turn.t('confirm_book_note', note=notes)}" if notes else asked


def _cancel_question(turn: Turn, p: Pending) -> str:
    several = turn.state.group
    if len(several) > 1:
        lines = [group.line(turn, n, q.service, q.staff, q.start) for n, q in enumerate(several, 1)]
        return "\n".join([turn.t("confirm_cancel_several", count=len(several)), *lines])
    return turn.t("confirm_cancel", service=turn.service_name(p.service), staff=turn.staff_name(p.staff),
                  when=turn.when(p.start))


def _move_question(turn: Turn, p: Pending) -> str:
    if p.old_service:  # "Change your Haircut on Thu 10 Dec, 10:00 to Beard trim with Tom, Thu 10 Dec, 10:00 (15 min)?"
        return turn.t("confirm_swap", old_service=turn.service_name(p.old_service),
                      old=turn.when(p.old_start) if p.old_start else "", service=turn.service_name(p.service),
                      staff=turn.staff_name(p.staff), new=turn.when(p.start),
                      minutes=turn.business.service(p.service).duration_minutes)
    if p.old_staff and p.old_staff != p.staff and p.old_start and _moves(turn):
        # "Move your Haircut on Thu 10 Dec, 11:00 from Sarah to Tom?" (and to another time, the time too)
        key = "confirm_move_staff" if p.start == p.old_start else "confirm_move_staff_time"
        return turn.t(key, service=turn.service_name(p.service), old_staff=turn.staff_name(p.old_staff),
                      staff=turn.staff_name(p.staff), old=turn.when(p.old_start), new=turn.when(p.start))
    return turn.t("confirm_move" if _moves(turn) else "confirm_rebook", service=turn.service_name(p.service),
                  staff=turn.staff_name(p.staff), old=turn.when(p.old_start) if p.old_start else "",
                  new=turn.when(p.start))


def _moves(turn: Turn) -> bool:
    """Whether the booking system moves a booking itself (otherwise: book the new time, then cancel the old)."""
    return Capability.RESCHEDULE in turn.backend.capabilities


async def _rebook(turn: Turn, p: Pending, old: Booking) -> None:
    """A move where the system has none: the new time is booked first, so the customer is never left
    with neither; only then is the old one cancelled (and if that fails, they hear both are booked)."""
    # under the old booking's name: one made for someone else stays theirs
    contact = replace(turn.customer(), name=old.contact.name or turn.state.name)
    request = BookingRequest(service=p.service, staff=p.staff, start=p.start, contact=contact,
                             channel=turn.msg.channel, lang=turn.lang, notes=old.notes)
    try:
        new = await turn.backend.create(request, idempotency_key=p.key)
    except (SlotTaken, InvalidRequest, NotFound):
        await _time_gone(turn, p, search_staff=p.staff, fixed_staff=p.staff,
                         pick=Step.PICK_NEW_SLOT, ask=Step.ASK_NEW_TIME)
        return
    names = dict(service=turn.service_name(new.service), staff=turn.staff_name(new.staff),
                 new=turn.when(new.start), old=turn.when(old.start))
    try:
        await turn.backend.cancel(old.id, reason="moved by the customer in the chat (booked again at the new time)")
    except (BackendUnavailable, InvalidRequest) as exc:
        log.warning("rebooked %s but could not cancel %s: %s", new.id, old.id, type(exc).__name__)
        receipt.finish(turn, turn.t("rebooked_not_cancelled", **names), new)
        return
    except NotFound:
        pass  # already gone: the customer has exactly the new booking
    receipt.finish(turn, turn.t("moved", service=names["service"], staff=names["staff"], when=names["new"]), new)


async def _time_gone(turn: Turn, p: Pending, *, search_staff: str | None, fixed_staff: str | None,
                     pick: Step, ask: Step) -> None:
    """The confirmed time can't be had: say so and offer the nearest free ones (or ask for another time)."""
    turn.note(turn.t("slot_gone"))
    turn.state.pending = None
    slots = await nearest(turn, p.start, p.service, search_staff)
    if not slots:
        turn.ask(ask, turn.t("none_near"))
        return
    turn.ask(pick, turn.t("alternatives"), turn.t("pick_one"), options=slot_options(turn, slots, fixed_staff))


def _pending(turn: Turn) -> Pending:
    pending = turn.state.pending
    if pending is None:  # the state's own check drops a confirmation without what it confirms
        raise LookupError(f"{turn.state.step} has nothing to confirm")
    return pending


def _new_key() -> str:
    return uuid.uuid4().hex
