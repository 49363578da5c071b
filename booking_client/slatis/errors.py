"""Slatis's error answers -> `booking_client.errors`, in one table.

Slatis answers an error as `{"success": false, "error": {"code": "...", "message": "..."}}`.
Its documentation names `unauthorized` (401), `forbidden` (403, a scope the key lacks),
`rate_limited` (429) and `not_found`; the codes for a taken time and a refused transition
are not published, so a 409 is read by its code first and by the endpoint second: on create
and reschedule it is the time that is gone, on a status transition it is the booking's state.
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

# Codes and words that mean "this time is not free".
TAKEN = r"slot_unavailable|slot_taken|conflict|not available|no longer available|already booked"
# Codes and words that mean "not in this booking's state".
STATE = r"invalid_transition|invalid_state|invalid_status|cannot be|not allowed"
TRANSITIONS = r"/bookings/[^/]+/(cancel|confirm|complete|no-show)$"

RULES: tuple[ErrorRule, ...] = (
    # --- the time is gone ----------------------------------------------------------------------
    ErrorRule(409, SlotTaken, matches=TAKEN),
    # --- the booking is not in a state that allows it (cancel a completed one, move a cancelled one)
    ErrorRule(409, InvalidRequest, matches=STATE),
    ErrorRule(409, InvalidRequest, path=TRANSITIONS),
    ErrorRule(409, InvalidRequest, path=r"/bookings/[^/]+$"),  # PATCH outside SCHEDULED/RESCHEDULED/PENDING
    # --- an Idempotency-Key sent again with another body: our bug, never the customer's slot ------
    ErrorRule(422, InvalidRequest, matches=r"idempotency"),
)

# Whatever no rule takes, by status alone: any other 409 is a conflict over the time (create and
# reschedule). A refused key (401/403) is the operator's setting, not the customer's request: the
# bot cannot book now, and `check()` names the setting.
STATUSES = {**STATUS_ERRORS, 401: BackendUnavailable, 403: BackendUnavailable, 404: NotFound, 409: SlotTaken,
            410: NotFound, 422: InvalidRequest}


def detail(response: httpx.Response) -> tuple[str, str]:
    """(code, message) from a Slatis error body; the reason phrase when the body is not Slatis's."""
    try:
        body: Any = response.json()
    except ValueError:
        return "", response.text.strip()[:200] or response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("code") or ""), str(error.get("message") or "")
    if isinstance(body, dict):
        return str(body.get("code") or ""), str(body.get("message") or error or "")
    return "", response.reason_phrase


ERRORS = ErrorTable(rules=RULES, statuses=STATUSES, detail=detail, service="Slatis")
