"""Reads brought along: what a turn will read of one customer's rows, fetched on PostgreSQL in the round trip of
its first read, and handed to those reads when they come.

A PostgreSQL turn reads its customer's waiting messages (the inbox), then, a moment later, the customer's contact
(the channel) and conversation (the conversation store): three round trips of some 80-110 µs of the bot's CPU each,
and as many statements for the server. Each component still reads only its own tables, with its own `Query`; the one
that reads first names the later ones (`Read`: a query that gives one row, and its parameters), `Query.all_along`
runs them in its own statement (each of their columns a scalar subquery beside its columns) and gives back their rows
(`Brought`), and the caller hands those to the next step of the turn (`serving`). Inside that block the first run of
each such query with the same parameters is answered from them, and never a second.

They are what a read at that moment would have seen: the turn holds its customer's lock from before the first read,
and only the turn changes these rows. So the block ends early at the first commit inside it (`forget`): after a write
a read goes to the database again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any, NamedTuple


class Read(NamedTuple):
    """A read a turn will make: a `storage.Query` that gives at most one row, and the parameters it will be run with."""

    query: Any
    params: Mapping[str, Any]


Brought = dict[tuple[Any, tuple[tuple[str, Any], ...]], list[Any]]
"""The rows of reads brought along, by the query and its parameters."""

_serving: ContextVar[Brought | None] = ContextVar("storage_brought", default=None)


def key(query: Any, params: Mapping[str, Any]) -> tuple[Any, tuple[tuple[str, Any], ...]]:
    return query, tuple(sorted(params.items()))


@contextlib.contextmanager
def serving(brought: Brought | None) -> Iterator[None]:
    """Inside the block, `brought` answers the first run of each of its reads (until something is committed)."""
    if not brought:
        yield
        return
    rows = dict(brought)
    token = _serving.set(rows)
    try:
        yield
    finally:
        rows.clear()  # a task the block started sees nothing left either
        _serving.reset(token)


def take(query: Any, params: Mapping[str, Any]) -> list[Any] | None:
    """The rows brought along for this read, once; None if there are none."""
    rows = _serving.get()
    if not rows:
        return None
    try:
        return rows.pop(key(query, params), None)
    except TypeError:  # a parameter that cannot be a key (a list): never brought along
        return None


def forget() -> None:
    """Something is being committed: whatever was brought along may be out of date from now on."""
    rows = _serving.get()
    if rows:
        rows.clear()
