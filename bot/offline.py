"""An in-process stand-in for the Telegram Bot API.

The terminal chat (`main.py chat`) plugs it into the real `Application` through a PTB request
class, so every handler runs exactly as on Telegram; the tests serve the same emulator over
HTTP on loopback (`tests/standin.py`) and the bot reaches it through `TELEGRAM_API_BASE_URL`.
It records every call, keeps pending updates for `getUpdates`, and can answer 429, 403 and
5xx on demand or when a configured rate limit is exceeded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_ID = 7_000_000_001
BOT_USERNAME = "wiego_referral_bot"
FAKE_TOKEN = "7000000001:OFFLINE-token-for-the-terminal-chat"  # noqa: S105 - not a secret: offline only

# Parameters Telegram takes as plain strings: everything else arrives JSON-encoded.
_STRING_PARAMS = frozenset(
    {
        "text",
        "parse_mode",
        "callback_query_id",
        "inline_query_id",
        "query",
        "url",
        "secret_token",
        "language_code",
        "caption",
        "action",
        "description",
        "short_description",
        "name",
        "next_offset",
        "switch_pm_text",
        "switch_pm_parameter",
        "inline_message_id",
        "emoji",
        "title",
        "message_effect_id",
        "business_connection_id",
        "ip_address",
    }
)
_SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "copyMessage", "forwardMessage"})


def decode_params(raw: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _STRING_PARAMS:
            out[key] = value
            continue
        try:
            out[key] = json.loads(value)
        except (TypeError, ValueError):
            out[key] = value
    return out


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    at: float
    status: int = 200
    result: Any = None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return (
            int(value)
            if isinstance(value, int) or (isinstance(value, str) and value.lstrip("-").isdigit())
            else None
        )

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def buttons(self) -> list[dict[str, Any]]:
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


@dataclass
class Failure:
    """An error to answer instead of success, for calls matching `method` and `chat_id`."""

    code: int
    method: str | None = None
    chat_id: int | None = None
    retry_after: int = 1
    times: int = 1
    description: str | None = None  # a 400's own words (default: "message is not modified")


@dataclass
class RateLimit:
    """Telegram-like limits: beyond them, 429 with `retry_after`."""

    per_second: float | None = None
    per_chat_per_second: float | None = None
    retry_after: int = 1
    _global: deque[float] = field(default_factory=deque)
    _chats: dict[int, float] = field(default_factory=dict)

    def check(self, chat_id: int | None, now: float) -> bool:
        if self.per_second is not None:
            while self._global and now - self._global[0] >= 1.0:
                self._global.popleft()
            if len(self._global) >= self.per_second:
                return False
        if self.per_chat_per_second is not None and chat_id is not None:
            last = self._chats.get(chat_id)
            if last is not None and now - last < 1.0 / self.per_chat_per_second:
                return False
        if self.per_second is not None:
            self._global.append(now)
        if chat_id is not None:
            self._chats[chat_id] = now
        return True


class BotAPIEmulator:
    """The subset of the Bot API the bot uses, with recorded calls and injectable failures."""

    def __init__(self, *, username: str = BOT_USERNAME, clock: Callable[[], float] = time.monotonic) -> None:
        self.username = username
        self.clock = clock
        self.calls: list[ApiCall] = []
        self.failures: list[Failure] = []
        self.blocked: set[int] = set()
        self.rate_limit = RateLimit()
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.max_poll_wait: float | None = None  # tests shorten long polls so stopping is quick
        self._updates: deque[dict[str, Any]] = deque()
        self._next_update_id = 1
        self._next_message_id: dict[int, int] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}  # for replies to quote
        self._changed = asyncio.Condition()

    # --- what a test or the terminal chat does as a user ---------------------------------
    def user(self, user_id: int, language_code: str | None = "en", first_name: str = "Ana") -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    def _chat(self, chat_id: int, chat_type: str, user: dict[str, Any]) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = user["first_name"]
        else:
            chat["title"] = "Test group"
        self._chats[chat_id] = chat
        return chat

    def message(
        self,
        user_id: int,
        text: str,
        *,
        language_code: str | None = "en",
        chat_id: int | None = None,
        chat_type: str = "private",
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Queue a text message from a user; commands get their `bot_command` entity."""
        user = self.user(user_id, language_code)
        chat = self._chat(chat_id if chat_id is not None else user_id, chat_type, user)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            "text": text,
        }
        if entities is None and text.startswith("/"):
            command = text.split()[0] if text.split() else text
            entities = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if entities:
            message["entities"] = entities
        self._messages[(chat["id"], message["message_id"])] = message
        return self.push({"message": message})

    def attachment(
        self,
        user_id: int,
        fields: dict[str, Any],
        *,
        language_code: str | None = "en",
        chat_id: int | None = None,
        chat_type: str = "private",
    ) -> dict[str, Any]:
        """Queue a message without text: `fields` as in the Bot API (`location`, `photo`, ...)."""
        user = self.user(user_id, language_code)
        chat = self._chat(chat_id if chat_id is not None else user_id, chat_type, user)
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            **fields,
        }
        self._messages[(chat["id"], message["message_id"])] = message
        return self.push({"message": message})

    def callback(
        self,
        user_id: int,
        data: str,
        *,
        message: dict[str, Any] | None = None,
        language_code: str | None = "en",
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue a button press on `message` (the bot's message the button was under)."""
        user = self.user(user_id, language_code)
        chat = self._chats.get(chat_id or user_id) or self._chat(chat_id or user_id, "private", user)
        if message is None:
            message = {
                "message_id": self._new_message_id(chat["id"]),
                "date": int(time.time()),
                "chat": chat,
                "text": "",
            }
        query = {
            "id": str(self._next_update_id * 1000 + 7),
            "from": user,
            "chat_instance": str(chat["id"]),
            "data": data,
            "message": {**message, "from": self.me()},
        }
        return self.push({"callback_query": query})

    def inline_query(self, user_id: int, query: str, *, language_code: str | None = "en") -> dict[str, Any]:
        inline = {
            "id": str(self._next_update_id * 1000 + 9),
            "from": self.user(user_id, language_code),
            "query": query,
            "offset": "",
        }
        return self.push({"inline_query": inline})

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_update_id, **update}
        self._next_update_id += 1
        self._updates.append(update)
        self._notify()
        return update

    def _new_message_id(self, chat_id: int) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def me(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "WIEGO referral bot",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    # --- waiting for the bot ----------------------------------------------------------
    def _notify(self) -> None:
        async def wake() -> None:
            async with self._changed:
                self._changed.notify_all()

        with contextlib.suppress(RuntimeError):  # no loop yet: nobody can be waiting
            asyncio.get_running_loop().create_task(wake())

    async def wait_for(
        self, predicate: Callable[[ApiCall], bool], *, after: int = 0, timeout: float = 10.0
    ) -> ApiCall:
        """The first recorded call at index >= `after` that satisfies `predicate`."""

        def find() -> ApiCall | None:
            return next((c for c in self.calls[after:] if predicate(c)), None)

        async def loop() -> ApiCall:
            async with self._changed:
                while (found := find()) is None:
                    await self._changed.wait()
                return found

        return await asyncio.wait_for(loop(), timeout)

    def sent(self, chat_id: int | None = None, method: str | None = None) -> list[ApiCall]:
        return [
            c
            for c in self.calls
            if c.status == 200
            and (method is None or c.method == method)
            and (method is not None or c.method in _SEND_METHODS | {"editMessageText"})
            and (chat_id is None or c.chat_id == chat_id)
        ]

    # --- the API --------------------------------------------------------------------------
    async def handle(self, method: str, raw_params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        params = decode_params(raw_params)
        call = ApiCall(method, params, self.clock())
        status, body = await self._dispatch(call)
        call.status, call.result = status, body.get("result")
        if method != "getUpdates":
            self.calls.append(call)
            self._notify()
        return status, body

    def _failure_for(self, call: ApiCall) -> Failure | None:
        for failure in self.failures:
            if (failure.method in (None, call.method)) and (failure.chat_id in (None, call.chat_id)):
                failure.times -= 1
                if failure.times <= 0:
                    self.failures.remove(failure)
                return failure
        return None

    async def _dispatch(self, call: ApiCall) -> tuple[int, dict[str, Any]]:
        if call.method != "getUpdates":
            failure = self._failure_for(call)
            if failure is not None:
                return error_body(failure.code, failure.retry_after, failure.description)
            if call.method in _SEND_METHODS:
                if call.chat_id in self.blocked:
                    return error_body(403)
                if not self.rate_limit.check(call.chat_id, self.clock()):
                    return error_body(429, self.rate_limit.retry_after)
        handler = getattr(self, f"api_{call.method}", None)
        if handler is None:
            return 200, {"ok": True, "result": True}
        result = await handler(call.params)
        return 200, {"ok": True, "result": result}

    async def api_getMe(self, params: dict[str, Any]) -> Any:
        return self.me()

    async def api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        if self.max_poll_wait is not None:
            timeout = min(timeout, self.max_poll_wait)
        limit = int(params.get("limit") or 100)
        while self._updates and self._updates[0]["update_id"] < offset:
            self._updates.popleft()  # confirmed by the bot
        if not self._updates and timeout > 0:
            try:
                async with self._changed:
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(self._updates)), timeout)
            except TimeoutError:
                pass
        return list(self._updates)[:limit]

    async def api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        chat = self._chats.get(chat_id, {"id": chat_id, "type": "private", "first_name": "?"})
        message: dict[str, Any] = {
            "message_id": self._new_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
            "from": self.me(),
            "text": params.get("text", ""),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        quoted = (params.get("reply_parameters") or {}).get("message_id")
        if quoted is not None and (chat_id, int(quoted)) in self._messages:
            message["reply_to_message"] = self._messages[(chat_id, int(quoted))]
        self._messages[(chat_id, message["message_id"])] = message
        return message

    async def api_editMessageText(self, params: dict[str, Any]) -> Any:
        if "inline_message_id" in params:
            return True
        chat_id = int(params["chat_id"])
        chat = self._chats.get(chat_id, {"id": chat_id, "type": "private", "first_name": "?"})
        key = (chat_id, int(params["message_id"]))
        message: dict[str, Any] = dict(
            self._messages.get(key)
            or {
                "message_id": key[1],
                "date": int(time.time()),
                "chat": chat,
                "from": self.me(),
                "text": "",
            }
        )
        message["edit_date"] = int(time.time())
        if "text" in params:
            message["text"] = params["text"]
        message.pop("reply_markup", None)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._messages[key] = message
        return message

    api_editMessageReplyMarkup = api_editMessageText

    async def api_setMyCommands(self, params: dict[str, Any]) -> Any:
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands[(scope, params.get("language_code", ""))] = list(params.get("commands", []))
        return True

    async def api_getMyCommands(self, params: dict[str, Any]) -> Any:
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        return self.commands.get((scope, params.get("language_code", "")), [])

    async def api_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = params
        return True

    async def api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        return True

    async def api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }


def error_body(code: int, retry_after: int = 1, description: str | None = None) -> tuple[int, dict[str, Any]]:
    if code == 429:
        return 429, {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {retry_after}",
            "parameters": {"retry_after": retry_after},
        }
    if code == 403:
        return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
    if code == 400:
        return 400, {
            "ok": False,
            "error_code": 400,
            "description": description or "Bad Request: message is not modified",
        }
    return code, {"ok": False, "error_code": code, "description": "Bad Gateway"}


class InProcessRequest(BaseRequest):
    """PTB request class that talks to a `BotAPIEmulator` in the same process."""

    def __init__(self, emulator: BotAPIEmulator) -> None:
        self.emulator = emulator

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(  # type: ignore[override]
        self, url: str, method: str, request_data: RequestData | None = None, **_: Any
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        raw = request_data.json_parameters if request_data is not None else {}
        status, body = await self.emulator.handle(api_method, raw)
        return status, json.dumps(body).encode()


# What a user may send besides text, as the Bot API writes it (the terminal chat's `#photo`...).
SAMPLE_ATTACHMENTS: dict[str, dict[str, Any]] = {
    "voice": {"voice": {"file_id": "voice-1", "file_unique_id": "v1", "duration": 4}},
    "audio": {"audio": {"file_id": "audio-1", "file_unique_id": "a1", "duration": 30}},
    "photo": {"photo": [{"file_id": "photo-1", "file_unique_id": "p1", "width": 640, "height": 480}]},
    "sticker": {
        "sticker": {
            "file_id": "sticker-1",
            "file_unique_id": "s1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    },
    "document": {"document": {"file_id": "doc-1", "file_unique_id": "d1", "file_name": "report.pdf"}},
    "video": {
        "video": {"file_id": "video-1", "file_unique_id": "vd1", "width": 640, "height": 480, "duration": 5}
    },
    "video_note": {"video_note": {"file_id": "note-1", "file_unique_id": "n1", "length": 240, "duration": 5}},
}


def location_fields(latitude: float, longitude: float) -> dict[str, Any]:
    return {"location": {"latitude": latitude, "longitude": longitude}}
