"""The business hears about its customers; customers get their confirmation emails.

Notification rows (`outbox.NotificationStore`) are planned from the booking backend's change
feed, from the conversation store's handoff events and from its word for the team ("I'm
running late"), each followed with a cursor of its own; on the first start every cursor is
set to its feed's current end, so an existing database does not notify its history. Rows are
then claimed with a lease, sent, marked; a failed send is tried again with backoff and given
up after a few tries, with a note.
Texts for the business are in its first language and say only what it needs: what, who
with, when, the customer's name and how to reach them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import storage
from booking_client import Booking, BookingBackend, BookingStatus, Business, NotFound, change_feed, read_bookings
from bot.clock import Clock
from bot.messages import Reply
from bot.replies import Texts
from bot.store import HandoffEvent, HandoffRecord, TeamMessage

from .leases import backoff
from .outbox import Notification, NotificationStore
from .ports import Compose, Conversations, Handoffs, Mailer, OperatorChat, Sender, TeamMessages
from .store import read_cursor, save_cursor

log = logging.getLogger(__name__)

BOOKING_FEED = "notify_bookings"
HANDOFF_FEED = "notify_handoffs"
TEAM_FEED = "notify_team_messages"
PAGE = 500
READ_LOT = 50
"""Changed bookings read at once: a page of hundreds built in one go would hold up the turns for its length."""
CHAT_CHANNELS = ("telegram", "whatsapp", "console")  # bookings made in a chat (others confirm their own)
CONFIRMED_CHANGES = ("booked", "moved", "cancelled", "requested")


@dataclass(frozen=True)
class Targets:
    """Where notifications go, as configured; what is None is off."""

    operator_chat: OperatorChat | None = None
    operator_email: str | None = None
    mailer: Mailer | None = None
    compose: Compose | None = None  # the customers' confirmation emails (needs the mailer)
    max_attempts: int = 5
    lease: timedelta = timedelta(minutes=2)
    permanent: tuple[type[BaseException], ...] = ()  # errors that mean it will never be delivered
    explained: tuple[type[BaseException], ...] = ()  # errors whose message says what is wrong, never who
    chat_answers: str = "telegram"  # how the team answers where `operator_chat` shows: telegram | console

    @property
    def operators(self) -> list[str]:
        return [t for t, on in (("operator_telegram", self.operator_chat is not None),
                                ("operator_email", bool(self.operator_email and self.mailer))) if on]


def booking_kind(change_kind: Any, booking: Booking) -> str | None:
    """What the business hears about a change of the feed (None: nothing)."""
    kind = str(getattr(change_kind, "value", change_kind))
    if kind == "created":
        return "requested" if booking.status is BookingStatus.PENDING else "booked"
    if kind == "cancelled" and booking.status is BookingStatus.CANCELLED:
        return "cancelled"
    if kind == "rescheduled" and booking.status.active:
        return "moved"
    if kind == "status" and booking.status is BookingStatus.NO_SHOW:
        return "no_show"
    return None


class Notifier:
    """Plans, claims and sends the notifications of booking changes and handoffs."""

    def __init__(self, store: NotificationStore, backend: BookingBackend, conversations: Conversations,
                 handoffs: Handoffs, senders: Mapping[str, Sender], clock: Clock, business: Business, texts: Texts,
                 targets: Targets, team_messages: TeamMessages | None = None) -> None:
        self.store = store
        self.team_messages = team_messages
        self.backend = backend
        self.feed = change_feed(backend)
        self.conversations = conversations
        self.handoffs = handoffs
        self.senders = dict(senders)
        self.clock = clock
        self.business = business
        self.texts = texts
        self.targets = targets
        self.team_lang = texts.languages[0]
        self._begun = False

    # --- the loop ----------------------------------------------------------------------------

    async def begin(self) -> None:
        """On the very first start, skip what happened before: every cursor starts at its feed's end."""
        if self.feed is not None and await read_cursor(self.store.engine, BOOKING_FEED) is None:
            end = 0
            while changes := await self.feed.changes_since(end, PAGE):
                end = changes[-1].cursor
            await save_cursor(self.store.engine, BOOKING_FEED, end, only_if_new=True)
        await self._start_at_end(HANDOFF_FEED, self.handoffs.handoff_events)
        if self.team_messages is not None:
            await self._start_at_end(TEAM_FEED, self.team_messages.team_messages)
        self._begun = True

    async def _start_at_end(self, feed: str, page: Callable[[int, int], Awaitable[Sequence[Any]]]) -> None:
        """A feed of rows with ids (handoff events, word for the team) followed from its current end, if it has no
        cursor yet."""
        if await read_cursor(self.store.engine, feed) is None:
            end = 0
            while rows := await page(end, PAGE):
                end = rows[-1].id
            await save_cursor(self.store.engine, feed, end, only_if_new=True)

    async def _follow(self, feed: str, page: Callable[[int, int], Awaitable[Sequence[Any]]],
                      about: Callable[[Any], Awaitable[list[Notification]]]) -> None:
        """Each new row of a feed with ids, what it tells whom planned; the cursor moves on page by page."""
        cursor = await read_cursor(self.store.engine, feed) or 0
        while rows := await page(cursor, PAGE):
            for row in rows:
                await self.store.plan(await about(row), self.clock.now())
            cursor = rows[-1].id
            await save_cursor(self.store.engine, feed, cursor)

    async def tick(self) -> int:
        """Close handoffs whose time ran out, plan what changed, send what is due; returns how many were sent."""
        if not self._begun:
            await self.begin()
        await self.handoffs.close_expired(self.clock.now())
        await self.plan_bookings()
        await self.plan_handoffs()
        await self.plan_team_messages()
        return await self.send_due()

    # --- planning: booking changes -------------------------------------------------------------

    async def plan_bookings(self) -> None:
        if self.feed is None:
            return
        async with storage.alone(self.store.engine, "notifications: booking feed") as mine:
            if mine:  # else another process is following the feed right now, for every process
                await self._follow_feed()

    async def _follow_feed(self) -> None:
        """Each page of changes: the bookings read at once, then what each change tells whom. With nobody to tell
        (no operator target, no confirmation emails) the cursor only moves on: a target configured later hears of
        the changes from then on, not of the ones before."""
        cursor = await read_cursor(self.store.engine, BOOKING_FEED) or 0
        while changes := await self.feed.changes_since(cursor, PAGE):
            bookings: dict[str, Booking] = {}
            for lot in range(0, len(changes), READ_LOT) if self._told else ():  # the turns go on between two lots
                await storage.give_way(self.store.engine)
                bookings.update(await read_bookings(self.backend, [c.booking_id for c in changes[lot:lot + READ_LOT]]))
            for change in changes:
                booking = bookings.get(change.booking_id)
                if booking is None:  # gone, or nobody to tell
                    continue
                await storage.give_way(self.store.engine)  # turns go on in between
                kind = booking_kind(getattr(change, "kind", None), booking)
                if kind is not None:
                    await self.store.plan(await self._about_booking(kind, booking, change.cursor), self.clock.now())
            cursor = changes[-1].cursor
            await save_cursor(self.store.engine, BOOKING_FEED, cursor)

    @property
    def _told(self) -> bool:
        """Whether anybody hears of booking changes: the business, or customers by confirmation email."""
        return bool(self.targets.operators) or bool(self.targets.mailer and self.targets.compose)

    async def _about_booking(self, kind: str, booking: Booking, cursor: int) -> list[Notification]:
        # where the booking stood when its last notification went out: a move and a cancellation are told
        # against that, since a move followed by more changes within one tick is not told on its own
        previous = await self.store.previous_start(booking.id) if kind in ("moved", "cancelled") else None
        if kind == "moved" and previous == booking.start:
            return []  # booked and moved, or moved there and back, since the last tick: nobody has news
        body = self._booking_text(kind, booking, previous)
        common = dict(kind=kind, booking_id=booking.id, booking_start=booking.start, user_key=booking.contact.ref)
        out = [Notification(f"{target}:{kind}:{booking.id}:{cursor}", "business", target, body=body,
                            lang=self.team_lang, **common) for target in self.targets.operators]
        channel = booking.contact.ref.partition(":")[0]
        t = self.targets
        if (t.mailer and t.compose and booking.contact.email and kind in CONFIRMED_CHANGES
                and channel in CHAT_CHANNELS):
            lang = self.texts.language((await self.conversations.progress(booking.contact.ref)).lang)
            out.append(Notification(f"customer_email:{kind}:{booking.id}:{cursor}", "customer", "customer_email",
                                    lang=lang, **common))
        return out

    def _booking_text(self, kind: str, booking: Booking, previous: datetime | None) -> str:
        lang, biz = self.team_lang, self.business
        when = self.texts.formats(lang).when
        values = dict(service=_name(lambda: biz.service(booking.service).display(lang), booking.service),
                      staff=_name(lambda: biz.person(booking.staff).name, booking.staff),
                      when=when(booking.start.astimezone(biz.tz)),
                      customer=self._customer(booking.contact.name, booking.contact.ref, booking.contact.email))
        if kind in ("moved", "cancelled") and previous is not None and previous != booking.start:
            return self._t(f"notify_{kind}_from", previous=when(previous.astimezone(biz.tz)), **values)
        text = self._t(f"notify_{kind}", **values)
        if kind in ("booked", "requested") and booking.notes:  # what the customer asked to be noted, with it
            text += "\n" + self._t("notify_booking_note", note=booking.notes)
        return text

    def _customer(self, name: str | None, ref: str, email: str | None = None) -> str:
        """The customer as the business needs them: the name, the channel and how to reach them."""
        channel, _, user = ref.partition(":")
        reach = {"whatsapp": f"WhatsApp {user}", "telegram": "Telegram", "console": "console"}.get(channel)
        parts = [p for p in (reach, email if channel != "whatsapp" else None) if p] or [ref]
        if name:
            return self._t("notify_customer", name=name, reach=", ".join(parts))
        return self._t("notify_customer_anon", reach=", ".join(parts))

    def _t(self, key: str, lang: str | None = None, **values: object) -> str:
        return self.texts(lang or self.team_lang, key, business=self.business.name, **values)

    # --- planning: handoffs --------------------------------------------------------------------

    async def plan_handoffs(self) -> None:
        await self._follow(HANDOFF_FEED, self.handoffs.handoff_events, self._about_handoff)

    async def _about_handoff(self, e: HandoffEvent) -> list[Notification]:
        customer = self._customer(e.name, e.user_key)
        lang = self.texts.language(e.lang)

        def to_team(kind: str, body_for: Any, targets: Sequence[str]) -> list[Notification]:
            return [Notification(f"{target}:{kind}:{e.id}", "business", target, kind, body=body_for(target),
                                 handoff_id=e.handoff_id, user_key=e.user_key, lang=self.team_lang)
                    for target in targets]

        def to_customer(kind: str, body: str) -> list[Notification]:
            return [Notification(f"customer_chat:{kind}:{e.id}", "customer", "customer_chat", kind, body=body,
                                 handoff_id=e.handoff_id, user_key=e.user_key, lang=lang)]

        if e.kind == "opened":
            record = await self.handoffs.handoff(e.handoff_id)
            return to_team("handoff", lambda target: self._handoff_text(record, customer, target),
                           self.targets.operators) if record else []
        if e.kind == "customer":
            body = self._t("notify_handoff_message", id=e.handoff_id, customer=customer, text=e.text or "")
            return to_team("handoff_message", lambda _: body, self.targets.operators)
        if e.kind == "business":
            return to_customer("handoff_reply", self._t("handoff_reply", lang, text=e.text or ""))
        if e.kind == "closed":
            timed_out = e.by == "timeout"
            body = self._t("notify_handoff_timed_out" if timed_out else "notify_handoff_closed", id=e.handoff_id,
                           customer=customer)
            targets = self.targets.operators if timed_out else [t for t in self.targets.operators
                                                                if t == "operator_telegram"]
            back = to_customer("handoff_closed", self._t("handoff_back", lang)) if e.tell_customer else []
            return to_team("handoff_closed", lambda _: body, targets) + back
        return []

    def _handoff_text(self, record: HandoffRecord, customer: str, target: str) -> str:
        closes = self.texts.formats(self.team_lang).when(record.closes_at.astimezone(self.business.tz))
        parts = [self._t("notify_handoff", id=record.id, customer=customer, closes=closes)]
        lines = [self._t(f"notify_line_{'bot' if who == 'bot' else 'customer'}", text=text)
                 for who, text in record.transcript]
        if lines:
            parts.append(self._t("notify_handoff_transcript", lines="\n".join(lines)))
        chat = target == "operator_telegram" and self.targets.chat_answers == "telegram"
        how = "notify_handoff_how_telegram" if chat else "notify_handoff_how_console"
        parts.append(self._t(how, id=record.id))
        return "\n\n".join(parts)

    # --- planning: word for the team ------------------------------------------------------------

    async def plan_team_messages(self) -> None:
        if self.team_messages is not None:
            await self._follow(TEAM_FEED, self.team_messages.team_messages, self._about_team_message)

    async def _about_team_message(self, m: TeamMessage) -> list[Notification]:
        body = self._team_message_text(m)
        return [Notification(f"{target}:{m.kind}:{m.id}", "business", target, m.kind, body=body,
                             booking_id=m.booking_id, booking_start=m.booking_start, user_key=m.user_key,
                             lang=self.team_lang) for target in self.targets.operators]

    def _team_message_text(self, m: TeamMessage) -> str:
        """"Running late (about 10 minutes): Haircut with Sarah on Tue 24 Nov, 10:00." (or "Arrived: …"), the customer
        and how to reach them, and their words."""
        lang, biz = self.team_lang, self.business
        fmt = self.texts.formats(lang)
        customer = self._customer(m.name, m.user_key, m.email)
        if m.booking_start is None and m.kind == "note":
            booking = self._t("notify_note_no_booking")
        elif m.booking_start is not None:
            booking = self._t("notify_late_booking", when=fmt.when(m.booking_start.astimezone(biz.tz)),
                              service=_name(lambda: biz.service(m.service or "").display(lang), m.service or ""),
                              staff=_name(lambda: biz.person(m.staff or "").name, m.staff or ""))
        else:
            booking = self._t("notify_late_no_booking")
        if m.kind == "arrived":  # "I'm here": at the door
            lines = [self._t("notify_arrived", customer=customer, booking=booking)]
        elif m.kind == "note":  # "please note I have a sensitive scalp"
            lines = [self._t("notify_note", customer=customer, booking=booking)]
        else:
            if m.late_minutes:
                how = self._t("notify_late_by", delay=fmt.duration(timedelta(minutes=m.late_minutes)))
            elif m.arrives_at is not None:
                how = self._t("notify_late_arrives", time=fmt.clock_time(m.arrives_at.astimezone(biz.tz)))
            else:
                how = ""
            lines = [self._t("notify_late", customer=customer, how=how, booking=booking)]
        if m.text:
            lines.append(self._t("notify_late_words", text=m.text))
        return "\n".join(lines)

    # --- sending -------------------------------------------------------------------------------

    async def send_due(self) -> int:
        return await self.store.send_due(self.clock.now, self._send, lease=self.targets.lease, limit=PAGE)

    async def _send(self, row: Any, token: str) -> int:
        try:
            result = await self._deliver(row)
        except self.targets.permanent as exc:
            log.warning("notifications: %s to %s cannot be delivered: %s", row.kind, row.target, self._why(exc))
            return await self._mark(row, token, "failed", f"{type(exc).__name__}: {exc}")
        except NotFound:
            return await self._mark(row, token, "cancelled", "booking no longer exists")
        except Exception as exc:  # network or server trouble: try again later
            return await self._retry(row, token, f"{type(exc).__name__}: {exc}", self._why(exc))
        if result is None or result is True or getattr(result, "sent", False):
            ref = getattr(result, "id", None)
            return await self._mark(row, token, "sent", None, sent_ref=str(ref) if ref is not None else None)
        return await self._mark(row, token, "failed", getattr(result, "reason", None) or "the channel refused it")

    async def _deliver(self, row: Any) -> Any:
        target, t = row.target, self.targets
        if target == "operator_telegram" and t.operator_chat is not None:
            about = row.handoff_id if row.kind in ("handoff", "handoff_message") else None
            return await t.operator_chat(row.body, about)
        if target == "operator_email" and t.mailer is not None and t.operator_email:
            await t.mailer.send(_team_email(row.body, t.operator_email))
            return True
        if target == "customer_email" and t.mailer is not None and t.compose is not None:
            booking = await self.backend.get(row.booking_id)
            await t.mailer.send(t.compose(booking, row.lang, row.kind))
            return True
        if target == "customer_chat":
            channel, _, user = row.user_key.partition(":")
            sender = self.senders.get(channel)
            if sender is not None:
                return await sender(row.kind, user, Reply(row.body), {"1": row.body})
        return _Refused(f"{target} is not configured")

    async def _mark(self, row: Any, token: str, status: str, note: str | None, **more: Any) -> int:
        sent_at = self.clock.now() if status == "sent" else None
        if not await self.store.mark(row.id, token, status, note, sent_at, **more):
            log.warning("notifications: %s to %s was %s after its lease ran out", row.kind, row.target, status)
            return 0
        # the reason stays in the row: an error may quote an address
        log.info("notifications: %s to %s %s", row.kind, row.target, status)
        if status == "failed" and row.kind == "handoff_reply":
            await self._reply_failed(row)
        return int(status == "sent")

    async def _reply_failed(self, row: Any) -> None:
        """The team believes its answer was passed on: tell it when the customer's channel refused it."""
        body = self._t("notify_reply_failed", id=row.handoff_id, customer=self._customer(None, row.user_key))
        await self.store.plan([Notification(f"{target}:reply_failed:{row.id}", "business", target, "reply_failed",
                                            body=body, handoff_id=row.handoff_id, user_key=row.user_key,
                                            lang=self.team_lang)
                               for target in self.targets.operators], self.clock.now())

    async def _retry(self, row: Any, token: str, error: str, why: str) -> int:
        if row.attempts >= self.targets.max_attempts:  # `attempts` already counts this try
            log.warning("notifications: %s to %s failed for good after %d tries: %s", row.kind,
                        row.target, row.attempts, why)
            return await self._mark(row, token, "failed", f"gave up after {row.attempts} tries: {error}")
        wait = backoff(row.attempts)
        log.warning("notifications: %s to %s not sent (try %d of %d), trying again in %ds: %s", row.kind, row.target,
                    row.attempts, self.targets.max_attempts, wait.total_seconds(), why)
        await self.store.retry(row.id, token, self.clock.now() + wait, f"try {row.attempts} failed: {error}")
        return 0

    def _why(self, exc: BaseException) -> str:
        """What went wrong, for the log: a channel's own explanation, else only the kind of error (an
        error from elsewhere may quote an address or a message)."""
        return str(exc) if isinstance(exc, self.targets.explained) else type(exc).__name__

    # --- what the team does with handoffs (the operator chat and the console) --------------------

    async def open_handoffs(self) -> list[HandoffRecord]:
        return await self.handoffs.open_handoffs()

    async def reply(self, handoff_id: int, text: str) -> HandoffRecord | None:
        """Pass the team's answer on to the customer (on the next tick); None if the handoff is not open."""
        return await self.handoffs.reply_handoff(handoff_id, text, self.clock.now())

    async def close(self, handoff_id: int, by: str) -> HandoffRecord | None:
        """Give the conversation back to the bot; None if the handoff is not open."""
        return await self.handoffs.close_handoff(handoff_id, by, self.clock.now())

    async def handoff_of_message(self, message_id: str) -> int | None:
        """The handoff an operator chat message (a notification) is about."""
        return await self.store.handoff_of("operator_telegram", message_id)

    async def listing(self) -> list[Any]:
        return await self.store.listing()


@dataclass(frozen=True)
class _Refused:
    reason: str
    sent: bool = False


def _name(look_up: Any, fallback: str) -> str:
    try:
        return look_up()
    except KeyError:
        return fallback


def _team_email(body: str, to: str) -> EmailMessage:
    message = EmailMessage()
    message["To"] = to
    message["Subject"] = _subject(body.split("\n", 1)[0])
    message.set_content(body)
    return message


def _subject(line: str, limit: int = 100) -> str:
    """A notification's first line as a subject: whole when short, else up to its first sentence's end,
    else cut at a word with an ellipsis (never in the middle of a word)."""
    if len(line) <= limit:
        return line
    end = _SENTENCE_END.search(line, 0, limit)  # "...a person. The bot", not "Fr. 27. Nov."
    if end is not None:
        return line[:end.start() + 1]
    return line[:limit].rsplit(" ", 1)[0] + "…"


_SENTENCE_END = re.compile(r"(?<=[a-zäöüß]{2})\. (?=[A-ZÄÖÜ])")
