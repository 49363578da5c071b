"""The `booking-bot parse` contract: JSON lines in, one JSON line out per input, in order.

Every input line gets exactly one output line, also a broken one (it carries an `error`), so a
caller can zip inputs and outputs. Output is flushed line by line for interactive pipes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from datetime import datetime
from typing import IO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import read
from .types import Context, Offer, Reading, Vocabulary

_EMPTY = {"intent": "other", "service": None, "staff": None, "date": None, "time": None, "start": None, "end": None}
_ZONES: dict[str, ZoneInfo] = {}
_EXPECTING = ("service", "when", "staff", "name", "email", "confirm", "choice")
_CONTEXT_KEYS = {"expecting", "offers", "anchor"}
_OFFER_KEYS = {"label", "start", "staff"}
Reader = Callable[[str, Context], Reading]  # the rules, or the LLM reader the settings name


class InputError(ValueError):
    """A line that does not follow the input contract; the message says what is wrong."""


def _zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise InputError("tz must be an IANA zone name")
    zone = _ZONES.get(name)
    if zone is None:
        try:
            zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise InputError(f"unknown tz {name!r}") from None
        _ZONES[name] = zone
    return zone


def _now(value: object, zone: ZoneInfo) -> datetime:
    if not isinstance(value, str):
        raise InputError("now must be a string YYYY-MM-DDTHH:MM:SS")
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"bad now {value!r}") from None
    if naive.tzinfo is not None:
        return naive.astimezone(zone)
    return naive.replace(tzinfo=zone)


def _moment(value: object, zone: ZoneInfo, what: str) -> datetime:
    """An ISO date-time of the context (local wall time in `zone` unless it names its offset)."""
    if not isinstance(value, str):
        raise InputError(f"{what} must be an ISO date-time string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"bad {what} {value!r}") from None
    return moment.astimezone(zone) if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _context(value: object, now: datetime, lang: str | None, vocabulary: Vocabulary, zone: ZoneInfo) -> Context:
    """The optional `context` object: what the bot just asked, the options it offered, the time being changed."""
    if value is None:
        return Context(now=now, lang=lang, vocabulary=vocabulary)
    if not isinstance(value, dict):
        raise InputError("context must be an object")
    unknown = set(value) - _CONTEXT_KEYS
    if unknown:
        raise InputError(f"unknown context key {sorted(unknown)[0]!r} (allowed: expecting, offers, anchor)")
    expecting = value.get("expecting")
    if expecting is not None and expecting not in _EXPECTING:
        raise InputError(f"context.expecting must be one of {', '.join(_EXPECTING)}")
    offers = value.get("offers") or []
    if not isinstance(offers, list):
        raise InputError("context.offers must be a list")
    anchor = value.get("anchor")
    return Context(now=now, lang=lang, vocabulary=vocabulary, expecting=expecting,
                   offers=tuple(_offer(o, i, zone) for i, o in enumerate(offers, 1)),
                   anchor=_moment(anchor, zone, "context.anchor") if anchor is not None else None)


def _offer(value: object, number: int, zone: ZoneInfo) -> Offer:
    what = f"context.offers[{number}]"
    if not isinstance(value, dict):
        raise InputError(f"{what} must be an object")
    unknown = set(value) - _OFFER_KEYS
    if unknown:
        raise InputError(f"unknown key {sorted(unknown)[0]!r} in {what} (allowed: label, start, staff)")
    label, start, staff = value.get("label"), value.get("start"), value.get("staff")
    if not isinstance(label, str) or not label:
        raise InputError(f"{what}.label must be a non-empty string")
    if staff is not None and not isinstance(staff, str):
        raise InputError(f"{what}.staff must be a string")
    return Offer(label=label, start=_moment(start, zone, f"{what}.start") if start is not None else None, staff=staff)


def reading_json(case_id: object, r: Reading) -> dict:
    """The contract's output object for one reading."""
    out = {
        "id": case_id,
        "intent": "other" if r.intent == "info" else r.intent,  # the contract's intents; `topic` says which question
        "service": r.service_text,
        "staff": r.staff_text,
        "date": r.date.isoformat() if r.date else None,
        "time": r.time.strftime("%H:%M") if r.time else None,
        "start": r.start.isoformat(timespec="seconds") if r.start else None,
        "end": r.end.isoformat(timespec="seconds") if r.end else None,
    }
    if r.intent == "info":
        out["topic"] = r.topic
    # what a reply means against its context: only when said
    extra = {"pick": r.pick, "shift_minutes": int(r.shift.total_seconds() // 60) if r.shift else None,
             "late_minutes": int(r.late_by.total_seconds() // 60) if r.late_by else None,
             "right_after": r.right_after, "right_before": r.right_before, "same_day": r.same_day, "attending": r.attending, "later": r.later, "their_name": r.their_name, "their_names": list(r.their_names) or None, "every": r.every, "other": r.other, "missed": r.missed,
             "swap_to": r.swap_to, "recurring": r.recurring, "every_days": r.every_days,
             "likewise": r.likewise,
             "same_time": r.same_time, "direction": r.direction, "correction": r.correction, "unclear": r.unclear,
             "earliest": r.earliest, "latest": r.latest, "services": list(r.services) if len(r.services) > 1 else None,
             "party": r.party, "for_others": r.for_others, "same_again": r.same_again, "same_staff": r.same_staff, "daily": daily_text(r.daily),
             "not_days": [_WEEKDAY_NAMES[d] for d in r.not_days], "also": [also_text(day, at) for day, at in r.also],
             "of_day": r.of_day.isoformat() if r.of_day else None, "of_hours": daily_text(r.of_hours),
             "then": [{"service": service, "staff": staff, "date": day.isoformat() if day else None,
                       "time": at.strftime("%H:%M") if at else None} for service, staff, day, at in r.then]}
    out.update((k, v) for k, v in extra.items() if v)
    return out


_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def also_text(day: dt.date, at: dt.time | None) -> str:
    """ "2026-12-18 10:00", "2026-12-18": one more day said for an appointment of its own, and its time."""
    return f"{day.isoformat()} {at.strftime('%H:%M')}" if at else day.isoformat()


def daily_text(daily: tuple[dt.time, dt.time] | None) -> str | None:
    """ "08:00-12:00", "16:00-24:00": the hours of each day a period is narrowed to."""
    if daily is None:
        return None
    until = "24:00" if daily[1] == dt.time.max else daily[1].strftime("%H:%M")
    return f"{daily[0].strftime('%H:%M')}-{until}"


def parse_line(line: str, vocabulary: Vocabulary, default_tz: str | None = None, reader: Reader = read) -> dict:
    """One input line -> one output object (with `error` when the line breaks the contract)."""
    case_id = None
    try:
        try:
            obj = json.loads(line)
        except ValueError:
            raise InputError("line is not JSON") from None
        if not isinstance(obj, dict):
            raise InputError("line is not a JSON object")
        case_id = obj.get("id")
        text = obj.get("text")
        if not isinstance(text, str):
            raise InputError("text is missing or not a string")
        tz_name = obj.get("tz") or default_tz
        zone = _zone(tz_name)
        if obj.get("now") is None:
            raise InputError("now is missing")  # never the machine clock: results must be reproducible
        now = _now(obj["now"], zone)
        lang = obj.get("lang")
        if lang not in ("en", "de"):
            lang = None
        context = _context(obj.get("context"), now, lang, vocabulary, zone)
        return reading_json(case_id, reader(text, context))
    except InputError as exc:
        return {"id": case_id, **_EMPTY, "error": str(exc)}


def run_jsonl(stdin: IO[str], stdout: IO[str], vocabulary: Vocabulary | None = None,
              default_tz: str | None = None, reader: Reader = read) -> int:
    """Read JSON lines from `stdin`, write one JSON line per non-blank input line. Returns 0."""
    vocabulary = vocabulary or Vocabulary()
    dumps = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps(..., ensure_ascii=False) builds per call
    for line in stdin:
        if not line.strip():
            continue
        stdout.write(dumps(parse_line(line, vocabulary, default_tz, reader)) + "\n")
        stdout.flush()
    return 0


def run_text(text: str, now: str | None = None, tz: str = "UTC", lang: str | None = None,
             vocabulary: Vocabulary | None = None, reader: Reader = read) -> str:
    """A readable account of how one message is read, for operators trying phrasings."""
    vocabulary = vocabulary or Vocabulary()
    try:
        zone = _zone(tz)
        moment = _now(now, zone) if now else datetime.now(zone)
    except InputError as exc:
        return f"error: {exc}"
    r = reader(text, Context(now=moment, lang=lang, vocabulary=vocabulary))
    rows = [
        ("text", text), ("now", moment.isoformat(timespec="minutes")), ("intent", r.intent), ("topic", r.topic),
        ("lang", r.lang),
        ("service", f"{r.service} ({r.service_text!r})" if r.service else r.service_text),
        ("staff", f"{r.staff} ({r.staff_text!r})" if r.staff else r.staff_text),
        ("any staff", "yes" if r.any_staff else None),
        ("services", ", ".join(r.services) if len(r.services) > 1 else None),
        ("party", str(r.party) if r.party else None),
        ("date", r.date.strftime("%Y-%m-%d (%A)") if r.date else None),
        ("time", r.time.strftime("%H:%M") if r.time else None),
        ("from", r.start.isoformat(timespec="minutes") if r.start else None),
        ("until", r.end.isoformat(timespec="minutes") if r.end else None),
        ("each day", daily_text(r.daily)),
        ("not on", ", ".join(_WEEKDAY_NAMES[d] for d in r.not_days) or None),
        ("also", "; ".join(also_text(day, at) for day, at in r.also) or None),
        ("name", r.name), ("email", r.email), ("phone", r.phone),
        ("number", str(r.number) if r.number is not None else None),
        ("shift", f"{int(r.shift.total_seconds() // 60):+d} min" if r.shift else None),
        ("late by", f"{int(r.late_by.total_seconds() // 60)} min" if r.late_by else None),
        ("right after", "yes (when their booking ends)" if r.right_after else None),
        ("right before", "yes (ending when their booking starts)" if r.right_before else None),
        ("latest", "yes (the last free times)" if r.latest else None),
        ("of day", f"{r.of_day} (the booking meant)" if r.of_day else None),
        ("of hours", f"{daily_text(r.of_hours)} (the booking meant)" if r.of_hours else None),
        ("then", "; ".join(" ".join(str(x) for x in (service, staff, day, at) if x) for service, staff, day, at in r.then)
         or None),
        ("same day", "yes (as their booking)" if r.same_day else None),
        ("attending", "yes (they will come)" if r.attending else None),
        ("later", "yes (the decision put off)" if r.later else None),
        ("their name", f"{r.their_name} (someone else's)" if r.their_name else None),
        ("their names", f"{', '.join(r.their_names)} (others')" if r.their_names else None),
        ("every", "yes (all of them)" if r.every else None),
        ("for others", f"{r.for_others} (not the customer)" if r.for_others else None),
        ("same again", "yes (the service just booked)" if r.same_again else None),
        ("same person", "yes (as their last visit)" if r.same_staff else None),
        ("swap to", r.swap_to),
        ("recurring", "yes (a series: booked one at a time)" if r.recurring else None),
        ("every", f"{r.every_days} days" if r.every_days else None),
        ("missed", "yes (missed their appointment: a new time)" if r.missed else None),
        ("other", ("yes (not the one just talked about; the same change again)" if r.likewise
                   else "yes (not the one just talked about)") if r.other else None),
        ("same time", "yes" if r.same_time else None),
        ("direction", {-1: "earlier", 1: "later"}.get(r.direction)),
        ("earliest", "yes" if r.earliest else None),
        ("unclear", r.unclear),
        ("read by", r.source),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows if v is not None)
