"""Reading a webhook's body before anything in it is trusted: bounded in size, JSON bounded in nesting.

Every endpoint checks its signature or secret first, then reads the body through here; what does not
pass is a `Refused` with the 4xx status to answer and a reason that never quotes the request.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

MAX_DEPTH = 100
"""JSON nesting a webhook body may have; Telegram's updates and Cal.com's bookings stay under 20."""


class Refused(Exception):
    """A webhook request not taken: the HTTP status it is answered with, and why (never its content)."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status
        self.why = why


async def read_body(request: web.Request) -> bytes:
    """The raw body, up to the server's limit (`client_max_size`): 413 beyond it, 400 if it cannot be decoded
    (a broken Content-Encoding)."""
    limit = request.client_max_size
    if (request.content_length or 0) > limit:
        raise Refused(413, f"body over {limit} bytes")
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise Refused(413, f"body over {limit} bytes") from None
    except web.RequestPayloadError:  # e.g. a Content-Encoding it is not in
        raise Refused(400, "body cannot be decoded") from None


def load_json(body: bytes, what: str) -> Any:
    """Parsed JSON, or `Refused(400)`: not UTF-8, NaN or Infinity, or nested deeper than MAX_DEPTH (the parser
    recurses, so nesting past Python's recursion limit is caught too)."""
    try:
        value = json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError, NaN and over-long integers too
        raise Refused(400, f"not {what}") from None
    if _nests_deeper(value, MAX_DEPTH):
        raise Refused(400, f"not {what}: nested too deep")
    return value


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _nests_deeper(value: object, limit: int) -> bool:
    """Does parsed JSON nest deeper than `limit` levels? (Walked level by level, without recursion.)"""
    level: list[object] = [value]
    for _ in range(limit):
        level = [child for item in level if isinstance(item, (dict, list))
                 for child in (item.values() if isinstance(item, dict) else item)]
        if not level:
            return False
    return True
