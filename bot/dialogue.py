"""The conversation core: code owns the control flow, the extractor only reads text.

Nothing is booked, moved or cancelled without an explicit yes to a confirmation
question, and every time offered comes from the backend's availability. The steps
live in `booking_steps` (new bookings) and `booking_changes` (list, cancel, move);
this module routes each message to them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import intents
from booking_client import BackendUnavailable, Booking, BookingBackend, Business
from intents import Context, Reading

from . import replies
from .booking_changes import BookingChanges
from .booking_steps import EMAIL
from .clock import Clock
from .messages import Inbound, Option, Reply
from .replies import Texts
from .state import Draft
from .store import ConversationStore
from .vocabulary import business_vocabulary

MAX_TEXT = 1000  # longer messages get a polite request to say it in a sentence

_EXIT = re.compile(
    r"^(?:stop+|cancel|abort|quit|exit|never ?mind|nvm|forget it|leave it|start over|reset|"
    r"stopp+|abbrechen|abbruch|vergiss es|lass (?:es|mal)|doch nicht|neustart|von vorne)[.!\s]*$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^\s*#?(\d{1,2})\s*[.)]?\s*$")

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


class _Turn(BookingChanges):
    """One message: route it to the right step (choices, readings, escapes)."""

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
        words = re.findall(r"[^\W\d_]{2,}", EMAIL.sub(" ", text))
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



def _looks_like_words(text: str) -> bool:
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= 2
