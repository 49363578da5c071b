"""Our services and staff <-> Slatis's event types and members: the names both ways, and the start check.

Every problem found becomes one line naming the setting to fix, so `booking-bot run` can stop
with a sentence an operator understands.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..business import Business
from ..errors import BackendUnavailable, BookingError, NotFound
from ..http import status_of
from .api import SlatisApi
from .config import SlatisConfig

# Scopes the bot's key needs (Settings -> API Keys in Slatis).
SCOPES = ("bookings:create", "bookings:read", "bookings:cancel", "bookings:reschedule", "bookings:transition",
          "availability:read", "event-types:read")


@dataclass(frozen=True)
class Names:
    """The configured ids, read back: Slatis event type -> service id, member -> staff id."""

    services: dict[str, str]
    staff: dict[str, str]

    @classmethod
    def of(cls, config: SlatisConfig) -> Names:
        return cls({v: k for k, v in config.event_types.items()}, {v: k for k, v in config.members.items()})

    def service_of(self, event_type_id: str | None) -> str:
        return self.services.get(str(event_type_id), f"slatis-event-type-{event_type_id}")

    def staff_of(self, member_id: str | None) -> str:
        return self.staff.get(str(member_id), f"slatis-member-{member_id}")

    def knows(self, event_type_id: str | None) -> bool:
        """Whether a booking's event type is one of the business's services."""
        return str(event_type_id) in self.services


async def problems(api: SlatisApi, business: Business, config: SlatisConfig) -> list[str]:
    """What is wrong with the settings, one line each naming the setting; empty when all is well."""
    if not config.api_key.strip():
        return ["SLATIS_API_KEY: not set (Settings -> API Keys in Slatis; a secret key, sk_...)"]
    found = []
    if config.api_key.startswith("pk_"):
        found.append("SLATIS_API_KEY: a public key (pk_...) can only read and create bookings; the bot also "
                     "cancels and moves them, so it needs a secret key (sk_...)")
    try:
        listed = await api.event_types()  # the key works at all
        await api.bookings_page()  # and may read bookings
    except BookingError as exc:
        return [*found, _unreachable(config, exc)]
    try:
        found += await _event_types(api, business, config)
        found += await _members(api, business, config, _teams(listed, config))
    except BookingError as exc:
        return [*found, _unreachable(config, exc)]
    return found


async def _event_types(api: SlatisApi, business: Business, config: SlatisConfig) -> list[str]:
    found = [f"SLATIS_EVENT_TYPES: {key!r} is not a service of the business file"
             for key in config.event_types if key not in {s.id for s in business.services}]
    for service in business.services:
        event_type_id = config.event_types.get(service.id)
        if event_type_id is None:
            found.append(f"SLATIS_EVENT_TYPES: no event type for {service.display('en')}")
            continue
        try:
            event_type = await api.event_type(event_type_id)
        except NotFound:
            found.append(f"SLATIS_EVENT_TYPES: event type {event_type_id} for {service.display('en')} does not exist")
            continue
        minutes = event_type.get("duration")
        if minutes is not None and int(minutes) != service.duration_minutes:
            found.append(f"SLATIS_EVENT_TYPES: event type {event_type_id} ({service.display('en')}) lasts {minutes} "
                         f"minutes, the business file says {service.duration_minutes}")
    return found


async def _members(api: SlatisApi, business: Business, config: SlatisConfig, teams: dict[str, str]) -> list[str]:
    found = [f"SLATIS_MEMBERS: {key!r} is not a staff member of the business file"
             for key in config.members if key not in {p.id for p in business.staff}]
    for person in business.staff:
        member_id = config.members.get(person.id)
        if member_id is None:
            found.append(f"SLATIS_MEMBERS: no member for {person.name}")
            continue
        try:
            member = await api.member(member_id)
        except NotFound:
            found.append(f"SLATIS_MEMBERS: member {member_id} for {person.name} does not exist")
            continue
        if member.get("is_active") is False:
            found.append(f"SLATIS_MEMBERS: member {member_id} ({person.name}) is not active in Slatis")
        team = (member.get("team") or {}).get("id")
        for service_id in person.services:
            wanted = teams.get(service_id)
            if team and wanted and team != wanted:
                found.append(f"SLATIS_MEMBERS: {person.name} ({member_id}) is not in team {wanted} of event type "
                             f"{config.event_types[service_id]} ({business.service(service_id).display('en')})")
    return found


def _teams(listed: list[dict], config: SlatisConfig) -> dict[str, str]:
    """Service id -> the team its event type belongs to, where Slatis says."""
    by_id = {str(e.get("id")): e for e in listed}
    return {service: str(by_id[et]["team_id"]) for service, et in config.event_types.items()
            if et in by_id and by_id[et].get("team_id")}


def _unreachable(config: SlatisConfig, exc: BookingError) -> str:
    status = status_of(exc)
    if status == 401:
        return f"SLATIS_API_KEY: Slatis refused the key ({exc})"
    if status == 403:
        return f"SLATIS_API_KEY: the key lacks a scope the bot needs ({exc}); give it {', '.join(SCOPES)}"
    if isinstance(exc, BackendUnavailable):
        return f"SLATIS_API_BASE: cannot reach Slatis at {config.api_base} ({exc})"
    return f"SLATIS_API_BASE: {config.api_base} does not answer like the Slatis API v1 (with /v1) ({exc})"
