"""The conversation core: code owns the control flow, the extractor only reads text.

Nothing is booked, moved or cancelled without an explicit yes to a confirmation
question, and every time offered comes from the backend's availability.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta

from email_validator import EmailNotValidError, validate_email

import intents
from booking_client import (
    BackendUnavailable,
    Booking,
    BookingBackend,
    BookingError,
    BookingRequest,
    Business,
    Contact,
    InvalidRequest,
    NotFound,
    Slot,
    SlotTaken,
)
from intents import Context, Reading

from . import replies
from .clock import Clock
from .messages import Inbound, Option, Reply
from .replies import Texts
from .state import Draft, OfferedOption, Pending, State
from .store import ConversationStore
from .vocabulary import business_vocabulary

MAX_TEXT = 1000  # longer messages get a polite request to say it in a sentence
MAX_OPTIONS = 6
ALTERNATIVES = 3
SEARCH_DAYS = 7

_EXIT = re.compile(
    r"^(?:stop+|cancel|abort|quit|exit|never ?mind|nvm|forget it|leave it|start over|reset|"
    r"stopp+|abbrechen|abbruch|vergiss es|lass (?:es|mal)|doch nicht|neustart|von vorne)[.!\s]*$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^\s*#?(\d{1,2})\s*[.)]?\s*$")
_EMAIL = re.compile(r"[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+")
_NAME = re.compile(r"^[^\W\d_][^\W\d_'’.\- ]*(?:[ '’.\-]+[^\W\d_]+){0,4}\.?$")

Reader = Callable[[str, Context], Reading]
# what the extractor is told the bot just asked for, by dialogue step
_EXPECTING = {"pick_slot": "choice", "pick_booking": "choice", "confirm": "confirm"}


class Dialogue:
    """Turns one inbound message plus the stored state into replies (and backend calls)."""

    def __init__(
        self,
        business: Business,
        backend: BookingBackend,
        store: ConversationStore,
        clock: Clock,
        *,
        default_lang: str = "en",
        reader: Reader = intents.read,
    ) -> None:
        self.business = business
        self.backend = backend
        self.store = store
        self.clock = clock
        self.default_lang = default_lang
        self.read = reader
        self.texts = Texts(business.texts)
        self.vocabulary = business_vocabulary(business)
        self.last_reading: Reading | None = None

    # --- entry point ---------------------------------------------------------------

    async def handle(self, msg: Inbound) -> list[Reply]:
        """Answer one message; the state is saved before the replies are returned."""
        state = await self.store.load(msg.key)
        turn = _Turn(self, msg, state)
        out = await turn.run()
        state.turns += 1
        await self.store.save(msg.key, state, self.clock.now())
        return out

    async def notice(self, key: str, kind: str, booking: Booking | None) -> Reply:
        """A message the bot starts (reminder, follow-up, no-show, nudge), with its quick actions.

        Its options become the conversation's current offer, so a pressed button or a typed
        number is answered by `handle` like any other choice.
        """
        state = await self.store.load(key)
        channel, _, user = key.partition(":")
        turn = _Turn(self, Inbound(channel, user), state)
        reply = turn.notice(kind, booking)
        if kind == "nudge":
            state.nudged_turn = state.turns
        await self.store.save(key, state, self.clock.now())
        return reply


class _Turn:
    """One message's worth of dialogue; holds the state while deciding."""

    def __init__(self, dialogue: Dialogue, msg: Inbound, state: State) -> None:
        self.d = dialogue
        self.biz = dialogue.business
        self.msg = msg
        self.state = state
        if state.lang is None:
            state.lang = msg.lang or dialogue.default_lang
        self.out: list[Reply] = []
        self.lines: list[str] = []

    # --- helpers ---------------------------------------------------------------------

    @property
    def lang(self) -> str:
        return self.state.lang or "en"

    def t(self, key: str, **values: object) -> str:
        return self.d.texts(self.lang, key, business=self.biz.name, **values)

    def say(self, *parts: str, options: Sequence[Option] = ()) -> list[Reply]:
        """Queue one reply (parts joined by newlines); options start a new offer."""
        text = "\n".join(p for p in (*self.lines, *parts) if p)
        self.lines = []
        offer = None
        if options:
            offer = uuid.uuid4().hex[:10]
            self.state.offer_id = offer
            self.state.options = [OfferedOption(label=o.label, value=o.value) for o in options]
        else:
            self.state.offer_id = None
            self.state.options = []
        self.out.append(Reply(text=text, options=tuple(options), offer=offer))
        return self.out

    def note(self, text: str) -> None:
        """Text that goes in front of the next reply."""
        self.lines.append(text)

    def now(self) -> datetime:
        return self.d.clock.now()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.biz.tz)

    def when(self, moment: datetime) -> str:
        return replies.when(self.local(moment), self.lang)

    def service_name(self, service_id: str | None) -> str:
        if not service_id:
            return ""
        try:
            return self.biz.service(service_id).display(self.lang)
        except KeyError:
            return service_id

    def staff_name(self, staff_id: str | None) -> str:
        if not staff_id:
            return ""
        try:
            return self.biz.person(staff_id).name
        except KeyError:
            return staff_id

    def contact(self) -> Contact:
        return Contact(ref=self.msg.key, name=self.state.name, email=self.state.email)

    # --- the turn --------------------------------------------------------------------

    async def run(self) -> list[Reply]:
        try:
            return await self._run()
        except BackendUnavailable:
            # The agreed part of the conversation stays as it is; the customer can simply retry.
            return self.say(self.t("backend_down"))

    async def _run(self) -> list[Reply]:
        msg, state = self.msg, self.state
        if msg.choice is not None:
            value = self._button_value(msg.choice)
            if value is None:
                self.note(self.t("stale_option"))
                return await self.prompt()
            return await self.on_choice(value)

        text = (msg.text or "").strip()
        if not text:
            return self._keep_step(self.t("empty"))
        if len(text) > MAX_TEXT:
            return self._keep_step(self.t("too_long"))
        if not any(ch.isalnum() for ch in text):
            return self._keep_step(self.t("not_understood"))

        if state.options:
            value = self._typed_option(text)
            if value is not None:
                return await self.on_choice(value)

        if _EXIT.match(text) and (state.flow or text.lower().strip(" .!") not in ("cancel",)):
            return self.leave_flow()

        reading = self.d.read(text, Context(
            now=self.local(self.now()), lang=None, vocabulary=self.d.vocabulary,
            expecting=_EXPECTING.get(state.step or "", state.step),
        ))
        self.d.last_reading = reading
        self._maybe_switch_language(text, reading)
        return await self.on_reading(reading, text)

    def _keep_step(self, text: str) -> list[Reply]:
        """Answer noise without losing the question on the table (its options stay valid)."""
        if self.state.step == "confirm" and self.state.pending:
            return self.say(text, self.confirm_question(), options=self.yes_no())
        options = [Option(o.label, o.value) for o in self.state.options]
        offer = self.state.offer_id
        self.say(text, options=options)
        if options:  # keep the same offer so buttons already on screen still work
            self.state.offer_id = offer
            self.out[-1] = Reply(self.out[-1].text, self.out[-1].options, offer)
        return self.out

    def _maybe_switch_language(self, text: str, reading: Reading) -> None:
        if self.state.step in ("name", "email"):
            return  # names and addresses say nothing about the customer's language
        words = re.findall(r"[^\W\d_]{2,}", _EMAIL.sub(" ", text))
        if reading.lang in replies.LANGS and reading.lang != self.state.lang and len(words) >= 2:
            self.state.lang = reading.lang

    def _button_value(self, choice: str) -> str | None:
        offer, _, index = choice.partition(":")
        if offer != self.state.offer_id or not index.isdigit():
            return None
        i = int(index)
        return self.state.options[i].value if 0 <= i < len(self.state.options) else None

    def _typed_option(self, text: str) -> str | None:
        m = _NUMBER.match(text)
        if m:
            i = int(m.group(1)) - 1
            return self.state.options[i].value if 0 <= i < len(self.state.options) else None
        folded = text.casefold().strip(" .!")
        for option in self.state.options:
            label = option.label.casefold()
            if folded in (label, label.split(" (")[0]):
                return option.value
        return None

    def leave_flow(self) -> list[Reply]:
        had_flow = self.state.flow is not None
        self.state.reset_flow()
        return self.say(self.t("left_flow" if had_flow else "nothing_to_stop"))

    # --- reading dispatch -----------------------------------------------------------------

    async def on_reading(self, r: Reading, text: str) -> list[Reply]:
        state = self.state
        step = state.step
        if r.number is not None and state.options and step in ("pick_slot", "pick_booking") and not r.has_when:
            if 1 <= r.number <= len(state.options):  # "the second one", "option 3"
                return await self.on_choice(state.options[r.number - 1].value)
        self.take_contact(r)
        if step == "confirm":
            if r.intent == "affirm":
                return await self.execute()
            if r.intent == "deny" and not r.has_when:
                return self.decline()
        if step == "name" and r.intent not in ("cancel", "reschedule", "list", "help", "handoff", "bye"):
            return await self.take_name(r, text)
        if step == "email" and r.intent not in ("cancel", "reschedule", "list", "help", "handoff", "bye"):
            return await self.take_email(r, text)

        intent = r.intent
        slot_info = bool(r.service or r.staff or r.staff_text or r.any_staff or r.has_when)
        continues = intent in ("book", "availability", "affirm", "deny") or intent == "reschedule" and state.flow == "reschedule"
        if state.flow in ("book", "reschedule") and step != "pick_booking" and slot_info and continues:
            if state.flow == "reschedule" and state.booking_id:
                return await self.reschedule_with(r)
            return await self.book_with(r, restart=False)
        if state.flow in ("cancel", "reschedule") and step == "pick_booking" and (r.has_when or r.service):
            return await self.pick_booking_by_reading(r)

        if intent in ("book", "availability"):
            return await self.book_with(r, restart=True, browsing=intent == "availability")
        if intent == "cancel":
            return await self.start_cancel(r)
        if intent == "reschedule":
            return await self.start_reschedule(r)
        if intent == "list":
            return await self.list_bookings()
        if intent == "help":
            return self.say(self.t("help"))
        if intent in ("greet", "thanks"):
            if not state.flow:
                return self.say(self.t(intent))
            self.note(self.t(intent))  # polite, then back to the question on the table
            return await self.prompt()
        if intent == "bye":
            state.reset_flow()
            return self.say(self.t("bye"))
        if intent == "handoff":
            return self.say(self.t("handoff"))
        if step == "confirm":
            return self.say(self.t("confirm_first", question=self.confirm_question()),
                            options=self.yes_no())
        if intent in ("affirm", "deny") and not state.flow:
            return self.say(self.t("nothing_to_stop"))
        if state.flow:
            self.note(self.t("off_topic") if _looks_like_words(text) else self.t("not_understood"))
            return await self.prompt()
        return self.say(self.t("off_topic") if _looks_like_words(text) else self.t("not_understood"))

    async def on_choice(self, value: str) -> list[Reply]:
        kind, _, arg = value.partition(":")
        state = self.state
        if kind == "yes":
            return await self.execute()
        if kind == "no":
            return self.decline()
        if kind == "service":
            state.draft.service = arg
            return await self.advance_booking()
        if kind == "staff":
            state.draft.staff = None if arg == "any" else arg
            state.draft.any_staff = arg == "any"
            return await self.advance_booking()
        if kind == "slot":
            start_iso, _, staff = arg.rpartition("|")
            start = datetime.fromisoformat(start_iso)
            if state.flow == "reschedule" and state.booking_id:
                return await self.ask_confirm_move(start, staff)
            return await self.choose_slot(start, staff)
        if kind == "booking":
            return await self.booking_chosen(arg)
        if kind in ("rcancel", "rmove"):
            state.reset_flow()
            state.flow = "cancel" if kind == "rcancel" else "reschedule"
            return await self.booking_chosen(arg)
        if kind == "attend":
            booking = await self.own_booking(arg)
            if booking is None:
                return self.say(self.t("nothing_to_stop"))
            return self.say(self.t("attending", when=self.when(booking.start)))
        if kind == "again":
            state.reset_flow()
            state.flow = "book"
            state.draft = Draft(service=arg or None)
            return await self.advance_booking()
        if kind == "resume":
            return await self.prompt()
        return await self.prompt()

    def notice(self, kind: str, booking: Booking | None) -> Reply:
        """The text and quick actions of a message the bot starts."""
        if kind == "nudge":
            service = self.state.draft.service
            what = self.t("nudge_what", service=self.service_name(service)) if service else self.t("nudge_any")
            self.say(self.t("nudge", what=what), options=[Option(self.t("carry_on"), "resume:"),
                                                            Option(self.t("no_thanks"), "no")])
            return self.out[-1]
        assert booking is not None
        names = dict(service=self.service_name(booking.service), staff=self.staff_name(booking.staff),
                     when=self.when(booking.start))
        if kind == "reminder":
            options = [Option(self.t("reminder_attend"), f"attend:{booking.id}"),
                       Option(self.t("reminder_move"), f"rmove:{booking.id}"),
                       Option(self.t("reminder_cancel"), f"rcancel:{booking.id}")]
            self.say(self.t("reminder", **names), options=options)
        elif kind == "follow_up":
            self.say(self.t("follow_up", **names), options=[Option(self.t("book_again"), f"again:{booking.service}")])
        else:  # no_show
            self.say(self.t("no_show", **names), options=[Option(self.t("book_new_time"), f"again:{booking.service}")])
        return self.out[-1]

    # --- re-asking where we are -----------------------------------------------------------

    async def prompt(self) -> list[Reply]:
        """Ask the question of the current step again (after a stale button or noise)."""
        state = self.state
        if state.step == "confirm" and state.pending:
            return self.say(self.confirm_question(), options=self.yes_no())
        if state.step == "name":
            return self.say(self.t("ask_name"))
        if state.step == "email":
            return self.say(self.t("ask_email", name=state.name or ""))
        if state.step == "pick_booking":
            return await (self.start_cancel(None) if state.flow == "cancel" else self.start_reschedule(None))
        if state.flow == "reschedule" and state.booking_id:
            booking = await self.own_booking(state.booking_id)
            if booking is None:
                state.reset_flow()
                return self.say(self.t("nothing_to_move"))
            return self.say(self.t("ask_new_when", service=self.service_name(booking.service),
                                   when=self.when(booking.start)))
        if state.flow == "book":
            if state.step == "pick_slot":
                state.step = None
            return await self.advance_booking()
        return self.say(self.t("nothing_to_stop"))

    # --- booking ----------------------------------------------------------------------------

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
        state, d = self.state, self.state.draft
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
        rest = _EMAIL.sub(" ", text).strip(" ,;")  # "Jan Becker, jan@example.de"
        name = r.name or (_plain_name(rest) if r.intent in ("other", "book") and not r.has_when else None)
        if r.email:
            self.state.email = _valid_email(r.email)
        if not name:
            return self.say(self.t("bad_name"))
        self.state.name = name
        return self.ask_contact_or_confirm()

    async def take_email(self, r: Reading, text: str) -> list[Reply]:
        found = r.email or (_EMAIL.search(text).group(0) if _EMAIL.search(text) else None)
        email = _valid_email(found) if found else None
        if not email:
            return self.say(self.t("bad_email"))
        self.state.email = email
        return self.ask_contact_or_confirm()

    def yes_no(self) -> list[Option]:
        return [Option(self.t("yes"), "yes"), Option(self.t("no"), "no")]

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

    # --- my bookings: list, cancel, reschedule -------------------------------------------------

    async def my_bookings(self) -> list[Booking]:
        bookings = await self.d.backend.list_for_contact(self.contact())
        return [b for b in bookings if b.contact.ref == self.msg.key and b.status.active]

    async def own_booking(self, booking_id: str | None) -> Booking | None:
        """The booking, only if it belongs to this customer and is still active."""
        if not booking_id:
            return None
        try:
            booking = await self.d.backend.get(booking_id)
        except NotFound:
            return None
        if booking.contact.ref != self.msg.key or not booking.status.active:
            return None
        return booking

    def booking_line(self, b: Booking) -> str:
        return self.t("booking_line", service=self.service_name(b.service), staff=self.staff_name(b.staff),
                      when=self.when(b.start))

    async def list_bookings(self) -> list[Reply]:
        bookings = await self.my_bookings()
        if self.state.flow:
            self.state.reset_flow()
        if not bookings:
            return self.say(self.t("no_bookings"))
        lines = [f"• {self.booking_line(b)}" for b in bookings]
        return self.say(self.t("your_bookings"), *lines)

    def filter_bookings(self, bookings: list[Booking], r: Reading | None) -> list[Booking]:
        if r is None:
            return bookings
        picked = bookings
        if r.service:
            picked = [b for b in picked if b.service == r.service] or picked
        if r.staff:
            picked = [b for b in picked if b.staff == r.staff] or picked
        if r.date:
            picked = [b for b in picked if self.local(b.start).date() == r.date] or picked
        return picked

    async def start_cancel(self, r: Reading | None) -> list[Reply]:
        return await self.start_change("cancel", r)

    async def start_reschedule(self, r: Reading | None) -> list[Reply]:
        return await self.start_change("reschedule", r)

    async def start_change(self, flow: str, r: Reading | None) -> list[Reply]:
        """Cancel or move: find the customer's booking (asking which one when several fit)."""
        state = self.state
        bookings = await self.my_bookings()
        state.reset_flow()
        if not bookings:
            return self.say(self.t("nothing_to_cancel" if flow == "cancel" else "nothing_to_move"))
        state.flow = flow
        if flow == "cancel":
            picked = self.filter_bookings(bookings, r)
        else:
            # "move it to Thursday": the day said is the new one, so it does not pick the booking
            picked = bookings if r is None else self.filter_bookings(bookings, _without_when(r))
            if r is not None:
                self.merge(state.draft, r)
        if len(picked) == 1:
            return await self.booking_chosen(picked[0].id)
        state.step = "pick_booking"
        question = "which_booking_cancel" if flow == "cancel" else "which_booking_move"
        return self.say(self.t(question), options=[Option(self.booking_line(b), f"booking:{b.id}") for b in picked])

    async def pick_booking_by_reading(self, r: Reading) -> list[Reply]:
        bookings = await self.my_bookings()
        picked = self.filter_bookings(bookings, r)
        if len(picked) == 1:
            return await self.booking_chosen(picked[0].id)
        return await self.prompt()

    async def booking_chosen(self, booking_id: str) -> list[Reply]:
        state = self.state
        booking = await self.own_booking(booking_id)
        if booking is None:
            state.reset_flow()
            return self.say(self.t("nothing_to_cancel"))
        state.booking_id = booking.id
        if state.flow == "cancel":
            state.pending = Pending(action="cancel", service=booking.service, staff=booking.staff,
                                    start=booking.start, booking_id=booking.id, key=uuid.uuid4().hex)
            state.step = "confirm"
            return self.say(self.confirm_question(), options=self.yes_no())
        # reschedule: keep the asked new time if it came with the request
        d = state.draft
        new_when = (d.date, d.time, d.start, d.end)
        state.draft = Draft(service=booking.service, staff=booking.staff)
        state.draft.date, state.draft.time, state.draft.start, state.draft.end = new_when
        if not (d.date or d.time or d.start):
            state.step = "when"
            return self.say(self.t("ask_new_when", service=self.service_name(booking.service),
                                   when=self.when(booking.start)))
        return await self.reschedule_search(booking)

    async def reschedule_with(self, r: Reading) -> list[Reply]:
        booking = await self.own_booking(self.state.booking_id)
        if booking is None:
            self.state.reset_flow()
            return self.say(self.t("nothing_to_move"))
        d = self.state.draft
        if r.has_when:
            self.merge(d, Reading(intent="reschedule", lang=r.lang, date=r.date, time=r.time, start=r.start, end=r.end))
        if r.staff:
            d.staff = r.staff
        if not (d.date or d.time or d.start):
            self.state.step = "when"
            return self.say(self.t("ask_new_when", service=self.service_name(booking.service),
                                   when=self.when(booking.start)))
        return await self.reschedule_search(booking)

    async def reschedule_search(self, booking: Booking) -> list[Reply]:
        """Search like a booking, then confirm the move instead of a new booking."""
        state = self.state
        replies_before = len(self.out)
        out = await self.search()
        # search() ends in choose_slot (exact hit) or in an offer of slots; turn a hit into a move.
        if state.pending and state.pending.action == "create":
            start, staff = state.pending.start, state.pending.staff
            del self.out[replies_before:]
            return await self.ask_confirm_move(start, staff)
        state.flow = "reschedule"
        state.booking_id = booking.id
        return out

    async def ask_confirm_move(self, start: datetime, staff: str) -> list[Reply]:
        state = self.state
        booking = await self.own_booking(state.booking_id)
        if booking is None:
            state.reset_flow()
            return self.say(self.t("nothing_to_move"))
        state.flow = "reschedule"
        state.pending = Pending(action="reschedule", service=booking.service, staff=staff, start=start,
                                booking_id=booking.id, old_start=booking.start, key=uuid.uuid4().hex)
        state.step = "confirm"
        return self.say(self.confirm_question(), options=self.yes_no())


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


def _without_when(r: Reading) -> Reading:
    return Reading(intent=r.intent, lang=r.lang, service=r.service, staff=r.staff)


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


def _looks_like_words(text: str) -> bool:
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= 2


def _duration(delta: timedelta, lang: str) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        if lang == "de":
            return "1 Stunde" if hours == 1 else f"{hours} Stunden"
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} min" if lang == "en" else f"{minutes} Minuten"
