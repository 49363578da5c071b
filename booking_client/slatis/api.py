"""Slatis API v1 on the wire: one method per endpoint, each returning the named part of the envelope.

Slatis wraps every answer in an envelope with a named key (`{"success": true, "booking": {...}}`,
`{"success": true, "slots": [...]}`); lists of bookings page with a cursor
(`pagination.next_cursor`, `has_more`), followed here to the last page.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from ..http import ApiClient
from .config import SlatisConfig
from .errors import ERRORS
from .mapping import idempotency_header

PAGE = 100  # bookings per page (Slatis's default is 50)
MAX_PAGES = 1000  # a guard against a server that never says "last page"
TRANSITIONS = frozenset({"confirm", "complete", "no-show", "cancel"})

Json = dict[str, Any]


def utc_iso(moment: datetime) -> str:
    """An aware datetime as Slatis wants it: UTC, ISO 8601, `Z` (a time without an offset is misread)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _id(value: str) -> str:
    """An id as one path segment, whatever it contains."""
    return quote(value, safe="")


class SlatisApi:
    """The endpoints the adapter uses."""

    def __init__(self, config: SlatisConfig, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.http = ApiClient(
            config.api_base,
            headers={"Authorization": f"Bearer {config.api_key}", "Accept": "application/json",
                     "User-Agent": "booking-bot"},
            errors=ERRORS,
            timeout=config.timeout,
            retry=config.retry,
            transport=transport,
        )

    async def _get(self, path: str, key: str, params: Mapping[str, Any] | None = None) -> Any:
        body = await self.http.request("GET", path, params=params)
        return _part(body, key)

    # --- setup: event types and team members -----------------------------------------------------

    async def event_types(self) -> list[Json]:
        return list(await self._get("/event-types", "event_types") or [])

    async def event_type(self, event_type_id: str) -> Json:
        return await self._get(f"/event-types/{_id(event_type_id)}", "event_type")

    async def member(self, member_id: str) -> Json:
        return await self._get(f"/team/members/{_id(member_id)}", "member")

    # --- free times ---------------------------------------------------------------------------------

    async def slots(self, event_type_id: str, start: datetime, end: datetime, timezone: str) -> list[Json]:
        """The event type's free slots starting in [start, end), each `{start, end}` in UTC."""
        params = {"event_type_id": event_type_id, "start_date": utc_iso(start), "end_date": utc_iso(end),
                  "timezone": timezone}
        return list(await self._get("/availability", "slots", params) or [])

    async def freebusy(self, member_id: str, start: datetime, end: datetime, minutes: int) -> Json:
        """One member's `free` and `busy` blocks in [start, end)."""
        params = {"start": utc_iso(start), "end": utc_iso(end), "time_slot": minutes}
        return await self.http.request("GET", f"/freebusy/{_id(member_id)}", params=params) or {}

    # --- bookings -----------------------------------------------------------------------------------

    async def create_booking(self, body: Json, idempotency_key: str) -> tuple[Json, bool]:
        """POST /bookings with the Idempotency-Key: safe to send again after any trouble, because the
        same key never books twice. Returns the booking and whether Slatis replayed an earlier answer."""
        headers = {"Idempotency-Key": idempotency_header(idempotency_key)} if idempotency_key else None
        answer = await self.http.request("POST", "/bookings", json=body, headers=headers,
                                         safe=bool(idempotency_key))
        return _part(answer, "booking"), bool(isinstance(answer, dict) and answer.get("idempotent_replay"))

    async def booking(self, booking_id: str) -> Json:
        return await self._get(f"/bookings/{_id(booking_id)}", "booking")

    async def bookings(self, query: Mapping[str, Any]) -> list[Json]:
        """Every booking matching `query`, following `next_cursor` until `has_more` is false."""
        found: list[Json] = []
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            params = {**query, "limit": PAGE, **({"cursor": cursor} if cursor else {})}
            body = await self.http.request("GET", "/bookings", params=params)
            found.extend(_part(body, "bookings") or [])
            page = (body.get("pagination") or {}) if isinstance(body, dict) else {}
            cursor = page.get("next_cursor")
            if not page.get("has_more") or not cursor:
                return found
        raise RuntimeError(f"Slatis kept saying there is another page after {MAX_PAGES} pages")

    async def bookings_page(self, limit: int = 1) -> list[Json]:
        """The first page only: enough to learn whether the key may read bookings."""
        return list(await self._get("/bookings", "bookings", {"limit": limit}) or [])

    async def transition(self, booking_id: str, action: str, body: Json | None = None) -> Json:
        """confirm, complete, no-show or cancel: idempotent in Slatis, so safe to send again."""
        if action not in TRANSITIONS:
            raise ValueError(f"unknown transition {action!r}")
        answer = await self.http.request("POST", f"/bookings/{_id(booking_id)}/{action}", json=body or {},
                                         safe=True)
        return _part(answer, "booking")

    async def reschedule(self, booking_id: str, start: datetime) -> Json:
        """Move a booking once (it takes no idempotency key): the caller looks before it tries again."""
        answer = await self.http.request("POST", f"/bookings/{_id(booking_id)}/reschedule",
                                         json={"requested_time": utc_iso(start)}, safe=False, retry=False)
        return _part(answer, "booking")

    async def aclose(self) -> None:
        await self.http.aclose()


def _part(body: Any, key: str) -> Any:
    """The envelope's named part (`booking`, `slots`, ...), or the body itself when it has none."""
    if isinstance(body, dict) and key in body:
        return body[key]
    return body
