"""Works through each customer's recorded messages in arrival order, different customers at once.

On PostgreSQL a transaction-level advisory lock per customer (`Inbox.user_lock`) keeps that
order across several processes, too. A message still pending at start-up (the process
stopped mid-turn) is picked up again. Nothing here knows any channel SDK; a channel plugs
its handler in.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

import storage

from .store import Entry, Inbox

log = logging.getLogger(__name__)

Handler = Callable[[Entry], Awaitable[str | None]]
Deliver = Callable[[str], Awaitable[bool]]
Along = Callable[[str], Sequence[storage.Read]]

FINISHED = "finished"
"""What a handler returns when it finished the entry itself, in its turn's own transaction."""


class Conveyor:
    """Handles each customer's recorded messages one after another, different customers at once.

    `handler(entry)` returns the status to finish the entry with ("done" if None), or
    `FINISHED` when its turn's transaction already did. `along(user_key)`: the reads the handler makes of the
    customer before it writes anything, which on PostgreSQL come with the customer's waiting messages in one round
    trip (`storage.serving`), and for each further message of theirs waiting then, in one round trip of their own
    (`storage.bring`). An exception is logged and the entry
    finished as "failed", so one bad message never blocks the customer's next ones. After each
    entry, `deliver(user_key, everything)` sends what the turn left in the outbox, before the customer's
    next message is handled: everything they are owed while earlier messages may still be owed (found at
    start-up, or a delivery that could not finish), else just what the turn wrote. Before each entry the
    turn gives way, for a moment at most, to the webhooks being stored (`Inbox.after_arrivals`): in a burst
    the platforms hear their answers first.
    """

    def __init__(self, inbox: Inbox, handler: Handler, deliver: Deliver | None = None, along: Along | None = None
                 ) -> None:
        self.inbox = inbox
        self.handler = handler
        self.deliver = deliver
        self.along = along  # what the handler reads of a customer first (their contact, their conversation)
        # Customers wait their turn in a queue worked by at most `inbox.places` workers, not as a task each:
        # a flood of ten thousand customers costs ten thousand queue entries, not ten thousand coroutines.
        self._queue: deque[str] = deque()
        self._active: set[str] = set()  # customers queued or being worked on
        self._workers: set[asyncio.Task[None]] = set()
        self._again: set[str] = set()
        self._owed: set[str] = set()  # customers who may be owed messages from before (a restart, a failed check)

    def kick(self, user_key: str, *, owed: bool = False) -> None:
        """Make sure the customer's waiting messages get handled (call after `Inbox.record`); `owed`: they
        may also be owed replies an earlier run did not send (at start-up)."""
        if owed:
            self._owed.add(user_key)
        if user_key in self._active:
            self._again.add(user_key)  # the worker on it looks once more before it lets go
            return
        self._active.add(user_key)
        self._queue.append(user_key)
        self._top_up()

    def _running(self) -> int:
        return sum(not worker.done() for worker in self._workers)  # a finished one is gone

    def _top_up(self) -> None:
        """As many workers as the inbox has places for now (`Inbox.places`), none more than customers queued."""
        for _ in range(min(self.inbox.places - self._running(), len(self._queue))):
            task = asyncio.create_task(self._work_queue(), name="conveyor")
            self._workers.add(task)
            task.add_done_callback(self._workers.discard)

    async def _work_queue(self) -> None:
        """Take customers from the queue, oldest first, until it is empty; stop early when there are fewer places
        than workers (webhooks are being stored), and add workers when there are more."""
        while self._queue:
            await self._work(self._queue.popleft())
            if self._running() > self.inbox.places:
                return
            self._top_up()

    async def _work(self, user_key: str) -> None:
        try:
            while True:
                self._again.discard(user_key)
                async with self.inbox.user_lock(user_key):
                    if user_key in self._owed:
                        await self._deliver(user_key)
                    # what is waiting now; a message recorded meanwhile kicks again (`_again`)
                    # on PostgreSQL what the first turn reads next comes in the same round trip
                    reads = self.along(user_key) if self.along is not None else ()
                    entries, brought = await self.inbox.waiting_with(user_key, reads)
                    for n, entry in enumerate(entries):
                        await self.inbox.after_arrivals()  # webhooks being stored are answered first
                        if n:  # the next message's turn reads what this one wrote: read anew, in one round trip
                            brought = await storage.bring(reads)
                        with storage.serving(brought):
                            await self._handle(entry)
                        await self._deliver(user_key)
                if user_key not in self._again:
                    break
        except Exception:
            log.exception("could not work through a customer's messages")
        finally:
            self._active.discard(user_key)

    async def _handle(self, entry: Entry) -> None:
        try:
            status = await self.handler(entry) or "done"
        except Exception:
            log.exception("handling %s message %s failed", entry.channel, entry.message_id)
            status = "failed"
        try:
            if status != FINISHED:
                await self.inbox.finish(entry, status)
        finally:
            self.inbox.handled()

    async def _deliver(self, user_key: str) -> None:
        """Send what the customer is owed; if some of it must wait, try again at their next message."""
        if self.deliver is None:
            return
        everything = user_key in self._owed
        self._owed.discard(user_key)
        try:
            complete = await self.deliver(user_key, everything)
        except Exception:
            log.exception("sending the messages a customer is owed failed")
            complete = False
        if not complete:
            self._owed.add(user_key)

    @property
    def busy(self) -> int:
        """Customers with a turn running or waiting."""
        return len(self._active)

    async def drain(self, timeout: float = 30.0) -> bool:
        """Wait for the turns in flight and queued to finish; False if some did not within `timeout`."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._workers:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return False
            await asyncio.wait(list(self._workers), timeout=left)
        return True
