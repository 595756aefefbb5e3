"""Searches saved so that buttons can refer to them by a short id (no user data kept).

A search's id is a 60-bit slice of the hash of what it asks, so it is known before anything
is written: the button goes out with the answer, and the row is written a moment later by
the writer task (`directory.writer`), never in the answer's way. Every process gives the same
search the same id. Until the row is on disk, this process answers for it from memory.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from directory import gate
from directory.db import Database, utcnow
from directory.writer import Write

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


ID_BITS = 60
MAX_ID = 2**ID_BITS - 1
MEMORY = 2_000  # searches this process remembers (and answers for before they are written); about
# 1.2 KB each: beyond these a button reads its search back from the table


def search_id(digest: str) -> int:
    """The id of the search with this digest: never 0, at most 2**60 - 1."""
    return int(digest[: ID_BITS // 4], 16) or 1


class SavedSearches:
    """Rows are shared by identical searches; known ones are answered from memory, no write."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._known: OrderedDict[str, SavedSearch] = OrderedDict()  # digest -> search
        self._by_id: dict[int, SavedSearch] = {}

    async def save(
        self,
        text: str,
        *,
        sectors: frozenset[str] = frozenset(),
        countries: frozenset[str] = frozenset(),
        regions: frozenset[str] = frozenset(),
    ) -> SavedSearch:
        """The saved search for these words and filters; returns at once (written behind)."""
        text = gate.clip(gate.clean(text), MAX_TEXT)
        key = "\x1f".join([text.casefold(), _join(sectors), _join(countries), _join(regions)])
        digest = hashlib.sha256(key.encode()).hexdigest()
        known = self._known.get(digest)
        if known is not None:
            return known
        saved = SavedSearch(search_id(digest), text, sectors, countries, regions)
        self._db.writer.submit(
            Write(
                "INSERT INTO saved_searches (id, digest, text, sectors, countries, regions, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET created_at = excluded.created_at",
                (saved.id, digest, text, _join(sectors), _join(countries), _join(regions), utcnow()),
                key=("saved_search", saved.id),
            )
        )
        self._remember(digest, saved)
        return saved

    def _remember(self, digest: str, saved: SavedSearch) -> None:
        if len(self._known) >= MEMORY:
            _old_digest, old = self._known.popitem(last=False)
            self._by_id.pop(old.id, None)
        self._known[digest] = saved
        self._by_id[saved.id] = saved

    async def get(self, search_id: int) -> SavedSearch | None:
        remembered = self._by_id.get(search_id)
        if remembered is not None:
            return remembered
        row = await self._db.fetchone(
            "SELECT id, text, sectors, countries, regions FROM saved_searches WHERE id = ?", (search_id,)
        )
        if row is None:
            return None
        return SavedSearch(int(row[0]), row[1], _split(row[2]), _split(row[3]), _split(row[4]))

    async def purge(self, days: int = KEEP_DAYS) -> int:
        """Delete searches not used for `days` (their buttons then say they are no longer valid)."""
        cutoff = (datetime.now(UTC) - timedelta(days=days)).replace(microsecond=0).isoformat()
        async with self._db.atomic() as conn:
            cur = await conn.execute("DELETE FROM saved_searches WHERE created_at < ?", (cutoff,))
        self._known.clear()
        self._by_id.clear()
        return cur.rowcount
