"""What the Slatis adapter needs to know: the key, where the API is, and how our ids map to Slatis's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..http import RetryPolicy


@dataclass(frozen=True)
class SlatisConfig:
    """Settings for `SlatisBackend` (SLATIS_API_KEY, SLATIS_API_BASE, SLATIS_EVENT_TYPES, SLATIS_MEMBERS).

    `event_types` maps each business service id to the Slatis event type that books it (`evt_…`);
    `members` maps each business staff id to their Slatis team member (`mem_…`), whom a booking is
    assigned to and whose free/busy narrows the event type's slots to that person.
    """

    api_key: str = field(repr=False)
    api_base: str = "https://api.slatis.com/v1"  # with /v1: every path is relative to it
    event_types: Mapping[str, str] = field(default_factory=dict)
    members: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)  # attempts, backoff, the longest wait honoured
    # Slatis routes a new booking in DRAFT for milliseconds; how often to read it again before
    # reporting it as it is (DRAFT reads as pending).
    draft_reads: int = 3
    # Slatis needs an attendee email; a chat contact without one gets an undeliverable
    # address under this reserved domain (RFC 2606), derived from the chat identity.
    placeholder_email_domain: str = "chat.invalid"

    def __post_init__(self) -> None:
        object.__setattr__(self, "api_base", self.api_base.strip().rstrip("/"))
        object.__setattr__(self, "event_types", MappingProxyType({k: str(v) for k, v in self.event_types.items()}))
        object.__setattr__(self, "members", MappingProxyType({k: str(v) for k, v in self.members.items()}))
