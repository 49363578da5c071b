"""One transaction that several components write into: each hands over a `Write`, none sees another's tables."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

Write = Callable[[AsyncConnection], Awaitable[None]]
"""A component's part of a shared transaction: its own statements, on the connection it is handed."""


async def commit(engine: AsyncEngine, writes: Iterable[Write]) -> None:
    """Run every write in one transaction: all of them happen, or none."""
    async with engine.begin() as conn:
        for write in writes:
            await write(conn)
