"""Relentify's error answers -> `booking_client.errors`, in one table.

Relentify's v1 API answers an error as `{"error": {"code", "message", "status"}}` (its help pages
also show the flat `{"error": "<code>", "message"}`; both are read). The codes the Bookings API
documents: `booking_link_not_found` (404), `missing_field` (400), `slot_taken` (409),
`routing_rejected` (403), `validation_failed` (400, a required qualification question was not
answered), `not_found` (404), `already_cancelled` (409). A key without the endpoint's scope
gets 403 (`bookings_write_denied`), a wrong one 401.
"""

from __future__ import annotations

from typing import Any

import httpx

from ..errors import (
    STATUS_ERRORS,
    BackendUnavailable,
    InvalidRequest,
    NeedsAnswers,
    NotAccepted,
    NotFound,
    SlotTaken,
)
from ..http import ErrorRule, ErrorTable


class AlreadyCancelled(InvalidRequest):
    """Relentify's `already_cancelled`: the backend decides whether that is an error (see `cancel`)."""


RULES: tuple[ErrorRule, ...] = (
    # --- the booking system's own rules ----------------------------------------------------------
    ErrorRule(409, SlotTaken, matches=r"^slot_taken\b"),
    ErrorRule(403, NotAccepted, matches=r"^routing_rejected\b"),
    ErrorRule(400, NeedsAnswers, matches=r"^validation_failed\b"),
    ErrorRule(400, NeedsAnswers, matches=r"^missing_field\b.*\b(answers?|question)"),
    # --- state -------------------------------------------------------------------------------------
    ErrorRule(409, AlreadyCancelled, matches=r"^already_cancelled\b"),
    ErrorRule(409, InvalidRequest),  # a conflict Relentify does not document: not a taken slot
)

# Whatever no rule takes, by status alone: `not_found` and `booking_link_not_found` are NotFound; a
# refused key (401) or a missing scope (403) is the operator's setting, not the customer's request.
STATUSES = {**STATUS_ERRORS, 401: BackendUnavailable, 403: BackendUnavailable, 404: NotFound}


def body_of(response: httpx.Response) -> Any:
    """The decoded JSON body, or None."""
    try:
        return response.json()
    except ValueError:
        return None


def detail(response: httpx.Response) -> tuple[str, str]:
    """(code, message) from a Relentify error body; the reason phrase when the body is not Relentify's."""
    body = body_of(response)
    if not isinstance(body, dict):
        return "", response.text.strip()[:200] or response.reason_phrase
    error = body.get("error")
    if isinstance(error, dict):
        return str(error.get("code") or ""), str(error.get("message") or body.get("message") or "")
    return str(error or body.get("code") or ""), str(body.get("message") or "")


ERRORS = ErrorTable(rules=RULES, statuses=STATUSES, detail=detail, service="Relentify")


def code_of(error: BaseException) -> str:
    """The Relentify error code behind a public error raised by the client ("" if none)."""
    cause = error.__cause__
    if isinstance(cause, httpx.HTTPStatusError):
        return detail(cause.response)[0]
    return ""


def questions_in(error: BaseException) -> tuple[str, ...]:
    """Question ids an error body names (`question_id`, `question_ids` or `questions`), if any.

    The Bookings API documents none, but a body that names them is better than our list.
    """
    cause = error.__cause__
    body = body_of(cause.response) if isinstance(cause, httpx.HTTPStatusError) else None
    if not isinstance(body, dict):
        return ()
    found: list[str] = []
    for where in (body, body.get("error"), (body.get("error") or {}).get("details")
                  if isinstance(body.get("error"), dict) else None):
        if not isinstance(where, dict):
            continue
        for key in ("question_id", "question_ids", "questions"):
            found += _ids(where.get(key))
    return tuple(dict.fromkeys(q for q in found if q))


def _ids(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v.get("question_id") or v.get("id") or "") if isinstance(v, dict) else str(v) for v in value]
    return []
