"""Which booking system the bot books into: the adapter the settings name, built for the composition root.

`BOOKING_BACKEND=local` is the embedded engine; `calcom` is Cal.com or a self-hosted Cal.diy,
wrapped in the booking journal so that reminders follow its bookings the same way. A wrong
or incomplete configuration is one line naming the setting (`SettingsError`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from booking_client import BookingBackend, Business
from booking_client.local import LocalBackend

from .clock import Clock
from .settings import Settings, SettingsError, check_backend, parse_pairs

if TYPE_CHECKING:  # the HTTP adapter (and httpx) loads only when it is the one configured
    from booking_client.calcom import CalcomConfig
    from booking_client.http import RetryPolicy


async def build_backend(settings: Settings, business: Business, engine: AsyncEngine, clock: Clock, *,
                        retry: RetryPolicy | None = None) -> BookingBackend:
    """The backend the settings name, ready to use (its tables migrated, if it keeps any).
    `retry`: how an HTTP adapter retries (the tests pass one that never waits on the wall clock)."""
    check_backend(settings)
    if settings.booking_backend == "calcom":
        from booking_client.calcom import CalcomBackend
        from booking_client.journal import Journal, JournaledBackend
        from booking_client.journal import migrate as migrate_journal

        await migrate_journal(engine)
        config = calcom_config(settings, business)
        if retry is not None:
            config = replace(config, retry=retry)
        calcom = CalcomBackend(business, config, clock.now)
        return JournaledBackend(calcom, Journal(engine), clock.now)
    return LocalBackend(business, engine, clock.now)


def calcom_config(settings: Settings, business: Business) -> CalcomConfig:
    """CALCOM_* settings (or the business file's [calcom] table) with names resolved to the business's ids."""
    from booking_client.calcom import CalcomConfig

    assert settings.calcom_api_key is not None
    event_types = parse_pairs(settings.calcom_event_types, "Service=123") or {
        k: str(v) for k, v in business.calcom.event_types.items()}
    staff = parse_pairs(settings.calcom_staff, "Name=username") or dict(business.calcom.staff)
    by_service = {_service_id(business, name): int(value) for name, value in event_types.items()}
    _require_every_service(business, by_service)
    return CalcomConfig(
        api_key=settings.calcom_api_key.get_secret_value(),
        api_base=settings.calcom_api_base,
        event_types=by_service,
        staff={_staff_id(business, name): username for name, username in staff.items()},
    )


def _require_every_service(business: Business, event_types: Mapping[str, int]) -> None:
    missing = [s.display("en") for s in business.services if s.id not in event_types]
    if missing:
        raise SettingsError(f"setting CALCOM_EVENT_TYPES: no Cal.com event type for {', '.join(missing)} "
                            f"(write {missing[0]}=<event type id>)")


def _service_id(business: Business, name: str) -> str:
    wanted = name.strip().casefold()
    for service in business.services:
        if wanted == service.id or wanted in (n.casefold() for n in service.name.values()):
            return service.id
    known = ", ".join(s.display("en") for s in business.services)
    raise SettingsError(f"setting CALCOM_EVENT_TYPES: the business file has no service {name.strip()!r} "
                        f"(services: {known})")


def _staff_id(business: Business, name: str) -> str:
    wanted = name.strip().casefold()
    for person in business.staff:
        if wanted in (person.id, person.name.casefold(), *(a.casefold() for a in person.aliases)):
            return person.id
    known = ", ".join(p.name for p in business.staff)
    raise SettingsError(f"setting CALCOM_STAFF: the business file has no staff member {name.strip()!r} "
                        f"(staff: {known})")
