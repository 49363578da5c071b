"""The Relentify Bookings API on the wire: one method per endpoint, each returning the answer's `data`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

import httpx

from ..http import ApiClient
from .config import RelentifyConfig
from .errors import ERRORS

PAGE = 100  # bookings per page (Relentify's maximum; its default is 50)
MAX_PAGES = 500  # a guard against a server that never says "no more"

Json = dict[str, Any]


def link_param(link_id: str | None, slug: str | None) -> dict[str, str]:
    """How a request names its booking link: by id when known, else by slug."""
    return {"booking_link_id": link_id} if link_id else {"slug": slug or ""}


class RelentifyApi:
    """The five endpoints of the Bookings API (`/api/v1`)."""

    def __init__(self, config: RelentifyConfig, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.http = ApiClient(
            config.api_base,
            headers={"Authorization": f"Bearer {config.api_key}", "Accept": "application/json",
                     "User-Agent": "booking-bot"},
            errors=ERRORS,
            timeout=config.timeout,
            retry=config.retry,
            transport=transport,
        )

    async def call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
                   retry: bool = True) -> Any:
        """One request; returns the envelope's `data` (the whole body when there is none)."""
        body = await self.http.request(method, path, params=params, json=json, retry=retry)
        return body["data"] if isinstance(body, dict) and "data" in body else body

    async def availability(self, day: date, *, link_id: str | None = None, slug: str | None = None) -> Json:
        """One day's open slots on one link: `{booking_link_id, slug, date, slots: [{start, end}]}`."""
        params = {**link_param(link_id, slug), "date": day.isoformat()}
        return await self.call("GET", "/api/v1/availability", params=params) or {}

    async def create(self, body: Json) -> Json:
        """POST /bookings once: the caller looks for a lost booking before it tries again."""
        return await self.call("POST", "/api/v1/bookings", json=body, retry=False)

    async def booking(self, booking_id: str) -> Json:
        """One booking, with its link's `link_title` and `duration_minutes` joined in."""
        return await self.call("GET", f"/api/v1/bookings/{quote(booking_id, safe='')}")

    async def bookings(self, query: Mapping[str, Any]) -> list[Json]:
        """Every booking matching `query` (booking_link_id, status, from, to), page after page."""
        found: list[Json] = []
        for page in range(1, MAX_PAGES + 1):
            body = await self.http.request("GET", "/api/v1/bookings", params={**query, "page": page, "limit": PAGE})
            items = list(body.get("data") or []) if isinstance(body, dict) else []
            found.extend(items)
            more = (body.get("pagination") or {}).get("hasMore") if isinstance(body, dict) else None
            if not items or more is False or (more is None and len(items) < PAGE):
                break
        return found

    async def cancel(self, booking_id: str, reason: str | None) -> Json:
        """PATCH …/cancel once: `{id, status: "cancelled", reason}`."""
        return await self.call("PATCH", f"/api/v1/bookings/{quote(booking_id, safe='')}/cancel",
                               json={"reason": reason} if reason else {}, retry=False)

    async def aclose(self) -> None:
        await self.http.aclose()
