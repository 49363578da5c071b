"""One error hierarchy for every booking backend.

Modelled on httpx's exceptions: each adapter maps its API's statuses and codes to
these through one table (see `map_status`), never through scattered `if`s.
"""

from __future__ import annotations

from collections.abc import Mapping


class BookingError(Exception):
    """Base class for every error a booking backend raises."""


# --- the request could not be done as asked ---------------------------------


class SlotTaken(BookingError):
    """The requested time is no longer free (someone else booked it, or it is closed)."""


class NotFound(BookingError):
    """No booking (or service, or staff member) exists with that identifier."""


class InvalidRequest(BookingError):
    """The request breaks a rule: past time, outside the horizon, unknown service, bad state."""


class NeedsAnswers(InvalidRequest):
    """The booking system wants answers to its qualification questions first (`questions`: their keys)."""

    def __init__(self, message: str, questions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.questions = questions


class NotAccepted(InvalidRequest):
    """The booking system's own rules turn this booking away (e.g. a routing rule); a person must look at it."""


# --- the backend could not answer --------------------------------------------


class BackendUnavailable(BookingError):
    """The backend could not be reached or answered with a server error; try again later."""


class NotSupported(BookingError):
    """The backend does not offer this operation (see its declared capabilities)."""


# Shared HTTP status table for the adapters; an adapter may extend it with API codes.
STATUS_ERRORS: Mapping[int, type[BookingError]] = {
    400: InvalidRequest,
    404: NotFound,
    409: SlotTaken,
    410: NotFound,
    422: InvalidRequest,
    429: BackendUnavailable,
    500: BackendUnavailable,
    502: BackendUnavailable,
    503: BackendUnavailable,
    504: BackendUnavailable,
}


def map_status(status: int, message: str, table: Mapping[int, type[BookingError]] = STATUS_ERRORS) -> BookingError:
    """Turn an HTTP status from a booking API into the public error for it."""
    cls = table.get(status)
    if cls is None:
        cls = BackendUnavailable if status >= 500 else InvalidRequest
    return cls(message)
