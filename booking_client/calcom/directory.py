"""Who is who in Cal.com: each business service's event type, each staff member's user, and the
event type that books one staff member for one service.

Cal.com API v2 (cal-api-version 2024-09-04 / 2024-08-13) cannot narrow a team event type to one
host: `username` counts for slots only together with `eventTypeSlug`, and a booking by
`eventTypeId` goes to whichever host round robin picks. What it can do is book a user's own
event type, found by that user's username and the event type's slug (a managed event type's
children, or personal event types with the same slug). So each (service, staff member) pair
resolves to such an event type id, used for slots, reservations and bookings alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..business import Business, Service, Staff
from ..errors import NotFound
from .api import CalcomApi

Json = dict[str, Any]


@dataclass(frozen=True)
class Host:
    """A Cal.com user who hosts an event type."""

    username: str | None
    user_id: int | None = None
    name: str | None = None


@dataclass(frozen=True)
class EventType:
    """The facts about one event type the adapter needs."""

    id: int
    slug: str
    length: int | None
    hosts: tuple[Host, ...]
    owner_id: int | None
    team_id: int | None

    @classmethod
    def from_json(cls, data: Json) -> EventType:
        hosts: dict[str, Host] = {}
        for raw in data.get("hosts") or []:  # team event types: {userId, name?, username?}
            host = Host(raw.get("username"), raw.get("userId") or raw.get("id"), raw.get("name"))
            hosts[host.username or str(host.user_id)] = host
        for raw in data.get("users") or []:  # usernames (the document), or user objects
            host = Host(raw, None, None) if isinstance(raw, str) else Host(
                raw.get("username"), raw.get("id"), raw.get("name"))
            key = host.username or str(host.user_id)
            if key not in hosts:
                hosts[key] = host
        return cls(int(data["id"]), str(data.get("slug") or ""), data.get("lengthInMinutes"),
                   tuple(hosts.values()), data.get("ownerId"), data.get("teamId"))

    def host(self, username: str) -> Host | None:
        return next((h for h in self.hosts if h.username == username), None)


@dataclass
class Directory:
    """Resolved names, both ways, and what could not be resolved (one line per problem, naming the setting)."""

    event_types: dict[str, EventType] = field(default_factory=dict)  # service id -> its configured event type
    usernames: dict[str, str] = field(default_factory=dict)  # staff id -> Cal.com username
    targets: dict[tuple[str, str], int] = field(default_factory=dict)  # (service, staff) -> event type id
    services_by_event_type: dict[int, str] = field(default_factory=dict)
    services_by_slug: dict[str, str] = field(default_factory=dict)
    staff_by_username: dict[str, str] = field(default_factory=dict)
    staff_by_user_id: dict[int, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    # --- the Names protocol (mapping.py) -----------------------------------------------------------

    def service_of(self, event_type_id: int | None, slug: str | None) -> str:
        if event_type_id in self.services_by_event_type:
            return self.services_by_event_type[event_type_id]  # type: ignore[index]
        if slug and slug in self.services_by_slug:
            return self.services_by_slug[slug]
        return slug or f"calcom-event-type-{event_type_id}"

    def staff_of(self, username: str | None, user_id: int | None) -> str:
        if username and username in self.staff_by_username:
            return self.staff_by_username[username]
        if user_id is not None and user_id in self.staff_by_user_id:
            return self.staff_by_user_id[user_id]
        return username or f"calcom-user-{user_id}"

    def knows(self, event_type_id: int | None, slug: str | None) -> bool:
        """Whether a booking's event type is one of the business's services."""
        return event_type_id in self.services_by_event_type or bool(slug and slug in self.services_by_slug)


async def resolve(api: CalcomApi, business: Business, event_types: Mapping[str, int],
                  staff: Mapping[str, str]) -> Directory:
    """Look every configured event type and staff member up in Cal.com.

    Raises BackendUnavailable when Cal.com cannot be asked; a setting that does not fit Cal.com
    becomes a line in `problems` and leaves that service or staff member unresolved.
    """
    found = Directory()
    for service in business.services:
        event_type_id = event_types.get(service.id)
        if event_type_id is None:
            found.problems.append(f"CALCOM_EVENT_TYPES: no event type for {service.display('en')}")
            continue
        try:
            event_type = EventType.from_json(await api.event_type(event_type_id))
        except NotFound:
            found.problems.append(
                f"CALCOM_EVENT_TYPES: event type {event_type_id} for {service.display('en')} does not exist")
            continue
        found.event_types[service.id] = event_type
        found.services_by_event_type[event_type.id] = service.id
        found.services_by_slug.setdefault(event_type.slug, service.id)
        if event_type.length is not None and event_type.length != service.duration_minutes:
            found.problems.append(
                f"CALCOM_EVENT_TYPES: event type {event_type.id} ({service.display('en')}) lasts "
                f"{event_type.length} minutes, the business file says {service.duration_minutes}")
        for person in business.staff_for(service.id):
            await _resolve_pair(api, found, service, person, event_type, staff)
    return found


async def _resolve_pair(api: CalcomApi, found: Directory, service: Service, person: Staff,
                        event_type: EventType, staff: Mapping[str, str]) -> None:
    """The event type that books `person` for `service`, recorded in `found.targets`."""
    username = staff.get(person.id) or found.usernames.get(person.id)
    host = event_type.host(username) if username else _by_name(person, event_type.hosts)
    if host is None or host.username is None:
        hosts = ", ".join(h.username or h.name or str(h.user_id) for h in event_type.hosts) or "none"
        why = f"Cal.com user {username!r}" if username else f"no host is called {person.name}"
        found.problems.append(
            f"CALCOM_STAFF: {person.name} is not a host of event type {event_type.id} ({why}; hosts: {hosts})")
        return
    _learn_user(found, person, host)
    if len(event_type.hosts) == 1 and event_type.team_id is None:
        found.targets[(service.id, person.id)] = event_type.id  # the person's own event type already
        return
    try:
        own = [EventType.from_json(e) for e in await api.user_event_types(host.username, event_type.slug)]
    except NotFound:
        own = []
    mine = next((e for e in own if e.slug == event_type.slug and e.team_id is None), None)
    if mine is None:
        found.problems.append(
            f"CALCOM_STAFF: {person.name} ({host.username}) has no event type '{event_type.slug}' of their own, "
            f"so Cal.com cannot book {service.display('en')} with them in particular")
        return
    found.targets[(service.id, person.id)] = mine.id
    found.services_by_event_type[mine.id] = service.id
    if mine.owner_id is not None:
        found.staff_by_user_id.setdefault(mine.owner_id, person.id)


def _learn_user(found: Directory, person: Staff, host: Host) -> None:
    assert host.username is not None
    found.usernames[person.id] = host.username
    found.staff_by_username[host.username] = person.id
    if host.user_id is not None:
        found.staff_by_user_id[host.user_id] = person.id


def _by_name(person: Staff, hosts: Iterable[Host]) -> Host | None:
    """The host whose name or username is the staff member's name, id or an alias (case-insensitive)."""
    names = {person.id.casefold(), person.name.casefold(), *(a.casefold() for a in person.aliases)}
    return next((h for h in hosts if (h.name or "").casefold() in names or (h.username or "").casefold() in names),
                None)

