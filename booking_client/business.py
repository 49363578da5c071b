"""The business file: services, staff, hours, closures and booking rules, from TOML.

Errors name the file, the line (for TOML syntax) or the setting (for values), so an
operator can fix them without reading code.
"""

from __future__ import annotations

import difflib
import tomllib
import typing
import datetime as dt
from datetime import date, datetime, time, timedelta
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.numbers import list_currencies
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class BusinessFileError(ValueError):
    """The business file cannot be used; the message says where and why."""


def _parse_span(text: str) -> tuple[time, time]:
    try:
        a, b = (part.strip() for part in text.split("-"))
        start, end = time.fromisoformat(a), time.fromisoformat(b)
    except ValueError:
        raise ValueError(f"{text!r} is not a span like '09:00-18:00'") from None
    if end <= start:
        raise ValueError(f"{text!r} ends before it starts")
    return start, end


Span = Annotated[str, Field(pattern=r"^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*$")]


class WeeklyHours(BaseModel):
    """Opening spans per weekday, e.g. mon = ["09:00-12:00", "13:00-18:00"]."""

    model_config = ConfigDict(extra="forbid")
    mon: list[Span] = []
    tue: list[Span] = []
    wed: list[Span] = []
    thu: list[Span] = []
    fri: list[Span] = []
    sat: list[Span] = []
    sun: list[Span] = []

    @field_validator(*WEEKDAYS)
    @classmethod
    def _check_spans(cls, spans: list[str]) -> list[str]:
        for span in spans:
            _parse_span(span)
        return spans

    def spans(self, weekday: int) -> list[tuple[time, time]]:
        """Opening spans for a weekday (Monday = 0), in order."""
        return sorted(_parse_span(s) for s in getattr(self, WEEKDAYS[weekday]))


class Closure(BaseModel):
    """A day or a range of days the whole business (or one staff member) is closed."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    day: dt.date | None = Field(default=None, alias="date")
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None
    reason: str | dict[str, str] = ""  # "Christmas Day", or per language: { en = "Christmas Day", de = "Weihnachten" }

    @model_validator(mode="after")
    def _one_form(self) -> Closure:
        if self.day is None and (self.from_ is None or self.to is None):
            raise ValueError("a closure needs either date, or both from and to")
        if self.from_ and self.to and self.to < self.from_:
            raise ValueError("a closure's 'to' is before its 'from'")
        return self

    def reason_in(self, lang: str) -> str:
        """The reason in a language (the English one, or any, where that language has none)."""
        if isinstance(self.reason, str):
            return self.reason
        return self.reason.get(lang) or self.reason.get("en") or next(iter(self.reason.values()), "")

    def covers(self, day: date) -> bool:
        if self.day is not None:
            return day == self.day
        return self.from_ <= day <= self.to  # type: ignore[operator]


# --- facts a front desk answers (address, prices, policies, questions and answers) -----------------


class Localized(BaseModel):
    """A text in English and German, e.g. { en = "...", de = "..." }; a missing language falls back to the other."""

    model_config = ConfigDict(extra="forbid")
    en: str | None = None
    de: str | None = None

    def get(self, lang: str) -> str | None:
        return getattr(self, lang, None) or self.en or self.de


class LocalizedList(BaseModel):
    """Short items per language, e.g. { en = ["cash", "card"], de = ["bar", "Karte"] } (a plain text works too)."""

    model_config = ConfigDict(extra="forbid")
    en: list[str] | str | None = None
    de: list[str] | str | None = None

    def get(self, lang: str) -> list[str]:
        value = getattr(self, lang, None) or self.en or self.de or []
        return [value] if isinstance(value, str) else list(value)


class Cancellation(BaseModel):
    """The cancellation policy: free until this many hours before the appointment (0 or None: any time); a booking
    made less than `grace_minutes` ago may still be changed or cancelled (a customer correcting what they just
    booked)."""

    model_config = ConfigDict(extra="forbid")
    free_until_hours: float | None = Field(default=24, ge=0, le=24 * 60)
    grace_minutes: float = Field(default=30, ge=0, le=24 * 60)
    note: Localized | None = None

    @property
    def grace(self) -> timedelta:
        return timedelta(minutes=self.grace_minutes)

    @property
    def deadline(self) -> timedelta | None:
        return None if self.free_until_hours is None else timedelta(hours=self.free_until_hours)


class Faq(BaseModel):
    """One extra question and its answer; `keywords` are words that point to it, per language."""

    model_config = ConfigDict(extra="forbid")
    question: Localized
    answer: Localized
    keywords: LocalizedList = LocalizedList()


class HandoffPolicy(BaseModel):
    """A customer's request to talk to a person: when an open one closes by itself, and what they are told."""

    model_config = ConfigDict(extra="forbid")
    timeout_hours: float = Field(default=24, gt=0, le=24 * 30)
    note: Localized | None = None  # e.g. "We answer within two hours during opening times."

    @property
    def timeout(self) -> timedelta:
        return timedelta(hours=self.timeout_hours)


class Service(BaseModel):
    """Something a customer can book."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: dict[str, str]
    duration_minutes: int = Field(gt=0, le=24 * 60)
    buffer_after_minutes: int = Field(default=0, ge=0, le=24 * 60)
    synonyms: dict[str, list[str]] = {}
    price: float | None = Field(default=None, ge=0)  # in the business's currency
    price_from: bool = False  # the price is a starting price ("from 80 EUR")

    def display(self, lang: str) -> str:
        return self.name.get(lang) or self.name.get("en") or next(iter(self.name.values()))

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer_after(self) -> timedelta:
        return timedelta(minutes=self.buffer_after_minutes)

    def all_names(self) -> list[str]:
        """Every name and synonym, in every language."""
        names = list(self.name.values())
        for words in self.synonyms.values():
            names.extend(words)
        return names


class Staff(BaseModel):
    """A person who serves customers; hours default to the business's."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: str
    services: list[str]
    hours: WeeklyHours | None = None
    days_off: list[Closure] = []
    aliases: list[str] = []


class CalcomMapping(BaseModel):
    """Which Cal.com event type books each service, and which Cal.com user each staff member is
    (`[calcom]` in the business file; the CALCOM_EVENT_TYPES and CALCOM_STAFF settings win)."""

    model_config = ConfigDict(extra="forbid")
    event_types: dict[str, int] = {}  # service id or name -> event type id
    staff: dict[str, str] = {}  # staff id or name -> Cal.com username


class Business(BaseModel):
    """Everything the bot and the embedded engine need to know about the business."""

    model_config = ConfigDict(extra="forbid")
    name: str
    timezone: str
    languages: list[str] = ["en", "de"]
    # The locale each language is written in (dates, times, lists): { en = "en_US", de = "de_AT" };
    # without one, English is en_GB and German de_DE.
    locales: dict[str, str] = {}
    min_notice_minutes: int = Field(default=60, ge=0)
    horizon_days: int = Field(default=60, gt=0, le=730)
    slot_step_minutes: int = Field(default=15, gt=0, le=24 * 60)
    hours: WeeklyHours
    closures: list[Closure] = []
    calcom: CalcomMapping = CalcomMapping()
    # Qualification questions a booking system may ask before it takes a booking (Relentify's links):
    # [questions.first_visit] en = "Is this your first visit?"  de = "Ist das Ihr erster Besuch?"
    questions: dict[str, dict[str, str]] = {}
    services: list[Service]
    staff: list[Staff]
    texts: dict[str, dict[str, str]] = {}
    # Facts the bot answers questions with; a fact that is missing is never made up.
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    currency: str = "EUR"  # ISO 4217 code of the services' prices
    description: Localized | None = None
    payment: LocalizedList | None = None
    parking: Localized | None = None
    directions: Localized | None = None
    cancellation: Cancellation = Cancellation()
    faq: list[Faq] = []
    handoff: HandoffPolicy = HandoffPolicy()

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if value not in list_currencies():
            raise ValueError(f"{value!r} is not an ISO 4217 currency code such as 'EUR'")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone such as 'Europe/Berlin'") from None
        return value

    @field_validator("locales")
    @classmethod
    def _known_locales(cls, value: dict[str, str]) -> dict[str, str]:
        for lang, name in value.items():
            try:
                locale = Locale.parse(name)
            except (ValueError, TypeError, UnknownLocaleError):
                raise ValueError(f"{lang} = {name!r} is not a locale such as 'en_US' or 'de_AT'") from None
            if locale.language != lang:
                raise ValueError(f"{lang} = {name!r} is not a locale of the language {lang!r}") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Business:
        if not self.services:
            raise ValueError("at least one service is needed")
        if not self.staff:
            raise ValueError("at least one staff member is needed")
        ids = {s.id for s in self.services}
        if len(ids) != len(self.services):
            raise ValueError("service ids must be unique")
        if len({s.id for s in self.staff}) != len(self.staff):
            raise ValueError("staff ids must be unique")
        for person in self.staff:
            unknown = set(person.services) - ids
            if unknown:
                raise ValueError(f"staff {person.id!r} offers unknown service(s) {sorted(unknown)}")
        return self

    # --- lookups ---------------------------------------------------------------

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def min_notice(self) -> timedelta:
        return timedelta(minutes=self.min_notice_minutes)

    @property
    def horizon(self) -> timedelta:
        return timedelta(days=self.horizon_days)

    @property
    def slot_step(self) -> timedelta:
        return timedelta(minutes=self.slot_step_minutes)

    def service(self, service_id: str) -> Service:
        for s in self.services:
            if s.id == service_id:
                return s
        raise KeyError(service_id)

    def person(self, staff_id: str) -> Staff:
        for s in self.staff:
            if s.id == staff_id:
                return s
        raise KeyError(staff_id)

    def staff_for(self, service_id: str) -> list[Staff]:
        return [s for s in self.staff if service_id in s.services]

    def hours_for(self, staff_id: str) -> WeeklyHours:
        return self.person(staff_id).hours or self.hours

    def closed_on(self, day: date) -> Closure | None:
        return next((c for c in self.closures if c.covers(day)), None)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def opening_range(self) -> tuple[int, int]:
        """Earliest opening hour and latest closing hour over the week (for am/pm guesses)."""
        spans = [span for day in range(7) for span in self.hours.spans(day)]
        if not spans:
            return 9, 18
        return min(s.hour for s, _ in spans), max(e.hour + (1 if e.minute else 0) for _, e in spans)


def _format_validation(err: ValidationError, source: str) -> str:
    lines = []
    for problem in err.errors():
        where = ".".join(str(p) for p in problem["loc"]) or "(top level)"
        message = str(problem["msg"]).removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = _unknown_key(problem["loc"])
        lines.append(f"{source}: setting '{where}': {message}")
    return "\n".join(lines)


def _unknown_key(loc: tuple) -> str:
    """'is not a key of the business file (did you mean …?)', with the keys allowed in that place."""
    known = _keys_at(Business, loc[:-1])
    close = difflib.get_close_matches(str(loc[-1]), known, n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"known here: {', '.join(known)}" if known else ""
    return "is not a key of the business file" + (f" ({hint})" if hint else "")


def _keys_at(model: type[BaseModel], path: tuple) -> list[str]:
    """The keys a business-file table at `path` may hold (following lists and tables of sub-tables)."""
    for part in path:
        if isinstance(part, int):
            continue
        field = next((f for name, f in model.model_fields.items() if part in (name, f.alias)), None)
        if field is None:
            return []
        inner = [t for t in (field.annotation, *typing.get_args(field.annotation)) if isinstance(t, type)
                 and issubclass(t, BaseModel)]
        if not inner:
            return []
        model = inner[0]
    return sorted(f.alias or name for name, f in model.model_fields.items())


def parse_business(text: str, source: str = "business file") -> Business:
    """Validate a business file's TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BusinessFileError(f"{source}: not valid TOML: {exc}") from None
    try:
        return Business.model_validate(data)
    except ValidationError as exc:
        raise BusinessFileError(_format_validation(exc, source)) from None


def load_business(path: str | Path | None = None) -> Business:
    """Load the business file at `path`, or the bundled demo business when None."""
    if path is None or str(path) == "":
        text = resources.files("booking_client.data").joinpath("demo_business.toml").read_text("utf-8")
        return parse_business(text, "bundled demo business")
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except FileNotFoundError:
        raise BusinessFileError(f"BUSINESS_FILE: no file at {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BusinessFileError(f"BUSINESS_FILE: cannot read {p}: {exc}") from None
    return parse_business(text, str(p))
