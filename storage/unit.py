"""One transaction that several components write into: each hands over a `Write`, none sees another's tables."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from sqlalchemy.ext.asyncio import AsyncConnection

AfterCommit = Callable[[], None]
"""What a component does once its rows are committed (e.g. keep them in memory), never before."""

Write = Callable[[AsyncConnection], Awaitable[AfterCommit | None]]
"""A component's part of a shared transaction: its own statements, on the connection it is handed; it may
return what to do once the transaction has committed. It may be run again after a rollback (`storage.group`),
so it changes nothing outside the transaction before then."""


async def writing(conn: AsyncConnection, writes: Iterable[Write]) -> list[AfterCommit]:
    """Run every write on `conn` (inside the caller's transaction); what each wants done after the commit."""
    after = []
    for write in writes:
        then = await write(conn)
        if then is not None:
            after.append(then)
    return after


def committed(after: Iterable[AfterCommit]) -> None:
    """The transaction committed: do what the writes asked for."""
    for then in after:
        then()
