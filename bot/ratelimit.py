"""The bot's one request window: answers first, broadcasts in the capacity they leave.

Request scheduling (`PriorityRateLimiter`, installed on the bot with `.rate_limiter(...)`)
------------------------------------------------------------------------------------------
Every request that sends or edits a message takes a place in one sliding window shared by the
whole bot: at most `global_rate` (Telegram's ~30/s) within `window` seconds, a window a little
longer than a second so that loopback or network jitter never packs 31 into Telegram's second.
There are two lanes:

* interactive (answers, edits, anything without `rate_limit_args`): goes at once and takes a
  place in the window (so the broadcast, which only uses free places, gives way); it never
  waits behind the broadcast or our own estimate of the limit, and is never held by a 429 that
  the broadcast caused. If Telegram answers an interactive request with 429 itself, only that
  request waits `retry_after` and is tried again (`interactive_retries` times).
* broadcast (`rate_limit_args=BROADCAST`): the worker asks `broadcast_slot(chat)` before each
  message. A slot is granted only at `rate` (BROADCAST_RATE, default 30/s: Telegram's limit),
  only while the window has room beyond `answer_reserve` places (default 1) kept for answers,
  so that an answer finds a free place at once instead of waiting for a broadcast message to
  age out; at most one message a second per chat; and never during a broadcast pause. So the
  broadcast uses the capacity the answers leave, up to its rate. A 429 on either lane pauses the
  broadcast lane for `retry_after`; answers keep flowing. Chat actions ("typing") are not counted.

PTB's `AIORateLimiter` halts every request after a 429 and has no priorities, which is why the
bot has its own limiter.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine, Mapping
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.delivery_settings import DeliverySettings

log = logging.getLogger(__name__)

# rate_limit_args of a broadcast message: already paced by `broadcast_slot`
BROADCAST: dict[str, str] = {"lane": "broadcast"}

# Requests that count against Telegram's message limits (edits too: conservative).
_NOT_COUNTED = frozenset({"sendChatAction"})
_COUNTED_PREFIXES = (
    "send",
    "copyMessage",
    "copyMessages",
    "forwardMessage",
    "forwardMessages",
    "editMessage",
)


def retry_seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


# --- request scheduling --------------------------------------------------------------------
class PriorityRateLimiter(BaseRateLimiter[dict[str, str]]):
    """One window for the whole bot; answers first, the broadcast takes what is left."""

    def __init__(self, settings: DeliverySettings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self._clock = clock
        self._capacity = max(1, int(settings.global_rate))
        # The broadcast never fills the last `answer_reserve` places of the window.
        self._broadcast_capacity = max(1, self._capacity - settings.answer_reserve)
        self._window: deque[float] = deque()  # when each counted request took its place
        self._chat_last: dict[int, float] = {}
        self._paused_until = 0.0
        self._next_broadcast = 0.0
        self._broadcast_lock = asyncio.Lock()
        self.interactive_429 = 0
        self.broadcast_429 = 0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    # --- bookkeeping --------------------------------------------------------------------
    def _prune(self, now: float) -> None:
        horizon = now - self.settings.window
        while self._window and self._window[0] <= horizon:
            self._window.popleft()
        if len(self._chat_last) > 4096:
            old = now - self.settings.per_chat_interval
            self._chat_last = {c: t for c, t in self._chat_last.items() if t > old}

    def _take(self, now: float, chat_id: int | None) -> None:
        self._window.append(now)
        if chat_id is not None:
            self._chat_last[chat_id] = now

    def _window_wait(self, now: float, capacity: int) -> float:
        """Seconds until the window has fewer than `capacity` requests in it."""
        if len(self._window) < capacity:
            return 0.0
        return self._window[len(self._window) - capacity] + self.settings.window - now

    def chat_wait(self, chat_id: int) -> float:
        """Seconds until `chat_id` may get another message (0 when it may now)."""
        last = self._chat_last.get(chat_id)
        if last is None:
            return 0.0
        return max(0.0, last + self.settings.per_chat_interval - self._clock())

    def pause_broadcast(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    @property
    def broadcast_paused_for(self) -> float:
        return max(0.0, self._paused_until - self._clock())

    # --- the two lanes ------------------------------------------------------------------
    async def broadcast_slot(self, chat_id: int) -> None:
        """Wait until one broadcast message to `chat_id` may go (see the module docstring)."""
        interval = 1.0 / self.settings.rate
        async with self._broadcast_lock:
            while True:
                now = self._clock()
                self._prune(now)
                last = self._chat_last.get(chat_id)
                wait = max(
                    self._paused_until - now,
                    self._next_broadcast - now,
                    self._window_wait(now, self._broadcast_capacity),
                    0.0 if last is None else last + self.settings.per_chat_interval - now,
                )
                if wait <= 0:
                    self._take(now, chat_id)
                    # keep the grid when slightly late (sleep overshoot), never burst to catch up
                    self._next_broadcast = max(self._next_broadcast, now - interval) + interval
                    return
                await asyncio.sleep(wait)

    def _interactive_slot(self, chat_id: int | None) -> None:
        """An answer goes at once and is counted, so the broadcast leaves it the room.

        Answers are never held back by our own estimate of Telegram's limit: people are
        waiting for them, and if Telegram itself says 429, that one request waits and retries.
        """
        now = self._clock()
        self._prune(now)
        self._take(now, chat_id)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, str] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if rate_limit_args and rate_limit_args.get("lane") == "broadcast":
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.broadcast_429 += 1
                self.pause_broadcast(retry_seconds(exc.retry_after))
                raise
        counted = endpoint.startswith(_COUNTED_PREFIXES) and endpoint not in _NOT_COUNTED
        chat_id = _chat_id(data)
        retries = 0
        while True:
            if counted:
                self._interactive_slot(chat_id)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.interactive_429 += 1
                delay = retry_seconds(exc.retry_after)
                self.pause_broadcast(delay)  # whatever caused it, the broadcast gives way
                if retries >= self.settings.interactive_retries:
                    raise
                retries += 1
                log.info("429 on %s: retrying this request in %.1f s", endpoint, delay)
                await asyncio.sleep(delay)


def _chat_id(data: Mapping[str, Any]) -> int | None:
    value = data.get("chat_id")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None
