"""What `booking-bot parse` needs before it reads: the reader the settings name, and the business's
time zone and words, taken straight from the environment, `.env` and the TOML.

Validating every setting and the whole business file with pydantic costs more than the rules
reader's own start-up, and `parse` uses two settings and a few fields. Whatever this plain reading
does not fully understand raises `NeedsFullLoad`: the caller then loads everything the way the bot
does, which reads it, or names the problem.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import time
from importlib.util import find_spec
from pathlib import Path
from zoneinfo import ZoneInfo

from intents import Vocabulary

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ID = re.compile(r"[a-z0-9_-]+")
_SPAN = re.compile(r"\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*")


class NeedsFullLoad(Exception):
    """A setting or a part of the business file that only the full loaders read (or explain)."""


def raw_setting(name: str) -> str | None:
    """One setting as `Settings` finds it: the environment first, then `.env`; names in any case."""
    environ = {key.lower(): value for key, value in os.environ.items()}
    if name in environ:
        return environ[name]
    env_file = Path(".env")
    if not (env_file.is_file() or env_file.is_fifo()):
        return None
    from dotenv import dotenv_values  # what pydantic-settings reads `.env` with

    return {key.lower(): value for key, value in dotenv_values(env_file, encoding="utf-8").items()}.get(name)


def reads_with_rules() -> bool:
    """INTENT_EXTRACTOR asks for the offline rules (the default)."""
    value = raw_setting("intent_extractor")
    return value is None or value.strip().lower() == "rules"


def business_words(path: str) -> tuple[str, Vocabulary]:
    """The business file's time zone and its words as the extractor's vocabulary (as `business_vocabulary`)."""
    try:
        data = tomllib.loads(_business_text(path))
        zone = _text(data["timezone"])
        ZoneInfo(zone)
        services = _tables(data["services"])
        staff = _tables(data["staff"])
        vocabulary = Vocabulary(
            services=_service_names(services),
            staff=_staff_names(staff, services),
            opening_hours=_opening_range(data["hours"]),
            faq=_faq_words(_tables(data.get("faq", []), may_be_empty=True)),
        )
    except NeedsFullLoad:
        raise
    except Exception:  # a missing key, an unreadable file or zone: the full loader names it
        raise NeedsFullLoad() from None
    return zone, vocabulary


def _business_text(path: str) -> str:
    if path == "":
        package = find_spec("booking_client")  # located, not imported
        if package is None or not package.submodule_search_locations:
            raise NeedsFullLoad()
        return (Path(package.submodule_search_locations[0]) / "data" / "demo_business.toml").read_text("utf-8")
    return Path(path).read_text("utf-8")


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise NeedsFullLoad()
    return value


def _texts(value: object) -> list[str]:
    if not isinstance(value, list):
        raise NeedsFullLoad()
    return [_text(item) for item in value]


def _tables(value: object, may_be_empty: bool = False) -> list[dict]:
    if not isinstance(value, list) or not (value or may_be_empty) or not all(isinstance(t, dict) for t in value):
        raise NeedsFullLoad()
    return value


def _ids(tables: list[dict]) -> list[str]:
    ids = [_text(t["id"]) for t in tables]
    if len(set(ids)) != len(ids) or not all(_ID.fullmatch(i) for i in ids):
        raise NeedsFullLoad()
    return ids


def _service_names(services: list[dict]) -> dict[str, list[str]]:
    """Every name and synonym of each service, in every language (`Service.all_names`)."""
    names: dict[str, list[str]] = {}
    for service_id, service in zip(_ids(services), services):
        if not isinstance(service["name"], dict) or not isinstance(service.get("synonyms", {}), dict):
            raise NeedsFullLoad()
        names[service_id] = [_text(n) for n in service["name"].values()]
        for words in service.get("synonyms", {}).values():
            names[service_id].extend(_texts(words))
    return names


def _staff_names(staff: list[dict], services: list[dict]) -> dict[str, list[str]]:
    offered = {s["id"] for s in services}
    if not all(set(_texts(person["services"])) <= offered for person in staff):
        raise NeedsFullLoad()
    return {person_id: [_text(person["name"]), *_texts(person.get("aliases", []))]
            for person_id, person in zip(_ids(staff), staff)}


def _opening_range(hours: object) -> tuple[int, int]:
    """Earliest opening hour and latest closing hour over the week (`Business.opening_range`)."""
    if not isinstance(hours, dict) or not set(hours) <= set(WEEKDAYS):
        raise NeedsFullLoad()
    spans = [_span(text) for day in WEEKDAYS for text in _texts(hours.get(day, []))]
    if not spans:
        return 9, 18
    return min(s.hour for s, _ in spans), max(e.hour + (1 if e.minute else 0) for _, e in spans)


def _span(text: str) -> tuple[time, time]:
    if not _SPAN.fullmatch(text):
        raise NeedsFullLoad()
    start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    if end <= start:
        raise NeedsFullLoad()
    return start, end


def _faq_words(faq: list[dict]) -> dict[str, tuple[str, ...]]:
    """The words pointing to each question, per language, a missing language falling back to the other."""
    keywords = [entry.get("keywords", {}) for entry in faq]
    if not all(isinstance(k, dict) and set(k) <= {"en", "de"} for k in keywords):
        raise NeedsFullLoad()

    def words(entry: dict, lang: str) -> list[str]:
        value = entry.get(lang) or entry.get("en") or entry.get("de") or []
        return [value] if isinstance(value, str) else _texts(value)

    return {lang: tuple(w for entry in keywords for w in words(entry, lang)) for lang in ("en", "de")}
