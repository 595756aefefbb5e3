"""What the bot remembers of a chat for a little while, in memory only: bounded, with an expiry.

A chat's last subject (for follow-ups) and the language its last clear message was written in
(so that "¿y en Ecuador?" or "gracias" are answered in the language the chat is in) are kept
`KEEP_FOR` seconds, for at most `MAX_CHATS` chats, never on disk; /forget drops them.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

KEEP_FOR = 30 * 60.0
"""Seconds a chat's memory lasts after its last update."""
MAX_CHATS = 10_000

T = TypeVar("T")


class ChatMemory(Generic[T]):
    """One value per chat, the oldest chats dropped beyond `max_chats`, each for `keep_for` s."""

    def __init__(
        self,
        keep_for: float = KEEP_FOR,
        max_chats: int = MAX_CHATS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._keep_for = keep_for
        self._max = max_chats
        self._clock = clock
        self._last: OrderedDict[int, tuple[float, T]] = OrderedDict()

    def get(self, chat_id: int) -> T | None:
        found = self._last.get(chat_id)
        if found is None:
            return None
        at, value = found
        if self._clock() - at > self._keep_for:
            del self._last[chat_id]
            return None
        return value

    def remember(self, chat_id: int, value: T) -> None:
        self._last[chat_id] = (self._clock(), value)
        self._last.move_to_end(chat_id)
        while len(self._last) > self._max:
            self._last.popitem(last=False)

    def forget(self, chat_id: int) -> bool:
        return self._last.pop(chat_id, None) is not None

    def __len__(self) -> int:
        return len(self._last)
