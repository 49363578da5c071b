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
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

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
        expected = hmac.new(self._secret, body, hashlib.sha256).hexdigest()
        return bool(signature) and hmac.compare_digest(expected, signature.strip().lower())

    async def receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not self.verified(body, request.headers.get(SIGNATURE_HEADER, "")):
            log.warning("calcom webhook: wrong or missing signature from %s; ignored", request.remote)
            return web.Response(status=401, text="Unauthorized")
        try:
            event = json.loads(body)
            trigger, payload = str(event["triggerEvent"]), event.get("payload") or {}
            uid = payload.get("uid")
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return web.Response(status=400, text="not a Cal.com webhook")
        kind = KINDS.get(trigger)
        if kind is None or not isinstance(uid, str) or not uid:
            return web.json_response({"ignored": trigger})  # a trigger that changes no booking's time
        key = "calcom:" + hashlib.sha256(body).hexdigest()
        fresh = await self._record(uid, kind, key)
        previous = next((payload[k] for k in _PREVIOUS_UID if isinstance(payload.get(k), str) and payload[k]), None)
        if kind == "rescheduled" and previous and previous != uid:
            await self._record(previous, "rescheduled", key + ":previous")
        if fresh:
            log.info("calcom webhook: %s for booking %s", trigger, uid)
        return web.json_response({"received": trigger})
