"""Empfio's Bookings API on the wire: one method per endpoint, pages followed to the end.

There is no endpoint that creates a booking: Empfio's bookings are made in Cal.com (by its
own agent, or by anyone on the business's Cal.com pages) and arrive through Cal.com's webhook.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, date, datetime
from typing import Any

import httpx

from ..http import ApiClient
from .config import EmpfioConfig
from .errors import ERRORS

PREFIX = "/api/v1/bookings"
PAGE = 100  # bookings per page: the most the API gives (its default is 20)
MAX_PAGES = 1000  # a guard against a server whose pages never end

Json = dict[str, Any]


def utc_iso(moment: datetime) -> str:
    """An aware datetime as Empfio shows its own: UTC, ISO 8601, `Z`."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class EmpfioApi:
    """The endpoints the adapter uses, returning each answer's decoded body."""

    def __init__(self, config: EmpfioConfig, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.http = ApiClient(
            config.api_base,
            headers={"Authorization": f"Bearer {config.api_token}", "Accept": "application/json",
                     "User-Agent": "booking-bot"},
            errors=ERRORS,
            timeout=config.timeout,
            retry=config.retry,
            transport=transport,
        )

    async def page(self, number: int, size: int = PAGE, **filters: str) -> Json:
        """One page of bookings: `{"bookings": [...], "total", "page", "size"}`."""
        body = await self.http.request("GET", PREFIX, params={"page": number, "size": size, **filters})
        return body if isinstance(body, dict) else {}

    async def pages(self, **filters: str) -> AsyncIterator[list[Json]]:
        """Every page of bookings (matching `filters`, `lead_id` or `status`), first to last.

        A page's items may be the list's short form (no metadata, no Cal.com ids): `booking` has the rest.
        """
        seen = 0
        for number in range(1, MAX_PAGES + 1):
            body = await self.page(number, **filters)
            items = [item for item in body.get("bookings") or [] if isinstance(item, dict)]
            yield items
            seen += len(items)
            total, size = body.get("total"), body.get("size") or PAGE
            if not items or (isinstance(total, int) and seen >= total) or (total is None and len(items) < size):
                return

    async def booking(self, booking_id: str) -> Json:
        """The full record: lead, metadata, Cal.com ids."""
        return await self.http.request("GET", f"{PREFIX}/{booking_id}") or {}

    async def update(self, booking_id: str, changes: Mapping[str, Any], *, repeatable: bool) -> Json | None:
        """PATCH some of status, start_time, end_time, meeting_url, metadata; the updated record (if sent).

        A move is sent once (`repeatable=False`): the caller looks before it tries again, because a
        second move would make Empfio reschedule in Cal.com twice.
        """
        body = await self.http.request("PATCH", f"{PREFIX}/{booking_id}", json=dict(changes),
                                       safe=repeatable, retry=repeatable)
        return body if isinstance(body, dict) and body.get("id") else None

    async def cancel(self, booking_id: str) -> None:
        """DELETE: cancels (in Cal.com too) and answers 204. Sent again after a lost answer, like any DELETE."""
        await self.http.request("DELETE", f"{PREFIX}/{booking_id}")

    async def slots(self, start: date, end: date) -> Json:
        """Free times from Cal.com for the days [start, end]: `{"slots": [{start, end}], "event_type_id"}`."""
        params = {"start_date": start.isoformat(), "end_date": end.isoformat()}
        body = await self.http.request("GET", f"{PREFIX}/available-slots", params=params)
        return body if isinstance(body, dict) else {}

    async def aclose(self) -> None:
        await self.http.aclose()
