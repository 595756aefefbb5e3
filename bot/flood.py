"""Per-user flood control: beyond a rate, one polite notice, then silence for a cool-down.

Kept in memory: it protects this process, and a restart forgives everyone, which is fine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

WINDOW = 60.0
SWEEP_FROM = 1024


class Verdict(Enum):
    OK = "ok"
    NOTIFY = "notify"  # just crossed the limit: tell them once
    IGNORE = "ignore"  # cooling down


@dataclass
class FloodControl:
    """Each user's messages of the last minute, as a tuple of times (a deque took 600 bytes a
    user). A user silent for a minute holds nothing: such entries are dropped whenever the
    table has doubled since the last sweep, which changes no verdict."""

    per_minute: int = 20
    cooldown: float = 60.0
    clock: Callable[[], float] = time.monotonic
    sweep_from: int = SWEEP_FROM  # users in the table before a sweep is worth its scan
    _recent: dict[int, tuple[float, ...]] = field(default_factory=dict)
    _muted_until: dict[int, float] = field(default_factory=dict)
    _sweep_at: int = field(init=False)

    def __post_init__(self) -> None:
        self._sweep_at = self.sweep_from

    def check(self, user_id: int) -> Verdict:
        now = self.clock()
        until = self._muted_until.get(user_id)
        if until is not None:
            if now < until:
                return Verdict.IGNORE
            del self._muted_until[user_id]
            self._recent.pop(user_id, None)
        recent = (*(at for at in self._recent.get(user_id, ()) if now - at < WINDOW), now)
        self._recent[user_id] = recent
        if len(recent) > self.per_minute:
            self._muted_until[user_id] = now + self.cooldown
            return Verdict.NOTIFY
        if len(self._recent) > self._sweep_at:
            self._sweep(now)
        return Verdict.OK

    def _sweep(self, now: float) -> None:
        """Forget users with nothing in the window and no mute left: exactly as if never seen.
        A mute that has run out forgives its user's earlier messages too, as `check` does when
        they write again (dropping only the mute left them counted, and muted again at once)."""
        forgiven = {u for u, until in self._muted_until.items() if now >= until}
        self._recent = {
            u: times for u, times in self._recent.items() if u not in forgiven and now - times[-1] < WINDOW
        }
        self._muted_until = {u: until for u, until in self._muted_until.items() if now < until}
        self._sweep_at = max(self.sweep_from, 2 * len(self._recent))
