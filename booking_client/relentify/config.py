"""What the Relentify adapter needs to know: the key, where the API is, and how our ids map to Relentify's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from ..http import RetryPolicy


@dataclass(frozen=True)
class RelentifyConfig:
    """Settings for `RelentifyBackend` (RELENTIFY_API_KEY, RELENTIFY_API_BASE, RELENTIFY_LINKS,
    RELENTIFY_STAFF, RELENTIFY_QUESTIONS).

    `links` maps each business service id to the booking link that books it (its id, `link_…`,
    or its slug); `staff` maps each business staff id to the Relentify staff id sent as `staff_id`
    when the customer wants that person; `questions` lists the qualification question ids a link
    asks (keyed by service id, link id or slug), because the API cannot list them.
    """

    api_key: str = field(repr=False)
    api_base: str = ""  # e.g. https://bookings.example.com; the paths carry /api/v1 themselves
    links: Mapping[str, str] = field(default_factory=dict)
    staff: Mapping[str, str] = field(default_factory=dict)
    questions: Mapping[str, Sequence[str]] = field(default_factory=dict)
    timeout: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)  # attempts, backoff, the longest wait honoured
    # Relentify needs a contact email; a chat contact without one gets an undeliverable address
    # under this reserved domain (RFC 2606), derived from the chat identity.
    placeholder_email_domain: str = "chat.invalid"

    def __post_init__(self) -> None:
        base = self.api_base.strip().rstrip("/").removesuffix("/api/v1")
        object.__setattr__(self, "api_base", base)
        object.__setattr__(self, "links", MappingProxyType({k: str(v).strip() for k, v in self.links.items()}))
        object.__setattr__(self, "staff", MappingProxyType({k: str(v).strip() for k, v in self.staff.items()}))
        object.__setattr__(self, "questions", MappingProxyType(
            {k: tuple(str(q) for q in ([v] if isinstance(v, str) else v)) for k, v in self.questions.items()}))
