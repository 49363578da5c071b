"""Cal.com API v2 on the wire: one method per endpoint, each with the `cal-api-version` its group needs.

A missing or wrong `cal-api-version` does not fail upstream: it silently reaches an older
controller with other fields, so the version comes from one table, by endpoint group.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from ..http import ApiClient
from .config import CalcomConfig
from .errors import ERRORS

# Endpoint group (the path segment after /v2/) -> the `cal-api-version` header it needs.
VERSIONS: Mapping[str, str | None] = {
    "slots": "2024-09-04",
    "bookings": "2024-08-13",
    "event-types": "2024-06-14",
    "me": None,  # not versioned
}
PAGE = 100  # bookings per page (Cal.com's default; at most 250)
MAX_PAGES = 500  # a guard against a server that never says "last page"

Json = dict[str, Any]


def version_for(path: str) -> str | None:
    """The `cal-api-version` for a /v2/... path; KeyError for a group we never call."""
    group = path.split("?", 1)[0].strip("/").split("/")[1]
    return VERSIONS[group]


def utc_iso(moment: datetime) -> str:
    """An aware datetime as Cal.com wants it: UTC, ISO 8601, `Z`."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class CalcomApi:
    """The endpoints the adapter uses, returning each answer's `data`."""

    def __init__(self, config: CalcomConfig, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.http = ApiClient(
            config.api_base,
            headers={"Authorization": f"Bearer {config.api_key}", "Accept": "application/json",
                     "User-Agent": "booking-bot"},
            errors=ERRORS,
            timeout=config.timeout,
            retry=config.retry,
            transport=transport,
        )

    async def call(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
        safe: bool | None = None, retry: bool = True,
    ) -> Any:
        """One request with its group's version header; returns the envelope's `data`."""
        version = version_for(path)
        headers = {"cal-api-version": version} if version else None
        body = await self.http.request(method, path, params=params, json=json, headers=headers, safe=safe, retry=retry)
        if isinstance(body, dict) and "data" in body and body.get("status", "success") == "success":
            return body["data"]
        return body

    # --- account and event types ---------------------------------------------------------------

    async def me(self) -> Json:
        return await self.call("GET", "/v2/me")

    async def event_type(self, event_type_id: int) -> Json:
        return await self.call("GET", f"/v2/event-types/{event_type_id}")

    async def user_event_types(self, username: str, slug: str | None = None) -> list[Json]:
        params = {"username": username, **({"eventSlug": slug} if slug else {})}
        data = await self.call("GET", "/v2/event-types", params=params)
        if isinstance(data, dict):  # one event type when asked by slug
            return [data]
        return list(data or [])

    # --- slots and reservations ------------------------------------------------------------------

    async def slots(self, query: Mapping[str, Any]) -> Mapping[str, list[Json]]:
        """Free slots by local date; each `{start, end}` with format=range."""
        return await self.call("GET", "/v2/slots", params=query) or {}

    async def reserve(self, event_type_id: int, start: datetime, minutes: int | None = None) -> Json:
        """Hold a slot; `minutes` None keeps Cal.com's default (5)."""
        body: Json = {"eventTypeId": event_type_id, "slotStart": utc_iso(start)}
        if minutes is not None:
            body["reservationDuration"] = minutes
        return await self.call("POST", "/v2/slots/reservations", json=body)

    async def release(self, uid: str) -> None:
        await self.call("DELETE", f"/v2/slots/reservations/{uid}")

    # --- bookings ----------------------------------------------------------------------------------

    async def create_booking(self, body: Json) -> Json:
        """POST /v2/bookings once: the caller looks for a lost booking before it tries again."""
        return await self.call("POST", "/v2/bookings", json=body, safe=False, retry=False)

    async def booking(self, uid: str) -> Json:
        return await self.call("GET", f"/v2/bookings/{uid}")

    async def bookings(self, query: Mapping[str, Any]) -> list[Json]:
        """Every booking matching `query`, page after page."""
        found: list[Json] = []
        for page in range(MAX_PAGES):
            params = {**query, "take": PAGE, "skip": page * PAGE}
            body = await self.http.request("GET", "/v2/bookings", params=params,
                                           headers={"cal-api-version": VERSIONS["bookings"]})
            items = list(body.get("data") or []) if isinstance(body, dict) else []
            found.extend(items)
            more = (body.get("pagination") or {}).get("hasNextPage") if isinstance(body, dict) else None
            if not items or more is False or (more is None and len(items) < PAGE):
                break
        return found

    async def cancel(self, uid: str, reason: str) -> Json:
        return await self.call("POST", f"/v2/bookings/{uid}/cancel", json={"cancellationReason": reason},
                               safe=False, retry=False)

    async def reschedule(self, uid: str, start: datetime, reason: str | None = None) -> Json:
        body = {"start": utc_iso(start), **({"reschedulingReason": reason} if reason else {})}
        return await self.call("POST", f"/v2/bookings/{uid}/reschedule", json=body, safe=False, retry=False)

    async def aclose(self) -> None:
        await self.http.aclose()
