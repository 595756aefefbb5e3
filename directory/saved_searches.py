"""Searches saved so that buttons can refer to them by a short id (no user data kept)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from directory.db import Database, utcnow

MAX_TEXT = 500
KEEP_DAYS = 30


@dataclass(frozen=True)
class SavedSearch:
    id: int
    text: str
    sectors: frozenset[str]
    countries: frozenset[str]
    regions: frozenset[str]


def _join(values: frozenset[str]) -> str:
    return ",".join(sorted(values))


def _split(value: str) -> frozenset[str]:
    return frozenset(v for v in value.split(",") if v)


class SavedSearches:
    """Rows are shared by identical searches; known ones are answered from memory, no write."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._known: dict[str, SavedSearch] = {}

    async def save(
        self,
        text: str,
        *,
        sectors: frozenset[str] = frozenset(),
        countries: frozenset[str] = frozenset(),
        regions: frozenset[str] = frozenset(),
    ) -> SavedSearch:
        text = " ".join(text.split())[:MAX_TEXT]
        key = "\x1f".join([text.casefold(), _join(sectors), _join(countries), _join(regions)])
        digest = hashlib.sha256(key.encode()).hexdigest()
        if digest in self._known:
            return self._known[digest]
        async with self._db.atomic() as conn:
            await conn.execute(
                "INSERT INTO saved_searches (digest, text, sectors, countries, regions, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(digest) DO UPDATE SET created_at = excluded.created_at",
                (digest, text, _join(sectors), _join(countries), _join(regions), utcnow()),
            )
            async with conn.execute("SELECT id FROM saved_searches WHERE digest = ?", (digest,)) as cur:
                row = await cur.fetchone()
        assert row is not None
        saved = SavedSearch(int(row[0]), text, sectors, countries, regions)
        if len(self._known) > 10_000:
            self._known.clear()
        self._known[digest] = saved
        return saved

    async def get(self, search_id: int) -> SavedSearch | None:
        row = await self._db.fetchone(
            "SELECT id, text, sectors, countries, regions FROM saved_searches WHERE id = ?", (search_id,)
        )
        if row is None:
            return None
        return SavedSearch(int(row[0]), row[1], _split(row[2]), _split(row[3]), _split(row[4]))

    async def purge(self, days: int = KEEP_DAYS) -> int:
        cutoff = (datetime.now(UTC) - timedelta(days=days)).replace(microsecond=0).isoformat()
        async with self._db.atomic() as conn:
            cur = await conn.execute("DELETE FROM saved_searches WHERE created_at < ?", (cutoff,))
        self._known.clear()
        return cur.rowcount
