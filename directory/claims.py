"""Actions that must happen once: claimed by key in the transaction that does the work.

A press that sends a broadcast, saves a version or removes an editor takes its key (what the
button says) with `take_in` inside the same transaction as its writes: a second press, even
one processed at the same moment, finds the key taken and does nothing. If the work fails, the
transaction rolls back and the key is free again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiosqlite

from directory.db import Database, utcnow
from directory.outcomes import AlreadyDone

KEEP_DAYS = 90  # a button older than this is long stale anyway


class Claims:
    """Repository for `claims`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def taken(self, key: str) -> bool:
        return await self._db.fetchval("SELECT 1 FROM claims WHERE key = ?", (key,)) is not None

    @staticmethod
    async def take_in(conn: aiosqlite.Connection, key: str) -> None:
        """Claim `key` inside the caller's transaction; `AlreadyDone` when it was taken."""
        cursor = await conn.execute(
            "INSERT INTO claims (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", (key, utcnow())
        )
        if cursor.rowcount != 1:
            raise AlreadyDone(key)

    async def release(self, key: str) -> None:
        """Free a key whose result was undone (a draft discarded before it was sent)."""
        async with self._db.atomic() as conn:
            await conn.execute("DELETE FROM claims WHERE key = ?", (key,))

    async def purge(self, now: datetime | None = None) -> int:
        cutoff = ((now or datetime.now(UTC)) - timedelta(days=KEEP_DAYS)).replace(microsecond=0)
        async with self._db.atomic() as conn:
            cursor = await conn.execute("DELETE FROM claims WHERE at < ?", (cutoff.isoformat(),))
            return cursor.rowcount
