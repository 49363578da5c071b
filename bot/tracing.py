"""A backend wrapper that records every call, for the console's /debug view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from booking_client import BookingBackend


class TracingBackend:
    """Passes every call through to the real backend and reports it to `sink` when enabled."""

    def __init__(self, inner: BookingBackend, sink: Callable[[str], None]) -> None:
        self._inner = inner
        self._sink = sink
        self.enabled = False
        self.name = inner.name
        self.capabilities = inner.capabilities

    @property
    def inner(self) -> BookingBackend:
        return self._inner

    def __getattr__(self, attr: str) -> Any:
        target = getattr(self._inner, attr)
        if not callable(target) or attr.startswith("_"):
            return target

        async def call(*args: Any, **kwargs: Any) -> Any:
            shown = ", ".join([*(repr(a) for a in args), *(f"{k}={v!r}" for k, v in kwargs.items())])
            try:
                result = await target(*args, **kwargs)
            except Exception as exc:
                if self.enabled:
                    self._sink(f"backend.{attr}({shown}) -> {type(exc).__name__}: {exc}")
                raise
            if self.enabled:
                summary = f"{len(result)} result(s)" if isinstance(result, list) else repr(result)
                self._sink(f"backend.{attr}({shown}) -> {summary}")
            return result

        return call
