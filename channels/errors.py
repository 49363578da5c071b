"""One error hierarchy for every channel, and what became of a message we sent.

Modelled on `booking_client.errors`: each channel turns its SDK's errors into these
through one table (`map_errors`), never through scattered `if`s. The reminder loop
tries a `RetryLater` again with backoff and records an `Undeliverable` as failed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any


class ChannelError(Exception):
    """Base class for every error a channel raises."""


class ChannelStartError(ChannelError):
    """A channel could not start; the message is one line naming the setting to look at."""


# --- sending ---------------------------------------------------------------------------------


class RetryLater(ChannelError):
    """The platform asked us to slow down, or could not be reached, or failed on its side: try again later."""


class Undeliverable(ChannelError):
    """The platform will not deliver this message (blocked, chat gone, outside the allowed window)."""


@dataclass(frozen=True)
class SendResult:
    """What became of a message we tried to send."""

    sent: bool
    id: str | None = None  # the platform's message id
    reason: str | None = None  # why it was not sent
    records: tuple[Any, ...] = ()  # the channel's own rows about this send, to write with the outbox's mark


ErrorRule = tuple[type[BaseException], Callable[[BaseException], ChannelError | None]]
"""An SDK error class and how to turn one into a channel error (None: not this rule, try the next)."""


@contextlib.contextmanager
def map_errors(table: Sequence[ErrorRule]) -> Iterator[None]:
    """Turn the SDK errors listed in `table` (first matching rule wins) into channel errors."""
    try:
        yield
    except ChannelError:
        raise
    except Exception as exc:
        for cls, make in table:
            if isinstance(exc, cls):
                mapped = make(exc)
                if mapped is not None:
                    raise mapped from exc
        raise
