"""What the extractor reads from one message, and what it is told to read it against."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
import datetime as dt
from datetime import datetime
from typing import Literal, get_args

Intent = Literal[
    "book", "cancel", "reschedule", "list", "availability", "affirm", "deny",
    "greet", "thanks", "bye", "help", "handoff", "info", "other",
]
INTENTS: tuple[str, ...] = get_args(Intent)
# What an `info` question asks about the business ("how much is a haircut?" -> prices).
Topic = Literal[
    "prices", "hours", "address", "phone", "parking", "payment", "cancellation_policy", "services", "faq", "reminders", "late",
    "late_policy", "staff", "assistant", "confirmation", "arrived", "note", "waitlist",
]
TOPICS: tuple[str, ...] = get_args(Topic)


@dataclass(frozen=True)
class Vocabulary:
    """The business's words: canonical id -> every name and synonym (any language)."""

    services: Mapping[str, Sequence[str]] = field(default_factory=dict)
    staff: Mapping[str, Sequence[str]] = field(default_factory=dict)
    opening_hours: tuple[int, int] | None = None  # earliest opening, latest closing hour; for "at 2" -> 14:00
    faq: Mapping[str, Sequence[str]] = field(default_factory=dict)  # per language: words pointing to the business's own Q&A


@dataclass(frozen=True)
class Offer:
    """One option the bot offered: its label, and the time and staff member it stands for (when it is a time)."""

    label: str
    start: datetime | None = None  # aware
    staff: str | None = None


@dataclass(frozen=True)
class Context:
    """Everything a reading depends on besides the text. `now` is aware, in the zone to resolve in."""

    now: datetime
    lang: str | None = None  # "en" | "de"; None: detect from the text
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    expecting: str | None = None  # what the dialogue just asked for: "service", "when", "staff", "name", "email", "confirm", "choice"
    offered: tuple[str, ...] = ()  # the labels of the options the bot just offered, numbered from 1
    recent: tuple[tuple[str, str], ...] = ()  # this conversation's last lines: ("customer" | "bot", text), oldest first
    offers: tuple[Offer, ...] = ()  # the options the bot just offered, with their times and staff (numbered from 1)
    anchor: datetime | None = None  # the time being changed: the booking being moved, or the time being confirmed

    @property
    def asks_another_thing(self) -> bool:
        """Whether the bot asked about something other than who (a time, an option, a yes, the service):
        a bare name said then is more likely the customer's own than a staff member's."""
        return self.expecting in ("choice", "when", "confirm", "service")

    def __post_init__(self) -> None:
        # `offered` (labels) and `offers` describe the same options: either one gives the other
        if self.offers and not self.offered:
            object.__setattr__(self, "offered", tuple(o.label for o in self.offers))
        elif self.offered and not self.offers:
            object.__setattr__(self, "offers", tuple(Offer(label) for label in self.offered))


@dataclass(frozen=True)
class Reading:
    """A structured reading of one message. Dates and times are local to `Context.now`'s zone."""

    intent: Intent
    lang: str
    service: str | None = None  # canonical service id from the vocabulary
    service_text: str | None = None  # the words the user wrote for it
    staff: str | None = None  # canonical staff id from the vocabulary
    staff_text: str | None = None  # the name as written (may be unknown to the vocabulary)
    any_staff: bool = False  # "anyone", "egal wer"
    services: tuple[str, ...] = ()  # every service named, in order ("haircut and beard trim"); `service` is the first
    party: int | None = None  # how many people the booking is for, when said ("me and my son": 2)
    for_others: int = 0  # how many of them are others, without the customer ("a haircut for my husband": 1)
    same_again: bool = False  # "the same for my husband", "dasselbe nochmal": the service just booked, once more
    same_staff: bool = False  # "with the same person as last time", "bei derselben wie letztes Mal": who did their last
    date: dt.date | None = None
    time: dt.time | None = None
    start: datetime | None = None  # a period the user asked about (aware)
    end: datetime | None = None
    daily: tuple[dt.time, dt.time] | None = None  # within the period, each day only from..before these local times
    not_days: tuple[int, ...] = ()  # weekdays ruled out within the period ("any day but Monday"), 0 is Monday
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    number: int | None = None  # a bare number, e.g. picking option 2
    topic: Topic | None = None  # for `info`: what the customer asks about the business
    source: str | None = None  # who read it when not the rules alone: "llm", "rules (llm fallback: timeout)"
    raw: str | None = None  # the language model's raw output, for the console's /debug
    # replies read against the context ("the 2nd one", "an hour later", "make it 3")
    pick: int | None = None  # the offered option (1-based, `Context.offers`) picked by position, time, day or staff
    shift: dt.timedelta | None = None  # "an hour later" (+), "15 Minuten früher" (-)
    late_by: dt.timedelta | None = None  # topic "late": how late the customer will be ("10 minutes late")
    same_time: bool = False  # "same time on Thursday", "gleiche Uhrzeit"
    direction: int = 0  # -1 "anything earlier?", +1 "something later?" (no amount said)
    correction: bool = False  # changes one part of what is on the table: "make it 3", "not Wednesday, Thursday"
    unclear: str | None = None  # a day word that could not be read ("thuesday"), not replaced by any day
    earliest: bool = False  # "whatever's the earliest you have", "right now", "so früh wie möglich"
    latest: bool = False  # "what's the latest you have?", "so spät wie möglich": the last free times of the day(s)
    right_after: bool = False  # "a beard trim right after (my haircut)", "direkt im Anschluss": when their booking ends
    right_before: bool = False  # "a haircut right before (it)", "direkt davor": ending when their booking starts
    same_day: bool = False  # "the same day", "am selben Tag": the day of their booking (the one just made, else next)
    attending: bool = False  # "I'll be there", "ich komme": the customer will come to their booking
    every: bool = False  # "cancel all my appointments", "both", "beide": every one of them, not one
    recurring: bool = False  # "every 4 weeks", "alle vier Wochen": a series, which is booked one at a time
    swap_to: str | None = None  # "change my haircut to a beard trim": the service a booking of theirs is to become
    missed: bool = False  # "sorry, I missed my appointment": a new time is wanted, not the day missed
    other: bool = False  # "the other one", "den anderen": not the booking just booked, moved or talked about
    likewise: bool = False  # with `other`: "too", "auch": the same change again ("move the other one too")
    # more appointments on other days, said with the first ("Monday and Wednesday at 3"): each day and its time
    also: tuple[tuple[dt.date, dt.time | None], ...] = ()
    # "a beard trim with Tom tomorrow at 9 and a haircut with Sarah on Saturday at 11": the further bookings, each of a
    # service of its own, (service, staff, date, time), booked one after another after the first
    then: tuple[tuple[str, str | None, dt.date | None, dt.time | None], ...] = ()
    of_day: dt.date | None = None  # "move my Saturday appointment to 12": the day of the booking meant, not its new one
    # "move the afternoon one to Friday", "cancel the 3pm one": the local hours the booking meant starts within
    # (from, until, both included), not its new time
    of_hours: tuple[dt.time, dt.time] | None = None
    # "I didn't mean to cancel that", "aus Versehen abgesagt", "undo that": a cancellation just made, taken back
    undo: bool = False
    # "let me think about it", "I'll let you know tomorrow", "ich melde mich nochmal": the decision put off; nothing
    # else in the message is acted on (the day in it is when they will say)
    later: bool = False
    every_days: int | None = None  # with `recurring`: the days between appointments ("every 4 weeks": 28), if said
    # "her name is Emma", "meine Tochter heißt Lea", "for me and my daughter Emma": the name of the one other person
    # spoken of, not the customer's own
    their_name: str | None = None
    their_names: tuple[str, ...] = ()  # "their names are Max and Leo", "sie heißen Max und Leo": two or more others'

    @property
    def has_when(self) -> bool:
        return self.date is not None or self.time is not None or self.start is not None

    @property
    def others_named(self) -> tuple[str, ...]:
        """The names of the others spoken of, one or several ("her name is Emma", "their names are Max and Leo")."""
        return self.their_names or ((self.their_name,) if self.their_name else ())
