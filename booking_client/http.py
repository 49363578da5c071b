"""One HTTP client setup for every booking API adapter: base URL, timeouts, auth, retries, errors.

Retries (tenacity, exponential backoff with jitter) happen only where they are safe: a
connection that never reached the server, or a request the caller marks idempotent (GET,
DELETE, a POST the caller knows is harmless twice) that timed out, hit a 5xx or was rate
limited. A 429 waits as long as the server asks (`Retry-After`, `X-RateLimit-Reset`), up to
a cap. Whatever still fails is mapped once, through the adapter's `ErrorTable`, to
`booking_client.errors`; network trouble is `BackendUnavailable`.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
)

from .errors import STATUS_ERRORS, BackendUnavailable, BookingError, map_status

Sleep = Callable[[float], Awaitable[None]]
Detail = Callable[[httpx.Response], tuple[str, str]]
"""Reads an error response: (the API's error code, a human message)."""

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

# Failures before a single byte reached the server: always safe to send again.
NOT_SENT: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before giving up. Tests pass `backoff=0` or their own `sleep`."""

    attempts: int = 3  # tries in all, the first one included
    backoff: float = 0.5  # seconds before the first retry, doubling each time, plus up to `backoff` of jitter
    max_backoff: float = 8.0
    max_wait: float = 20.0  # the longest a 429/503 may ask us to wait; longer fails at once
    sleep: Sleep = field(default=asyncio.sleep, compare=False)


@dataclass(frozen=True)
class ErrorRule:
    """An HTTP status (and optionally an error code/message pattern, or a path) -> a public error."""

    status: int
    error: type[BookingError]
    matches: str | None = None  # regex searched in "<code> <message>", case-insensitive
    path: str | None = None  # regex searched in the request path


@dataclass(frozen=True)
class ErrorTable:
    """An adapter's one table from its API's errors to `booking_client.errors`.

    `rules` are tried in order; a status no rule takes falls back to `statuses` (see `map_status`).
    """

    rules: Sequence[ErrorRule] = ()
    statuses: Mapping[int, type[BookingError]] = field(default_factory=lambda: dict(STATUS_ERRORS))
    detail: Detail = field(default=lambda response: ("", response.reason_phrase))
    service: str = "the booking system"  # how messages name the API

    def error_for(self, response: httpx.Response) -> BookingError:
        """The public error for an unsuccessful response."""
        code, message = self.detail(response)
        text = f"{code} {message}"
        for rule in self.rules:
            if rule.status != response.status_code:
                continue
            if rule.matches is not None and not re.search(rule.matches, text, re.IGNORECASE):
                continue
            if rule.path is not None and not re.search(rule.path, response.request.url.path):
                continue
            return rule.error(_describe(self.service, response.status_code, message))
        return map_status(response.status_code, _describe(self.service, response.status_code, message), self.statuses)


class _RetryableStatus(Exception):
    """A response worth sending the request again for (5xx, 429), with how long the server asked to wait."""

    def __init__(self, response: httpx.Response, wait: float | None) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.wait = wait


class ApiClient:
    """An `httpx.AsyncClient` for one booking API, with our timeouts, retries and error table."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str],
        errors: ErrorTable,
        timeout: float = 10.0,
        retry: RetryPolicy = RetryPolicy(),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.errors = errors
        self.retry = retry
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers=dict(headers),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
            follow_redirects=False,
        )

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        safe: bool | None = None,
        retry: bool = True,
    ) -> Any:
        """Send one request and return its decoded JSON body (None when empty).

        `safe` says whether the request may be repeated after it might have reached the server
        (default: by method). `retry=False` sends it once, for callers that retry themselves.
        """
        method = method.upper()
        repeatable = (method in IDEMPOTENT_METHODS) if safe is None else safe
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.retry.attempts if retry else 1),
            wait=self._wait,
            retry=retry_if_exception(lambda exc: self._worth_retrying(exc, repeatable)),
            sleep=self.retry.sleep,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    response = await self._send(method, path, params, json, headers)
        except _RetryableStatus as exc:
            error = self.errors.error_for(exc.response)
            if exc.wait:
                error = type(error)(f"{error} (it asks to wait {exc.wait:.0f} s)")
            raise error from _status_error(exc.response)
        except httpx.TimeoutException as exc:
            raise BackendUnavailable(f"{self.errors.service} did not answer in time ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise BackendUnavailable(f"cannot reach {self.errors.service}: {_reason(exc)}") from exc
        return _decode(response, self.errors.service)

    def retrying(self) -> AsyncRetrying:
        """The same policy (attempts, backoff, sleep) for a caller's own loop around a write that must
        not happen twice: another try only after trouble that is worth one (see `worth_another_try`)."""
        return AsyncRetrying(stop=stop_after_attempt(self.retry.attempts), wait=self._wait,
                             retry=retry_if_exception(worth_another_try), sleep=self.retry.sleep, reraise=True)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    # --- inside -----------------------------------------------------------------------------

    async def _send(
        self, method: str, path: str, params: Mapping[str, Any] | None, json: Any, headers: Mapping[str, str] | None
    ) -> httpx.Response:
        response = await self._client.request(method, path, params=params, json=json, headers=headers)
        if response.is_success:
            return response
        await response.aread()
        if response.status_code == 429 or response.status_code >= 500:
            raise _RetryableStatus(response, _asked_wait(response))
        raise self.errors.error_for(response) from _status_error(response)

    def _worth_retrying(self, exc: BaseException, repeatable: bool) -> bool:
        if isinstance(exc, NOT_SENT):
            return True
        if isinstance(exc, _RetryableStatus):
            if exc.wait is not None and exc.wait > self.retry.max_wait:
                return False  # the server wants us gone for longer than a customer waits
            # A rate-limited request was not processed; any other error may have been.
            return repeatable or exc.response.status_code == 429
        return repeatable and isinstance(exc, httpx.TransportError)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, _RetryableStatus) and exc.wait is not None:
            return min(exc.wait, self.retry.max_wait)
        if self.retry.backoff <= 0:
            return 0.0
        exponential = self.retry.backoff * 2 ** (state.attempt_number - 1)
        return min(exponential, self.retry.max_backoff) + random.uniform(0, self.retry.backoff)  # jitter


def _asked_wait(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait: `Retry-After` (429, 503), and on a 429 also
    `X-RateLimit-Reset` or `X-RateLimit-Reset-<throttler>` (which every answer carries)."""
    values = [response.headers.get("retry-after")]
    if response.status_code == 429:
        values.append(response.headers.get("x-ratelimit-reset"))
        values += [v for k, v in response.headers.items() if k.lower().startswith("x-ratelimit-reset-")]
    waits = [w for w in (_seconds(v) for v in values if v) if w is not None]
    return max(waits) if waits else None


def _seconds(value: str) -> float | None:
    """A delay in seconds, an epoch time (seconds or milliseconds), or an HTTP date -> seconds from now."""
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, moment.timestamp() - time.time())
    if number > 1e12:  # epoch milliseconds
        number = number / 1000 - time.time()
    elif number > 1e9:  # epoch seconds
        number -= time.time()
    return max(0.0, number)


def worth_another_try(error: BaseException) -> bool:
    """Network trouble, a 5xx or a 429: the backend may answer next time. A refused key will not."""
    return isinstance(error, BackendUnavailable) and status_of(error) not in (401, 403)


def status_of(error: BaseException) -> int | None:
    """The HTTP status behind a public error raised here (its cause), or None for network trouble."""
    cause = error.__cause__
    return cause.response.status_code if isinstance(cause, httpx.HTTPStatusError) else None


def _status_error(response: httpx.Response) -> httpx.HTTPStatusError:
    """httpx's own error for the response, kept as the public error's cause."""
    return httpx.HTTPStatusError(f"HTTP {response.status_code}", request=response.request, response=response)


def _decode(response: httpx.Response, service: str) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise BackendUnavailable(f"{service} answered HTTP {response.status_code} with something other than JSON") from None


def _describe(service: str, status: int, message: str) -> str:
    return f"{service} answered {status}: {message}" if message else f"{service} answered {status}"


def _reason(exc: httpx.TransportError) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
