"""What the Cal.com adapter needs to know: the key, where the API is, and how our ids map to Cal.com's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..http import RetryPolicy


@dataclass(frozen=True)
class CalcomConfig:
    """Settings for `CalcomBackend` (CALCOM_API_KEY, CALCOM_API_BASE, CALCOM_EVENT_TYPES, CALCOM_STAFF).

    `event_types` maps each business service id to the Cal.com event type that books it;
    `staff` maps each business staff id to a Cal.com username, and when empty the business's
    staff are matched to the event types' hosts by name.
    """

    api_key: str = field(repr=False)
    api_base: str = "https://api.cal.com"
    event_types: Mapping[str, int] = field(default_factory=dict)
    staff: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)  # attempts, backoff, the longest wait honoured
    hold_minutes: int = 5  # how long `hold` reserves a slot (Cal.com's default is 5)
    # Cal.com needs an attendee email; a chat contact without one gets an undeliverable
    # address under this reserved domain (RFC 2606), derived from the chat identity.
    placeholder_email_domain: str = "chat.invalid"

    def __post_init__(self) -> None:
        base = self.api_base.strip().rstrip("/")
        base = base.removesuffix("/v2")  # paths carry /v2 themselves
        object.__setattr__(self, "api_base", base)
        object.__setattr__(self, "event_types", MappingProxyType({k: int(v) for k, v in self.event_types.items()}))
        object.__setattr__(self, "staff", MappingProxyType(dict(self.staff)))
