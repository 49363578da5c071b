"""A fake Twilio on 127.0.0.1: the REST API the SDK calls, and the webhooks Twilio sends.

REST side (what `twilio.rest.Client` talks to): GET /2010-04-01/Accounts/<sid>.json and
POST /2010-04-01/Accounts/<sid>/Messages.json with HTTP basic auth and form parameters,
answering Twilio's JSON (201 with a Message resource; errors as {code, message, status}), and
GET of the same path: the Messages list, filtered by To, From and DateSent>, newest first.
Like WhatsApp, it refuses free text to a customer whose last message is more than 24
hours old (error 63016), and it checks ContentVariables is a JSON object string.

Webhook side (what the customer's phone makes Twilio do): `send` POSTs a form like
Twilio's to the bot's /whatsapp/inbound, signed with the SDK's own RequestValidator
for the public URL Twilio would call.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import aiohttp
from aiohttp import web
from loopback import serve_on_loopback
from twilio.request_validator import (
    HMAC_SHA256,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
)

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fa4e0c9b1d2e3f405162738495a6b7c8"
SENDER = "whatsapp:+14155238886"
WINDOW_SECONDS = 24 * 3600


@dataclass
class Message:
    sid: str
    to: str
    from_: str
    body: str | None
    content_sid: str | None
    content_variables: dict[str, str] | None
    status_callback: str | None
    sent_at: float = 0.0  # the fake's clock


@dataclass
class FakeTwilio:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    messages: list[Message] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    last_inbound: dict[str, float] = field(default_factory=dict)  # customer -> when they last wrote (fake's clock)
    now: float = field(default_factory=time.time)  # the fake's clock, moved by the tests (unless `real_clock`)
    real_clock: bool = False  # stamp messages with the time they arrive (a bot in its own process, on its own clock)
    outage: int = 0  # answer this many Messages.create calls with 503, as a Twilio incident does
    problems: bool = False  # errors as RFC 9457 problem documents (Twilio's newer APIs) instead of {code, message}
    lookups: list[dict[str, str]] = field(default_factory=list)  # queries of the Messages list
    # set `hold` to keep Messages.create requests waiting (`held` is set when one arrives); `accept_held`:
    # whether a held message counts as sent (Twilio took it, the answer was lost) or not (the request was)
    hold: asyncio.Event | None = None
    held: asyncio.Event = field(default_factory=asyncio.Event)
    accept_held: bool = True

    def __post_init__(self) -> None:
        self._sids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.base = ""
        self.webhook_url = ""  # where the bot listens locally, e.g. http://127.0.0.1:8080/whatsapp/inbound
        self.public_url = ""  # what Twilio is configured to call, e.g. https://bot.example.com/whatsapp/inbound

    def clock(self) -> float:
        """Now, as the fake sees it: the test's `now`, or the real time."""
        return time.time() if self.real_clock else self.now

    # --- REST server --------------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_get("/2010-04-01/Accounts/{sid}.json", self._account)
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._create_message)
        app.router.add_get("/2010-04-01/Accounts/{sid}/Messages.json", self._list_messages)
        self._runner, self.base = await serve_on_loopback(app, port)
        return self.base

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _authorized(self, request: web.Request) -> bool:
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("Authorization") == expected and request.match_info["sid"] == self.account_sid

    def _error(self, status: int, code: int, message: str) -> web.Response:
        return (_problem if self.problems else _error)(status, code, message)

    async def _account(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._error(401, 20003, "Authenticate")
        return web.json_response({"sid": self.account_sid, "friendly_name": "Demo Salon", "status": "active",
                                  "type": "Full", "owner_account_sid": self.account_sid})

    async def _create_message(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._error(401, 20003, "Authenticate")
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        self.requests.append(form)
        if self.outage:
            self.outage -= 1
            return self._error(503, 20503, "Service Unavailable")
        to, from_ = form.get("To", ""), form.get("From", "")
        if not to.startswith("whatsapp:+") or from_ != SENDER:
            return self._error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        body, content_sid = form.get("Body"), form.get("ContentSid")
        variables = None
        if content_sid:
            try:
                variables = json.loads(form.get("ContentVariables", "{}"))
                assert isinstance(variables, dict)
            except (ValueError, AssertionError):
                return self._error(400, 21656, "The ContentVariables Parameter is invalid")
        elif not body:
            return self._error(400, 21602, "Message body is required")
        elif self.clock() - self.last_inbound.get(to, float("-inf")) > WINDOW_SECONDS:
            return self._error(400, 63016, "Failed to send freeform message because you are outside the allowed "
                                           "window. If you are using WhatsApp, please use a Message Template.")
        sid = f"SM{next(self._sids):032x}"
        message = Message(sid, to, from_, body, content_sid, variables, form.get("StatusCallback"), self.clock())
        if self.hold is not None:
            hold = self.hold
            if self.accept_held:
                await self._record(message)
            self.held.set()
            await hold.wait()
            if not self.accept_held:
                return self._error(503, 20503, "Service Unavailable")
            return web.json_response(_message_json(self.account_sid, message), status=201)
        await self._record(message)
        return web.json_response(_message_json(self.account_sid, message), status=201)

    async def _record(self, message: Message) -> None:
        async with self._changed:
            self.messages.append(message)
            self._changed.notify_all()

    async def _list_messages(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._error(401, 20003, "Authenticate")
        query = request.query
        self.lookups.append(dict(query))
        found = [m for m in reversed(self.messages)
                 if m.to == query.get("To", m.to) and m.from_ == query.get("From", m.from_)]
        if "DateSent>" in query:  # a day (YYYY-MM-DD), or a moment
            text = query["DateSent>"]
            since = datetime.fromisoformat(text.replace("Z", "+00:00") if "T" in text else text + "T00:00:00+00:00")
            found = [m for m in found if m.sent_at >= since.timestamp()]
        size = int(query.get("PageSize", "50"))
        path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        return web.json_response({
            "messages": [_message_json(self.account_sid, m) for m in found[:size]], "page": 0, "page_size": size,
            "start": 0, "end": min(size, len(found)) - 1, "uri": path, "first_page_uri": path,
            "next_page_uri": None, "previous_page_uri": None})

    # --- the customer's side -----------------------------------------------------------------

    def sign(self, url: str, params: dict[str, str], *, shared_key: tuple[str, str] | None = None) -> dict[str, str]:
        """Headers Twilio would send: X-Twilio-Signature (HMAC-SHA1 with the auth token, or
        HMAC-SHA256 with a SharedKey plus the settings header naming it)."""
        if shared_key is None:
            return {"X-Twilio-Signature": RequestValidator(self.auth_token).compute_signature(url, params)}
        key_id, secret = shared_key
        signature = RequestValidator(secret).compute_signature(url, params, algorithm=HMAC_SHA256)
        return {"X-Twilio-Signature": signature,
                SIGNATURE_SETTINGS_HEADER: f"key={key_id},algorithm={HMAC_SHA256}"}

    def inbound_params(self, phone: str, body: str, sid: str | None = None) -> dict[str, str]:
        sid = sid or f"SM{int(time.time() * 1e6):x}{next(self._sids):08x}"[:34]
        return {
            "MessageSid": sid, "SmsMessageSid": sid, "SmsSid": sid, "AccountSid": self.account_sid,
            "MessagingServiceSid": "", "From": f"whatsapp:{phone}", "To": SENDER, "Body": body, "NumMedia": "0",
            "NumSegments": "1", "ProfileName": "Anna", "WaId": phone.lstrip("+"), "SmsStatus": "received",
            "ApiVersion": "2010-04-01",
        }

    async def send(self, phone: str, body: str, *, sid: str | None = None, headers: dict[str, str] | None = None,
                   shared_key: tuple[str, str] | None = None,
                   media: str | None = None) -> tuple[int, str, dict[str, str]]:
        """The customer writes `body` (with an attachment of content type `media`, as Twilio's webhook gives it:
        NumMedia, MediaContentType0, MediaUrl0, an MM… SID); Twilio POSTs the signed webhook. Returns (status,
        response text, params)."""
        params = self.inbound_params(phone, body, sid)
        if media is not None:
            mid = "MM" + params["MessageSid"][2:]
            params.update(MessageSid=mid, SmsMessageSid=mid, SmsSid=mid, NumMedia="1", MediaContentType0=media,
                          MediaUrl0=f"{self.base}/2010-04-01/Accounts/{self.account_sid}/Messages/{mid}/Media/ME{mid[2:]}")
        self.last_inbound[f"whatsapp:{phone}"] = self.clock()
        signed = self.sign(self.public_url, params, shared_key=shared_key) if headers is None else headers
        status, text = await self.post(self.webhook_url, params, signed)
        return status, text, params

    async def post(self, url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        async with aiohttp.ClientSession() as session:
            async with session.post(url, data=params, headers=headers) as response:
                return response.status, await response.text()

    async def report_status(self, message: Message, status: str, error_code: str | None = None,
                            local_url: str | None = None) -> int:
        """Twilio's status callback for a message the bot sent."""
        params = {"MessageSid": message.sid, "MessageStatus": status, "AccountSid": self.account_sid,
                  "To": message.to, "From": message.from_, "ApiVersion": "2010-04-01"}
        if error_code:
            params["ErrorCode"] = error_code
        assert message.status_callback, "the bot did not ask for status callbacks"
        headers = self.sign(message.status_callback, params)
        status_code, _ = await self.post(local_url or message.status_callback, params, headers)
        return status_code

    def to(self, phone: str) -> list[Message]:
        return [m for m in self.messages if m.to == f"whatsapp:{phone}"]

    async def wait_for(self, phone: str, count: int, timeout: float = 5.0) -> list[Message]:
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: len(self.to(phone)) >= count), timeout)
            except TimeoutError:
                raise AssertionError(f"expected {count} messages to {phone}, got "
                                     f"{[m.body for m in self.to(phone)]}") from None
        return self.to(phone)


def _message_json(account: str, m: Message) -> dict[str, Any]:
    return {
        "sid": m.sid, "account_sid": account, "to": m.to, "from": m.from_, "body": m.body or "",
        "status": "queued", "num_segments": "1", "num_media": "0", "direction": "outbound-api",
        "api_version": "2010-04-01", "price": None, "error_code": None, "error_message": None,
        "date_created": _rfc2822(m.sent_at), "date_updated": _rfc2822(m.sent_at),
        "date_sent": _rfc2822(m.sent_at), "messaging_service_sid": None,
        "uri": f"/2010-04-01/Accounts/{account}/Messages/{m.sid}.json", "subresource_uris": {},
    }


def _rfc2822(at: float) -> str:
    return format_datetime(datetime.fromtimestamp(at, UTC))


def _problem(status: int, code: int, message: str) -> web.Response:
    return web.json_response({"type": f"https://www.twilio.com/docs/errors/{code}", "title": message, "status": status,
                              "code": code, "detail": message}, status=status,
                             content_type="application/problem+json")


def _error(status: int, code: int, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                              "status": status}, status=status)
