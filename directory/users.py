"""The users table: a Telegram id, an optional chosen locale, first and last day seen."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import aiosqlite

from directory.db import Database


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


CACHE_SIZE = 10_000  # users remembered in memory; beyond that the oldest half is forgotten


def _bounded(cache: dict[int, Any]) -> None:
    """Keep a per-user cache from growing with every new user (dicts keep insertion order)."""
    if len(cache) > CACHE_SIZE:
        for key in list(cache)[: CACHE_SIZE // 2]:
            del cache[key]


async def ensure_user_in(conn: aiosqlite.Connection, user_id: int) -> None:
    """The `users` row that other tables point to, inside the caller's transaction (created
    without a locale: the person's own choice is never overwritten)."""
    today = _today()
    await conn.execute(
        "INSERT INTO users (id, locale, first_seen, last_seen) VALUES (?, NULL, ?, ?) "
        "ON CONFLICT (id) DO NOTHING",
        (user_id, today, today),
    )


class Users:
    """Repository for `users`; caches what every update needs so a reply costs no query."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._locale_cache: dict[int, str | None] = {}
        self._seen_today: dict[int, str] = {}

    async def chosen_locale(self, user_id: int) -> str | None:
        if user_id not in self._locale_cache:
            value = await self._db.fetchval("SELECT locale FROM users WHERE id = ?", (user_id,))
            _bounded(self._locale_cache)
            self._locale_cache[user_id] = value
        return self._locale_cache[user_id]

    def cached_locale(self, user_id: int) -> str | None:
        """The saved locale if already known, without a query (for the error path)."""
        return self._locale_cache.get(user_id)

    async def set_locale(self, user_id: int, locale: str | None) -> None:
        today = _today()
        async with self._db.atomic() as conn:
            await conn.execute(
                "INSERT INTO users (id, locale, first_seen, last_seen) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET locale = excluded.locale, last_seen = excluded.last_seen",
                (user_id, locale, today, today),
            )
        self._locale_cache[user_id] = locale
        self._seen_today[user_id] = today

    async def touch(self, user_id: int) -> None:
        """Record that the user was seen today: at most one write per user per day."""
        today = _today()
        if self._seen_today.get(user_id) == today:
            return
        async with self._db.atomic() as conn:
            await conn.execute(
                "INSERT INTO users (id, locale, first_seen, last_seen) VALUES (?, NULL, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET last_seen = excluded.last_seen",
                (user_id, today, today),
            )
        _bounded(self._seen_today)
        self._seen_today[user_id] = today

    async def forget(self, user_id: int) -> None:
        """Delete the row (later features cascade their own rows from it)."""
        async with self._db.atomic() as conn:
            await conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
        self._locale_cache.pop(user_id, None)
        self._seen_today.pop(user_id, None)

    async def count(self) -> int:
        return int(await self._db.fetchval("SELECT count(*) FROM users"))
