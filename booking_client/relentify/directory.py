"""The business's services and staff, looked up as Relentify's booking links and staff ids.

A link in RELENTIFY_LINKS may be its id or its slug: asking one day's availability with it
answers both (`booking_link_id`, `slug`), which is how it is told apart and checked. Bookings
name their link by id only, so every link is resolved before bookings are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..business import Business
from ..errors import NotFound
from .api import RelentifyApi


@dataclass(frozen=True)
class Link:
    """One booking link as Relentify knows it."""

    id: str
    slug: str | None


@dataclass
class Directory:
    """Resolved names, both ways, and what could not be resolved (one line per problem, naming the setting)."""

    business: Business
    links: dict[str, Link] = field(default_factory=dict)  # service id -> its link
    services_by_link: dict[str, str] = field(default_factory=dict)  # link id -> service id
    staff_ids: dict[str, str] = field(default_factory=dict)  # staff id -> Relentify staff id
    staff_by_id: dict[str, str] = field(default_factory=dict)  # Relentify staff id -> staff id
    problems: list[str] = field(default_factory=list)

    # --- the Names protocol (mapping.py) -----------------------------------------------------------

    def service_of(self, link_id: str | None) -> str:
        return self.services_by_link.get(link_id or "", f"relentify-link-{link_id}")

    def staff_of(self, staff_id: str | None) -> str:
        if not staff_id:
            return ""  # nobody assigned (yet)
        return self.staff_by_id.get(str(staff_id), f"relentify-staff-{staff_id}")

    def length(self, service_id: str) -> timedelta | None:
        try:
            return self.business.service(service_id).duration
        except KeyError:
            return None

    def knows(self, link_id: str | None) -> bool:
        """Whether a booking's link is one of the business's services."""
        return (link_id or "") in self.services_by_link


async def resolve(api: RelentifyApi, business: Business, links: Mapping[str, str], staff: Mapping[str, str],
                  today: date) -> Directory:
    """Look every configured link up in Relentify (by id, then by slug).

    Raises BackendUnavailable when Relentify cannot be asked; a setting that does not fit
    becomes a line in `problems` and leaves that service unresolved.
    """
    found = Directory(business)
    for person in business.staff:
        if person.id in staff:
            found.staff_ids[person.id] = staff[person.id]
            found.staff_by_id[staff[person.id]] = person.id
        else:
            found.problems.append(f"RELENTIFY_STAFF: no Relentify staff id for {person.name}, so bookings with "
                                  f"{person.name} in particular cannot be made")
    for service in business.services:
        value = links.get(service.id)
        if not value:
            found.problems.append(f"RELENTIFY_LINKS: no booking link for {service.display('en')}")
            continue
        link = await _look_up(api, value, today)
        if link is None:
            found.problems.append(f"RELENTIFY_LINKS: link {value!r} for {service.display('en')} not found")
            continue
        found.links[service.id] = link
        found.services_by_link.setdefault(link.id, service.id)
    return found


async def _look_up(api: RelentifyApi, value: str, today: date) -> Link | None:
    """The link `value` names, as an id or else as a slug; None when it is neither."""
    for by_id in (True, False):
        try:
            data = await api.availability(today, link_id=value if by_id else None, slug=None if by_id else value)
        except NotFound:
            continue
        return Link(str(data.get("booking_link_id") or value), data.get("slug") or (None if by_id else value))
    return None
