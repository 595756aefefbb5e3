"""Who opted in to policy updates, and in which language they read them.

Opt-in only: a broadcast is addressed to the rows of `subscriptions` and nobody else. The
locale stored here is the one resolved when the person subscribed; a saved /language choice
(`users.locale`) takes precedence when a broadcast is enqueued.
"""

from __future__ import annotations

from directory.db import Database, utcnow
from directory.users import ensure_user_in

# The language a subscriber reads a broadcast in: their saved choice, else the subscription's.
EFFECTIVE_LOCALE = "COALESCE(u.locale, s.locale)"


class Subscriptions:
    """Repository for `subscriptions`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def subscribe(self, user_id: int, locale: str) -> bool:
        """Opt in (or refresh the locale); True when the person was not subscribed before."""
        now = utcnow()
        async with self._db.atomic() as conn:
            await ensure_user_in(conn, user_id)
            cursor = await conn.execute(
                "INSERT INTO subscriptions (user_id, locale, since) VALUES (?, ?, ?) "
                "ON CONFLICT(user_id) DO NOTHING",
                (user_id, locale, now),
            )
            created = cursor.rowcount == 1
            if not created:
                await conn.execute("UPDATE subscriptions SET locale = ? WHERE user_id = ?", (locale, user_id))
        return created

    async def unsubscribe(self, user_id: int) -> bool:
        """Opt out; True when there was a subscription to remove."""
        async with self._db.atomic() as conn:
            cursor = await conn.execute("DELETE FROM subscriptions WHERE user_id = ?", (user_id,))
            return cursor.rowcount > 0

    async def is_subscribed(self, user_id: int) -> bool:
        rows = await self._db.fetchall("SELECT 1 FROM subscriptions WHERE user_id = ?", (user_id,))
        return bool(rows)

    async def locale_of(self, user_id: int) -> str | None:
        value = await self._db.fetchval("SELECT locale FROM subscriptions WHERE user_id = ?", (user_id,))
        return None if value is None else str(value)

    async def count(self) -> int:
        return int(await self._db.fetchval("SELECT count(*) FROM subscriptions"))

    async def count_by_locale(self) -> dict[str, int]:
        """Subscribers by the language they would receive a broadcast in now."""
        rows = await self._db.fetchall(
            f"SELECT {EFFECTIVE_LOCALE} AS locale, count(*) AS n "  # noqa: S608 - a constant
            "FROM subscriptions s JOIN users u ON u.id = s.user_id GROUP BY 1 ORDER BY 2 DESC, 1",
        )
        return {str(r["locale"]): int(r["n"]) for r in rows}
