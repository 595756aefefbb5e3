"""How fast and how stubbornly broadcasts are delivered (BROADCAST_RATE, BROADCAST_LEASE).

Plain settings, apart from the limiter that applies them (`bot.ratelimit`), so that building
the services never loads Telegram.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class DeliverySettings:
    """How fast and how stubbornly broadcasts are delivered; tests and benches shrink them."""

    rate: float = 30.0  # BROADCAST_RATE: at most this many broadcast messages a second
    global_rate: float = 30.0  # Telegram's limit across all chats
    window: float = 1.0  # seconds of the shared sliding window, counted from each reply (bot.ratelimit)
    per_chat_interval: float = 1.0  # at most one message a second in one chat
    answer_reserve: int = 1  # places of the window the broadcast leaves to answers
    concurrency: int = 8  # broadcast requests in flight at once
    max_attempts: int = 5  # transient errors before a row is `failed`
    backoff_base: float = 2.0  # first retry after about this many seconds, then doubling
    backoff_max: float = 600.0
    batch: int = 200  # outbox rows read at a time
    progress_interval: float = 5.0  # edit the progress message at most this often (edits count)
    idle_poll: float = 30.0  # an idle worker looks for unannounced work this often
    interactive_retries: int = 2  # a 429 on an answer: wait and try again this many times
    stop_timeout: float = 10.0  # stopping waits this long for requests in flight
    lease_ttl: float = 30.0  # BROADCAST_LEASE: a silent drainer is replaced after this long

    def __post_init__(self) -> None:
        if not 0 < self.rate <= self.global_rate:
            raise ValueError(f"the broadcast rate must be between 0 and {self.global_rate:g} a second")

    def backoff(self, attempts: int) -> float:
        """Seconds before retry number `attempts` (1-based): exponential, with jitter."""
        base = min(self.backoff_max, self.backoff_base * 2.0 ** max(0, attempts - 1))
        return base * random.uniform(0.5, 1.5)
