"""Telegram through aiogram 3: long polling or a webhook, inline keyboards for reply options.

Input side: every update is recorded in the inbox (unique per bot and update_id)
before Telegram learns we have it — before the 200 of a webhook request, before the
next getUpdates confirms it — and is then fed to aiogram's dispatcher in the
customer's order. Output side: a Reply becomes a message, its options an inline
keyboard whose buttons carry `OfferCallback(offer, index)`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import GetUpdates
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InaccessibleMessage,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiohttp import web

import storage
from bot.core import Core
from bot.inbox import FINISHED, Conveyor, Entry, Inbox
from bot.messages import Attachment, Inbound, Reply
from bot.outbox import Outbox, Outgoing, Sender
from bot.settings import Settings

from .bodies import Refused, load_json, read_body
from .common import hint_lang, say, store
from .errors import ChannelStartError, ErrorRule, RetryLater, SendResult, Undeliverable, map_errors
from .operator_chat import OperatorChat


log = logging.getLogger(__name__)

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query"]
POLL_TIMEOUT = 25  # seconds Telegram holds a getUpdates open

# The commands in the menu, and what each one says to the dialogue, per language; the menu's
# descriptions are the catalog's `command_<name>` texts (a business may override them).
COMMANDS: dict[str, dict[str, str]] = {
    "en": {
        "start": "hello",
        "help": "help",
        "book": "book an appointment",
        "mybookings": "my appointments",
        "cancel": "cancel",
    },
    "de": {
        "start": "hallo",
        "help": "hilfe",
        "book": "termin buchen",
        "mybookings": "meine termine",
        "cancel": "termin absagen",
    },
}


class OfferCallback(CallbackData, prefix="o"):
    """A reply option's button: which offer it belongs to, and which option it is."""

    offer: str
    index: int


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.options or reply.offer is None:
        return None
    builder = InlineKeyboardBuilder()
    for i, option in enumerate(reply.options):
        builder.button(text=option.label, callback_data=OfferCallback(offer=reply.offer, index=i))
    short = all(len(o.label) <= 12 for o in reply.options)
    builder.adjust(2 if short and len(reply.options) <= 4 else 1)
    return builder.as_markup()


# How aiogram's errors become channel errors: first matching row wins.
SEND_ERRORS: list[ErrorRule] = [
    (TelegramRetryAfter, lambda e: RetryLater(f"Telegram asks to wait {e.retry_after}s")),
    (TelegramNetworkError, lambda e: RetryLater(f"cannot reach Telegram: {e}")),
    (TelegramServerError, lambda e: RetryLater(f"Telegram failed: {e}")),
    (TelegramAPIError, lambda e: Undeliverable(str(e))),  # blocked by the user, chat gone...
    (OSError, lambda e: RetryLater(f"{type(e).__name__}: {e}")),
    (asyncio.TimeoutError, lambda e: RetryLater("Telegram did not answer in time")),
]
START_ERRORS: list[ErrorRule] = [
    (TelegramUnauthorizedError,
     lambda e: ChannelStartError("setting TELEGRAM_BOT_TOKEN: Telegram refused this token (Unauthorized)")),
]


def api_server(base: str) -> TelegramAPIServer:
    return TelegramAPIServer.from_base(base) if base else PRODUCTION


def _event_user(update: Update) -> tuple[int | None, int | None, str | None]:
    """(user id, chat id, language code) of the update's sender, when it has one."""
    event = update.message or update.callback_query
    user = getattr(event, "from_user", None)
    if isinstance(event, CallbackQuery):
        chat = event.message.chat.id if event.message is not None else (user.id if user else None)
    else:
        chat = event.chat.id if event is not None else None
    return (user.id if user else None), chat, (user.language_code if user else None)


def _private(update: Update) -> bool:
    """Was the update sent in a private chat with the bot (where the bot answers)?"""
    if update.message is not None:
        return update.message.chat.type == "private"
    query = update.callback_query
    return query is not None and query.message is not None and query.message.chat.type == "private"


class TelegramOutput:
    """The output side: a Reply becomes a message, its options an inline keyboard."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send_reply(self, chat_id: int | str, reply: Reply) -> str:
        """A reply in a conversation, then its files as documents (the appointment's .ics); returns Telegram's
        id of the text's message. Errors are the channel's (`RetryLater`, `Undeliverable`)."""
        with map_errors(SEND_ERRORS):
            sent = await self.bot.send_message(chat_id, reply.text, reply_markup=keyboard(reply))
        for attachment in reply.attachments:
            await self._send_file(chat_id, attachment)
        return str(sent.message_id)

    async def _send_file(self, chat_id: int | str, attachment: Attachment) -> None:
        """A file after the text; the text said what matters, so a file that fails is logged, not retried
        (retrying would send the text twice)."""
        try:
            with map_errors(SEND_ERRORS):
                await self.bot.send_document(chat_id, BufferedInputFile(attachment.data, filename=attachment.filename))
        except (RetryLater, Undeliverable) as exc:
            log.warning("telegram: %s not sent: %s", attachment.filename, exc)

    async def send_owed(self, item: Outgoing) -> SendResult:
        """A reply or notice from the outbox, to the customer's private chat (its id is theirs); `RetryLater`
        (Telegram down or asking to slow down) is raised for the outbox to try again later."""
        try:
            ref = await self.send_reply(int(item.user_key.split(":", 1)[1]), item.reply)
        except Undeliverable as exc:
            log.warning("telegram: %s message %s not sent: %s", item.kind, item.id, exc)
            return SendResult(False, reason=str(exc))
        return SendResult(True, id=ref)

    async def notify(self, kind: str, user: str, text: str | Reply, variables: dict[str, str] | None = None
                     ) -> SendResult:
        """A message we start (reminder, follow-up): Telegram has no window; quick actions as buttons.
        `RetryLater` propagates, so the reminder loop tries again later."""
        try:
            ref = await self.send_reply(int(user), text if isinstance(text, Reply) else Reply(text))
        except Undeliverable as exc:
            log.warning("telegram: %s to %s:%s not sent: %s", kind, CHANNEL, user, exc)
            return SendResult(False, reason=str(exc))
        return SendResult(True, id=ref)


# --- what a webhook update may carry -----------------------------------------------------------

ID_LIMIT = 2**53  # Telegram's ids (updates, users, chats) fit in 53 bits


def without_nul(value: Any) -> Any:
    """Parsed JSON with every NUL character taken out of its strings and keys (nesting already bounded)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


def odd_ids(update: Update) -> str | None:
    """Why an update's ids cannot be Telegram's (out of range: the inbox's keys are bounded), or None."""
    user, chat, _ = _event_user(update)
    if not 0 <= update.update_id < ID_LIMIT:
        return "update_id out of range"
    if any(i is not None and not -ID_LIMIT < i < ID_LIMIT for i in (user, chat)):
        return "user or chat id out of range"
    return None


def _refuse(request: web.Request, status: int, why: str) -> web.Response:
    """One line in the log, without the request's content, and the 4xx answer."""
    log.warning("telegram webhook refused (%d): %s; from %s", status, why, request.remote)
    return web.Response(status=status, text=why)


class TelegramChannel:
    """One bot: the input side (polling or webhook into the inbox, the dispatcher with its handlers)
    and its output side (`TelegramOutput`)."""

    name = CHANNEL

    def __init__(self, core: Core, settings: Settings, inbox: Inbox, outbox: Outbox, *,
                 session: AiohttpSession | None = None) -> None:
        assert settings.telegram_bot_token is not None
        self.core = core
        self.settings = settings
        self.inbox = inbox
        self.outbox = outbox
        self.bot = Bot(settings.telegram_bot_token.get_secret_value(),
                       session=session or AiohttpSession(api=api_server(settings.telegram_api_base)))
        self.output = TelegramOutput(self.bot)
        self.notify = self.output.notify
        self.sent_check = None  # Telegram cannot tell whether a message went out
        self.dispatcher = Dispatcher()
        self.operator: OperatorChat | None = None  # the business's operator chat, first: never a customer's
        if settings.operator_telegram_chat_id is not None:
            self.operator = OperatorChat(self.bot, settings.operator_telegram_chat_id, core, SEND_ERRORS)
            self.dispatcher.include_router(self.operator.router())
        self.dispatcher.include_router(self._router())
        # Telegram cannot tell whether a message went out, so one owed at a crash may arrive twice
        self.sender = Sender(outbox, self.output.send_owed, retry_later=(RetryLater,))
        self.conveyor = Conveyor(inbox, self._handle_entry, self.sender.deliver,
                                 along=lambda key: (core.conversations.reading(key),))
        inbox.when_new(CHANNEL, self.conveyor.kick)
        self.webhook_url = settings.telegram_webhook_url
        secret = settings.telegram_webhook_secret
        self._secret = secret.get_secret_value() if secret is not None else ""
        self._poller: asyncio.Task[None] | None = None
        self.username = ""

    # --- lifecycle ---------------------------------------------------------------------

    @property
    def webhook_path(self) -> str:
        """The local path for webhook updates: the URL's path, less PUBLIC_BASE_URL's path prefix
        (a reverse proxy that maps https://example.com/bot/ to this server strips it)."""
        if not self.webhook_url:
            return ""
        path = urlsplit(self.webhook_url).path
        public = self.settings.public_base_url.rstrip("/")
        if public and self.webhook_url.startswith(public + "/"):
            path = urlsplit(self.webhook_url).path[len(urlsplit(public).path):]
        return path or "/"

    def mount(self, web_app: web.Application) -> None:
        if self.webhook_url:
            web_app.router.add_post(self.webhook_path, self.webhook)

    async def start(self) -> None:
        """Check the token, publish the command menu, then start receiving (webhook or polling)."""
        try:
            with map_errors(START_ERRORS):
                me = await self.bot.get_me()
        except (TelegramAPIError, OSError, asyncio.TimeoutError) as exc:
            raise ChannelStartError(f"setting TELEGRAM_API_BASE: cannot reach the Telegram Bot API at "
                                    f"{self.bot.session.api.base.split('/bot')[0]} ({type(exc).__name__})") from None
        self.username = me.username or str(me.id)
        if self.operator is not None:
            await self.operator.check()
        await self._publish_menu()
        for key in await self.outbox.waiting_users(CHANNEL):  # replies a stop or crash left unsent
            self.conveyor.kick(key, owed=True)
        for key in await self.inbox.waiting_users(CHANNEL):  # recorded before a stop, not handled yet
            self.conveyor.kick(key)
        if self.webhook_url:
            await self.bot.set_webhook(self.webhook_url, secret_token=self._secret, allowed_updates=ALLOWED_UPDATES)
        else:
            await self.bot.delete_webhook(drop_pending_updates=False)
            self._poller = asyncio.create_task(self._poll(), name="telegram-polling")

    def describe(self) -> str:
        how = f"webhook {self.webhook_url} (served at {self.webhook_path})" if self.webhook_url else "long polling"
        return f"Telegram: @{self.username}, {how}, Bot API {self.bot.session.api.base.split('/bot')[0]}"

    async def stop_receiving(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None

    async def close(self) -> None:
        await self.bot.session.close()

    # --- input side: record first, then handle in order ----------------------------------------

    async def intake(self, update: Update, raw: dict[str, Any] | None = None) -> bool:
        """Record an update durably (False if it was seen before, or its ids are not Telegram's) and queue
        it for its customer."""
        problem = odd_ids(update)
        if problem is not None:
            log.warning("telegram update refused: %s", problem)
            return False
        user, chat, _ = _event_user(update)
        # a customer's own chat is their key; what they write in a group counts apart from it (its own order and
        # rate limit); an update without a sender (a channel post) is nobody's, so no two share a rate limit
        if user is None:
            key = f"{CHANNEL}:-update-{update.update_id}"
        else:
            key = f"{CHANNEL}:{user}" if chat in (user, None) else f"{CHANNEL}:{user}@{chat}"
        payload = raw if raw is not None else update.model_dump(mode="json", by_alias=True, exclude_none=True)
        if not await store(self.inbox, CHANNEL, f"{self.bot.id}:{update.update_id}", key, payload):
            log.info("telegram update %s was already received; ignored", update.update_id)
            return False
        return True

    async def webhook(self, request: web.Request) -> web.Response:
        """Telegram's POST: the secret must match before the body is read (up to the server's limit);
        the update is stored before the 200. Anything else is answered 4xx with one line in the log."""
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not self._secret or not secrets.compare_digest(given, self._secret.encode()):
            return _refuse(request, 401, "wrong or missing secret token")
        if request.content_type != "application/json":
            return _refuse(request, 415, "not JSON")
        try:
            raw = load_json(await read_body(request), "JSON")
        except Refused as refused:
            return _refuse(request, refused.status, refused.why)
        if not isinstance(raw, dict):
            return _refuse(request, 400, "not a Telegram update")
        raw = without_nul(raw)  # PostgreSQL's text cannot hold NUL; Telegram never sends one
        try:
            update = Update.model_validate(raw, context={"bot": self.bot})
        except ValueError:
            return _refuse(request, 400, "not a Telegram update")
        problem = odd_ids(update)
        if problem is not None:
            return _refuse(request, 400, problem)
        await self.intake(update, raw)
        return web.json_response({})

    async def _poll(self) -> None:
        """getUpdates in a loop; an update is confirmed (next offset) only after it is recorded."""
        offset: int | None = None
        delay = 1.0
        while True:
            try:
                await self.inbox.room()  # while the backlog is full, Telegram keeps the updates
                updates = await self.bot(
                    GetUpdates(offset=offset, timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES),
                    request_timeout=POLL_TIMEOUT + 15,
                )
                for update in updates:
                    await self.intake(update)
                    offset = max(offset or 0, update.update_id + 1)
                delay = 1.0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # network, Telegram or database trouble: back off and try again
                log.warning("telegram polling: %s: %s; retrying in %.0fs", type(exc).__name__, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    async def _handle_entry(self, entry: Entry) -> str | None:
        update = Update.model_validate(entry.payload, context={"bot": self.bot})
        if entry.position > self.inbox.limit.messages:
            return await self._too_many(update, entry)
        # a handler that ran a turn returns FINISHED (the turn's transaction marked the entry handled)
        handled = await self.dispatcher.feed_update(self.bot, update, entry=entry)
        return FINISHED if handled == FINISHED else None

    async def _too_many(self, update: Update, entry: Entry) -> str:
        """A flood: the first message over the limit gets one polite answer, the rest nothing."""
        user, chat, code = _event_user(update)
        if update.callback_query is not None:
            await self._answer(update.callback_query)
        notice = []
        # only in the customer's private chat: a group the bot ignores hears nothing from it
        if chat is not None and chat == user and _private(update) and entry.position == self.inbox.limit.messages + 1:
            lang = await self.core.language(entry.user_key, hint_lang(code))
            notice = [Reply(say(self.core, lang, "slow_down"))]
        log.info("telegram: a customer is over the rate limit; message %s not handled", entry.message_id)
        await storage.commit(self.inbox.engine, [self.outbox.adding(entry.user_key, self._cause(entry), notice,
                                                                    kind="notice"),
                                                 self.inbox.finishing(entry, "limited")])
        return FINISHED

    # --- the handlers ---------------------------------------------------------------------

    async def _publish_menu(self) -> None:
        """The command menu in each language the business speaks; the first one is everybody else's."""
        texts = self.core.texts
        for lang in texts.languages:
            menu = [BotCommand(command=name, description=texts(lang, f"command_{name}")) for name in COMMANDS[lang]]
            await self.bot.set_my_commands(menu, language_code=None if lang == texts.languages[0] else lang)

    def _router(self) -> Router:
        router = Router(name="booking")
        router.message.filter(F.chat.type == "private")
        router.message.register(self.on_command, CommandStart())
        router.message.register(self.on_command, Command(*COMMANDS["en"]))
        router.message.register(self.on_message)
        router.callback_query.register(self.on_button, OfferCallback.filter())
        router.callback_query.register(self.on_unknown_button)
        return router

    async def on_command(self, message: Message, command: CommandObject, event_update: Update, entry: Entry) -> str:
        assert message.from_user is not None
        hint = hint_lang(message.from_user.language_code)
        lang = await self.core.language(f"{CHANNEL}:{message.from_user.id}", hint)
        text = COMMANDS.get(lang, COMMANDS["en"])[command.command.lower()]
        if command.args:
            text = command.args if command.command.lower() != "book" else f"{text} {command.args}"
        return await self.turn(self._inbound(message, event_update, text=text), entry)

    async def on_message(self, message: Message, event_update: Update, entry: Entry) -> str | None:
        if message.from_user is None:
            return None
        text = message.text or message.caption or ""
        media = None
        if not text and message.sticker is not None and message.sticker.emoji:
            text = message.sticker.emoji  # a thumbs-up sticker says what the emoji says
        elif not text:
            media = _media(message)
        return await self.turn(self._inbound(message, event_update, text=text, media=media), entry)

    async def on_button(self, query: CallbackQuery, callback_data: OfferCallback, event_update: Update,
                        entry: Entry) -> str | None:
        await self._answer(query)
        await self._drop_keyboard(query)
        if query.message is None:
            return None
        inbound = self._inbound(query, event_update, choice=f"{callback_data.offer}:{callback_data.index}")
        return await self.turn(inbound, entry)

    async def on_unknown_button(self, query: CallbackQuery, event_update: Update, entry: Entry) -> str | None:
        """A button whose data we cannot read (an older version of the bot): treat it as stale."""
        await self._answer(query)
        await self._drop_keyboard(query)
        if query.message is None:
            return None
        return await self.turn(self._inbound(query, event_update, choice="stale:-1"), entry)

    def _inbound(self, event: Message | CallbackQuery, update: Update, *, text: str = "",
                 choice: str | None = None, media: str | None = None) -> Inbound:
        user = event.from_user
        assert user is not None
        at = event.date if isinstance(event, Message) else None
        return Inbound(channel=CHANNEL, user=str(user.id), text=text, choice=choice, id=str(update.update_id),
                       at=at, lang=hint_lang(user.language_code), media=media)

    async def _answer(self, query: CallbackQuery) -> None:
        try:
            await query.answer()
        except TelegramAPIError as exc:  # too late to answer (over 15 minutes): harmless
            log.info("telegram: could not answer a button press: %s", exc)

    async def _drop_keyboard(self, query: CallbackQuery) -> None:
        """The pressed keyboard goes away, so the same offer is not pressed twice by accident."""
        if query.message is None or isinstance(query.message, InaccessibleMessage):
            return
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except TelegramAPIError as exc:
            log.info("telegram: could not remove a keyboard: %s", exc)

    # --- one turn: the dialogue between the input and the output side -------------------------

    async def turn(self, inbound: Inbound, entry: Entry) -> str:
        """One message to the dialogue: the new state, its replies owed and the message marked handled in
        one transaction (the conveyor then sends the replies to the customer's private chat); FINISHED."""
        key, cause = inbound.key, self._cause(entry)
        try:
            await self.core.dialogue.handle(inbound, also=lambda replies: [
                self.outbox.adding(key, cause, replies), self.inbox.finishing(entry)])
        except Exception:
            log.exception("handling telegram message %s failed", entry.message_id)
            failed = [Reply(say(self.core, await self.core.language(key, inbound.lang), "failed"))]
            await storage.commit(self.inbox.engine, [self.outbox.adding(key, cause, failed, kind="notice"),
                                                     self.inbox.finishing(entry, "failed")])
        return FINISHED

    @staticmethod
    def _cause(entry: Entry) -> str:
        return f"{CHANNEL}:{entry.message_id}"


def _media(message: Message) -> str | None:
    """What a message without text carried: "voice" (voice, audio, a round video), "file" (anything else sent)."""
    if message.voice is not None or message.audio is not None or message.video_note is not None:
        return "voice"
    if any(getattr(message, kind, None) is not None for kind in ("photo", "video", "document", "animation", "sticker",
                                                                   "location", "contact", "venue", "poll")):
        return "file"
    return None
