"""Cal.com's webhooks: bookings created, cancelled, moved, requested or declined in Cal.com's own pages.

POST /calcom/webhook must carry `X-Cal-Signature-256`, the hex HMAC-SHA256 of the raw body
with CALCOM_WEBHOOK_SECRET; it is checked before the body is read as JSON, and a request
without it or with a wrong one gets 401 and is not looked at. Each change is written to the
booking journal once (a redelivery is recognised by its body) and answered 200; the reminder
loop then plans, moves or drops that booking's reminders from the journal.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Awaitable, Callable

from aiohttp import web

from .bodies import Refused, load_json, read_body

log = logging.getLogger(__name__)

PATH = "/calcom/webhook"
SIGNATURE_HEADER = "X-Cal-Signature-256"

# What each trigger means for the booking it names.
KINDS = {
    "BOOKING_CREATED": "created",
    "BOOKING_REQUESTED": "created",  # waiting for the business to accept it
    "BOOKING_CANCELLED": "cancelled",
    "BOOKING_REJECTED": "cancelled",
    "BOOKING_RESCHEDULED": "rescheduled",
    "BOOKING_PAYMENT_INITIATED": None,
}
_UID = re.compile(r"[A-Za-z0-9_.:-]{1,100}")  # a booking uid (Cal.com: 22 characters of base58; uuids elsewhere)
# Where a moved booking's previous uid stands in the payload.
_PREVIOUS_UID = ("rescheduleUid", "fromReschedule", "rescheduledFromUid", "originalRescheduledBooking")

Record = Callable[[str, str, str | None], Awaitable[bool]]
"""(booking id, kind, dedupe key) -> False if that change was recorded before (the journal)."""


class CalcomWebhook:
    """The endpoint Cal.com's webhook subscription calls."""

    def __init__(self, secret: str, record: Record, public_base: str = "") -> None:
        self._secret = secret.encode()
        self._record = record
        self.public_base = public_base.rstrip("/")

    def mount(self, web_app: web.Application) -> None:
        web_app.router.add_post(PATH, self.receive)

    def describe(self) -> str:
        return f"Cal.com webhook: give Cal.com {self.public_base or '<PUBLIC_BASE_URL>'}{PATH} and CALCOM_WEBHOOK_SECRET"

    def verified(self, body: bytes, signature: str) -> bool:
        expected = hmac.new(self._secret, body, hashlib.sha256).hexdigest().encode()
        given = signature.strip().lower().encode("utf-8", "surrogateescape")  # headers may hold any byte
        return bool(given) and hmac.compare_digest(expected, given)

    async def receive(self, request: web.Request) -> web.Response:
        """The signature is checked on the raw body (read up to the server's limit) before it is parsed;
        anything else than a Cal.com webhook is answered 4xx with one line in the log."""
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature:
            return _refuse(request, 401, "no signature")
        try:
            body = await read_body(request)
        except Refused as refused:
            return _refuse(request, refused.status, refused.why)
        if not self.verified(body, signature):
            return _refuse(request, 401, "wrong signature")
        try:
            event = load_json(body, "a Cal.com webhook")
            trigger, payload = str(event["triggerEvent"]), event.get("payload") or {}
            if not isinstance(payload, dict):
                raise TypeError("payload is not an object")
            uid = payload.get("uid")
        except Refused as refused:
            return _refuse(request, refused.status, refused.why)
        except (KeyError, TypeError, AttributeError):
            return _refuse(request, 400, "not a Cal.com webhook")
        kind = KINDS.get(trigger)
        if kind is None or uid is None or uid == "":
            return web.json_response({"ignored": trigger[:100]})  # a trigger that changes no booking's time
        if not isinstance(uid, str) or not _UID.fullmatch(uid):
            return _refuse(request, 400, "not a booking uid")
        previous = next((p for k in _PREVIOUS_UID if isinstance(p := payload.get(k), str) and _UID.fullmatch(p)), None)
        key = "calcom:" + hashlib.sha256(body).hexdigest()
        fresh = await self._record(uid, kind, key)
        if kind == "rescheduled" and previous and previous != uid:
            await self._record(previous, "rescheduled", key + ":previous")
        if fresh:
            log.info("calcom webhook: %s for booking %s", trigger, uid)
        return web.json_response({"received": trigger})


def _refuse(request: web.Request, status: int, why: str) -> web.Response:
    """One line in the log, without the request's content, and the 4xx answer."""
    log.warning("calcom webhook refused (%d): %s; from %s", status, why, request.remote)
    return web.Response(status=status, text=why)
