"""Every HTTP endpoint of `booking-bot run` answers hostile or malformed input with a 4xx, never a 5xx,
stores nothing from a request it refuses, logs one line without the request's content, and does the
same on SQLite and PostgreSQL.

Two bots run side by side, one on each database, with Telegram (webhook), WhatsApp and a Cal.com
webhook, against the fake Telegram and Twilio servers; every request goes to both.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
import pytest
import sqlalchemy as sa
from channel_kit import PUBLIC, free_port, settings_for, settle
from fake_telegram import BOT_ID, FakeTelegram
from fake_twilio import FakeTwilio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from multidict import MultiDict
from sqlalchemy.ext.asyncio import AsyncEngine
from twilio.request_validator import HMAC_SHA256, SIGNATURE_SETTINGS_HEADER, RequestValidator

from booking_client.journal.store import Journal, booking_journal
from booking_client.journal.store import migrate as migrate_journal
from bot.clock import VirtualClock
from bot.inbox import Inbox
from bot.inbox import migrate as inbox_tables
from bot.inbox.store import inbound_messages
from bot.logmask import mask
from bot.main import App, build_app, build_server
from channels.calcom import KINDS, CalcomWebhook
from channels.server import MAX_BODY, Server

INBOUND, STATUS, HOOK, CALCOM = "/whatsapp/inbound", "/whatsapp/status", "/telegram/hook", "/calcom/webhook"
TG_SECRET = "tg-secret-for-hostile-tests"
CAL_SECRET = "whsec_hostile_tests"
FORM = "application/x-www-form-urlencoded"
ANNA = "+4915112345678"
# What customers write and who they are: none of it may show in a log line at INFO or above.
MARKERS = ["please book me Zebrafish-Lagoon", "Quokka-Meadow appointment tomorrow", "Narwhal-Fjord"]
PHONES = ["+4915198765432", "+4917612340987", "+14155550123"]
NAMES = ["Wilhelmina Zettelkasten", "Bartholomew Quill"]


# --- two bots, one per database ----------------------------------------------------------------


@dataclass
class Bot:
    name: str
    server: Server
    app: App
    journal: Journal

    @property
    def base(self) -> str:
        return self.server.addresses[0]

    async def inbox(self, channel: str) -> list[tuple[str, str]]:
        c = inbound_messages.c
        async with self.app.engine.connect() as conn:
            rows = await conn.execute(sa.select(c.message_id, c.payload).where(c.channel == channel))
            return [(r.message_id, r.payload) for r in rows]

    async def journal_rows(self) -> list[tuple[str, str]]:
        c = booking_journal.c
        async with self.app.engine.connect() as conn:
            return [(r.booking_id, r.dedupe) for r in await conn.execute(sa.select(c.booking_id, c.dedupe))]


@asynccontextmanager
async def serving(name: str, engine: AsyncEngine, clock: VirtualClock, fake_telegram: FakeTelegram,
                  fake_twilio: FakeTwilio) -> AsyncIterator[Bot]:
    """A bot with every webhook: Telegram (webhook mode), WhatsApp, and Cal.com's into a booking journal."""
    port = free_port()
    settings = settings_for(fake_telegram, twilio=fake_twilio, http_port=port, telegram_webhook_secret=TG_SECRET,
                            telegram_webhook_url=f"http://127.0.0.1:{port}{HOOK}")
    app = await build_app(settings, clock=clock, engine=engine)
    await migrate_journal(engine)
    journal = Journal(engine)
    server = build_server(app)
    webhook = CalcomWebhook(CAL_SECRET, lambda uid, kind, key: journal.append(uid, kind, clock.now(), key))
    webhook.mount(server.web)
    server.endpoints.append(webhook)
    await server.start()
    try:
        yield Bot(name, server, app, journal)
    finally:
        await server.stop(timeout=5)


@pytest.fixture
async def bots(sqlite_engine, pg_engine, clock, fake_telegram, fake_twilio) -> AsyncIterator[list[Bot]]:
    """A bot on SQLite and one on PostgreSQL (skipped, or failed under CI, without PostgreSQL)."""
    async with serving("sqlite", sqlite_engine, clock, fake_telegram, fake_twilio) as on_sqlite:
        async with serving("postgres", pg_engine, clock, fake_telegram, fake_twilio) as on_postgres:
            yield [on_sqlite, on_postgres]


@dataclass
class Sent:
    """A request as it goes over the wire, and what each bot answered."""

    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    answers: list[tuple[int, str]] = field(default_factory=list)

    @property
    def status(self) -> int:
        return self.answers[0][0]


async def send(http: aiohttp.ClientSession, bots: list[Bot], request: Sent) -> Sent:
    """The same request to every bot; each must answer it the same way, and never with a 5xx."""
    for bot in bots:
        async with http.request(request.method, bot.base + request.path, data=request.body or None,
                                headers=request.headers, skip_auto_headers={"Content-Type"}) as response:
            request.answers.append((response.status, await response.text()))
    statuses = [status for status, _ in request.answers]
    assert all(s < 500 for s in statuses), f"{request.method} {request.path}: {statuses}"
    assert len(set(statuses)) == 1, f"{request.method} {request.path}: answered differently per database: {statuses}"
    return request


# --- building requests ---------------------------------------------------------------------------


def twilio_params(path: str, phone: str = ANNA, body: str = "hello", sid: str = "SM" + "a1" * 16
                  ) -> dict[str, str]:
    if path == STATUS:
        return {"MessageSid": sid, "MessageStatus": "delivered", "AccountSid": "AC" + "0" * 32,
                "To": f"whatsapp:{phone}", "From": "whatsapp:+14155238886", "ApiVersion": "2010-04-01"}
    return FakeTwilio().inbound_params(phone, body, sid)


def signed(path: str, params: Any, *, token: str | None = None) -> dict[str, str]:
    """X-Twilio-Signature as Twilio computes it for the public URL (MultiDict: every value of a repeated field)."""
    validator = RequestValidator(token or FakeTwilio().auth_token)
    return {"X-Twilio-Signature": validator.compute_signature(PUBLIC + path, params)}


def twilio_form(path: str, params: dict[str, str], **headers: str) -> Sent:
    """A correctly signed form, as Twilio sends it."""
    return Sent("POST", path, urlencode(params).encode(), {"Content-Type": FORM, **signed(path, params), **headers})


def telegram_update(text: str = "hello", user: int = 4242, update_id: int = 1, name: str = "Anna") -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": 1, "date": 1764000000, "text": text, "chat": {"id": user, "type": "private"},
        "from": {"id": user, "is_bot": False, "first_name": name, "language_code": "en"}}}


def telegram_post(body: bytes | Any, secret: str | None = TG_SECRET, content_type: str = "application/json") -> Sent:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": content_type}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return Sent("POST", HOOK, raw, headers)


def calcom_post(body: bytes | Any, secret: str | None = CAL_SECRET) -> Sent:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Cal-Signature-256"] = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return Sent("POST", CALCOM, raw, headers)


def deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


# --- the fuzz ------------------------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
NASTY = st.sampled_from(["", "\x00", "a\x00b", "9" * 200, "x" * 3000, "é", "😀", "%", "%zz", "&", "=", "+",
                         "'; DROP TABLE inbound_messages; --", "\u202e", "\ufeff", "whatsapp:", "SM", "\r\n"])
VALUE = st.one_of(TEXT, NASTY, st.sampled_from(MARKERS + PHONES + NAMES), st.integers().map(str))
PHONE = st.one_of(st.sampled_from(PHONES), st.from_regex(r"\+49151[0-9]{8}", fullmatch=True))
SID = st.one_of(st.from_regex(r"SM[0-9a-f]{32}", fullmatch=True), VALUE)
HEADER = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30)
FORM_TYPES = [FORM, FORM + "; charset=utf-8", FORM + "; charset=latin-1", FORM + "; charset=x-unknown",
              "multipart/form-data", "multipart/form-data; boundary=xyz", "application/json", "text/plain", "",
              "application/x-www-form-urlencoded; charset", "\u00e9/\u00e9"]


@st.composite
def twilio_requests(draw) -> Sent:
    path = draw(st.sampled_from([INBOUND, STATUS]))
    params = twilio_params(path, draw(PHONE), draw(st.sampled_from(MARKERS) | TEXT), draw(SID))
    for name in draw(st.lists(st.sampled_from(sorted(params)), max_size=3)):
        if draw(st.booleans()):
            params.pop(name, None)
        else:
            params[name] = draw(VALUE)
    if path == STATUS and draw(st.booleans()):
        params["ErrorCode"] = draw(st.one_of(st.sampled_from(["30008", "63016"]), VALUE))
    params.update(draw(st.dictionaries(TEXT.filter(bool), VALUE, max_size=2)))
    params["ProfileName"] = draw(st.sampled_from(NAMES) | VALUE)
    pairs = list(params.items())
    how = draw(st.sampled_from(["form", "form", "form", "repeated", "raw", "broken", "multipart", "big"]))
    body = urlencode(pairs).encode()
    if how == "repeated":  # the same field twice: the signature covers both values
        pairs += [(name, draw(VALUE)) for name in draw(st.lists(st.sampled_from(sorted(params)), max_size=2))]
        body = urlencode(pairs).encode()
    elif how == "raw":
        body = draw(st.binary(max_size=120))
    elif how == "broken":  # invalid UTF-8, escaped or not, or a field without '='
        body += draw(st.sampled_from([b"&Body=%ff%fe", b"&Body=\xff", b"&&", b"&novalue", b"&Body=%ED%A0%80"]))
    elif how == "multipart":
        body = (b"--xyz\r\nContent-Disposition: form-data; name=\"MessageSid\"; filename=\"a.txt\"\r\n"
                b"Content-Type: text/plain\r\n\r\nSMxx\r\n--xyz--\r\n")
    elif how == "big":
        body = b"Body=" + b"a" * MAX_BODY
    headers = {"Content-Type": draw(st.sampled_from([FORM, FORM + "; charset=UTF-8"]) | st.sampled_from(FORM_TYPES))}
    signing = draw(st.sampled_from(["right", "right", "right", "none", "wrong", "local", "shared", "odd"]))
    try:
        parsed: Any = MultiDict(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True))
    except ValueError:
        parsed = MultiDict(pairs)
    if signing == "right":
        headers.update(signed(path, parsed))
    elif signing == "wrong":
        headers["X-Twilio-Signature"] = draw(HEADER.filter(bool))
    elif signing == "local":
        headers["X-Twilio-Signature"] = RequestValidator(FakeTwilio().auth_token).compute_signature(
            "http://127.0.0.1" + path, parsed)
    elif signing == "shared":  # a SharedKey nobody configured
        headers.update({"X-Twilio-Signature": RequestValidator("k").compute_signature(PUBLIC + path, parsed,
                                                                                       algorithm=HMAC_SHA256),
                        SIGNATURE_SETTINGS_HEADER: f"key={draw(HEADER)},algorithm={HMAC_SHA256}"})
    elif signing == "odd":
        headers.update(signed(path, parsed))
        headers[SIGNATURE_SETTINGS_HEADER] = draw(HEADER)
    return Sent("POST", path, body, headers)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | VALUE,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                    max_leaves=12)
BIG_INT = st.one_of(st.integers(-10, 10**6), st.integers(2**53 - 2, 2**64), st.just(10**200), st.just(-1))


@st.composite
def telegram_requests(draw) -> Sent:
    how = draw(st.sampled_from(["update", "update", "update", "json", "raw", "deep", "big"]))
    if how == "update":
        update = telegram_update(draw(st.sampled_from(MARKERS) | VALUE), draw(BIG_INT), draw(BIG_INT),
                                 draw(st.sampled_from(NAMES) | VALUE))
        if draw(st.booleans()):
            update["message"][draw(st.sampled_from(["chat", "from", "date", "entities", "reply_markup"]))] = draw(JSON)
        body = json.dumps(update).encode()
    elif how == "json":
        body = json.dumps(draw(JSON)).encode()
    elif how == "raw":
        body = draw(st.binary(max_size=120))
    elif how == "deep":
        body = draw(st.sampled_from([deep(99), deep(101), deep(5000), deep(100_000),
                                     b'{"update_id": 1, "x": ' + deep(1000) + b"}", b"1" * 5000, b"NaN"]))
    else:
        body = b'{"update_id": 1, "x": "' + b"a" * MAX_BODY + b'"}'
    secret = draw(st.sampled_from([TG_SECRET, TG_SECRET, TG_SECRET, None, "wrong", "s\u00e9cret", TG_SECRET + " "]))
    content_type = draw(st.sampled_from(["application/json"] * 4 + ["text/plain", "", FORM,
                                                                    "application/json; charset=latin-1"]))
    return telegram_post(body, secret, content_type)


@st.composite
def calcom_requests(draw) -> Sent:
    how = draw(st.sampled_from(["event", "event", "event", "json", "raw", "deep", "big"]))
    if how == "event":
        payload = {"uid": draw(st.one_of(st.from_regex(r"[A-Za-z0-9]{22}", fullmatch=True), VALUE, JSON)),
                   draw(st.sampled_from(["rescheduleUid", "fromReschedule", "title"])): draw(VALUE)}
        body: Any = {"triggerEvent": draw(st.sampled_from(sorted(KINDS)) | VALUE), "payload": payload}
    elif how == "json":
        body = draw(JSON)
    elif how == "raw":
        body = draw(st.binary(max_size=120))
    elif how == "deep":
        body = draw(st.sampled_from([deep(101), deep(100_000), b'{"triggerEvent": ' + deep(1000) + b"}"]))
    else:
        body = b'{"triggerEvent": "' + b"a" * MAX_BODY + b'"}'
    secret = draw(st.sampled_from([CAL_SECRET, CAL_SECRET, CAL_SECRET, None, "wrong"]))
    request = calcom_post(body, secret)
    odd = draw(st.sampled_from([None, None, None, None, None, "", "\u00e9" * 64, "zz", " "]))
    if odd is not None:
        request.headers["X-Cal-Signature-256"] = odd
    return request


@st.composite
def other_requests(draw) -> Sent:
    method = draw(st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"]))
    path = draw(st.sampled_from(["/healthz", "/healthz?" + urlencode({"x": "\x00é"}), "/", "/whatsapp",
                                 INBOUND, STATUS, HOOK, CALCOM, "/" + "a" * 2000, "/%00", "/..%2f..%2fetc"]))
    if method in ("GET", "HEAD", "OPTIONS", "DELETE") and path in (INBOUND, STATUS, HOOK, CALCOM):
        path += draw(st.sampled_from(["", "?a=1"]))
    body = draw(st.binary(max_size=40)) if method in ("POST", "PUT") and path == "/healthz" else b""
    return Sent(method, path, body, {"Content-Type": draw(st.sampled_from(FORM_TYPES))})


def undecodable(request: Sent, encoding: str | None) -> Sent:
    """The request with a body its Content-Encoding does not decode (or one aiohttp does not speak)."""
    if encoding is not None and request.method == "POST":
        request.body, request.headers["Content-Encoding"] = b"\x1f\x8b not really gzip", encoding
    return request


ANY_REQUEST = st.builds(undecodable, st.one_of(twilio_requests(), telegram_requests(), calcom_requests(),
                                               other_requests()),
                        st.sampled_from([None] * 8 + ["gzip", "deflate", "br", "zstd", "x-unknown"]))


async def test_any_request_to_any_endpoint_gets_no_5xx_and_a_refused_one_stores_nothing(bots, caplog):
    caplog.set_level(logging.INFO)
    loop = asyncio.get_running_loop()
    sent: list[Sent] = []
    async with aiohttp.ClientSession() as http:

        @settings(max_examples=150, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(ANY_REQUEST)
        def fuzz(request: Sent) -> None:
            sent.append(asyncio.run_coroutine_threadsafe(send(http, bots, request), loop).result(timeout=30))

        await asyncio.to_thread(fuzz)  # the bots keep serving in this loop meanwhile
    for bot in bots:
        await settle(bot.server)

    taken = [r for r in sent if r.status < 300]
    assert {r.status for r in sent} <= {200, 204, 400, 401, 403, 404, 405, 413, 415}
    assert any(r.status == 200 and r.path == INBOUND for r in sent) and any(r.status == 400 for r in sent)
    for bot in bots:
        # WhatsApp and Telegram: exactly the messages answered 200 are in the inbox, without a NUL
        whatsapp = {MultiDict(_form(r.body)).get("MessageSid") or MultiDict(_form(r.body)).get("SmsMessageSid")
                    for r in taken if r.path == INBOUND}
        stored = await bot.inbox("whatsapp")
        assert {sid for sid, _ in stored} == whatsapp, bot.name
        telegram = {f"{BOT_ID}:{json.loads(r.body)['update_id']}" for r in taken if r.path == HOOK}
        stored_updates = await bot.inbox("telegram")
        assert {key for key, _ in stored_updates} == telegram, bot.name
        assert not any("\\u0000" in payload for _, payload in stored + stored_updates)
        # Cal.com: a journal row only for a body it answered "received"
        received = {"calcom:" + hashlib.sha256(r.body).hexdigest() for r in taken
                    if r.path == CALCOM and "received" in r.answers[0][1]}
        assert {key.removesuffix(":previous") for _, key in await bot.journal_rows()} == received, bot.name
    _assert_logs_keep_secrets(caplog.records)


def _form(body: bytes) -> list[tuple[str, str]]:
    return parse_qsl(body.decode(), keep_blank_values=True)


def _assert_logs_keep_secrets(records: list[logging.LogRecord]) -> None:
    """What customers wrote, their names and numbers never show in a log line at INFO or above (as the
    operator sees it: through the mask every handler has), and no refusal carries a traceback."""
    secrets = MARKERS + NAMES + [re.sub(r"\D", "", p) for p in PHONES]
    for record in records:
        if record.levelno < logging.INFO:
            continue
        line = mask(record.getMessage())
        assert not any(s in line for s in secrets), line
        if record.name.startswith("channels.") and "refused" in line:
            assert record.exc_info is None and "\n" not in line, line


# --- each case found, on its own --------------------------------------------------------------


def refusals(caplog, bots: list[Bot]) -> list[str]:
    """The log lines since the last `caplog.clear()`: one WARNING per bot, without a traceback."""
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("channels.")]
    assert len(lines) == len(bots), [r.getMessage() for r in lines]
    assert all(r.levelno == logging.WARNING and r.exc_info is None and "refused" in r.getMessage() for r in lines)
    return [r.getMessage() for r in lines]


async def expect(http: aiohttp.ClientSession, bots: list[Bot], caplog, cases: list[tuple[Sent, int]]) -> None:
    for request, status in cases:
        caplog.clear()
        await send(http, bots, request)
        assert request.status == status, (request.path, request.body[:80], request.headers, request.answers)
        if status >= 400:
            refusals(caplog, bots)


async def test_a_whatsapp_body_that_is_not_a_signed_utf8_form_is_refused_and_nothing_is_stored(bots, caplog):
    caplog.set_level(logging.INFO)
    cases = []
    for path in (INBOUND, STATUS):
        params = twilio_params(path)
        sign = signed(path, params)
        form = urlencode(params).encode()
        multipart = (b"--xyz\r\nContent-Disposition: form-data; name=\"MessageSid\"; filename=\"sid.txt\"\r\n"
                     b"Content-Type: text/plain\r\n\r\nSM00\r\n--xyz--\r\n")
        cases += [
            (Sent("POST", path, form, {"Content-Type": FORM}), 403),  # unsigned
            (Sent("POST", path, form + b"&Body=\xff\xfe", {"Content-Type": FORM, **sign}), 400),  # invalid UTF-8
            (Sent("POST", path, form + b"&Body=%ff%fe", {"Content-Type": FORM, **sign}), 400),  # escaped
            (Sent("POST", path, form + b"&&", {"Content-Type": FORM, **sign}), 400),
            (Sent("POST", path, form, {"Content-Type": FORM + "; charset=x-klingon", **sign}), 415),
            (Sent("POST", path, form, {"Content-Type": FORM + "; charset=latin-1", **sign}), 415),
            (Sent("POST", path, multipart, {"Content-Type": "multipart/form-data", **sign}), 415),  # no boundary
            (Sent("POST", path, multipart, {"Content-Type": "multipart/form-data; boundary=xyz", **sign}), 415),
            (Sent("POST", path, json.dumps(params).encode(), {"Content-Type": "application/json", **sign}), 415),
            (Sent("POST", path, form + b"&Body=" + b"a" * MAX_BODY, {"Content-Type": FORM, **sign}), 413),
            (twilio_form(path, params, **{SIGNATURE_SETTINGS_HEADER: "key=nobody,algorithm=HMAC_SHA256"}), 403),
            (twilio_form(path, params, **{SIGNATURE_SETTINGS_HEADER: "algorithm=HMAC_MD5"}), 403),
            (undecodable(twilio_form(path, params), "gzip"), 400),
            (undecodable(twilio_form(path, params), "br"), 400),  # refused by aiohttp itself
        ]
    async with aiohttp.ClientSession() as http:
        await expect(http, bots, caplog, cases)
    for bot in bots:
        assert await bot.inbox("whatsapp") == []
        assert await bot.server.channels["whatsapp"].delivery_log.list() == []


async def test_signed_whatsapp_webhooks_with_identifiers_twilio_never_sends_are_refused(bots, caplog):
    """Over-long or NUL-carrying ids got a 500 on PostgreSQL only (varchar limits, no NUL in text):
    both databases now refuse them, before anything is written."""
    caplog.set_level(logging.INFO)
    long_sid, nul_sid = "SM" + "ab" * 100, "SM" + "0" * 16 + "\x00" + "0" * 15
    cases = [
        (twilio_form(INBOUND, twilio_params(INBOUND, phone="+" + "9" * 200)), 400),
        (twilio_form(INBOUND, twilio_params(INBOUND, phone=ANNA + "\x00")), 400),
        (twilio_form(INBOUND, twilio_params(INBOUND, phone="Anna Schmidt")), 400),
        (twilio_form(INBOUND, twilio_params(INBOUND, sid=long_sid)), 400),
        (twilio_form(INBOUND, twilio_params(INBOUND, sid=nul_sid)), 400),
        (twilio_form(INBOUND, twilio_params(INBOUND, sid="SM<script>")), 400),
        (twilio_form(STATUS, twilio_params(STATUS, sid=long_sid)), 400),
        (twilio_form(STATUS, twilio_params(STATUS, sid=nul_sid)), 400),
        (twilio_form(STATUS, dict(twilio_params(STATUS), MessageStatus="delivered" * 40)), 400),
        (twilio_form(STATUS, dict(twilio_params(STATUS), MessageStatus="read\x00")), 400),
        (twilio_form(STATUS, dict(twilio_params(STATUS), ErrorCode="3" * 400)), 400),
        (twilio_form(STATUS, dict(twilio_params(STATUS), ErrorCode="30008 " + "x" * 400)), 400),
        (twilio_form(STATUS, dict(twilio_params(STATUS), ErrorCode="\x00")), 400),
        (twilio_form(STATUS, {"MessageStatus": "failed"}), 400),
    ]
    async with aiohttp.ClientSession() as http:
        await expect(http, bots, caplog, cases)
        await expect(http, bots, caplog, [(twilio_form(STATUS, dict(twilio_params(STATUS), ErrorCode="30008")), 204)])
    for bot in bots:
        assert await bot.inbox("whatsapp") == []
        [row] = await bot.server.channels["whatsapp"].delivery_log.list()
        assert (row["provider_id"], row["status"], row["detail"]) == ("SM" + "a1" * 16, "delivered", "error 30008")


async def test_nul_characters_are_dropped_from_a_whatsapp_message_and_it_is_answered(bots, fake_twilio):
    fake_twilio.last_inbound[f"whatsapp:{ANNA}"] = fake_twilio.now  # inside the 24-hour window
    params = dict(twilio_params(INBOUND, body="hel\x00lo\x00"), ProfileName="An\x00na")
    async with aiohttp.ClientSession() as http:
        assert (await send(http, bots, twilio_form(INBOUND, params))).status == 200
    answers = await fake_twilio.wait_for(ANNA, len(bots))
    assert all(m.body.startswith("Hi!") for m in answers), "read as 'hello'"
    for bot in bots:
        [(sid, payload)] = await bot.inbox("whatsapp")
        assert sid == params["MessageSid"]


async def test_a_20000_character_whatsapp_message_is_kept_and_answered_politely(bots, fake_twilio):
    fake_twilio.last_inbound[f"whatsapp:{ANNA}"] = fake_twilio.now
    params = twilio_params(INBOUND, body=("I would like to book a haircut " * 700)[:20_000])
    async with aiohttp.ClientSession() as http:
        assert (await send(http, bots, twilio_form(INBOUND, params))).status == 200
    answers = await fake_twilio.wait_for(ANNA, len(bots))
    assert all("That's a long message!" in m.body for m in answers)
    for bot in bots:
        await settle(bot.server)
        [(sid, _)] = await bot.inbox("whatsapp")
        assert sid == params["MessageSid"]


async def test_a_telegram_body_that_is_not_an_update_is_refused_and_nothing_is_stored(bots, caplog):
    caplog.set_level(logging.INFO)
    update = telegram_update()
    cases = [
        (telegram_post(deep(100_000)), 400),  # was a RecursionError: 500
        (telegram_post(deep(1000)), 400),
        (telegram_post(b'{"update_id": 1, "x": ' + deep(101) + b"}"), 400),
        (telegram_post(dict(update, x=json.loads(deep(150)))), 400),
        (telegram_post(b"\xff\xfe{}"), 400),
        (telegram_post(b'{"update_id": NaN}'), 400),
        (telegram_post(b'{"update_id": ' + b"9" * 5000 + b"}"), 400),
        (telegram_post([update]), 400),
        (telegram_post(telegram_update(update_id=10**200)), 400),
        (telegram_post(telegram_update(update_id=-1)), 400),
        (telegram_post(telegram_update(user=10**200)), 400),
        (telegram_post({"update_id": 1, "message": "hello"}), 400),
        (telegram_post(update, content_type="text/plain"), 415),
        (telegram_post(update, content_type="multipart/form-data"), 415),
        (telegram_post(b'{"update_id": 1, "x": "' + b"a" * MAX_BODY + b'"}'), 413),
        (telegram_post(update, secret=None), 401),
        (telegram_post(update, secret="s\u00e9cret-\u00fc"), 401),  # was a TypeError in compare_digest: 500
        (telegram_post(update, secret=TG_SECRET + "x"), 401),
        (undecodable(telegram_post(update), "deflate"), 400),
    ]
    async with aiohttp.ClientSession() as http:
        await expect(http, bots, caplog, cases)
    for bot in bots:
        assert await bot.inbox("telegram") == []


async def test_nul_characters_are_dropped_from_a_telegram_update_and_it_is_answered(bots, fake_telegram):
    update = telegram_update("/start\x00", user=5151, update_id=77, name="An\x00na")
    update["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": 6}]
    async with aiohttp.ClientSession() as http:
        assert (await send(http, bots, telegram_post(update))).status == 200
    answers = await fake_telegram.wait_for(5151, len(bots))
    assert all(m.text.startswith("Hi!") for m in answers)
    for bot in bots:
        [(key, payload)] = await bot.inbox("telegram")
        assert key == f"{BOT_ID}:77" and "\\u0000" not in payload


async def test_a_calcom_body_that_is_not_a_signed_booking_change_is_refused_and_nothing_is_recorded(bots, caplog):
    caplog.set_level(logging.INFO)
    cancelled = {"triggerEvent": "BOOKING_CANCELLED", "payload": {"uid": "bFJeNb2uX8ANpT3JL5EfXw"}}
    wrong = calcom_post(cancelled)
    wrong.headers["X-Cal-Signature-256"] = "\u00e9" * 64  # was a TypeError in compare_digest: 500
    cases = [
        (wrong, 401),
        (calcom_post(cancelled, secret=None), 401),
        (calcom_post(cancelled, secret="guessed"), 401),
        (calcom_post(deep(100_000)), 400),
        (calcom_post(b'{"triggerEvent": "BOOKING_CANCELLED", "payload": ' + deep(101) + b"}"), 400),
        (calcom_post(b"\xff"), 400),
        (calcom_post({"triggerEvent": "BOOKING_CANCELLED", "payload": {"uid": "u" * 200}}), 400),
        (calcom_post({"triggerEvent": "BOOKING_CANCELLED", "payload": {"uid": "abc\x00def"}}), 400),
        (calcom_post({"triggerEvent": "BOOKING_CANCELLED", "payload": {"uid": ["a"]}}), 400),
        (calcom_post({"triggerEvent": "BOOKING_CANCELLED", "payload": ["a"]}), 400),
        (calcom_post(b'{"triggerEvent": "' + b"a" * MAX_BODY + b'"}'), 413),
        (undecodable(calcom_post(cancelled), "gzip"), 400),
    ]
    moved = {"triggerEvent": "BOOKING_RESCHEDULED",
             "payload": {"uid": "newUid0000000000000000", "rescheduleUid": "x" * 500 + "\x00"}}
    async with aiohttp.ClientSession() as http:
        await expect(http, bots, caplog, cases)
        for bot in bots:
            assert await bot.journal_rows() == []
        await expect(http, bots, caplog, [(calcom_post(cancelled), 200), (calcom_post(moved), 200)])
    for bot in bots:
        assert sorted(uid for uid, _ in await bot.journal_rows()) == ["bFJeNb2uX8ANpT3JL5EfXw",
                                                                     "newUid0000000000000000"]


async def test_healthz_and_unknown_paths_answer_hostile_requests_without_a_5xx(bots):
    cases = [
        (Sent("GET", "/healthz?" + urlencode({"q": "\x00" * 10 + "é" * 1000})), 200),
        (Sent("GET", "/healthz", b"", {"Content-Type": "application/json", "X-Forwarded-For": "\u00e9"}), 200),
        (Sent("POST", "/healthz", deep(100_000), {"Content-Type": "application/json"}), 405),
        (Sent("GET", INBOUND), 405),
        (Sent("GET", "/%00/../" + "a" * 4000), 404),
    ]
    async with aiohttp.ClientSession() as http:
        for request, status in cases:
            assert (await send(http, bots, request)).status == status


class Exploding:
    """An endpoint that fails where nobody expected it, with customer data in the error."""

    def mount(self, web_app) -> None:
        web_app.router.add_post("/explode", self.explode)

    def describe(self) -> str:
        return "explodes"

    async def explode(self, request):
        raise RuntimeError(f"{NAMES[0]} {PHONES[0]} wrote {MARKERS[0]}")


async def test_a_failure_nobody_expected_is_a_plain_500_and_malformed_http_a_400_each_in_one_line(
        sqlite_engine, clock, caplog):
    caplog.set_level(logging.INFO)

    async def database_ok() -> None:
        pass

    await inbox_tables(sqlite_engine)
    server = Server(settings_for(), {}, Inbox(sqlite_engine, clock), database_ok, [Exploding()])
    await server.start()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(server.addresses[0] + "/explode", headers={"Accept": "text/html"}) as response:
                status, text = response.status, await response.text()
        assert status == 500 and "Traceback" not in text and not any(m in text for m in MARKERS + NAMES)
        [line] = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert line.exc_info is None and "RuntimeError" in line.getMessage()
        _assert_logs_keep_secrets(caplog.records)

        host, port = server.addresses[0].removeprefix("http://").split(":")
        for raw in (b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
                    b"POST /calcom/webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                    b"POST /calcom/webhook HTTP/1.1\r\nHost: x\r\nX-Name: " + NAMES[0].encode() + b"\x01\r\n\r\n"):
            caplog.clear()
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(raw)
            status_line = await reader.readline()
            writer.close()
            assert status_line.split()[1] == b"400", (raw, status_line)
            [line] = [r for r in caplog.records if r.levelno >= logging.WARNING]
            assert line.exc_info is None and "refused" in line.getMessage()
            _assert_logs_keep_secrets(caplog.records)
    finally:
        await server.stop(timeout=1)
