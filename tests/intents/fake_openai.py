"""A fake OpenAI-compatible server (POST /v1/chat/completions) on 127.0.0.1, for the real `openai` SDK.

It checks every request the way the real API would care (auth header, model, messages,
a strict json_schema response_format or the one `reading` tool) and answers from a script:
readings, malformed JSON, refusals, error statuses, or nothing until the test releases it.
The reader's client is synchronous, so the server runs its own event loop in a thread.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

FIELDS = ("service", "staff", "staff_text", "when_text", "date", "name", "email", "phone", "option_number", "topic")


def reading(intent: str, lang: str = "en", **fields: Any) -> dict:
    """A complete model reading (every field of the strict schema present)."""
    return {"intent": intent, "lang": lang, "any_staff": False, **{k: None for k in FIELDS}, **fields}


@dataclass
class Answer:
    """One scripted answer: `kind` is reading | malformed | refusal | status | hang."""

    kind: str
    body: Any = None


@dataclass
class FakeOpenAI:
    """The server's script and what it saw. Tests call the helpers below from their own thread."""

    model: str = "test-model"
    api_key: str = "sk-test"
    structured_outputs: bool = True  # False: a 400 for response_format, as servers without them answer
    script: deque[Answer] = field(default_factory=deque)
    default: Answer | None = None  # answered when the script is empty
    requests: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    hanging: threading.Event = field(default_factory=threading.Event)
    base_url: str = ""

    # --- scripting ---
    def answer(self, body: dict) -> None:
        self.script.append(Answer("reading", body))

    def malformed(self, text: str = '{"intent": "book", "lang": ') -> None:
        self.script.append(Answer("malformed", text))

    def refuse(self) -> None:
        self.script.append(Answer("refusal"))

    def status(self, code: int) -> None:
        self.script.append(Answer("status", code))

    def hang(self) -> None:
        """The next request gets no answer until `release()`."""
        self.script.append(Answer("hang"))

    def release(self) -> None:
        self._loop.call_soon_threadsafe(self._release.set)

    # --- serving ---
    def start(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-openai", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)

    def stop(self) -> None:
        self.release()
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _serve(self) -> None:
        self._release = asyncio.Event()
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}/v1"

    async def _completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        problem = self._check(request, body)
        if problem:
            self.problems.append(problem)
            return _error(400, problem)
        if "response_format" in body and not self.structured_outputs:
            return _error(400, "response_format json_schema is not supported by this server")
        answer = self.script.popleft() if self.script else self.default
        if answer is None:
            self.problems.append("a request nobody scripted")
            return _error(500, "unscripted")
        if answer.kind == "hang":
            self.hanging.set()
            await self._release.wait()
            return _error(503, "released")
        if answer.kind == "status":
            return _error(answer.body, "scripted error")
        return web.json_response(_completion(self.model, body, answer))

    def _check(self, request: web.Request, body: dict) -> str | None:
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return "wrong or missing Authorization header"
        if body.get("model") != self.model:
            return f"unexpected model {body.get('model')!r}"
        msgs = body.get("messages")
        if not isinstance(msgs, list) or not msgs or msgs[-1].get("role") != "user":
            return "the customer's text must be the last, user message"
        if any(m.get("role") not in ("system", "user", "assistant") for m in msgs):
            return "unexpected message role"
        if "response_format" in body:
            fmt = body["response_format"]
            schema = fmt.get("json_schema", {}).get("schema", {}) if fmt.get("type") == "json_schema" else {}
            if not fmt.get("json_schema", {}).get("strict") or "intent" not in schema.get("properties", {}):
                return "response_format is not the strict reading schema"
        elif body.get("tools"):
            names = [t.get("function", {}).get("name") for t in body["tools"]]
            if names != ["reading"] or "intent" not in body["tools"][0]["function"].get("parameters", {}).get(
                    "properties", {}):
                return "tools must be the one reading function"
        else:
            return "neither a response_format nor a tool"
        return None


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": {"message": message, "type": "invalid_request_error", "code": None}},
                             status=status)


def _completion(model: str, request: dict, answer: Answer) -> dict:
    message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
    finish = "stop"
    if answer.kind == "refusal":
        message["refusal"] = "I'm sorry, I can't help with that."
    else:
        content = answer.body if answer.kind == "malformed" else json.dumps(answer.body)
        if request.get("tools"):
            finish = "tool_calls"
            message["tool_calls"] = [{"id": "call_1", "type": "function",
                                      "function": {"name": "reading", "arguments": content}}]
        else:
            message["content"] = content
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 1700000000, "model": model,
        "choices": [{"index": 0, "finish_reason": finish, "logprobs": None, "message": message}],
        "usage": {"prompt_tokens": 321, "completion_tokens": 42, "total_tokens": 363},
    }
