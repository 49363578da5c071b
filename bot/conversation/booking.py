"""A new booking: fill the draft from what the customer says, ask only for what is missing, then search."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import bot.conversation.confirm as confirm
import bot.conversation.contact as contact
import bot.conversation.group as group
import bot.conversation.relative as relative
from booking_client import BookingError, Capability
from booking_client.business import Service
from intents import Reading

from .events import Said
from .mine import last_staff, my_bookings
from .payloads import BookAgain, ServiceChoice, SlotChoice, StaffChoice
from .slots import SEARCH_DAYS, Free, Nothing, Offer, search, slot_options, with_staff
from .state import Draft, Pending, Step
from .turn import Turn


def takes_new_bookings(turn: Turn) -> bool:
    """Whether the booking system takes new bookings from the chat; if not, the customer hears where to book."""
    if Capability.CREATE in turn.backend.capabilities:
        return True
    link = turn.booking_link
    turn.end(turn.t("no_new_bookings", link=link) if link else turn.t("no_new_bookings_nolink"))
    return False


async def start(turn: Turn, r: Reading, *, browsing: bool = False) -> None:
    """A new request to book (or to see free times): a fresh draft, keeping the service of one under way."""
    if not browsing and not takes_new_bookings(turn):
        return
    state = turn.state
    if not (r.service or r.services or r.staff or r.any_staff or r.has_when or r.for_others or r.party or r.same_again
            or relative.is_relative(r)) and confirm.ask_declined_again(turn):
        return  # "ok fine, book it" right after saying no to it
    service = state.draft.service if state.flow == "book" else None
    state.clear_flow()
    state.draft = Draft(service=service)
    if r.missed:
        turn.note(turn.t("missed_rebook"))  # "sorry, I missed my appointment": no reproach, a new time
    if turn.just_cancelled and not r.service and not r.staff and not r.any_staff:
        # "can I come next week instead?" right after cancelling: the same service with the same person
        state.draft.service, state.draft.staff = turn.just_cancelled
    if r.undo and turn.just_cancelled and turn.just_cancelled_at and not r.has_when:
        at = turn.local(turn.just_cancelled_at)  # "I didn't mean to cancel that": the same time again, if still free
        r = replace(r, date=at.date(), time=at.time().replace(tzinfo=None))
    if turn.asked_day and r.date is None and r.start is None and (r.time is not None or r.earliest or r.latest):
        r = replace(r, date=turn.asked_day)  # "when do you open tomorrow?" - "can I come at 9?": tomorrow at 9
    if relative.is_relative(r):
        r = await _from_the_one_just_made(turn, r)
    r = await _same_person_as_before(turn, r)
    await _take(turn, await after_own_booking(turn, r), browsing=browsing)


async def _same_person_as_before(turn: Turn, r: Reading) -> Reading:
    """"With the same person as last time": whoever did their latest visit (said, when no visit is found)."""
    if not r.same_staff or r.staff:
        return r
    staff = await last_staff(turn)
    if staff is None:
        turn.note(turn.t("same_staff_unknown"))
        return r
    return replace(r, staff=staff, staff_text=turn.staff_name(staff))


async def browse(turn: Turn, r: Reading) -> None:
    """"What's free ...?": like a booking, over the coming week when no day or time was said."""
    await start(turn, r, browsing=True)


async def more_details(turn: Turn, said: Said) -> None:
    """A service, staff member or time added to the booking under way ("rather Tom", "make it 11");
    at the confirmation only the part said changes ("not Wednesday, Thursday" keeps the time)."""
    r, d, p = said.reading, turn.state.draft, turn.state.pending
    if r.right_after and r.service and p is not None and r.service != p.service and not turn.state.group:
        # "and a beard trim right after" while the haircut is being booked: both, the second after the first
        pin(turn, p.start)
        r = replace(r, right_after=False, services=(p.service, r.service), service=p.service)
        said = Said(r, said.text)
    elif r.right_after and r.service and p is None and d.service and r.service != d.service and not d.services \
            and turn.state.step is Step.PICK_SLOT and not turn.state.group:
        # "can I add a beard trim to that?" while times for a haircut are offered: both, the second after the first
        r = replace(r, right_after=False, services=(d.service, r.service), service=d.service)
        said = Said(r, said.text)
    r = await after_own_booking(turn, _on_the_day_talked_about(turn, await _same_person_as_before(turn, r)))
    # at the confirmation, or asked for the name or email of a time already picked, "make it 2pm" keeps its day
    pending = turn.state.pending if turn.state.step in (Step.CONFIRM_BOOK, Step.ASK_NAME, Step.ASK_EMAIL) else None
    if pending is not None:
        pin(turn, pending.start)
    anchor = pending.start if pending else _draft_time(turn)
    if said.relative and relative.apply(turn, r, anchor):
        merge(d, without_when(r))
        _note_unknown_staff(turn, r)
        await advance(turn)
        return
    if pending is not None and not r.earliest and not r.unclear:
        correct(d, r)
        _note_unknown_staff(turn, r)
        await advance(turn)
        return
    if turn.state.step is Step.ASK_WHEN and keeps_time(d, r):
        r = replace(r, time=d.time)  # "Tuesday" answering which day "Donstag um 10" meant: at 10
    await _take(turn, r, browsing=False)


def _on_the_day_talked_about(turn: Turn, r: Reading) -> Reading:
    """"Coloring after 4 please" once the day is known ("is Sarah working tomorrow?"): those hours on that day. The
    reader puts hours said without a day on today."""
    d = turn.state.draft
    if r.date is not None or r.start is None or r.end is None or d.date is None:
        return r
    start, end = turn.local(r.start), turn.local(r.end)
    today = turn.local(turn.now()).date()
    if start.date() != today or (end - timedelta(microseconds=1)).date() != today or d.date == today:
        return r
    tz = turn.business.tz
    return replace(r, start=datetime.combine(d.date, start.time().replace(tzinfo=None), tzinfo=tz),
                   end=datetime.combine(d.date, end.time().replace(tzinfo=None), tzinfo=tz)
                   if end.time() != time(0) else datetime.combine(d.date + timedelta(days=1), time(0), tzinfo=tz))


async def after_own_booking(turn: Turn, r: Reading) -> Reading:
    """"A beard trim right after (my haircut)": the reading at the time the customer's booking ends, the one just
    made or, failing that, the one they name by its time or their next; with none, said so, and the time is asked.
    "A haircut right before": at the time that ends it (and the clean-up after it) as that booking starts."""
    if r.same_day:
        return await _on_their_day(turn, r)
    if not (r.right_after or r.right_before):
        return r
    bookings = sorted(await my_bookings(turn), key=lambda b: b.start)
    named = [b for b in bookings if (r.time is None or turn.local(b.start).time().replace(tzinfo=None) == r.time)
             and (r.date is None or turn.local(b.start).date() == r.date)] if r.has_when else []
    just_made = [b for b in bookings if b.id == turn.state.last_booking]
    upcoming = [b for b in bookings if b.start > turn.now()]
    anchor = next(iter(named or just_made or upcoming), None)
    service = r.service or turn.state.draft.service
    if anchor is None or r.right_before and service is None:  # (what comes before it is asked first, then when)
        if anchor is None:
            turn.note(turn.t("right_after_nothing"))
        return replace(r, right_after=False, right_before=False, date=None, time=None, start=None, end=None,
                       daily=None)
    if r.right_before:
        svc = turn.business.service(service)
        at = turn.local(anchor.start - svc.duration - svc.buffer_after)
    else:
        at = turn.local(anchor.end)
    return replace(r, date=at.date(), time=at.time().replace(tzinfo=None), start=None, end=None, daily=None)


async def _from_the_one_just_made(turn: Turn, r: Reading) -> Reading:
    """"Same time next week too?", "a week later again" right after booking: the day and time counted from that
    booking, for its service, and with the same person on another day. Not relative to anything: as said."""
    made = [b for b in await my_bookings(turn) if b.id == turn.state.last_booking]
    moved = relative.resolve(turn, r, made[0].start) if made else None
    if moved is None:
        return replace(r, shift=None, same_time=False, direction=0)
    d = turn.state.draft
    d.service = d.service or r.service or made[0].service
    if d.service == made[0].service and moved.date != turn.local(made[0].start).date() and not (r.staff or r.any_staff):
        d.staff = made[0].staff
    return replace(moved, shift=None, same_time=False, direction=0)


async def _on_their_day(turn: Turn, r: Reading) -> Reading:
    """"The same day": the day of the booking just made, else of their next; a time said with it stays. With no
    booking of theirs, said so, and the day is asked."""
    bookings = sorted(await my_bookings(turn), key=lambda b: b.start)
    anchor = next(iter([b for b in bookings if b.id == turn.state.last_booking]
                       or [b for b in bookings if b.start > turn.now()]), None)
    if anchor is None:
        turn.note(turn.t("same_day_nothing"))
        return replace(r, same_day=False)
    return replace(r, same_day=False, date=turn.local(anchor.start).date(), start=None, end=None)


async def name_or_details(turn: Turn, said: Said) -> None:
    """The answer to "what name should I put the booking under?"; or, naming no one of their own, a change to the
    booking said instead ("sorry, I meant Tom", "make it 12"), after which the name is asked again."""
    if said.reading.name is None and await _details_instead(turn, said):
        return
    await contact.take_name(turn, said)


async def email_or_details(turn: Turn, said: Said) -> None:
    """The answer to "would you like to leave an email address?"; or, giving none, a change to the booking said
    instead, after which the email is asked again."""
    if said.reading.email is None and await _details_instead(turn, said):
        return
    await contact.take_email(turn, said)


async def _details_instead(turn: Turn, said: Said) -> bool:
    """A change to the booking said while its name or email is asked ("sorry, I meant Tom", "and a beard trim
    right after"): taken, and the same question asked again with what it is now for. False: no change said."""
    r, step, p = said.reading, turn.state.step, turn.state.pending
    if not (r.staff or r.service or r.has_when or said.relative) or r.intent not in ("book", "availability",
                                                                                     "affirm", "deny"):
        return False
    await more_details(turn, said)
    if turn.state.step is step and turn.out:  # the same question again, with what it is for now
        asked = turn.out.pop()
        turn.ask(step, _booking_now(turn), asked.text)
    return True


def _booking_now(turn: Turn) -> str:
    """"OK: Haircut with Tom on Fri 11 Dec, 11:00." (or the appointments planned together)."""
    planned = turn.state.group or ([turn.state.pending] if turn.state.pending else [])
    lines = [turn.t("booking_line", service=turn.service_name(q.service), staff=turn.staff_name(q.staff),
                    when=turn.when(q.start)) for q in planned]
    return turn.t("changed_to", line=turn.formats.names(lines)) if lines else ""


def keeps_time(d: Draft, r: Reading) -> bool:
    """Whether a day said on its own goes with the time already in the draft, which has no day (the time came
    with a day word that was asked about)."""
    return bool(d.time and not (d.date or d.start) and r.date and not (r.time or r.start or r.earliest))


def pin(turn: Turn, start: datetime) -> None:
    """The draft's day and time become the one being confirmed, so a correction changes only what it names."""
    d, local = turn.state.draft, turn.local(start)
    d.set_when(local.date(), local.time().replace(tzinfo=None))


def correct(d: Draft, r: Reading) -> None:
    """Take a correction: a new day keeps the time, a new time keeps the day, a name keeps both."""
    if r.date and not r.time and not r.start:
        merge(d, without_when(r))
        d.date = r.date
    else:
        merge(d, r)


def without_when(r: Reading) -> Reading:
    """The reading's service and staff only."""
    return Reading(intent=r.intent, lang=r.lang, service=r.service, staff=r.staff, staff_text=r.staff_text,
                   any_staff=r.any_staff, services=r.services, party=r.party)


def _draft_time(turn: Turn) -> datetime | None:
    d = turn.state.draft
    if d.date and d.time:
        return datetime.combine(d.date, d.time, tzinfo=turn.business.tz)
    return None


async def service_chosen(turn: Turn, choice: ServiceChoice) -> None:
    turn.state.draft.service = choice.service
    await advance(turn)


async def staff_chosen(turn: Turn, choice: StaffChoice) -> None:
    turn.state.draft.staff = choice.staff
    turn.state.draft.any_staff = choice.staff is None
    await advance(turn)


async def slot_chosen(turn: Turn, choice: SlotChoice) -> None:
    if group.wanted(turn.state.draft):  # a time for several appointments: planned again from fresh free times
        pin(turn, choice.start)
        await advance(turn)
        return
    choose_slot(turn, choice.start, choice.staff)


async def book_again(turn: Turn, choice: BookAgain) -> None:
    """"Book again" under a follow-up: a new booking of the same service."""
    if not takes_new_bookings(turn):
        return
    turn.state.clear_flow()
    turn.state.draft = Draft(service=choice.service, staff=choice.staff,
                             services=[choice.service, choice.also] if choice.service and choice.also else [])
    if choice.at is not None:  # "Book the next one: Thu 7 Jan, 10:00": that time, and the next offered after it
        at = turn.local(choice.at)
        turn.state.draft.set_when(at.date(), at.time().replace(tzinfo=None))
        turn.state.draft.repeat_days = choice.every
    await advance(turn)


async def advance(turn: Turn) -> None:
    """Ask for the next missing piece (service, staff, time), or search when we know enough."""
    biz, d = turn.business, turn.state.draft
    if not d.service:
        # with a staff member already named, only what they offer
        services = [s for s in biz.services if not d.staff or s.id in biz.person(d.staff).services]
        if len(services) != 1:
            if d.staff and d.date and turn.state.step is not Step.ASK_SERVICE:
                await _staff_free_that_day(turn, d.staff, d.date, services)  # "is Sarah working tomorrow?"
            turn.ask(Step.ASK_SERVICE, turn.t("ask_service"), options=[
                ServiceChoice(service=s.id).option(
                    turn.t("choose_service_line", name=s.display(turn.lang), minutes=s.duration_minutes))
                for s in services])
            return
        d.service = services[0].id
    if group.wanted(d) and group.possible(turn):
        if await group.settle(turn):
            contact.ask_missing_or_confirm(turn)
        return
    offering = biz.staff_for(d.service)
    if d.staff and d.staff not in {p.id for p in offering}:
        others = turn.formats.names([p.name for p in offering], either=True)
        turn.note(turn.t("staff_no_service", staff=turn.staff_name(d.staff), service=turn.service_name(d.service),
                         others=others))
        d.staff = None
    if d.unclear and not (d.date or d.start):
        turn.ask(Step.ASK_WHEN, turn.t("which_day", word=d.unclear))  # "thuesday": asked, never guessed
        return
    when_known = bool(d.date or d.time or d.start)
    if not d.staff and not d.any_staff:
        if len(offering) == 1:
            d.staff = offering[0].id
        elif when_known:
            d.any_staff = True  # a time was asked for: show who is free then, rather than ask first
        else:
            turn.ask(Step.ASK_STAFF, turn.t("ask_staff_someone" if d.for_someone else "ask_staff",
                                            service=turn.service_name(d.service)), options=[
                *(StaffChoice(staff=p.id).option(p.name) for p in offering),
                StaffChoice(staff=None).option(turn.t("anyone"))])
            return
    if not when_known:
        turn.ask(Step.ASK_WHEN, turn.t("ask_when_someone" if d.for_someone else "ask_when",
                                       service=turn.service_name(d.service)))
        return
    found = await search(turn, d)
    if isinstance(found, Free):
        choose_slot(turn, found.slot.start, found.slot.staff)
    elif isinstance(found, Offer):
        turn.ask(Step.PICK_SLOT, *found.lines, options=slot_options(turn, found.slots, d.staff))
    else:
        _ask_another_time(turn, found)


async def _staff_free_that_day(turn: Turn, staff: str, day: date, services: list[Service]) -> None:
    """Before asking which service: whether the person named has any free time on the day named at all (for
    their shortest service), so "is Sarah working tomorrow?" is answered first."""
    shortest = min(services, key=lambda s: s.duration_minutes)
    start = datetime.combine(day, time.min, tzinfo=turn.business.tz)
    try:
        free = await turn.backend.availability(max(start, turn.now()), start + timedelta(days=1), shortest.id, staff)
    except BookingError:
        return  # the booking system cannot tell now: the question about the service comes without it
    key = "staff_free_on" if free else "staff_not_free_on"
    turn.note(turn.t(key, staff=turn.staff_name(staff), day=turn.formats.day(day)))


def choose_slot(turn: Turn, start: datetime, staff: str) -> None:
    """The time is settled: hold it as the pending booking, then ask for contact details or the yes."""
    if not takes_new_bookings(turn):
        return
    d = turn.state.draft
    assert d.service is not None
    turn.state.pending = Pending(service=d.service, staff=staff, start=start, key=uuid.uuid4().hex)
    turn.state.group = []
    contact.ask_missing_or_confirm(turn)


def merge(draft: Draft, r: Reading) -> None:
    """Take what the reading adds; a new day or time replaces the old one."""
    if r.service:
        draft.service = r.service
        draft.services = list(r.services) if len(r.services) > 1 and r.services[0] == r.service else []
    if r.party:
        draft.party, draft.party_of_others = r.party, r.for_others >= r.party
    draft.name_others(r.others_named)  # "for me and my daughter Emma"
    if r.for_others == 1 and not draft.party:  # "a haircut for my husband": booked under his name, not theirs
        draft.for_someone = True
        draft.guest = r.name or draft.guest
    if r.staff:
        draft.staff, draft.any_staff = r.staff, False
    elif r.any_staff:
        draft.staff, draft.any_staff = None, True
    if r.unclear and not (r.date or r.start):
        draft.unclear = r.unclear
    if r.also:
        draft.also = list(r.also)
    if r.then:
        draft.then = list(r.then)
    if r.not_days:
        draft.not_days = list(r.not_days)
    if r.has_when:
        if r.date and not (r.time or r.start) and _within_hours_asked(draft, r.date):
            # "Tuesday or Wednesday after 5" - "Wednesday": Wednesday, still after 5
            assert draft.daily is not None and draft.start is not None
            (lo, hi), tz = draft.daily, draft.start.tzinfo
            end_day = r.date + timedelta(days=1) if hi <= lo else r.date
            draft.set_when(r.date, None, datetime.combine(r.date, lo, tzinfo=tz), datetime.combine(end_day, hi, tzinfo=tz))
            draft.unclear = None
        elif r.date or r.start:
            draft.set_when(r.date, r.time, r.start, r.end, r.daily)
            draft.unclear = None
        elif r.time:
            draft.set_when(draft.date or _one_day_of(draft), r.time)  # "Saturday morning" - "10:15": that Saturday


def _one_day_of(draft: Draft) -> date | None:
    """The day of a period within one day ("Saturday morning"), in the business's time as the reader gave it."""
    if draft.start is None or draft.end is None:
        return None
    return draft.start.date() if draft.start.date() == (draft.end - timedelta(microseconds=1)).date() else None


def _within_hours_asked(draft: Draft, day: date) -> bool:
    """Whether the draft asks for certain hours of each day of a period that has `day` in it."""
    if draft.daily is None or draft.start is None or draft.end is None:
        return False
    return draft.start.date() <= day < (draft.end - timedelta(microseconds=1)).date() + timedelta(days=1)


async def _take(turn: Turn, r: Reading, *, browsing: bool) -> None:
    d = turn.state.draft
    was_for_someone = d.for_someone
    merge(d, r)
    if d.for_someone and not was_for_someone and turn.state.step is not None:  # "it's for my boyfriend", said midway
        turn.note(turn.t("for_guest_noted", name=d.guest) if d.guest else turn.t("for_someone_noted"))
    _note_unknown_staff(turn, r)
    if r.service_text and not r.service and not d.service:
        turn.note(turn.t("service_not_offered"))  # "can I get my nails done?": not ours; which of ours, asked next
    if r.recurring:  # no series is set up here; said before the first is booked
        d.repeat_days = r.every_days or d.repeat_days
        turn.note(turn.t("recurring_one_at_a_time" if d.repeat_days else "recurring_first_one"))
    if r.also and d.date:  # "Monday and Wednesday at 3": said back, so the customer knows the second is not lost
        rest = [day_text(turn, day, at) for day, at in d.also]
        turn.note(turn.t("days_one_after_another", first=day_text(turn, d.date, d.time), rest=turn.formats.names(rest)))
    elif r.then and d.date and d.service:  # "a beard trim … and a haircut with Sarah on Saturday": both said back
        rest = [_one_of_them(turn, *later) for later in d.then]
        first = _one_of_them(turn, d.service, d.staff, d.date, d.time)
        turn.note(turn.t("days_one_after_another", first=first, rest=turn.formats.names(rest)))
    if r.earliest:
        if not r.has_when:
            d.forget_when()  # "right now" at the confirmation: not the day being confirmed
        earliest(turn, d)
    elif r.latest:
        latest(turn, d)
    elif r.has_when:
        d.earliest = d.latest = False
    if browsing and not d.date and not d.start and not d.time:
        now = turn.now()
        d.start, d.end = now, now + timedelta(days=SEARCH_DAYS)
    await advance(turn)


def _one_of_them(turn: Turn, service: str, staff: str | None, day: date | None, at: time | None) -> str:
    """ "Haircut with Sarah, Sat 12 Dec, 11:00": one of several bookings said in one message."""
    named = turn.service_name(service) + with_staff(turn, staff)
    return f"{named}, {day_text(turn, day, at)}" if day else named


def day_text(turn: Turn, day: date, at: time | None) -> str:
    """ "Fri 18 Dec, 10:00", or "Friday 18 December" without a time."""
    return turn.when(datetime.combine(day, at, tzinfo=turn.business.tz)) if at else turn.formats.day(day)


def latest(turn: Turn, d: Draft) -> None:
    """"What's the latest you have?": the last free times of the day or period said (each day of the coming week
    without one)."""
    _any_day(turn, d)
    d.earliest, d.latest = False, True


def earliest(turn: Turn, d: Draft) -> None:
    """"Whatever's the earliest you have", "right now": the first free times from now (in the day or period said)."""
    _any_day(turn, d)
    d.earliest, d.latest = True, False


def _any_day(turn: Turn, d: Draft) -> None:
    """No time of day; with no day or period either, the coming days."""
    if not (d.date or d.start):
        now = turn.now()
        d.start, d.end = now, now + timedelta(days=SEARCH_DAYS)
    d.time = None


def _note_unknown_staff(turn: Turn, r: Reading) -> None:
    """A name we don't know: say who works here. The booking goes on as it was: with the staff member
    already chosen, if any, else with anyone free; a name we don't know never changes who it is with."""
    if r.staff_text and not r.staff and not r.any_staff:
        team = turn.formats.names([p.name for p in turn.business.staff])
        turn.note(turn.t("unknown_staff", staff=r.staff_text, team=team))


def _ask_another_time(turn: Turn, nothing: Nothing) -> None:
    turn.state.draft.forget_when()
    turn.ask(Step.ASK_WHEN, *nothing.lines)
