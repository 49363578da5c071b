"""The business's operator chat on Telegram: notifications in, answers and closes out.

Notifications reach the chat (or group) `OPERATOR_TELEGRAM_CHAT_ID` through the same bot;
one about a handoff carries a Close button (`HandoffCallback`). The team answers a customer
by replying to such a notification; the answer is passed on in the customer's chat. Messages
in this chat are never a customer's conversation: its router goes before the customers'.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError, TelegramMigrateToChat
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InaccessibleMessage, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.core import Core

from .errors import ChannelStartError, SendResult, Undeliverable, map_errors

log = logging.getLogger(__name__)

MAX_TEXT = 4000  # Telegram takes 4096 characters per message


class HandoffCallback(CallbackData, prefix="h"):
    """The Close button under a handoff notification."""

    action: str
    id: int


class Desk(Protocol):
    """What the team can do with handoffs (the notifications' side answers)."""

    async def reply(self, handoff_id: int, text: str) -> Any: ...
    async def close(self, handoff_id: int, by: str) -> Any: ...
    async def handoff_of_message(self, message_id: str) -> int | None: ...


class OperatorChat:
    """Sends notifications to the operator chat and reads the team's replies and Close buttons there."""

    def __init__(self, bot: Bot, chat_id: int, core: Core, send_errors: list[Any]) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.core = core
        self.send_errors = send_errors
        self.desk: Desk | None = None  # handed over by the composition root once the notifications are built

    def t(self, key: str, **values: object) -> str:
        texts = self.core.texts
        return texts(texts.languages[0], key, business=self.core.business.name, **values)

    async def check(self) -> None:
        """At start: can the bot write to the operator chat? A chat Telegram does not know (a mistyped id, a
        group without the bot) stops the start naming the setting; a network hiccup only warns."""
        try:
            await self.bot.get_chat(self.chat_id)
        except TelegramMigrateToChat as exc:  # a group that became a supergroup has a new id
            raise ChannelStartError(f"setting OPERATOR_TELEGRAM_CHAT_ID: the group {self.chat_id} is now a supergroup; "
                                    f"set OPERATOR_TELEGRAM_CHAT_ID={exc.migrate_to_chat_id}") from None
        except (TelegramBadRequest, TelegramForbiddenError) as exc:
            raise ChannelStartError(
                f"setting OPERATOR_TELEGRAM_CHAT_ID: the bot cannot reach chat {self.chat_id} ({exc.message}); "
                "add the bot to the group, or, for a private chat, press Start in the bot's chat first") from None
        except (TelegramAPIError, OSError, asyncio.TimeoutError) as exc:
            log.warning("telegram: could not check the operator chat now (%s); notifications are tried anyway",
                        type(exc).__name__)

    # --- out: notifications ------------------------------------------------------------------

    async def notify(self, text: str, handoff: int | None) -> SendResult:
        """One notification; a handoff's gets a Close button. `RetryLater` propagates (tried again later)."""
        markup = None
        if handoff is not None:
            builder = InlineKeyboardBuilder()
            builder.button(text=self.t("notify_close"), callback_data=HandoffCallback(action="close", id=handoff))
            markup = builder.as_markup()
        try:
            with map_errors(self.send_errors):
                sent = await self.bot.send_message(self.chat_id, text[:MAX_TEXT], reply_markup=markup)
        except Undeliverable as exc:
            log.warning("telegram: a notification to the operator chat was not sent: %s", exc)
            return SendResult(False, reason=str(exc))
        return SendResult(True, id=str(sent.message_id))

    # --- in: the team's replies and buttons --------------------------------------------------

    def router(self) -> Router:
        router = Router(name="operator")
        router.message.filter(F.chat.id == self.chat_id)
        router.callback_query.filter(F.message.chat.id == self.chat_id)
        router.message.register(self.on_message)
        router.callback_query.register(self.on_close, HandoffCallback.filter(F.action == "close"))
        router.callback_query.register(self.on_other_button)
        return router

    async def on_message(self, message: Message) -> None:
        """A reply to a handoff notification goes to that customer; anything else is left alone
        (in a private operator chat the bot says how to answer)."""
        original = message.reply_to_message
        text = (message.text or message.caption or "").strip()
        if message.from_user is None or message.from_user.is_bot or not text:
            return
        to_bot = original is not None and original.from_user is not None and original.from_user.id == self.bot.id
        handoff = None
        if to_bot and self.desk is not None:
            handoff = await self.desk.handoff_of_message(str(original.message_id))
        if handoff is None:
            if message.chat.type == "private" or to_bot:  # the team talking among themselves is left alone
                await self._say(self.t("operator_reply_how"))
            return

        passed = await self.desk.reply(handoff, text) if self.desk is not None else None
        await self._say(self.t("operator_passed_on" if passed is not None else "operator_not_open", id=handoff))

    async def on_close(self, query: CallbackQuery, callback_data: HandoffCallback) -> None:
        await self._answer(query)
        if query.message is not None and not isinstance(query.message, InaccessibleMessage):
            try:
                await query.message.edit_reply_markup(reply_markup=None)
            except TelegramAPIError as exc:
                log.info("telegram: could not remove the Close button: %s", exc)
        closed = await self.desk.close(callback_data.id, "operator") if self.desk is not None else None
        if closed is None:
            await self._say(self.t("operator_not_open", id=callback_data.id))

    async def on_other_button(self, query: CallbackQuery) -> None:
        await self._answer(query)

    async def _answer(self, query: CallbackQuery) -> None:
        try:
            await query.answer()
        except TelegramAPIError as exc:
            log.info("telegram: could not answer a button press: %s", exc)

    async def _say(self, text: str) -> None:
        try:
            with map_errors(self.send_errors):
                await self.bot.send_message(self.chat_id, text)
        except Exception as exc:  # the team's chat is unreachable: nothing else to do here
            log.warning("telegram: could not answer in the operator chat: %s", type(exc).__name__)
