"""One table from database-layer errors to the public booking errors."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc

from ..errors import BackendUnavailable, BookingError

# Looked up along the raised error's MRO, so the most specific entry wins.
DB_ERRORS: Mapping[type[BaseException], type[BookingError]] = {
    sa_exc.OperationalError: BackendUnavailable,  # connection lost, database locked too long, disk full
    sa_exc.InterfaceError: BackendUnavailable,  # the driver's connection is closed or broken
    sa_exc.DisconnectionError: BackendUnavailable,
    sa_exc.TimeoutError: BackendUnavailable,  # no pooled connection became free in time
    sa_exc.DBAPIError: BackendUnavailable,  # any other driver error: the store, not the request, failed
    OSError: BackendUnavailable,  # connection refused / unreachable host, raised while connecting
    asyncio.TimeoutError: BackendUnavailable,
}


def lookup(error: BaseException, table: Mapping[type[BaseException], type[BookingError]] = DB_ERRORS) -> type[BookingError] | None:
    """The public error class for `error`, or None when it should pass through unchanged."""
    for cls in type(error).__mro__:
        if cls in table:
            return table[cls]
    return None


@contextmanager
def map_exceptions(table: Mapping[type[BaseException], type[BookingError]] = DB_ERRORS) -> Iterator[None]:
    """Re-raise database errors as booking errors; booking errors pass through as they are."""
    try:
        yield
    except BookingError:
        raise
    except Exception as exc:
        public = lookup(exc, table)
        if public is None:
            raise
        raise public(f"the booking database is unavailable: {_describe(exc)}") from exc


def _describe(exc: BaseException) -> str:
    # SQLAlchemy wraps the driver's error; its first line names the real cause.
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()
    return text[0] if text else type(original).__name__
