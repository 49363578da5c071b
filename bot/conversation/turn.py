"""One message's worth of dialogue: the state being decided on, what deciding needs, and the replies so far.

Handlers are plain functions that take a `Turn`; it is how they read the business and the
clock, ask the next question and say things, without knowing about each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from booking_client import Booking, BookingBackend, Business, Contact

from ..clock import Clock
from ..formats import Formats
from ..messages import Attachment, Inbound, Option, Reply
from ..replies import Texts
from .payloads import NoChoice, YesChoice
from .state import Draft, OfferedOption, Pending, State, Step


@dataclass
class Turn:
    """The state, the business and backend, the clock and texts, the message, and the replies being built."""

    state: State
    business: Business
    backend: BookingBackend
    clock: Clock
    texts: Texts
    msg: Inbound
    out: list[Reply] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # said in front of the next reply
    consumed_hold: str | None = None  # a slot hold the booking took over (not to be let go)
    booking_link: str = ""  # where new bookings are made when the booking system takes none from the chat
    questions: dict[str, dict[str, str]] = field(default_factory=dict)  # qualification questions by key, per language
    team_reachable: bool = False  # an operator channel passes a handoff on to the business's team
    email_confirmations: bool = False  # a booking's changes are confirmed by email to the address given
    reminders: tuple[timedelta, ...] = ()  # how long before each booking a reminder is sent (none: no reminders)
    reminders_in_window: frozenset[str] = frozenset()  # channels that reach a customer only within 24 hours of their last message
    listed: tuple[str, ...] = ()  # the bookings listed just before this message, in order ("the second one")
    just_cancelled: tuple[str, str] | None = None  # the service and staff cancelled just before this message
    just_cancelled_at: datetime | None = None  # and when it was to start
    refused_move: str | None = None  # the booking a move of was refused just before this message
    asked_day: date | None = None  # the day whose opening hours were asked just before this message
    declined: tuple[Pending, Draft] | None = None  # the booking declined just before this message, and its draft
    # when the reminders still to come for a booking go out, as the scheduler plans them (None: not known here)
    upcoming_reminders: Callable[[Booking, datetime], list[datetime]] | None = None

    # --- saying things ------------------------------------------------------------------------

    @property
    def lang(self) -> str:
        return self.state.lang or "en"

    def t(self, key: str, **values: object) -> str:
        return self.texts(self.lang, key, business=self.business.name, **values)

    def say(self, *parts: str, options: Sequence[Option] = (), attachments: Sequence[Attachment] = ()) -> None:
        """Queue one reply (noted lines, then parts, joined by newlines); its options become the offer on the table."""
        text = "\n".join(p for p in (*self.lines, *parts) if p)
        self.lines = []
        offer = uuid.uuid4().hex[:10] if options else None
        self.state.offer_id = offer
        self.state.options = [OfferedOption(label=o.label, value=o.value) for o in options]
        self.out.append(Reply(text=text, options=tuple(options), offer=offer, attachments=tuple(attachments)))

    def ask(self, step: Step, *parts: str, options: Sequence[Option] = ()) -> None:
        """Put a question on the table: the step it is, and the reply that asks it."""
        self.state.step = step
        self.say(*parts, options=options)

    def end(self, *parts: str, attachments: Sequence[Attachment] = (), options: Sequence[Option] = ()) -> None:
        """Finish the flow under way and say so (with `options`: what may come next); the name, email and language
        stay."""
        self.state.clear_flow()
        self.say(*parts, options=options, attachments=attachments)

    def note(self, text: str) -> None:
        """Text that goes in front of the next reply."""
        self.lines.append(text)

    def aside(self, text: str) -> None:
        """A reply beside the question on the table, which stays as it was: its options and buttons still count."""
        text = "\n".join(p for p in (*self.lines, text) if p)
        self.lines = []
        self.out.append(Reply(text=text))

    def repeat_options(self, text: str) -> None:
        """Say `text` with the options already on the table, under the same offer (buttons on screen still work)."""
        options = tuple(Option(o.label, o.value) for o in self.state.options)
        text = "\n".join(p for p in (*self.lines, text) if p)
        self.lines = []
        self.out.append(Reply(text=text, options=options, offer=self.state.offer_id if options else None))
        if not options:
            self.state.offer_id = None

    def yes_no(self) -> list[Option]:
        return [YesChoice().option(self.t("yes")), NoChoice().option(self.t("no"))]

    # --- time and names -------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.business.tz)

    @property
    def formats(self) -> Formats:
        """How this customer's language writes dates, times, durations and lists (the business's locale)."""
        return self.texts.formats(self.lang)

    def when(self, moment: datetime) -> str:
        return self.formats.when(self.local(moment))

    def service_name(self, service_id: str | None) -> str:
        if not service_id:
            return ""
        try:
            return self.business.service(service_id).display(self.lang)
        except KeyError:
            return service_id

    def staff_name(self, staff_id: str | None) -> str:
        """The staff member's name; "" for a slot the booking system assigns to whoever is free."""
        if staff_id == "":
            return self.t("whoever_is_free")
        if not staff_id:
            return ""
        try:
            return self.business.person(staff_id).name
        except KeyError:
            return staff_id

    def contact(self) -> Contact:
        """The customer as the backend knows them: this chat, with the name and email given (for a booking made for
        someone else, that person's name)."""
        return replace(self.customer(), name=self.booking_name)

    def customer(self) -> Contact:
        """The customer as the backend knows them, with their own name: whose bookings are looked up."""
        return Contact(ref=self.msg.key, name=self.state.name, email=self.state.email)

    @property
    def booking_name(self) -> str | None:
        """The name the booking under way goes under: the person it is for, else the customer's own."""
        return self.state.draft.guest or self.state.name
