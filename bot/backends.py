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
    name = settings.booking_backend
    if name == "local":
        return LocalBackend(business, engine, clock.now)
    from booking_client.journal import Journal, JournaledBackend
    from booking_client.journal import migrate as migrate_journal

    await migrate_journal(engine)
    return JournaledBackend(_http_backend(name, settings, business, clock, retry), Journal(engine), clock.now)


def _http_backend(name: str, settings: Settings, business: Business, clock: Clock,
                  retry: RetryPolicy | None) -> BookingBackend:
    """The HTTP adapter `name`, configured from the settings (names resolved to the business's ids)."""
    def tuned(config):  # the tests' retry policy never waits on the wall clock
        return replace(config, retry=retry) if retry is not None else config

    if name == "calcom":
        from booking_client.calcom import CalcomBackend

        return CalcomBackend(business, tuned(calcom_config(settings, business)), clock.now)
    if name == "relentify":
        from booking_client.relentify import RelentifyBackend, RelentifyConfig

        assert settings.relentify_api_key is not None
        config = RelentifyConfig(
            api_key=settings.relentify_api_key.get_secret_value(), api_base=settings.relentify_api_base,
            links=_by_service(business, settings.relentify_links, "RELENTIFY_LINKS"),
            staff=_by_staff(business, settings.relentify_staff, "RELENTIFY_STAFF"),
            questions={service: [key] for service, key in _by_service(
                business, settings.relentify_questions, "RELENTIFY_QUESTIONS", every=False).items()})
        return RelentifyBackend(business, tuned(config), clock.now)
    if name == "slatis":
        from booking_client.slatis import SlatisBackend, SlatisConfig

        assert settings.slatis_api_key is not None
        config = SlatisConfig(
            api_key=settings.slatis_api_key.get_secret_value(), api_base=settings.slatis_api_base,
            event_types=_by_service(business, settings.slatis_event_types, "SLATIS_EVENT_TYPES"),
            members=_by_staff(business, settings.slatis_members, "SLATIS_MEMBERS"))
        return SlatisBackend(business, tuned(config), clock.now)
    from booking_client.empfio import EmpfioBackend, EmpfioConfig

    assert settings.empfio_api_token is not None
    creator = None
    if settings.calcom_api_key is not None:  # new bookings go through the Cal.com account under Empfio
        from booking_client.calcom import CalcomBackend

        calcom = tuned(calcom_config(settings, business))
        creator = CalcomBackend(business, calcom, clock.now)
    event_types = parse_pairs(settings.calcom_event_types, "Service=123") or {
        k: str(v) for k, v in business.calcom.event_types.items()}  # which event type each Empfio booking is
    config = EmpfioConfig(api_token=settings.empfio_api_token.get_secret_value(), api_base=settings.empfio_api_base,
                          event_types={_service_id(business, name, "CALCOM_EVENT_TYPES"): int(value)
                                       for name, value in event_types.items()})
    return EmpfioBackend(business, tuned(config), clock.now, creator=creator)


def _by_service(business: Business, text: str, setting: str, *, every: bool = True) -> dict[str, str]:
    """'Haircut=x,Coloring=y' -> {service id: value}, every service of the business mapped (if `every`)."""
    found = {_service_id(business, name, setting): value for name, value in parse_pairs(text, "Service=id").items()}
    if every:
        _require_every_service(business, found, setting)
    return found


def _by_staff(business: Business, text: str, setting: str) -> dict[str, str]:
    return {_staff_id(business, name, setting): value for name, value in parse_pairs(text, "Name=id").items()}


def calcom_config(settings: Settings, business: Business) -> CalcomConfig:
    """CALCOM_* settings (or the business file's [calcom] table) with names resolved to the business's ids."""
    from booking_client.calcom import CalcomConfig

    assert settings.calcom_api_key is not None
    event_types = parse_pairs(settings.calcom_event_types, "Service=123") or {
        k: str(v) for k, v in business.calcom.event_types.items()}
    staff = parse_pairs(settings.calcom_staff, "Name=username") or dict(business.calcom.staff)
    by_service = {_service_id(business, name, "CALCOM_EVENT_TYPES"): int(value) for name, value in event_types.items()}
    _require_every_service(business, by_service, "CALCOM_EVENT_TYPES")
    return CalcomConfig(
        api_key=settings.calcom_api_key.get_secret_value(),
        api_base=settings.calcom_api_base,
        event_types=by_service,
        staff={_staff_id(business, name, "CALCOM_STAFF"): username for name, username in staff.items()},
    )


def _require_every_service(business: Business, mapped: Mapping[str, object], setting: str) -> None:
    missing = [s.display("en") for s in business.services if s.id not in mapped]
    if missing:
        raise SettingsError(f"setting {setting}: nothing for {', '.join(missing)} (write {missing[0]}=<id>)")


def _service_id(business: Business, name: str, setting: str) -> str:
    wanted = name.strip().casefold()
    for service in business.services:
        if wanted == service.id or wanted in (n.casefold() for n in service.name.values()):
            return service.id
    known = ", ".join(s.display("en") for s in business.services)
    raise SettingsError(f"setting {setting}: the business file has no service {name.strip()!r} "
                        f"(services: {known})")


def _staff_id(business: Business, name: str, setting: str) -> str:
    wanted = name.strip().casefold()
    for person in business.staff:
        if wanted in (person.id, person.name.casefold(), *(a.casefold() for a in person.aliases)):
            return person.id
    known = ", ".join(p.name for p in business.staff)
    raise SettingsError(f"setting {setting}: the business file has no staff member {name.strip()!r} "
                        f"(staff: {known})")
