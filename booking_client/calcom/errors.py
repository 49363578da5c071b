"""Cal.com's error answers -> `booking_client.errors`, in one table.

Cal.com (API v2, NestJS) answers an error as
`{"status": "error", "error": {"code": "...", "message": "..."}}` (newer versions repeat
`message` at the top). A slot that went to someone else comes back two ways: older
versions say 400 with a message ("User either already has booking at this time or is not
available"), newer ones 409 with a code (`booking_conflict_error`). Both are `SlotTaken`.
"""

from __future__ import annotations

from typing import Any

import httpx

from ..errors import (
    STATUS_ERRORS,
    BackendUnavailable,
    InvalidRequest,
    NotFound,
    SlotTaken,
)
from ..http import ErrorRule, ErrorTable

# Codes and messages that mean "this time is not free" (handleNewBooking's error codes, and the
# v2 messages they are turned into).
TAKEN = (
    r"booking_conflict|no_available_users|hosts?_unavailable|host_unavailable_for_booking|seats_full"
    r"|not_enough_available_seats|already has (a )?booking|already booked|is not available|no longer available"
    r"|already reserved|no more seats"
)

RULES: tuple[ErrorRule, ...] = (
    # --- the slot is gone --------------------------------------------------------------------
    ErrorRule(409, SlotTaken, matches=TAKEN),
    ErrorRule(400, SlotTaken, matches=TAKEN),
    ErrorRule(422, SlotTaken, path=r"^/v2/slots/reservations"),  # already booked or held by someone else
    # --- the request itself is wrong -----------------------------------------------------------
    ErrorRule(409, InvalidRequest),  # other conflicts: payment not created, resource exists
)

# Whatever no rule takes, by status alone. A refused key (401/403) is the operator's setting,
# not the customer's request: the bot cannot book now, and `check()` names the setting.
STATUSES = {**STATUS_ERRORS, 401: BackendUnavailable, 403: BackendUnavailable, 404: NotFound, 422: InvalidRequest}


def detail(response: httpx.Response) -> tuple[str, str]:
    """(code, message) from a Cal.com error body; the reason phrase when the body is not Cal.com's."""
    try:
        body: Any = response.json()
    except ValueError:
        return "", response.text.strip()[:200] or response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("code") or ""), _text(error.get("message") or body.get("message"))
    if isinstance(body, dict):
        return str(body.get("code") or ""), _text(body.get("message") or error)
    return "", response.reason_phrase


ERRORS = ErrorTable(rules=RULES, statuses=STATUSES, detail=detail, service="Cal.com")


def _text(message: Any) -> str:
    if isinstance(message, list):  # class-validator lists every broken field
        return "; ".join(str(m) for m in message)
    return str(message or "")
