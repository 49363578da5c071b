"""WhatsApp through Twilio: signed webhooks in, the REST API out.

Input side: POST /whatsapp/inbound must carry a valid X-Twilio-Signature for the URL
Twilio called (PUBLIC_BASE_URL + path, not our local address behind a proxy). The
message is recorded in the inbox (unique MessageSid) and Twilio gets an empty TwiML
answer at once; the dialogue runs afterwards and its replies go out through
messages.create, so a slow booking system never makes Twilio retry.

Output side: a Reply becomes one message, its options a numbered list (the dialogue
accepts the number or the words). Messages we start (reminders, follow-ups) go as
free text inside WhatsApp's 24-hour customer-service window and as an approved
template (content SID + JSON variables) outside it — or not at all, with the reason
logged and recorded, when no template is configured.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hmac
import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote_plus, unquote, urlencode, urlsplit, urlunsplit

from aiohttp import web
from multidict import MultiDict
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import (
    HMAC_SHA1,
    HMAC_SHA256,
    SIGNATURE_SETTINGS_HEADER,
    add_port,
    get_signature_algorithm,
    remove_port,
)
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

from bot.clock import Clock
from bot.core import Core
import storage
from bot.inbox import FINISHED, Conveyor, Entry, Inbox
from bot.messages import Inbound, Reply
from bot.outbox import Outbox, Outgoing, Sender
from bot.settings import Settings

from ..bodies import Refused, read_body
from ..common import say, store
from ..errors import ChannelStartError, ErrorRule, RetryLater, SendResult, Undeliverable, map_errors
from .store import Contacts, DeliveryLog

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
INBOUND_PATH = "/whatsapp/inbound"
STATUS_PATH = "/whatsapp/status"
WINDOW = timedelta(hours=24)
"""WhatsApp's customer-service window: free text only within 24 h of the customer's last message."""

OUTSIDE_WINDOW = 63016  # Twilio: free-form message outside the window
OPT_OUT = {"stop", "stopp", "abmelden"}
OPT_IN = {"start", "anmelden"}
_GERMAN_KEYWORDS = {"stopp", "abmelden", "anmelden"}
EMPTY_TWIML = str(MessagingResponse())


class ApiBaseHttpClient(AsyncTwilioHttpClient):
    """The SDK's async HTTP client, sending to TWILIO_API_BASE instead of *.twilio.com.

    Twilio's documented way to change how the SDK talks HTTP is a custom http_client;
    this one only swaps scheme and host (and prefixes a path), for a proxy or a test server.
    """

    def __init__(self, base: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base = urlsplit(base.rstrip("/"))

    async def request(self, method: str, url: str, params=None, data=None, headers=None, auth=None,
                      timeout=None, allow_redirects=False):  # type: ignore[override]
        parts = urlsplit(url)
        url = urlunsplit((self.base.scheme, self.base.netloc, self.base.path + parts.path, parts.query, ""))
        if auth is not None:  # as a header: aiohttp deprecates its BasicAuth object
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            headers = {**(headers or {}), "Authorization": f"Basic {token}"}
        if isinstance(data, dict):  # the form encoded as aiohttp would, without building its FormData each time
            data = encoded_form(data)
            headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return await super().request(method, url, params=params, data=data, headers=headers, auth=None,
                                     timeout=timeout, allow_redirects=allow_redirects)

    # The SDK formats every header of every request and response into log lines before its logger decides to drop
    # them (its loggers stay at WARNING, `bot.logmask`): 9 µs of CPU a message sent, for nothing. Formatted as before
    # where INFO is on.
    def log_request(self, kwargs: dict[str, Any]) -> None:
        if self.logger.isEnabledFor(logging.INFO):
            super().log_request(kwargs)

    def log_response(self, status_code: int, response: Any) -> None:
        if self.logger.isEnabledFor(logging.INFO):
            super().log_response(status_code, response)


def encoded_form(data: dict[str, Any]) -> bytes:
    """`urlencode(data, doseq=True).encode()`, with each text escaped once and then remembered: the sender, the status
    callback and the field names are the same in every message, a customer's number in each of theirs, and
    `quote_plus` walks its text character by character (2 % of a turn's CPU)."""
    if not all(isinstance(value, str) for value in data.values()):
        return urlencode(data, doseq=True).encode()
    return "&".join(_escaped(str(name)) + "=" + _escaped(value) for name, value in data.items()).encode()


def _escaped(text: str) -> str:
    return _escaped_kept(text) if len(text) <= 512 else quote_plus(text)


@functools.lru_cache(maxsize=2048)
def _escaped_kept(text: str) -> str:
    return quote_plus(text)


def render(reply: Reply) -> str:
    """Text, then the options as a numbered list to answer with the number or the words."""
    lines = [reply.text] + [f"{i}. {o.label}" for i, o in enumerate(reply.options, 1)]
    return "\n".join(line for line in lines if line)


def keyword(text: str) -> str | None:
    """'STOP' / 'Stopp!' -> 'out', 'START' / 'anmelden' -> 'in', anything else -> None."""
    word = re.sub(r"[^\w]", "", text.strip().lower())
    return "out" if word in OPT_OUT else "in" if word in OPT_IN else None


def _rest_error(exc: TwilioRestException | TwilioServiceException) -> RetryLater | Undeliverable:
    if exc.code == OUTSIDE_WINDOW:
        return Undeliverable(f"outside WhatsApp's 24-hour window; needs a template (Twilio error {exc.code})")
    what = exc.msg if isinstance(exc, TwilioRestException) else exc.detail or exc.title
    why = f"Twilio error {exc.code or exc.status}: {what}"
    return RetryLater(why) if exc.status == 429 or exc.status >= 500 else Undeliverable(why)


# How the Twilio SDK's errors become channel errors: first matching row wins.
SEND_ERRORS: list[ErrorRule] = [
    (TwilioRestException, _rest_error),
    (TwilioServiceException, _rest_error),  # the SDK's error for an RFC 9457 problem document
    (OSError, lambda e: RetryLater(f"cannot reach Twilio: {type(e).__name__}")),
    (asyncio.TimeoutError, lambda e: RetryLater("Twilio did not answer in time")),
]
START_ERRORS: list[ErrorRule] = [
    (TwilioRestException, lambda e: ChannelStartError(
        "setting TWILIO_AUTH_TOKEN: Twilio refused the account SID and auth token (HTTP {})".format(e.status))
     if e.status in (401, 403, 404) else ChannelStartError(f"setting TWILIO_API_BASE: Twilio answered HTTP {e.status}")),
]


class WhatsAppOutput:
    """The output side: a Reply becomes one message (options as a numbered list), free text inside the
    24-hour window and an approved template outside it; every attempt lands in the delivery log."""

    def __init__(self, settings: Settings, clock: Clock, contacts: Contacts, log_: DeliveryLog) -> None:
        assert settings.twilio_auth_token is not None
        self.clock = clock
        self.contacts = contacts
        self.log = log_
        self.sender = settings.twilio_whatsapp_from
        self.status_callback = settings.public_base_url.rstrip("/") + STATUS_PATH
        self.templates = settings.templates
        self.http = ApiBaseHttpClient(settings.twilio_api_base or "https://api.twilio.com", timeout=15)
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value(),
                             http_client=self.http)
        # Messages are created through the SDK's API version object, whose answer is the message's JSON: the
        # resource layer above it would also parse every field of it into a MessageInstance (three RFC 2822
        # dates, the price, ...), a fifth of the CPU a message sent costs, for the SID and status we keep.
        self._api = self.client.api.v2010
        self._messages = f"/Accounts/{settings.twilio_account_sid}/Messages.json"

    async def send_text(self, key: str, text: str, *, kind: str = "reply", started: bool = False) -> SendResult:
        """Free text (a reply, or a message we start inside the 24-hour window)."""
        return await self._create(key, kind, started, Body=text)

    async def send_template(self, kind: str, to: str, variables: dict[str, Any], *, started: bool = True
                            ) -> SendResult:
        """An approved template for `kind` with its variables; not sent if none is configured.
        `to` is the customer: 'whatsapp:+49…' (also their conversation key) or '+49…'."""
        key = to if to.startswith(f"{CHANNEL}:") else f"{CHANNEL}:{to}"
        content_sid = self.templates.get(kind)
        if content_sid is None:
            reason = f"no WhatsApp template for {kind!r} (set TWILIO_TEMPLATES={kind}=HX...)"
            return await self._not_sent(key, kind, reason)
        variables_json = json.dumps({str(k): str(v) for k, v in variables.items()}, ensure_ascii=False)
        return await self._create(key, kind, started, ContentSid=content_sid, ContentVariables=variables_json)

    async def notify(self, kind: str, user: str, text: str | Reply, variables: dict[str, Any] | None = None
                     ) -> SendResult:
        """A message we start: free text inside the customer's 24-hour window, a template outside it.
        Quick actions (a Reply's options) go as the numbered list the customer answers with a number."""
        key = f"{CHANNEL}:{user}"
        last, _ = await self.contacts.get(key)
        if last is not None and self.clock.now() - last < WINDOW:
            return await self.send_text(key, render(text) if isinstance(text, Reply) else text, kind=kind,
                                        started=True)
        return await self.send_template(kind, key, variables or {})

    async def _not_sent(self, key: str, kind: str, reason: str) -> SendResult:
        log.warning("whatsapp: %s to %s not sent: %s", kind, key, reason)
        await self.log.sent(CHANNEL, key, kind, None, "not_sent", reason[:300])
        return SendResult(False, reason=reason)

    async def send_owed(self, item: Outgoing) -> SendResult:
        """A reply or notice from the outbox. Whether the customer may be written to was decided in the
        turn that wrote it (the confirmation of a STOP goes out although they just opted out); `RetryLater`
        (Twilio down or throttling) is raised for the outbox to try again later."""
        return await self._create(item.user_key, item.kind, True, checked=True, deferred=True,
                                  Body=render(item.reply))  # RetryLater propagates: the outbox tries again

    async def sent_before(self, item: Outgoing) -> str | None:
        """The Twilio SID of `item` if it went out before a restart: the customer's messages since it was
        written, matched on the text."""
        return await self.sent_reply_before(item.user_key, item.reply, item.created_at - timedelta(seconds=5))

    async def sent_reply_before(self, key: str, reply: Reply, since: datetime) -> str | None:
        """The Twilio SID of a message with this reply's text sent to the customer since `since`, else None
        (a template's text cannot be matched: one sent outside the 24-hour window is not found)."""
        body = render(reply)
        to = "whatsapp:" + key.split(":", 1)[1]
        with map_errors(SEND_ERRORS):
            # Twilio filters by the day sent (as its documentation gives it); the time is compared here
            found = await self.client.messages.list_async(to=to, from_=self.sender,
                                                          date_sent_after=since.astimezone(UTC).date(), limit=200)
        for message in found:
            created = message.date_created or message.date_sent
            if message.body == body and (created is None or created >= since):
                return message.sid
        return None

    async def _create(self, key: str, kind: str, started: bool, *, checked: bool = False, deferred: bool = False,
                      **content: Any) -> SendResult:
        """Send through the REST API (`content`: the Messages resource's parameters by Twilio's names, Body or
        ContentSid and ContentVariables). `RetryLater` propagates for a message we `started` (the reminder
        loop tries again); otherwise a failure is recorded with the reason. `checked`: the caller has
        decided the customer may be written to; `deferred`: the delivery log's row comes back with the
        result (`records`), to be written with the outbox's mark instead of in a transaction of its own."""
        if not checked:
            _, opted_out = await self.contacts.get(key)
            if opted_out:
                return await self._not_sent(key, kind, "the customer opted out (STOP)")
        to = "whatsapp:" + key.split(":", 1)[1]
        try:
            with map_errors(SEND_ERRORS):
                message = await self._api.create_async("POST", self._messages, data={
                    "To": to, "From": self.sender, "StatusCallback": self.status_callback, **content})
        except Undeliverable as exc:
            return await self._failed(key, kind, str(exc), deferred)
        except RetryLater as exc:
            if started:
                raise
            return await self._failed(key, kind, str(exc), deferred)
        message = message if isinstance(message, dict) else {}
        sid = message.get("sid")
        record = self.log.recording(CHANNEL, key, kind, sid, message.get("status") or "queued")
        if deferred:
            return SendResult(True, id=sid, records=(record,))
        await storage.commit(self.log.engine, [record])
        return SendResult(True, id=sid)

    async def _failed(self, key: str, kind: str, why: str, deferred: bool = False) -> SendResult:
        log.warning("whatsapp: %s to %s failed: %s", kind, key, why)
        record = self.log.recording(CHANNEL, key, kind, None, "failed", why[:300])
        if deferred:
            return SendResult(False, reason=why, records=(record,))
        await storage.commit(self.log.engine, [record])
        return SendResult(False, reason=why)


# --- what a Twilio webhook may carry ----------------------------------------------------------

MAX_FORM_FIELDS = 200  # Twilio's webhooks have a few dozen fields, more with media
MAX_PROFILE = 200  # characters of a WhatsApp profile name kept
_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{1,32}")  # a Twilio SID: two letters, then up to 32 hex digits
_SENDER = re.compile(r"(?:whatsapp:)?\+[1-9][0-9]{3,14}")  # an E.164 number, as Twilio names a WhatsApp sender
_STATUS = re.compile(r"[a-z_]{1,20}")  # queued, delivered, read, partially_delivered, ...
_ERROR_CODE = re.compile(r"[0-9]{1,10}")  # Twilio's error codes are numbers (30008)
_ALGORITHMS = {HMAC_SHA1, HMAC_SHA256}
_UTF8 = {"utf-8", "utf8"}


def refuse(request: web.Request, refused: Refused) -> web.Response:
    """One line in the log, without the request's content, and the 4xx answer."""
    log.warning("whatsapp webhook %s refused (%d): %s; from %s", request.path, refused.status, refused.why,
                request.remote)
    return web.Response(status=refused.status, text="Forbidden" if refused.status == 403 else refused.why)


async def read_form(request: web.Request) -> MultiDict[str]:
    """The body as a form, read up to the server's body limit: only application/x-www-form-urlencoded
    in UTF-8, parsed strictly (what Twilio sends); anything else raises `Refused` (415, 413, 400)."""
    charset = (request.charset or "utf-8").lower()
    if request.content_type != "application/x-www-form-urlencoded" or charset not in _UTF8:
        raise Refused(415, "not a UTF-8 form (application/x-www-form-urlencoded)")
    body = await read_body(request)
    try:
        pairs = form_fields(body.decode())
    except ValueError:  # invalid UTF-8 (raw or %-escaped), a field without '=', too many fields
        raise Refused(400, "not a well-formed form") from None
    return MultiDict(pairs)


def form_fields(text: str) -> list[tuple[str, str]]:
    """`urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict",
    max_num_fields=MAX_FORM_FIELDS)`, with the same answers and the same ValueErrors (a test compares them), in half
    its time: a field that needs no unescaping (most of a webhook's) is taken as it is."""
    if not text:
        return []
    fields = text.split("&")
    if len(fields) > MAX_FORM_FIELDS:
        raise ValueError("Max number of fields exceeded")
    pairs = []
    for field in fields:
        name, equals, value = field.partition("=")
        if not equals:
            raise ValueError(f"bad query field: {field[:40]!r}")
        pairs.append((_unescaped(name), _unescaped(value)))
    return pairs


def _unescaped(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    return unquote(text, errors="strict") if "%" in text else text


def _signed(secret: str, url: str, params: MultiDict[str], signature: str, algorithm: str) -> bool:
    """The SDK's `validate` for a form, which accepts the URL signed without its port or with it: here the
    one with the port is signed only when the other did not match (the SDK signs both, every time: an HMAC
    over the whole form, a twentieth of the CPU a webhook costs)."""
    given = signature.encode("utf-8", "surrogateescape")
    return any(hmac.compare_digest(signature_of(secret, candidate, params, algorithm).encode(), given)
               for candidate in _with_and_without_port(url))


@functools.lru_cache(maxsize=64)
def _with_and_without_port(url: str) -> tuple[str, str]:
    """The URL as Twilio may have signed it: without its port, and with it (the SDK's `remove_port`, `add_port`);
    a webhook's URL is nearly always the same one."""
    parts = urlsplit(url)
    return remove_port(parts), add_port(parts)


_DIGESTS = {HMAC_SHA1: "sha1", HMAC_SHA256: "sha256"}


def signature_of(secret: str, url: str, params: MultiDict[str], algorithm: str = HMAC_SHA1) -> str:
    """What the SDK's `RequestValidator(secret).compute_signature(url, params, algorithm)` gives — the URL, then each
    field's name and value sorted by name and value, HMAC'd with the secret, in base64 — built in one join and
    HMAC'd in one call (its way, a string grown field by field and a Python `hmac` object, was a third of what an
    acknowledgement costs). `algorithm` is one of `_DIGESTS`."""
    fields = "".join(name + value for name in sorted(set(params)) for value in sorted(set(params.getall(name))))
    mac = hmac.digest(secret.encode("utf-8"), (url + fields).encode("utf-8"), _DIGESTS[algorithm.upper()])
    return base64.b64encode(mac).decode("ascii")


class WhatsAppChannel:
    """One WhatsApp sender: the input side (signed Twilio webhooks into the inbox, opt-out words,
    turns) and its output side (`WhatsAppOutput`)."""

    name = CHANNEL

    def __init__(self, core: Core, settings: Settings, inbox: Inbox, outbox: Outbox, contacts: Contacts,
                 log_: DeliveryLog) -> None:
        assert settings.twilio_auth_token is not None
        self.core = core
        self.settings = settings
        self.inbox = inbox
        self.outbox = outbox
        self.contacts = contacts
        self.public_base = settings.public_base_url.rstrip("/")
        self._auth_token = settings.twilio_auth_token.get_secret_value()
        self._signing_keys = settings.signing_keys
        self.output = WhatsAppOutput(settings, core.clock, contacts, log_)
        self.delivery_log = log_
        self.send_text = self.output.send_text
        self.send_template = self.output.send_template
        self.notify = self.output.notify
        self.sent_check = self.output.sent_reply_before  # a message the bot starts: did it go out already?
        self.sender = Sender(outbox, self.output.send_owed, self.output.sent_before, retry_later=(RetryLater,))
        self.conveyor = Conveyor(inbox, self._handle_entry, self.sender.deliver, along=lambda key: (
            contacts.reading(key), core.conversations.reading(key)))
        inbox.when_new(CHANNEL, self.conveyor.kick)

    # --- lifecycle ---------------------------------------------------------------------

    def mount(self, web_app: web.Application) -> None:
        web_app.router.add_post(INBOUND_PATH, self.inbound)
        web_app.router.add_post(STATUS_PATH, self.status)

    async def start(self) -> None:
        try:
            with map_errors(START_ERRORS):
                await self.output.client.api.v2010.accounts(self.settings.twilio_account_sid).fetch_async()
        except OSError as exc:
            raise ChannelStartError(f"setting TWILIO_API_BASE: cannot reach the Twilio API at "
                                    f"{self.output.http.base.geturl()} ({type(exc).__name__})") from None
        for key in await self.outbox.waiting_users(CHANNEL):  # replies a stop or crash left unsent
            self.conveyor.kick(key, owed=True)
        for key in await self.inbox.waiting_users(CHANNEL):
            self.conveyor.kick(key)

    def describe(self) -> str:
        return (f"WhatsApp: sender {self.output.sender}; give Twilio {self.public_base}{INBOUND_PATH} (incoming messages) "
                f"and {self.public_base}{STATUS_PATH} (status callback); API {self.output.http.base.geturl()}")

    async def stop_receiving(self) -> None:
        """Nothing to stop: webhooks end with the HTTP server."""

    async def close(self) -> None:
        await self.output.http.close()

    # --- input side -------------------------------------------------------------------------

    def check_signature(self, request: web.Request, params: MultiDict[str]) -> None:
        """Raises `Refused` (403) unless X-Twilio-Signature is right for the public URL and these params
        (HMAC-SHA1 with the auth token, or HMAC-SHA256 with a SharedKey we know by its id)."""
        signature = request.headers.get("X-Twilio-Signature")
        if not signature:
            raise Refused(403, "no signature")
        settings_header = request.headers.get(SIGNATURE_SETTINGS_HEADER)
        secret = self._auth_token
        if settings_header:  # signed with a SharedKey we must know by its id
            key_id = dict(p.strip().partition("=")[::2] for p in settings_header.split(",")).get("key", "").strip()
            if key_id:
                secret = self._signing_keys.get(key_id)
                if secret is None:
                    raise Refused(403, f"signed with unknown key {key_id[:40]!r} (set TWILIO_WEBHOOK_SIGNING_KEYS)")
        algorithm = get_signature_algorithm(settings_header)
        if algorithm.upper() not in _ALGORITHMS:
            raise Refused(403, f"signed with unknown algorithm {algorithm[:40]!r}")
        url = self.public_base + request.path_qs
        if not _signed(secret, url, params, signature, algorithm):
            raise Refused(403, "bad signature")

    async def signed_form(self, request: web.Request) -> MultiDict[str]:
        """The form of a webhook Twilio signed. Nothing is read without a signature header, and at most
        the server's body limit; Twilio signs the URL and every field, so the form is parsed first."""
        if not request.headers.get("X-Twilio-Signature"):
            raise Refused(403, "no signature")
        form = await read_form(request)
        self.check_signature(request, form)
        return form

    async def inbound(self, request: web.Request) -> web.Response:
        try:
            form = await self.signed_form(request)
            sid, sender = form.get("MessageSid") or form.get("SmsMessageSid"), form.get("From")
            if not sid or not _SID.fullmatch(sid):
                raise Refused(400, "MessageSid is not a Twilio message SID")
            if not sender or not _SENDER.fullmatch(sender):
                raise Refused(400, "From is not a WhatsApp number")
        except Refused as refused:
            return refuse(request, refused)
        # PostgreSQL's text cannot hold NUL; no customer types one
        payload = {"from": sender, "body": form.get("Body", "").replace("\x00", ""),
                   "profile": form.get("ProfileName", "").replace("\x00", "")[:MAX_PROFILE]}
        media = _media(form)
        if media is not None:
            payload["media"] = media
        key = f"{CHANNEL}:{sender.removeprefix('whatsapp:')}"
        if not await store(self.inbox, CHANNEL, sid, key, payload):
            log.info("whatsapp message %s was already received; ignored", sid)
        return web.Response(text=EMPTY_TWIML, content_type="text/xml")

    async def status(self, request: web.Request) -> web.Response:
        try:
            form = await self.signed_form(request)
            sid, state, error = form.get("MessageSid"), form.get("MessageStatus"), form.get("ErrorCode") or None
            if not sid or not _SID.fullmatch(sid):
                raise Refused(400, "MessageSid is not a Twilio message SID")
            if not state or not _STATUS.fullmatch(state):
                raise Refused(400, "MessageStatus is not a delivery status")
            if error is not None and not _ERROR_CODE.fullmatch(error):
                raise Refused(400, "ErrorCode is not a Twilio error code")
        except Refused as refused:
            return refuse(request, refused)
        await self.delivery_log.status(CHANNEL, sid, state, f"error {error}" if error else None)
        if error:
            log.warning("whatsapp message %s: %s (Twilio error %s)", sid, state, error)
        return web.Response(status=204)

    async def _handle_entry(self, entry: Entry) -> str:
        """One turn: the new state, the replies owed and the message marked handled in one transaction
        (the conveyor then sends the replies)."""
        body, key = entry.payload["body"], entry.user_key
        cause = f"{CHANNEL}:{entry.message_id}"
        seen = self.contacts.seeing(key, entry.received_at)
        word = keyword(body)
        if word is not None:
            return await self._opt(entry, seen, body, opted_out=word == "out")
        _, opted_out = await self.contacts.get(key)
        if opted_out:
            log.info("whatsapp: a customer who opted out wrote; message %s not answered", entry.message_id)
            return await self._finish(entry, "ignored", seen)
        if entry.position > self.inbox.limit.messages:
            notice = []
            if entry.position == self.inbox.limit.messages + 1:
                notice = [Reply(say(self.core, await self.core.language(key), "slow_down"))]
            return await self._finish(entry, "limited", seen, self.outbox.adding(key, cause, notice, kind="notice"))
        inbound = Inbound(channel=CHANNEL, user=key.split(":", 1)[1], text=body, id=entry.message_id,
                          at=entry.received_at, media=entry.payload.get("media"))
        try:
            await self.core.dialogue.handle(inbound, also=lambda replies: [
                seen, self.outbox.adding(key, cause, replies), self.inbox.finishing(entry)])
        except Exception:
            log.exception("handling whatsapp message %s failed", entry.message_id)
            failed = [Reply(say(self.core, await self.core.language(key), "failed"))]
            return await self._finish(entry, "failed", seen, self.outbox.adding(key, cause, failed, kind="notice"))
        return FINISHED

    async def _finish(self, entry: Entry, status: str, *writes: storage.Write) -> str:
        """Finish a message that the dialogue did not answer, with what else it changed, in one transaction."""
        await storage.commit(self.inbox.engine, [*writes, self.inbox.finishing(entry, status)])
        return FINISHED

    async def _opt(self, entry: Entry, seen: storage.Write, body: str, *, opted_out: bool) -> str:
        """STOP/STOPP/ABMELDEN and START/ANMELDEN; one confirmation, then silence until START."""
        key = entry.user_key
        german = re.sub(r"[^\w]", "", body.lower()) in _GERMAN_KEYWORDS
        lang = self.core.texts.language("de") if german else await self.core.language(key)  # one the business speaks
        kind = "opt_out" if opted_out else "opt_in"
        confirmation = [Reply(say(self.core, lang, "opted_out" if opted_out else "opted_in"))]
        await self._finish(entry, "done", seen, self.contacts.opting(key, opted_out),
                           self.outbox.adding(key, f"{CHANNEL}:{entry.message_id}", confirmation, kind=kind))
        log.info("whatsapp: a customer opted %s", "out" if opted_out else "in")
        return FINISHED


def _media(form: Mapping[str, str]) -> str | None:
    """What a webhook carried besides its Body, by Twilio's fields: "voice" (an audio attachment, a WhatsApp voice
    note), "file" (any other attachment, a shared location); None for none."""
    try:
        count = int(form.get("NumMedia") or 0)
    except ValueError:
        count = 0
    if count > 0:
        return "voice" if (form.get("MediaContentType0") or "").startswith("audio/") else "file"
    return "file" if form.get("Latitude") and form.get("Longitude") else None
