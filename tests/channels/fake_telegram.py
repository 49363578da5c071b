"""A fake Telegram Bot API server on 127.0.0.1 that speaks the real wire protocol.

The bot side (aiogram) calls it like api.telegram.org: POST /bot<token>/<method> with
form or JSON parameters, answers {"ok": true, "result": ...} in Bot API JSON. It keeps
updates for getUpdates (long polling, confirmed by offset) or, after setWebhook, POSTs
them to the webhook URL with the secret header, as Telegram does.

The customer side is the test: `send`, `press`, `redeliver`, and `chat(user)` to see
what the customer sees (messages with their inline keyboards).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from loopback import serve_on_loopback

BOT_ID = 7000000001
TOKEN = f"{BOT_ID}:AAFakeTokenForTestsOnly_0123456789ab"


@dataclass
class Sent:
    """A message the bot sent, as the customer's app shows it."""

    message_id: int
    chat_id: int
    text: str
    keyboard: list[list[dict[str, Any]]] | None = None

    @property
    def buttons(self) -> list[str]:
        return [b["text"] for row in self.keyboard or [] for b in row]


@dataclass
class Document:
    """A file the bot sent (sendDocument), as the customer's app offers it for download."""

    message_id: int
    chat_id: int
    filename: str
    content_type: str
    data: bytes
    caption: str = ""


@dataclass
class FakeTelegram:
    token: str = TOKEN
    updates: list[dict[str, Any]] = field(default_factory=list)  # not yet confirmed by getUpdates offset
    sent: list[Sent] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    refuse_documents: bool = False  # answer sendDocument with 400, as for a file Telegram will not take
    unknown_chats: set[int] = field(default_factory=set)  # chats the bot is not in: "chat not found"
    upgraded_chats: dict[int, int] = field(default_factory=dict)  # group id -> its supergroup's new id
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    answered: list[str] = field(default_factory=list)
    webhook: dict[str, Any] | None = None
    webhook_statuses: list[int] = field(default_factory=list)
    too_many: int = 0  # answer this many sendMessage calls with 429 "retry after", as a flood limit does
    down: int = 0  # answer this many sendMessage calls with 502 Bad Gateway, as an outage does

    def __post_init__(self) -> None:
        self._ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._again: set[int] = set()
        self.base = ""

    # --- server -----------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        self._runner, self.base = await serve_on_loopback(app, port)
        return self.base

    async def stop(self) -> None:
        """Stop serving; a getUpdates still held open returns at once."""
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            for key, value in (await request.post()).items():
                params[key] = value if not isinstance(value, str) else _maybe_json(value)
        return params

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params))
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        try:
            return await handler(params)
        except KeyError as exc:
            return _error(400, f"Bad Request: {exc.args[0]} is required")

    async def _m_getme(self, p: dict[str, Any]) -> web.Response:
        return _ok({"id": BOT_ID, "is_bot": True, "first_name": "Demo Salon", "username": "demo_salon_bot",
                    "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False})

    async def _m_getchat(self, p: dict[str, Any]) -> web.Response:
        chat_id = int(p["chat_id"])
        if chat_id in self.unknown_chats:
            return _error(400, "Bad Request: chat not found")
        if chat_id in self.upgraded_chats:
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": "Bad Request: group chat was upgraded to a supergroup chat",
                                      "parameters": {"migrate_to_chat_id": self.upgraded_chats[chat_id]}}, status=400)
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
                               "gifts_from_channels"), False)
        return _ok(_chat(chat_id) | {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts})

    async def _m_setmycommands(self, p: dict[str, Any]) -> web.Response:
        self.commands[p.get("language_code") or ""] = p["commands"]
        return _ok(True)

    async def _m_setwebhook(self, p: dict[str, Any]) -> web.Response:
        self.webhook = {"url": p["url"], "secret_token": p.get("secret_token"),
                        "allowed_updates": p.get("allowed_updates")}
        return _ok(True)

    async def _m_deletewebhook(self, p: dict[str, Any]) -> web.Response:
        self.webhook = None
        return _ok(True)

    async def _m_getupdates(self, p: dict[str, Any]) -> web.Response:
        if self.webhook is not None:
            return _error(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(p.get("offset") or 0)
        timeout = float(p.get("timeout") or 0)
        async with self._changed:
            if offset:  # confirmed ones are gone, except those Telegram is made to send again
                self.updates = [u for u in self.updates if u["update_id"] >= offset or id(u) in self._again]
                self._changed.notify_all()  # wakes `confirmed`
            if not self.updates and timeout:
                try:
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(self.updates) or self._closing), timeout)
                except TimeoutError:
                    pass
            batch = self.updates[:100]
            self._again -= {id(u) for u in batch}
            return _ok(batch)

    async def _m_sendmessage(self, p: dict[str, Any]) -> web.Response:
        chat_id, text = int(p["chat_id"]), str(p["text"])
        if self.too_many:
            self.too_many -= 1
            return web.json_response({"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
                                      "parameters": {"retry_after": 3}}, status=429)
        if self.down:
            self.down -= 1
            return _error(502, "Bad Gateway")
        if not text.strip():
            return _error(400, "Bad Request: message text is empty")
        markup = p.get("reply_markup")
        keyboard = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        message = Sent(next(self._message_ids), chat_id, text, keyboard)
        async with self._changed:
            self.sent.append(message)
            self._changed.notify_all()
        return _ok(self._message_json(message))

    async def _m_senddocument(self, p: dict[str, Any]) -> web.Response:
        """The Bot API's multipart upload: chat_id and the file in the `document` part."""
        chat_id, upload = int(p["chat_id"]), p["document"]
        if self.refuse_documents:
            return _error(400, "Bad Request: wrong file type")
        if isinstance(upload, str) and upload.startswith("attach://"):  # the file in its own part, by name
            upload = p.get(upload.removeprefix("attach://"))
        if not isinstance(upload, web.FileField):
            return _error(400, "Bad Request: there is no document in the request")
        document = Document(next(self._message_ids), chat_id, upload.filename, upload.content_type,
                            upload.file.read(), str(p.get("caption") or ""))
        async with self._changed:
            self.documents.append(document)
            self._changed.notify_all()
        data = self._message_json(Sent(document.message_id, chat_id, ""))
        del data["text"]
        data["document"] = {"file_id": f"doc{document.message_id}", "file_unique_id": f"u{document.message_id}",
                            "file_name": document.filename, "mime_type": document.content_type,
                            "file_size": len(document.data)}
        return _ok(data)

    async def _m_editmessagereplymarkup(self, p: dict[str, Any]) -> web.Response:
        chat_id, message_id = int(p["chat_id"]), int(p["message_id"])
        message = next((m for m in self.sent if m.chat_id == chat_id and m.message_id == message_id), None)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        markup = p.get("reply_markup")
        keyboard = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        if keyboard == message.keyboard:
            return _error(400, "Bad Request: message is not modified")
        message.keyboard = keyboard
        return _ok(self._message_json(message))

    async def _m_answercallbackquery(self, p: dict[str, Any]) -> web.Response:
        self.answered.append(str(p["callback_query_id"]))
        return _ok(True)

    def _message_json(self, m: Sent) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": m.message_id, "date": int(time.time()), "text": m.text,
            "chat": _chat(m.chat_id),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Demo Salon", "username": "demo_salon_bot"},
        }
        if m.keyboard:
            data["reply_markup"] = {"inline_keyboard": m.keyboard}
        return data

    # --- the customer's side ------------------------------------------------------------------

    def _user(self, user_id: int, lang: str) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": "Anna", "language_code": lang}

    async def send(self, user_id: int, text: str, *, lang: str = "en",
                   content: dict[str, Any] | None = None) -> dict[str, Any]:
        """The customer writes `text` (or, with `content`, sends that instead: {"voice": {...}}, {"sticker":
        {...}}, as the Bot API's Message has them); returns the update (to redeliver it later)."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            **({"text": text} if content is None else content),
            "from": self._user(user_id, lang), "chat": {"id": user_id, "type": "private", "first_name": "Anna"},
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        update = {"update_id": next(self._ids), "message": message}
        await self.deliver(update)
        return update

    async def send_in(self, chat_id: int, user_id: int, text: str, *, reply_to: Sent | None = None,
                      lang: str = "en") -> dict[str, Any]:
        """Someone writes `text` in a chat or group (e.g. the business's operator chat), perhaps as a reply."""
        message: dict[str, Any] = {"message_id": next(self._message_ids), "date": int(time.time()), "text": text,
                                   "from": self._user(user_id, lang), "chat": _chat(chat_id)}
        if reply_to is not None:
            message["reply_to_message"] = self._message_json(reply_to)
        update = {"update_id": next(self._ids), "message": message}
        await self.deliver(update)
        return update

    async def press(self, user_id: int, message: Sent, label: str, *, lang: str = "en") -> dict[str, Any]:
        """The customer taps the button labelled `label` under `message`."""
        button = next(b for row in message.keyboard or [] for b in row if b["text"] == label)
        return await self.press_data(user_id, message, button["callback_data"], lang=lang)

    async def press_data(self, user_id: int, message: Sent, data: str, *, lang: str = "en") -> dict[str, Any]:
        query = {"id": f"cq{next(self._callback_ids)}", "from": self._user(user_id, lang), "chat_instance": "42",
                 "message": self._message_json(message), "data": data}
        update = {"update_id": next(self._ids), "callback_query": query}
        await self.deliver(update)
        return update

    async def deliver(self, update: dict[str, Any]) -> int | None:
        """Hand an update to the bot: queue it for getUpdates, or POST it to the webhook (returns the status)."""
        if self.webhook is not None:
            headers = {}
            if self.webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
            async with aiohttp.ClientSession() as session:
                async with session.post(self.webhook["url"], json=update, headers=headers) as response:
                    self.webhook_statuses.append(response.status)
                    return response.status
        async with self._changed:
            self.updates.append(update)
            self._changed.notify_all()
        return None

    async def redeliver(self, update: dict[str, Any]) -> int | None:
        """Telegram sends an update again (it did not see it confirmed): to the webhook, or once
        more in getUpdates even though the bot's offset is already past it."""
        if self.webhook is not None:
            return await self.deliver(update)
        copy = json.loads(json.dumps(update))
        async with self._changed:
            self._again.add(id(copy))
            self.updates.append(copy)
            self._changed.notify_all()
        return None

    async def wait_for_documents(self, chat_id: int, count: int, timeout: float = 5.0) -> list[Document]:
        """Wait until the bot has sent `count` documents to the chat in all; returns them."""
        def mine() -> list[Document]:
            return [d for d in self.documents if d.chat_id == chat_id]

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: len(mine()) >= count), timeout)
            except TimeoutError:
                raise AssertionError(f"expected {count} documents in chat {chat_id}, got "
                                     f"{[d.filename for d in mine()]}") from None
        return mine()

    def chat(self, chat_id: int) -> list[Sent]:
        return [m for m in self.sent if m.chat_id == chat_id]

    async def wait_for(self, chat_id: int, count: int, timeout: float = 5.0) -> list[Sent]:
        """Wait until the bot has sent `count` messages to the chat in all; returns them."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: len(self.chat(chat_id)) >= count), timeout)
            except TimeoutError:
                raise AssertionError(f"expected {count} messages in chat {chat_id}, got "
                                     f"{[m.text for m in self.chat(chat_id)]}") from None
        return self.chat(chat_id)

    async def confirmed(self, timeout: float = 5.0) -> None:
        """Wait until the bot has confirmed every queued update (polling): woken by the getUpdates
        whose offset confirms them; `timeout` is only a safety limit."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: not self.updates), timeout)
            except TimeoutError:
                raise AssertionError(f"updates never confirmed: {[u['update_id'] for u in self.updates]}") from None


def _chat(chat_id: int) -> dict[str, Any]:
    """A private chat (positive ids) or a group (negative ids), as Telegram describes them."""
    if chat_id < 0:
        return {"id": chat_id, "type": "group", "title": "Team"}
    return {"id": chat_id, "type": "private", "first_name": "Customer"}


def _maybe_json(value: str) -> Any:

    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": code, "description": description}, status=code)
