"""Per-user flood control: beyond a rate, one polite notice, then silence for a cool-down.

Kept in memory: it protects this process, and a restart forgives everyone, which is fine.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

WINDOW = 60.0


class Verdict(Enum):
    OK = "ok"
    NOTIFY = "notify"  # just crossed the limit: tell them once
    IGNORE = "ignore"  # cooling down


@dataclass
class FloodControl:
    per_minute: int = 20
    cooldown: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _recent: dict[int, deque[float]] = field(default_factory=dict)
    _muted_until: dict[int, float] = field(default_factory=dict)

    def check(self, user_id: int) -> Verdict:
        now = self.clock()
        until = self._muted_until.get(user_id)
        if until is not None:
            if now < until:
                return Verdict.IGNORE
            del self._muted_until[user_id]
            self._recent.pop(user_id, None)
        recent = self._recent.setdefault(user_id, deque())
        while recent and now - recent[0] >= WINDOW:
            recent.popleft()
        recent.append(now)
        if len(recent) > self.per_minute:
            self._muted_until[user_id] = now + self.cooldown
            return Verdict.NOTIFY
        if len(self._recent) > 10_000:  # forget idle users so memory stays flat
            for uid in [u for u, q in self._recent.items() if not q or now - q[-1] >= WINDOW][:5_000]:
                del self._recent[uid]
        return Verdict.OK
