"""Booking steps: fill the draft, search the backend's availability, confirm, create."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from email_validator import EmailNotValidError, validate_email

from booking_client import BookingRequest, InvalidRequest, NotFound, Slot, SlotTaken
from intents import Reading

from . import replies
from .messages import Option, Reply
from .state import Draft, Pending
from .turn import TurnBase

MAX_OPTIONS = 6  # free times listed for a period
ALTERNATIVES = 3  # nearest free times offered when the asked one is not free
SEARCH_DAYS = 7

EMAIL = re.compile(r"[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+")
_NAME = re.compile(r"^[^\W\d_][^\W\d_'’.\- ]*(?:[ '’.\-]+[^\W\d_]+){0,4}\.?$")


class BookingSteps(TurnBase):
    """From "haircut tomorrow at 10" to a confirmed booking, asking only for what is missing."""

    async def book_with(self, r: Reading, *, restart: bool, browsing: bool = False) -> list[Reply]:
        state = self.state
        if restart or state.flow != "book":
            keep_service = state.draft.service if state.flow == "book" else None
            state.reset_flow()
            state.flow = "book"
            state.draft = Draft(service=keep_service)
        self.merge(state.draft, r)
        self.note_unknown_staff(r)
        if browsing and not state.draft.date and not state.draft.start and not state.draft.time:
            now = self.now()
            state.draft.start, state.draft.end = now, now + timedelta(days=SEARCH_DAYS)
        return await self.advance_booking()

    def merge(self, draft: Draft, r: Reading) -> None:
        """Take what the reading adds; a new day or time replaces the old one."""
        if r.service:
            draft.service = r.service
        if r.staff:
            draft.staff, draft.any_staff = r.staff, False
        elif r.any_staff:
            draft.staff, draft.any_staff = None, True
        if r.has_when:
            if r.date or r.start:
                draft.date, draft.time, draft.start, draft.end = r.date, r.time, r.start, r.end
            elif r.time:
                draft.time = r.time
                draft.start = draft.end = None

    def note_unknown_staff(self, r: Reading) -> None:
        """A name we don't know: say who works here (the booking goes on with anyone free)."""
        if r.staff_text and not r.staff and not r.any_staff:
            team = ", ".join(p.name for p in self.biz.staff)
            self.note(self.t("unknown_staff", staff=r.staff_text, team=team))
            self.state.draft.staff = None
            self.state.draft.any_staff = False

    async def advance_booking(self) -> list[Reply]:
        """Ask for the next missing piece, or search when we know enough."""
        state, d = self.state, self.state.draft
        state.flow = "book"
        if not d.service:
            # with a staff member already named, only what they offer
            services = [s for s in self.biz.services if not d.staff or s.id in self.biz.person(d.staff).services]
            if len(services) == 1:
                d.service = services[0].id
            else:
                state.step = "service"
                return self.say(self.t("ask_service"), options=[
                    Option(self.t("choose_service_line", name=s.display(self.lang), minutes=s.duration_minutes),
                           f"service:{s.id}") for s in services])
        offering = self.biz.staff_for(d.service)
        if d.staff and d.staff not in {p.id for p in offering}:
            others = " / ".join(p.name for p in offering)
            self.note(self.t("staff_no_service", staff=self.staff_name(d.staff),
                             service=self.service_name(d.service), others=others))
            d.staff = None
        when_known = bool(d.date or d.time or d.start)
        if not d.staff and not d.any_staff:
            if len(offering) == 1:
                d.staff = offering[0].id
            elif when_known:
                d.any_staff = True  # a time was asked for: show who is free then, rather than ask first
            else:
                state.step = "staff"
                return self.say(self.t("ask_staff", service=self.service_name(d.service)), options=[
                    *(Option(p.name, f"staff:{p.id}") for p in offering), Option(self.t("anyone"), "staff:any")])
        if not when_known:
            state.step = "when"
            return self.say(self.t("ask_when", service=self.service_name(d.service)))
        return await self.search()

    async def search(self) -> list[Reply]:
        """Find the asked time, or free times in the asked period, from the backend."""
        d = self.state.draft
        now, tz = self.now(), self.biz.tz
        if d.time and not d.start:
            day = d.date or self.local(now).date()
            exact = _at(day, d.time, tz)
            if d.date is None and exact < now + self.biz.min_notice:
                exact = _at(day + timedelta(days=1), d.time, tz)
            return await self.search_exact(exact)
        if d.start and d.end:
            start, end = d.start, d.end
        else:
            start, end = _at(d.date, time(0), tz), _at(d.date + timedelta(days=1), time(0), tz)
        return await self.search_range(start, end)

    def guard_time(self, start: datetime, end: datetime | None = None) -> str | None:
        """Why nothing in [start, end) could ever be booked (past, horizon), or None."""
        now = self.now()
        if (end or start) <= now:
            return self.t("past")
        if start > now + self.biz.horizon:
            return self.t("too_far", days=self.biz.horizon_days)
        return None

    async def search_exact(self, exact: datetime) -> list[Reply]:
        state, d = self.state, self.state.draft
        problem = self.guard_time(exact)
        if problem:
            d.date = d.time = d.start = d.end = None
            state.step = "when"
            return self.say(problem)
        local_day = self.local(exact).date()
        day_slots = await self.d.backend.availability(
            _at(local_day, time(0), self.biz.tz), _at(local_day + timedelta(days=1), time(0), self.biz.tz),
            d.service, d.staff)
        match = [s for s in day_slots if s.start == exact]
        if match:
            slot = match[0]
            return await self.choose_slot(slot.start, slot.staff)
        self.note(self.why_not(exact, local_day))
        return await self.offer_alternatives(exact)

    def why_not(self, exact: datetime, local_day: date) -> str:
        closure = self.biz.closed_on(local_day)
        if closure or not self.biz.hours.spans(local_day.weekday()):
            reason = f" ({closure.reason})" if closure and closure.reason else ""
            return self.t("closed_day", day=replies.day(local_day, self.lang), reason=reason)
        if exact < self.now() + self.biz.min_notice:
            return self.t("too_soon", notice=_duration(self.biz.min_notice, self.lang))
        d = self.state.draft
        with_staff = self.with_staff(d.staff)
        return self.t("unavailable", when=self.when(exact), service=self.service_name(d.service), with_staff=with_staff)

    def with_staff(self, staff: str | None) -> str:
        if not staff:
            return ""
        return (" with " if self.lang == "en" else " bei ") + self.staff_name(staff)

    async def nearest(self, target: datetime, service: str, staff: str | None) -> list[Slot]:
        """Up to three free slots near `target`, in time order.

        First the closest ones on the asked day (at least half an hour apart, so they are
        real choices), then the same time of day on the following days, then earlier days.
        """
        now = self.now()
        day = self.local(target).date()
        window_start = max(now, _at(day - timedelta(days=SEARCH_DAYS), time(0), self.biz.tz))
        window_end = _at(day + timedelta(days=SEARCH_DAYS + 1), time(0), self.biz.tz)
        slots = _one_per_start(await self.d.backend.availability(window_start, window_end, service, staff), staff)
        by_day: dict[date, list[Slot]] = {}
        for s in slots:
            by_day.setdefault(self.local(s.start).date(), []).append(s)

        def closest(day_slots: list[Slot], at: datetime) -> list[Slot]:
            return sorted(day_slots, key=lambda s: (abs((s.start - at).total_seconds()), s.start))

        picked: list[Slot] = []
        for s in closest(by_day.pop(day, []), target):
            if all(abs((s.start - p.start).total_seconds()) >= 1800 for p in picked):
                picked.append(s)
            if len(picked) == ALTERNATIVES:
                break
        other_days = sorted(by_day, key=lambda d: (d < day, abs((d - day).days)))
        for other in other_days:
            if len(picked) == ALTERNATIVES:
                break
            same_time = datetime.combine(other, self.local(target).timetz().replace(tzinfo=None), tzinfo=self.biz.tz)
            picked.append(closest(by_day[other], same_time)[0])
        return sorted(picked, key=lambda s: s.start)

    async def offer_alternatives(self, target: datetime) -> list[Reply]:
        state, d = self.state, self.state.draft
        slots = await self.nearest(target, d.service, d.staff)
        if not slots:
            state.step = "when"
            d.date = d.time = d.start = d.end = None
            return self.say(self.t("none_near"))
        state.step = "pick_slot"
        return self.say(self.t("alternatives"), self.t("pick_one"), options=self.slot_options(slots, d.staff))

    async def search_range(self, start: datetime, end: datetime) -> list[Reply]:
        state, d = self.state, self.state.draft
        problem = self.guard_time(start, end)
        if problem:
            d.date = d.time = d.start = d.end = None
            state.step = "when"
            return self.say(problem)
        slots = await self.d.backend.availability(max(start, self.now()), end, d.service, d.staff)
        slots = _spread(_one_per_start(slots, d.staff), MAX_OPTIONS)
        period = self.period_text(start, end)
        with_staff = self.with_staff(d.staff)
        if not slots:
            local_day = self.local(start).date()
            if self.local(end - timedelta(seconds=1)).date() == local_day and (
                self.biz.closed_on(local_day) or not self.biz.hours.spans(local_day.weekday())
            ):
                self.note(self.why_not(start, local_day))
            else:
                self.note(self.t("no_free_times", service=self.service_name(d.service), with_staff=with_staff,
                                 period=period))
            return await self.offer_alternatives(end)
        state.step = "pick_slot"
        return self.say(self.t("free_times", service=self.service_name(d.service), with_staff=with_staff,
                               period=period), self.t("pick_one"), options=self.slot_options(slots, d.staff))

    def period_text(self, start: datetime, end: datetime) -> str:
        first, last = self.local(start).date(), self.local(end - timedelta(seconds=1)).date()
        if first == last:
            return ("on " if self.lang == "en" else "am ") + replies.day(first, self.lang)
        fmt = (lambda x: replies.day(x, self.lang))
        return (f"from {fmt(first)} to {fmt(last)}" if self.lang == "en" else f"vom {fmt(first)} bis {fmt(last)}")

    def slot_options(self, slots: Sequence[Slot], fixed_staff: str | None) -> list[Option]:
        return [
            Option(self.when(s.start) + ("" if fixed_staff else f" ({self.staff_name(s.staff)})"),
                   f"slot:{s.start.isoformat()}|{s.staff}")
            for s in slots
        ]

    async def choose_slot(self, start: datetime, staff: str) -> list[Reply]:
        state, d = self.state, self.state.draft
        state.flow = "book"
        state.pending = Pending(action="create", service=d.service, staff=staff, start=start,
                                key=uuid.uuid4().hex)
        return self.ask_contact_or_confirm()

    def ask_contact_or_confirm(self) -> list[Reply]:
        state = self.state
        if not state.name:
            state.step = "name"
            return self.say(self.t("ask_name"))
        if not state.email:
            state.step = "email"
            return self.say(self.t("ask_email", name=state.name))
        state.step = "confirm"
        return self.say(self.confirm_question(), options=self.yes_no())

    def take_contact(self, r: Reading) -> None:
        """A name or email given along the way ("..., I'm Anna, anna@example.com") is kept."""
        if r.name and not self.state.name and self.state.step != "name":
            self.state.name = r.name
        if r.email and not self.state.email and self.state.step != "email":
            self.state.email = _valid_email(r.email)

    async def take_name(self, r: Reading, text: str) -> list[Reply]:
        rest = EMAIL.sub(" ", text).strip(" ,;")  # "Jan Becker, jan@example.de"
        name = r.name or (_plain_name(rest) if r.intent in ("other", "book") and not r.has_when else None)
        if r.email:
            self.state.email = _valid_email(r.email)
        if not name:
            return self.say(self.t("bad_name"))
        self.state.name = name
        return self.ask_contact_or_confirm()

    async def take_email(self, r: Reading, text: str) -> list[Reply]:
        found = r.email or (EMAIL.search(text).group(0) if EMAIL.search(text) else None)
        email = _valid_email(found) if found else None
        if not email:
            return self.say(self.t("bad_email"))
        self.state.email = email
        return self.ask_contact_or_confirm()

    def confirm_question(self) -> str:
        p = self.state.pending
        if p is None:
            return ""
        if p.action == "create":
            service = self.biz.service(p.service)
            return self.t("confirm_book", service=service.display(self.lang), staff=self.staff_name(p.staff),
                          when=self.when(p.start), minutes=service.duration_minutes, name=self.state.name)
        if p.action == "cancel":
            return self.t("confirm_cancel", service=self.service_name(p.service), staff=self.staff_name(p.staff),
                          when=self.when(p.start))
        return self.t("confirm_move", service=self.service_name(p.service), staff=self.staff_name(p.staff),
                      old=self.when(p.old_start) if p.old_start else "", new=self.when(p.start))

    def decline(self) -> list[Reply]:
        state = self.state
        action = state.pending.action if state.pending else None
        state.reset_flow()
        return self.say(self.t("not_booked" if action in (None, "create") else "kept"))

    async def execute(self) -> list[Reply]:
        """The customer said yes: do exactly what was confirmed."""
        state, p = self.state, self.state.pending
        if p is None or state.step != "confirm":
            return await self.prompt() if state.flow else self.say(self.t("nothing_to_stop"))
        backend = self.d.backend
        try:
            if p.action == "create":
                booking = await backend.create(BookingRequest(
                    service=p.service, staff=p.staff, start=p.start, contact=self.contact(),
                    channel=self.msg.channel), idempotency_key=p.key)
                state.reset_flow()
                return self.say(self.t("booked", service=self.service_name(booking.service),
                                       staff=self.staff_name(booking.staff), when=self.when(booking.start)))
            booking = await self.own_booking(p.booking_id)
            if booking is None:
                state.reset_flow()
                return self.say(self.t("nothing_to_cancel"))
            if p.action == "cancel":
                booking = await backend.cancel(booking.id, reason="cancelled by the customer in the chat")
                state.reset_flow()
                return self.say(self.t("cancelled", service=self.service_name(booking.service),
                                       when=self.when(booking.start)))
            booking = await backend.reschedule(booking.id, p.start)
            state.reset_flow()
            return self.say(self.t("moved", service=self.service_name(booking.service),
                                   staff=self.staff_name(booking.staff), when=self.when(booking.start)))
        except (SlotTaken, InvalidRequest):
            # Someone else was faster, or the time stopped being bookable: offer the nearest ones.
            self.note(self.t("slot_gone"))
            state.pending = None
            slots = await self.nearest(p.start, p.service, p.staff if p.action == "reschedule" else state.draft.staff)
            if not slots:
                state.step = "when"
                return self.say(self.t("none_near"))
            state.step = "pick_slot"
            return self.say(self.t("alternatives"), self.t("pick_one"),
                            options=self.slot_options(slots, p.staff if p.action == "reschedule" else None))
        except NotFound:
            state.reset_flow()
            return self.say(self.t("nothing_to_cancel"))


# --- small pure helpers -------------------------------------------------------------------------


def _at(day: date, at: time, tz) -> datetime:
    """A local wall time as an aware datetime (zoneinfo resolves DST gaps and folds)."""
    return datetime.combine(day, at, tzinfo=tz)


def _one_per_start(slots: list[Slot], staff: str | None) -> list[Slot]:
    seen: dict[datetime, Slot] = {}
    for s in sorted(slots, key=lambda s: s.start):
        if staff and s.staff != staff:
            continue
        seen.setdefault(s.start, s)
    return list(seen.values())


def _spread(slots: list[Slot], most: int) -> list[Slot]:
    """At most `most` slots, evenly spread over the list so the whole period is represented."""
    if len(slots) <= most:
        return slots
    step = (len(slots) - 1) / (most - 1)
    return [slots[round(i * step)] for i in range(most)]


def _plain_name(text: str) -> str | None:
    text = re.sub(r"\s+", " ", text).strip(" .,!")
    text = re.sub(r"^(?:i'?m|i am|my name is|it'?s|this is|ich bin|ich heiße|ich heisse|mein name ist|name:?)\s+",
                  "", text, flags=re.IGNORECASE)
    if 1 < len(text) <= 60 and _NAME.match(text):
        return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    return None


def _valid_email(text: str) -> str | None:
    try:
        return validate_email(text.strip(" <>.,;"), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def _duration(delta: timedelta, lang: str) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        if lang == "de":
            return "1 Stunde" if hours == 1 else f"{hours} Stunden"
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} min" if lang == "en" else f"{minutes} Minuten"
