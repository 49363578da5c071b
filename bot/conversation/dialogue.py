"""The conversation core: code owns the control flow, the extractor only reads text.

Each message: load the state, turn the message into one event, answer it by the transition
table, save. Nothing is booked, moved or cancelled without an explicit yes to a confirmation
question, and every time offered comes from the backend's availability.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

import bot.conversation.handoff as handoff
import bot.conversation.holds as holds
import bot.conversation.relative as relative
import intents
from booking_client import BackendUnavailable, Booking, BookingBackend, Business
from intents import Context, Reading

from ..clock import Clock
from ..messages import Inbound, Reply
from ..replies import Texts
from ..vocabulary import business_vocabulary
from .contact import EMAIL
from .events import classify, expecting, pressed_option
from .notices import notice
from .state import State, Step
from .table import dispatch
from .turn import Turn

Reader = Callable[[str, Context], Reading]
MAX_LINE = 300  # characters of one remembered line
QUESTION_KEPT = timedelta(hours=12)  # how long the question on the table waits for its answer (a button, for ever)


Writes = Callable[[list[Reply]], Iterable[Any]]
"""Given a turn's replies, what else the turn's transaction writes (the replies owed, the message handled)."""


class Conversations(Protocol):
    """Where each customer's state is kept between messages."""

    async def load(self, key: str) -> State: ...

    async def save(self, key: str, state: State, now: datetime, also: Iterable[Any] = ()) -> None: ...

    async def load_many(self, keys: Iterable[str]) -> dict[str, tuple[State, str | None]]: ...

    async def save_many(self, loaded: dict[str, tuple[State, str | None]], now: datetime) -> list[str]: ...


class Dialogue:
    """Turns one inbound message plus the stored state into replies (and backend calls)."""

    def __init__(
        self,
        business: Business,
        backend: BookingBackend,
        store: Conversations,
        clock: Clock,
        *,
        default_lang: str = "en",
        reader: Reader = intents.read,
        booking_link: str = "",
        context_lines: int = 0,
        questions: Mapping[str, Mapping[str, str]] | None = None,
        team_reachable: bool = False,
        email_confirmations: bool = False,
        reminders: tuple[timedelta, ...] = (),
        reminders_in_window: frozenset[str] = frozenset(),
        upcoming_reminders: Callable[[Booking, datetime], list[datetime]] | None = None,
    ) -> None:
        self.business = business
        self.backend = backend
        self.store = store
        self.clock = clock
        self.default_lang = default_lang
        self.read = reader
        self.booking_link = booking_link
        self.context_lines = context_lines  # how many of the last lines the reader sees (0: none are kept)
        self.questions = dict(questions or {})  # qualification question key -> {language: text}
        self.team_reachable = team_reachable  # an operator channel passes handoffs on to the business's team
        self.email_confirmations = email_confirmations  # bookings are confirmed by email (SMTP is set up)
        self.reminders = reminders  # before each booking, as the scheduler plans them ("will I get a reminder?")
        self.reminders_in_window = reminders_in_window  # channels where a reminder reaches only an open window
        self.upcoming_reminders = upcoming_reminders  # a booking's reminders still to come, by the scheduler's rules
        self.texts = Texts.of(business)
        self.default_lang = self.texts.language(default_lang)  # else the first language the business speaks
        self.vocabulary = business_vocabulary(business)
        self.last_reading: Reading | None = None  # the console shows it with /debug

    async def handle(self, msg: Inbound, also: Writes | None = None) -> list[Reply]:
        """Answer one message; the state is saved before the replies are returned, in one transaction
        with whatever `also(replies)` adds (a channel: the replies owed and the message marked handled)."""
        state = await self.store.load(msg.key)
        turn = self._turn(msg, state)
        handoff.expire(turn)
        event = handoff.still_answered(turn) if state.handoff is not None else None
        if state.handoff is not None and event is None:  # free text for the team: passed on, no reply
            state.turns += 1
            await self.store.save(msg.key, state, self.clock.now(), also([]) if also else ())
            return []
        before = holds.held(turn)
        if state.step is not None and msg.choice is None and state.asked_at is not None \
                and self.clock.now() - state.asked_at > QUESTION_KEPT:
            state.clear_flow()  # a question from yesterday is no question any more: the message is read afresh
        pressed = _pressed_label(msg, state)
        try:
            event = event or classify(msg, state, lambda text: self._read(text, state),
                                      lambda text: intents.read(text, self._context(state)))
            turn.listed, state.listed = tuple(state.listed), []  # a listing points for the next message only
            turn.just_cancelled, state.just_cancelled = state.just_cancelled, None  # so does a cancellation
            turn.just_cancelled_at, state.just_cancelled_at = state.just_cancelled_at, None
            turn.refused_move, state.refused_move = state.refused_move, None  # and so does a refused move
            turn.asked_day, state.asked_day = state.asked_day, None  # and the day whose hours were asked
            if state.declined is not None and state.declined_draft is not None:  # "no" - "ok fine, book it"
                turn.declined = (state.declined, state.declined_draft)
            state.declined = state.declined_draft = None
            await dispatch(turn, event)
            await holds.settle(turn, before)
        except BackendUnavailable:
            # The agreed part of the conversation stays as it is; the customer can simply retry.
            turn.say(turn.t("backend_down"))
        state.turns += 1
        state.asked_at = self.clock.now()
        self._remember(state, (msg.text or "").strip() or pressed, turn.out)
        await self.store.save(msg.key, state, self.clock.now(), also(turn.out) if also else ())
        return turn.out

    def _remember(self, state: State, said: str, out: list[Reply]) -> None:
        """Keep this exchange's lines for the next reading (a language model reads with them; a handoff passes them on
        to the team); otherwise only the one person the customer named ("can I bring my son?" - "could he get a
        haircut too?": whom "he" means)."""
        if not self.context_lines:
            state.spoken_of = intents.person_named(said[:MAX_LINE]) if said else None  # no message text is kept
            return
        lines = [("customer", said[:MAX_LINE])] if said else []
        lines += [("bot", reply.text[:MAX_LINE]) for reply in out if reply.text]
        state.recent = [*state.recent, *lines][-self.context_lines:]

    async def notice(self, key: str, kind: str, booking: Booking | None) -> Reply:
        """A message the bot starts (reminder, follow-up, no-show, nudge), with its quick actions.

        Its options become the conversation's current offer, so a pressed button or a typed
        number is answered by `handle` like any other choice.
        """
        state = await self.store.load(key)
        channel, _, user = key.partition(":")
        reply = notice(self._turn(Inbound(channel, user), state), kind, booking)
        if kind == "nudge":
            state.nudged_turn = state.turns
        state.asked_at = self.clock.now()
        await self.store.save(key, state, self.clock.now())
        return reply

    def _turn(self, msg: Inbound, state: State) -> Turn:
        if state.lang not in self.texts.languages:  # a new conversation, or a language the business no longer speaks
            state.lang = self.texts.language(msg.lang, self.default_lang)
        return Turn(state, self.business, self.backend, self.clock, self.texts, msg, booking_link=self.booking_link,
                    questions=self.questions, team_reachable=self.team_reachable,
                    email_confirmations=self.email_confirmations, reminders=self.reminders,
                    reminders_in_window=self.reminders_in_window, upcoming_reminders=self.upcoming_reminders)

    def _read(self, text: str, state: State) -> Reading:
        """Read free text in the context of the question on the table; follow a switch of language."""
        reading = self.read(text, self._context(state))
        self.last_reading = reading
        _follow_language(state, text, reading, self.texts.languages)
        return reading

    def _context(self, state: State) -> Context:
        """What a message is read against: now, the business's words, the question on the table."""
        tz = self.business.tz
        return Context(now=self.clock.now().astimezone(tz), lang=None, vocabulary=self.vocabulary,
                       expecting=expecting(state), offers=relative.offers(state), anchor=relative.anchor(state, tz),
                       recent=tuple(state.recent) or _spoken_of(state))

    async def notice_many(self, wanted: list[tuple[str, str, Booking | None]]) -> list[Reply]:
        """`notice` for a batch of (key, kind, booking): the conversations read in one query and saved in one
        transaction. A customer's messages are made in the order given, so the last one's options are the
        offer on the table. A conversation a turn saved meanwhile is not overwritten: its messages are made
        again, one by one, on the state as it is now."""
        loaded = await self.store.load_many(key for key, _, _ in wanted)
        replies = [self._notice_on(loaded[key][0], key, kind, booking) for key, kind, booking in wanted]
        redo = set(await self.store.save_many(loaded, self.clock.now()))
        for i, (key, kind, booking) in enumerate(wanted):
            if key in redo:
                replies[i] = await self.notice(key, kind, booking)
        return replies

    def _notice_on(self, state: State, key: str, kind: str, booking: Booking | None) -> Reply:
        """A notice's reply, its options made the offer of `state` (saving it is the caller's)."""
        channel, _, user = key.partition(":")
        reply = notice(self._turn(Inbound(channel, user), state), kind, booking)
        if kind == "nudge":
            state.nudged_turn = state.turns
        state.asked_at = self.clock.now()
        return reply


def _spoken_of(state: State) -> tuple[tuple[str, str], ...]:
    """The person the customer's last message named, as the line the reader looks for them in."""
    return (("customer", state.spoken_of),) if state.spoken_of else ()


_ADDRESS_LIKE = re.compile(r"\S*@\S*|\S+\.(?:com|de|net|org)\S*|https?://\S+")  # "lena@example", a web address


def _follow_language(state: State, text: str, reading: Reading, spoken: tuple[str, ...]) -> None:
    """Answer in the language the customer writes in, once they write a few words of it, if the business speaks it."""
    if state.step in (Step.ASK_NAME, Step.ASK_EMAIL):
        return  # names and addresses say nothing about the customer's language
    text = _ADDRESS_LIKE.sub(" ", EMAIL.sub(" ", text))
    words = re.findall(r"[^\W\d_]{2,}", text)
    if reading.name and set(words) <= set(re.findall(r"[^\W\d_]{2,}", reading.name)):
        return  # a name alone ("Anna Schmidt") is in no language
    if reading.lang in spoken and reading.lang != state.lang and len(words) >= 2 \
            and intents.language_of(text) == reading.lang:  # its words tell ("Balayage Highlights" does not)
        state.lang = reading.lang


def _pressed_label(msg: Inbound, state: State) -> str:
    """The label of the button a message pressed ("Yes", "Tue 24 Nov, 10:00"), as the customer saw it."""
    option = pressed_option(msg.choice, state) if msg.choice else None
    return option.label if option is not None else ""
