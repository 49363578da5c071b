"""Scripted conversations: `booking-bot test PATH...` runs YAML files and shows a diff on failure.

A file is one conversation:

    name: Book a haircut in English
    clock: 2026-11-23T09:00          # business time; moves only when a turn says so
    user: telegram:1001
    lang: en
    settings: {smtp_host: 127.0.0.1, smtp_from: salon@example.com}   # optional: settings by name
    turns:
      - user: book a haircut with Sarah tomorrow at 10
        intent: book                  # what the extractor read
        reply: [Sarah, "10:00"]       # each must appear in the bot's answer (case-insensitive)
        not_reply: [sorry]            # none of these may appear
        silent: true                  # no answer at all (while the team has the conversation)
        options: [Yes, No]            # labels (substrings), or a count
      - user: "yes"
        bookings:                     # every booking of the business afterwards, by start
          - {service: haircut, staff: sarah, start: "2026-11-24 10:00", status: confirmed}
      - press: 2                      # press button 2 of the last offer instead of typing
      - clock: +1d                    # move the clock; - as: whatsapp:+4915112345678 switches customer
      - do: booking_system_down       # something happens around the conversation (a hook the runner was given)
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import yaml

from booking_client import Booking, BookingBackend, Business, BusinessFileError, lists_all, load_business

from .clock import VirtualClock, parse_delta
from .conversation import Dialogue
from .messages import Inbound, Reply, parse_user
from .replies import check_overrides
from .settings import Settings

SCRIPT_KEYS = {"name", "clock", "user", "lang", "business", "settings", "turns"}
TURN_KEYS = {"clock", "do", "as", "user", "press", "bookings", "reply", "silent", "not_reply", "options", "intent"}


class Bot(Protocol):
    """What a script talks to: the dialogue, and the backend whose bookings it checks."""

    business: Business
    backend: BookingBackend
    dialogue: Dialogue

    async def aclose(self) -> None: ...


Build = Callable[..., Awaitable[Bot]]
"""build(settings, clock=..., business=...) -> a Bot; the composition root's `build_app`."""


@dataclass
class Result:
    path: Path
    name: str
    failures: list[str] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


class ScriptError(ValueError):
    """The YAML file itself is wrong; the message says where."""


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _render(replies: list[Reply]) -> str:
    lines = []
    for r in replies:
        lines.append(r.text)
        lines.extend(f"  {i}. {o.label}" for i, o in enumerate(r.options, 1))
    return "\n".join(lines)


def _booking_row(b: Booking, app: Bot) -> dict[str, str]:
    return {
        "service": b.service,
        "staff": b.staff,
        "start": b.start.astimezone(app.business.tz).strftime("%Y-%m-%d %H:%M"),
        "status": b.status.value,
        "user": b.contact.ref,
        "name": b.contact.name or "",
        "email": b.contact.email or "",
        "notes": b.notes or "",
    }


def _compare_bookings(expected: list[dict], actual: list[dict]) -> str | None:
    """None when every expected row matches a booking of its own (in any order: two bookings made at one time,
    a cancelled one and the one that replaced it, come in no order a customer would notice), and none is left."""
    left = list(actual)
    for exp in expected:
        found = next((i for i, row in enumerate(left) if all(str(row.get(k)) == str(v) for k, v in exp.items())), None)
        if found is None:
            break
        left.pop(found)
    else:
        found = 0
    if found is not None and not left and len(expected) == len(actual):
        return None
    fmt = lambda rows: "\n".join(f"    {r}" for r in rows) or "    (none)"
    return f"bookings differ\n  expected:\n{fmt(expected)}\n  actual:\n{fmt(actual)}"


Hook = Callable[[], Awaitable[None]]
"""Something that happens around the conversation (the booking system goes down, someone else books)."""


async def run_file(path: Path, build: Build, *, verbose: bool = False, hooks: dict[str, Hook] | None = None
                   ) -> Result:
    try:
        spec = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ScriptError(f"{path}: cannot read: {exc}") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("turns"), list):
        raise ScriptError(f"{path}: needs a mapping with a 'turns' list")
    unknown = sorted(set(spec) - SCRIPT_KEYS, key=str)
    if unknown:
        raise ScriptError(f"{path}: unknown key(s) {', '.join(map(str, unknown))}; a script may have "
                          f"{', '.join(sorted(SCRIPT_KEYS))}")
    result = Result(path, spec.get("name", path.stem))
    business = _business(path, spec)
    clock = VirtualClock()
    start = datetime.fromisoformat(str(spec.get("clock", "2026-11-23T09:00")))
    clock.set(start if start.tzinfo else start.replace(tzinfo=business.tz))
    channel, user = parse_user(str(spec.get("user", "telegram:1001")))
    lang = spec.get("lang")
    with tempfile.TemporaryDirectory(prefix="booking-bot-test-") as tmp:
        settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp}/test.db", _env_file=None,
                            **_settings(spec, path))
        await _blank_copy(Path(tmp) / "test.db", build, clock, business)
        app = await build(settings, clock=clock, business=business)
        try:
            last: list[Reply] = []
            for number, turn in enumerate(spec["turns"], 1):
                if not isinstance(turn, dict):
                    raise ScriptError(f"{path}: turn {number} must be a mapping")
                where = f"turn {number}"
                unknown = sorted(set(turn) - TURN_KEYS)
                if unknown:
                    raise ScriptError(f"{path}: {where}: unknown key(s) {', '.join(map(str, unknown))}; a turn may "
                                      f"have {', '.join(sorted(TURN_KEYS))}")
                if "clock" in turn:  # the clock moves first, then the customer speaks
                    value = str(turn["clock"])
                    if value.startswith("+"):
                        clock.advance(parse_delta(value))
                    else:
                        moment = datetime.fromisoformat(value)
                        clock.set(moment if moment.tzinfo else moment.replace(tzinfo=business.tz))
                if "do" in turn:
                    hook = (hooks or {}).get(str(turn["do"]))
                    if hook is None:
                        raise ScriptError(f"{path}: {where}: nothing known as {turn['do']!r} to do "
                                          f"(known: {', '.join(sorted(hooks or {})) or 'none'})")
                    await hook()
                if "as" in turn:
                    channel, user = parse_user(str(turn["as"]))
                if "user" in turn or "press" in turn:
                    if "press" in turn:
                        index = int(turn["press"]) - 1
                        offer = next((r for r in reversed(last) if r.options), None)
                        if offer is None or not 0 <= index < len(offer.options):
                            result.failures.append(f"{where}: no option {turn['press']} to press")
                            break
                        msg = Inbound(channel, user, choice=f"{offer.offer}:{index}", lang=lang)
                        said = f"[press {turn['press']}: {offer.options[index].label}]"
                    else:
                        text = "" if turn["user"] is None else str(turn["user"])
                        msg = Inbound(channel, user, text=text, lang=lang)
                        said = text
                    app.dialogue.last_reading = None
                    last = await app.dialogue.handle(msg)
                    answer = _render(last)
                    result.transcript.append(f"you: {said}\nbot: {answer}")
                    if verbose:
                        print(f"  you: {said}\n  bot: " + answer.replace("\n", "\n       "))
                    result.failures.extend(_check_turn(where, said, turn, last, answer, app))
                if "bookings" in turn:
                    listing = lists_all(app.backend)
                    if listing is None:
                        raise ScriptError(f"{path}: {where}: the {app.backend.name} backend cannot list every "
                                          "booking, so 'bookings' cannot be checked")
                    rows = [_booking_row(b, app) for b in await listing.list_all()]
                    problem = _compare_bookings(_as_list(turn["bookings"]), rows)
                    if problem:
                        result.failures.append(f"{where}: {problem}")
                if result.failures:
                    break
        finally:
            await app.aclose()
    return result


_blank: Path | bool = True  # True: not made yet; False: could not be made (each script then migrates its own)


async def _blank_copy(dest: Path, build: Build, clock: VirtualClock, business: Business) -> None:
    """Start `dest` as a copy of a database with every table and no rows, built once per process (with the
    default settings): migrating a new file for each of hundreds of scripts would be most of their time."""
    global _blank
    if _blank is True:
        folder = Path(tempfile.mkdtemp(prefix="booking-bot-blank-"))
        atexit.register(shutil.rmtree, folder, True)
        blank = folder / "blank.db"
        try:
            app = await build(Settings(database_url=f"sqlite+aiosqlite:///{blank}", _env_file=None),
                              clock=clock, business=business)
            await app.aclose()
        except Exception:  # the script's own build says what is wrong, if anything is
            _blank = False
        else:
            _blank = blank
    if _blank is False:
        return
    source, target = sqlite3.connect(_blank), sqlite3.connect(dest)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _business(path: Path, spec: dict) -> Business:
    """The script's business file (`business: salon.toml`, next to it), or the demo; its texts checked."""
    where = path.parent / spec["business"] if spec.get("business") else None
    try:
        business = load_business(where)
        check_overrides(business, str(where or "bundled demo business"))
    except BusinessFileError as exc:
        raise ScriptError(f"{path}: {exc}") from None
    return business


def _settings(spec: dict, path: Path) -> dict[str, Any]:
    """Settings the conversation runs with (`settings: {smtp_host: ..., smtp_from: ...}`), by name."""
    values = spec.get("settings") or {}
    if not isinstance(values, dict):
        raise ScriptError(f"{path}: 'settings' must be a mapping of setting names to values")
    unknown = sorted(k for k in values if str(k).lower() not in Settings.model_fields)
    if unknown:
        raise ScriptError(f"{path}: 'settings': unknown setting(s) {', '.join(map(str, unknown))}")
    return {str(k).lower(): v for k, v in values.items()}


def _check_turn(where: str, said: str, turn: dict, last: list[Reply], answer: str, app: Bot) -> list[str]:
    problems = []
    low = answer.casefold()
    for want in _as_list(turn.get("reply")):
        if str(want).casefold() not in low:
            problems.append(f"{where}: reply should contain {str(want)!r}")
    if turn.get("silent") and answer.strip():
        problems.append(f"{where}: the bot should not answer")
    for unwanted in _as_list(turn.get("not_reply")):
        if str(unwanted).casefold() in low:
            problems.append(f"{where}: reply should not contain {str(unwanted)!r}")
    if "options" in turn:
        options = [o.label for r in last for o in r.options]
        want = turn["options"]
        if isinstance(want, int):
            if len(options) != want:
                problems.append(f"{where}: expected {want} options, got {len(options)}: {options}")
        else:
            for label in _as_list(want):
                if not any(str(label).casefold() in o.casefold() for o in options):
                    problems.append(f"{where}: expected an option {label!r}, got {options}")
    if "intent" in turn:
        reading = app.dialogue.last_reading
        got = reading.intent if reading else None
        if got != turn["intent"]:
            problems.append(f"{where}: intent should be {turn['intent']!r}, was {got!r}")
    if problems:
        problems.append(f"  you: {said}\n  bot: " + answer.replace("\n", "\n       "))
    return problems


def _collect(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted([*p.glob("*.yaml"), *p.glob("*.yml")]))
        else:
            files.append(p)
    return files


async def run_all(paths: list[str], build: Build, verbose: bool = False) -> int:
    """`booking-bot test`: run every file, print ok / FAIL with the reasons, return the exit code."""
    files = _collect(paths)
    if not files:
        print("booking-bot test: no YAML files found", file=sys.stderr)
        return 2
    failed = errors = 0
    for path in files:
        if verbose:
            print(f"{path}:")
        try:
            result = await run_file(path, build, verbose=verbose)
        except ScriptError as exc:
            errors += 1
            print(f"ERROR {exc}")
            continue
        except FileNotFoundError as exc:
            errors += 1
            print(f"ERROR {path}: {exc}")
            continue
        if result.ok:
            print(f"ok    {path}  {result.name}")
        else:
            failed += 1
            print(f"FAIL  {path}  {result.name}")
            for line in result.failures:
                print("  " + line.replace("\n", "\n  "))
    passed = len(files) - failed - errors
    print(f"{passed} passed, {failed + errors} failed")
    return 0 if not failed and not errors else 1
