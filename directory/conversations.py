"""What each person is in the middle of, kept on disk so a restart loses nothing.

The bot decides what a conversation holds (a JSON object and its kind); this repository only
keeps one per person, with its age, and forgets conversations nobody finished within a week.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from directory.db import Database, utcnow
from directory.users import ensure_user_in

EXPIRE_DAYS = 7


@dataclass(frozen=True)
class Stored:
    kind: str
    state: dict[str, Any]


class Conversations:
    """Repository for `conversations`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int) -> Stored | None:
        row = await self._db.fetchone(
            "SELECT kind, state FROM conversations WHERE user_id = ? AND updated_at >= ?",
            (user_id, _cutoff()),
        )
        return None if row is None else Stored(str(row["kind"]), json.loads(row["state"]))

    async def put(self, user_id: int, kind: str, state: dict[str, Any]) -> None:
        now = utcnow()
        async with self._db.atomic() as conn:
            await ensure_user_in(conn, user_id)
            await conn.execute(
                "INSERT INTO conversations (user_id, kind, state, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET kind = excluded.kind, state = excluded.state, "
                "updated_at = excluded.updated_at",
                (user_id, kind, json.dumps(state, ensure_ascii=False), now),
            )

    async def drop(self, user_id: int) -> bool:
        async with self._db.atomic() as conn:
            cursor = await conn.execute("DELETE FROM conversations WHERE user_id = ?", (user_id,))
            return cursor.rowcount > 0

    async def users(self) -> set[int]:
        """Everyone with a conversation in progress (read once at start)."""
        rows = await self._db.fetchall(
            "SELECT user_id FROM conversations WHERE updated_at >= ?", (_cutoff(),)
        )
        return {int(r[0]) for r in rows}

    async def purge(self) -> int:
        async with self._db.atomic() as conn:
            cursor = await conn.execute("DELETE FROM conversations WHERE updated_at < ?", (_cutoff(),))
            return cursor.rowcount


def _cutoff() -> str:
    return (datetime.now(UTC) - timedelta(days=EXPIRE_DAYS)).replace(microsecond=0).isoformat()
