"""A local stand-in for the Telegram Bot API: serves a test user's updates, records what the bot sends.

Telegram's servers are out of reach from the tests, so the real bridge polls this one instead
(TELEGRAM_API_BASE_URL=http://127.0.0.1:<port>/bot). It runs aiohttp in a thread of its own.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-token"
BOT = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Digilab",
    "username": "digilab_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# PTB sends parameters form-encoded, objects JSON-encoded and strings as they are.
JSON_FIELDS = {
    "reply_markup",
    "allowed_updates",
    "commands",
    "scope",
    "entities",
    "link_preview_options",
    "reply_parameters",
}
INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class BotApi:
    """The stand-in server; `calls` lists every Bot API call the bridge made, in order."""

    calls: list[Call] = field(default_factory=list)
    port: int = 0

    def __post_init__(self):
        self._updates: list[dict[str, Any]] = []
        self._messages: dict[tuple, dict[str, Any]] = {}
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # --- test side (any thread) ---

    def start(self) -> BotApi:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the Bot API stand-in did not start")
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (a message or a callback query) for the bot's next getUpdates."""
        update = {"update_id": next(self._update_ids), **update}
        self._loop.call_soon_threadsafe(self._add, update)
        return update

    def called(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def sent(self, chat_id: int) -> list[dict[str, Any]]:
        """The messages the bot sent to a chat, as they are now (keyboards may have been removed)."""
        with self._lock:
            return [m for (chat, _), m in sorted(self._messages.items()) if chat == chat_id]

    def wait(self, condition: Callable[[], Any], timeout: float, what: str = "") -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            time.sleep(0.1)
        raise TimeoutError(f"waited {timeout:.0f} s for {what or condition}")

    # --- server side (its own thread and loop) ---

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._new_update = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", 0).start())
        self.port = self._runner.addresses[0][1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._loop.close()

    async def _shutdown(self) -> None:
        await self._runner.cleanup()
        # A long poll left open by a stopped bridge would outlive the loop.
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def _add(self, update: dict[str, Any]) -> None:
        self._updates.append(update)
        self._new_update.set()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = _decode(dict(await request.post()) if request.can_read_body else dict(request.query))
        with self._lock:
            self.calls.append(Call(method, params))
        answer = getattr(self, f"_{method}", None)
        if answer is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        result = await answer(params) if asyncio.iscoroutinefunction(answer) else answer(params)
        return web.json_response({"ok": True, "result": result})

    async def _getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset", 0)
        # Updates below the offset are confirmed: Telegram forgets them.
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + float(params.get("timeout", 0))
        while not self._updates and time.monotonic() < deadline:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())
            except asyncio.TimeoutError:
                break
        return self._updates[: params.get("limit", 100)]

    def _getMe(self, params):
        return BOT

    def _sendMessage(self, params):
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": params["chat_id"], "type": "private"},
            "from": BOT,
            "text": params["text"],
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        with self._lock:
            self._messages[(params["chat_id"], message["message_id"])] = message
        return message

    def _editMessageReplyMarkup(self, params):
        with self._lock:
            message = self._messages[(params["chat_id"], params["message_id"])]
            message.pop("reply_markup", None)
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return dict(message)

    def _true(self, params):
        return True

    _deleteWebhook = _setMyCommands = _sendChatAction = _answerCallbackQuery = _true


def _decode(form: dict[str, str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in form.items():
        if key in JSON_FIELDS:
            params[key] = json.loads(value)
        elif key in INT_FIELDS:
            params[key] = int(value)
        else:
            params[key] = value
    return params


_user_message_ids = itertools.count(100_000)


@dataclass
class TelegramUser:
    """A person chatting with the bot in a private chat of their own."""

    api: BotApi
    chat_id: int
    language_code: str | None = "fr"

    @property
    def user(self) -> dict[str, Any]:
        user = {"id": self.chat_id, "is_bot": False, "first_name": "Test"}
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def send(self, text: str) -> None:
        extra: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            # Telegram marks a command with an entity; PTB's CommandHandler looks for it.
            extra["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self._push_message(extra)

    def send_photo(self) -> None:
        self._push_message({"photo": [{"file_id": "photo-1", "file_unique_id": "p1", "width": 90, "height": 90}]})

    def _push_message(self, extra: dict[str, Any]) -> None:
        self.api.push(
            {
                "message": {
                    "message_id": next(_user_message_ids),
                    "date": int(time.time()),
                    "chat": {"id": self.chat_id, "type": "private", "first_name": "Test"},
                    "from": self.user,
                    **extra,
                }
            }
        )

    def press(self, message: dict[str, Any], title: str) -> str:
        """Press the inline button with this title under one of the bot's messages; returns its callback data."""
        buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
        data = next(b["callback_data"] for b in buttons if b["text"] == title)
        self.api.push(
            {
                "callback_query": {
                    "id": f"q{time.monotonic_ns()}",
                    "from": self.user,
                    "message": message,
                    "chat_instance": str(self.chat_id),
                    "data": data,
                }
            }
        )
        return data

    def messages(self) -> list[dict[str, Any]]:
        return self.api.sent(self.chat_id)

    def ask(self, text: str, until: Callable[[list[dict[str, Any]]], bool], timeout: float = 120):
        """Send a message and wait until the bot's new messages satisfy `until`; returns them."""
        return self.after(lambda: self.send(text), until, timeout, what=repr(text))

    def after(
        self,
        act: Callable[[], Any],
        until: Callable[[list[dict[str, Any]]], bool],
        timeout: float = 120,
        what: str = "an action",
    ) -> list[dict[str, Any]]:
        """Do something (send, press) and wait until the bot's new messages satisfy `until`; returns them."""
        before = len(self.messages())
        act()

        def replied() -> list[dict[str, Any]] | None:
            new = self.messages()[before:]
            return new if new and until(new) else None

        return self.api.wait(replied, timeout, what=f"the bot's reply to {what}")
