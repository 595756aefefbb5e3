"""The bot's one request window: answers first, broadcasts in the capacity they leave.

Request scheduling (`PriorityRateLimiter`, installed on the bot with `.rate_limiter(...)`)
------------------------------------------------------------------------------------------
Every request that sends or edits a message takes a place in one sliding window shared by the
whole bot: at most `global_rate` (Telegram's ~30/s) within `window` seconds (Telegram's one
second). A place is held from the moment the request is let go until `window` seconds after its
reply came back, not after it was let go: Telegram counts a request when it arrives, which is
between the two, so however late one request arrives (jitter, a busy event loop, a slow
network), the thirty-first place is granted only after the first request's arrival is a whole
window old, and Telegram never sees 31 in its second. (Counting from the moment of sending
needed a window of 1.02 s to absorb jitter, and still failed at 1.01 s; counting from the reply
costs only the round trip, a few milliseconds on loopback.)
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

_Reply = bool | dict[str, Any] | list[dict[str, Any]]

# A granted broadcast place whose request never reports back is let go after this long.
_GRANT_TTL = 30.0
# How often a waiting broadcast looks again while the window is held by requests in flight.
_POLL = 0.002

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
        self._window: deque[float] = deque()  # when each finished counted request got its reply
        self._granted: deque[float] = deque()  # broadcast places granted, their request not finished
        self._in_flight = 0  # counted requests sent, their reply not back
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
        # a granted place whose request never reported back (a lost task) is let go eventually
        while self._granted and self._granted[0] <= now - _GRANT_TTL:
            lost = self._granted.popleft() + _GRANT_TTL
            self._window.append(max(lost, self._window[-1]) if self._window else lost)
        while self._window and self._window[0] <= horizon:
            self._window.popleft()
        if len(self._chat_last) > 4096:
            old = now - self.settings.per_chat_interval
            self._chat_last = {c: t for c, t in self._chat_last.items() if t > old}

    def _occupied(self) -> int:
        return len(self._window) + len(self._granted) + self._in_flight

    def _finished(self, chat_id: int | None) -> None:
        """A counted request got its reply (or failed): its place runs a window from now."""
        now = self._clock()
        self._window.append(now)
        if chat_id is not None:
            self._chat_last[chat_id] = now

    def _window_wait(self, now: float, capacity: int) -> float:
        """Seconds until fewer than `capacity` places are held."""
        excess = self._occupied() - capacity + 1
        if excess <= 0:
            return 0.0
        if excess > len(self._window):  # held by requests still waiting for their reply
            return _POLL
        return max(_POLL, self._window[excess - 1] + self.settings.window - now)

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
                    self._granted.append(now)
                    self._chat_last[chat_id] = now
                    # keep the grid when slightly late (sleep overshoot), never burst to catch up
                    self._next_broadcast = max(self._next_broadcast, now - interval) + interval
                    return
                await asyncio.sleep(wait)

    async def _counted(
        self,
        callback: Callable[..., Coroutine[Any, Any, _Reply]],
        args: Any,
        kwargs: dict[str, Any],
        chat_id: int | None,
    ) -> _Reply:
        """Run one counted request; its place is held until a window after its reply."""
        self._in_flight += 1
        try:
            return await callback(*args, **kwargs)
        finally:
            self._in_flight -= 1
            self._finished(chat_id)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, _Reply]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, str] | None,
    ) -> _Reply:
        if rate_limit_args and rate_limit_args.get("lane") == "broadcast":
            if self._granted:  # the place `broadcast_slot` granted now waits for the reply
                self._granted.popleft()
            try:
                return await self._counted(callback, args, kwargs, _chat_id(data))
            except RetryAfter as exc:
                self.broadcast_429 += 1
                self.pause_broadcast(retry_seconds(exc.retry_after))
                raise
        counted = endpoint.startswith(_COUNTED_PREFIXES) and endpoint not in _NOT_COUNTED
        chat_id = _chat_id(data)
        retries = 0
        while True:
            try:
                if not counted:
                    return await callback(*args, **kwargs)
                # An answer goes at once and is counted, so the broadcast leaves it the room.
                # It is never held back by our own estimate of Telegram's limit: people are
                # waiting for it, and if Telegram itself says 429, it waits and retries.
                if chat_id is not None:
                    self._chat_last[chat_id] = self._clock()
                return await self._counted(callback, args, kwargs, chat_id)
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
