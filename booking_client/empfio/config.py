"""What the Empfio adapter needs to know: the token, where the API is, and which Cal.com event type is which service."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..http import RetryPolicy


@dataclass(frozen=True)
class EmpfioConfig:
    """Settings for `EmpfioBackend` (EMPFIO_API_TOKEN, EMPFIO_API_BASE; event types as CALCOM_EVENT_TYPES).

    Empfio has no default address: each installation runs on its own domain (`http://localhost:8001`
    when self-hosted), so `api_base` is required. `event_types` maps business service ids to Cal.com
    event type ids, so that an Empfio booking's `event_type_id`, and the event type Empfio's free times
    are for, read back as a service; it usually is the Cal.com adapter's own mapping.
    """

    api_token: str = field(repr=False)
    api_base: str
    event_types: Mapping[str, int] = field(default_factory=dict)
    timeout: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)  # attempts, backoff, the longest wait honoured
    # Empfio learns of a booking made in Cal.com from Cal.com's webhook, a moment later: after booking
    # through the creator, look this often, `sync_interval` seconds apart (slept with `retry.sleep`).
    sync_checks: int = 5
    sync_interval: float = 1.0

    def __post_init__(self) -> None:
        base = self.api_base.strip().rstrip("/")
        base = base.removesuffix("/api/v1")  # paths carry /api/v1 themselves
        object.__setattr__(self, "api_base", base)
        object.__setattr__(self, "event_types", MappingProxyType({k: int(v) for k, v in self.event_types.items()}))
