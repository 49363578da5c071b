"""Empfio's error answers -> `booking_client.errors`, in one table.

Empfio's backend is FastAPI, so an error is `{"detail": "message"}`, and a request that fails
validation is a 422 with `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}` (a booking id
that is no UUID among them). A time that went to someone else comes back from Cal.com underneath,
as a 409 or as a 400 that says so.
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

# Wording that means "this time is not free" (Empfio's own, or Cal.com's passed through).
TAKEN = (
    r"not available|no longer available|unavailable|already has (a )?booking|already booked|slot.{0,20}taken"
    r"|booking_conflict|overlap|no available users|hosts? unavailable"
)

RULES: tuple[ErrorRule, ...] = (
    # --- the time is gone --------------------------------------------------------------------------
    ErrorRule(409, SlotTaken, matches=TAKEN),
    ErrorRule(400, SlotTaken, matches=TAKEN),
    # --- the booking is not there, or not in a state for this ---------------------------------------
    # FastAPI refuses a booking id that is no UUID with a 422: no booking has that id.
    ErrorRule(422, NotFound, matches=r"uuid", path=r"/api/v1/bookings/(?!available-slots$)[^/]+$"),
    ErrorRule(409, InvalidRequest),  # other conflicts: already cancelled, a state that blocks the change
)

# Whatever no rule takes, by status alone. A refused token (401/403) is the operator's setting, not
# the customer's request: the bot cannot act now, and `check()` names EMPFIO_API_TOKEN.
STATUSES = {**STATUS_ERRORS, 401: BackendUnavailable, 403: BackendUnavailable, 404: NotFound,
            405: InvalidRequest, 422: InvalidRequest}


def detail(response: httpx.Response) -> tuple[str, str]:
    """(code, message) from a FastAPI error body; the reason phrase when the body is not JSON."""
    try:
        body: Any = response.json()
    except ValueError:
        return "", response.text.strip()[:200] or response.reason_phrase
    found = body.get("detail", body.get("message")) if isinstance(body, dict) else body
    if isinstance(found, list):  # validation errors, one per broken field
        problems = [p for p in found if isinstance(p, dict)]
        code = str(problems[0].get("type") or "") if problems else ""
        return code, "; ".join(_problem(p) for p in problems) or str(found)
    if isinstance(found, dict):
        return str(found.get("code") or ""), str(found.get("message") or found)
    return "", str(found or response.reason_phrase)


ERRORS = ErrorTable(rules=RULES, statuses=STATUSES, detail=detail, service="Empfio")


def _problem(problem: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in problem.get("loc") or [])
    message = str(problem.get("msg") or "")
    return f"{where}: {message}" if where else message
