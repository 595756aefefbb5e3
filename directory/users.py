"""The users table: a Telegram id, an optional chosen locale, first and last day seen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from directory.db import Database
from directory.organizations import EDITOR_FIELD, FORMER_EDITOR, INVITATION_FIELD, PERSON_PREFIX
from directory.writer import Write


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


@dataclass(frozen=True)
class Forgotten:
    """What /forget removed (or anonymized), for an exact answer."""

    had_row: bool  # language choice and days seen
    language: bool  # a saved /language choice
    subscription: bool
    listings: tuple[str, ...]  # names of the listings the person could edit
    pending_updates: int  # broadcast messages not yet sent to them
    history_changes: int  # listing and policy changes now credited to "a former editor"
    # (the rows of the person joining or leaving as an editor are anonymized, not counted)


async def _counts(conn: aiosqlite.Connection, user_id: int, who: str) -> Forgotten:
    async def value(sql: str, params: tuple[Any, ...]) -> Any:
        rows = list(await conn.execute_fetchall(sql, params))
        return rows[0][0] if rows else None

    locale = await value("SELECT locale FROM users WHERE id = ?", (user_id,))
    had_row = await value("SELECT 1 FROM users WHERE id = ?", (user_id,)) is not None
    listings = [
        str(r[0])
        for r in await conn.execute_fetchall(
            "SELECT o.name FROM listing_editors e JOIN organizations o ON o.id = e.org_id "
            "WHERE e.user_id = ? ORDER BY o.name",
            (user_id,),
        )
    ]
    return Forgotten(
        had_row=had_row,
        language=locale is not None,
        subscription=await value("SELECT 1 FROM subscriptions WHERE user_id = ?", (user_id,)) is not None,
        listings=tuple(listings),
        pending_updates=int(
            await value(
                "SELECT count(*) FROM outbox WHERE user_id = ? AND status IN ('pending', 'sending')",
                (user_id,),
            )
            or 0
        ),
        history_changes=int(
            await value(
                "SELECT (SELECT count(*) FROM org_changes WHERE who = ? AND field NOT IN (?, ?)) + "
                "(SELECT count(*) FROM policy_rule_versions WHERE who = ?)",
                (who, EDITOR_FIELD, INVITATION_FIELD, who),
            )
            or 0
        ),
    )


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
        """Remember the choice now (this process answers with it at once); written behind."""
        today = _today()
        self._db.writer.submit(
            Write(
                "INSERT INTO users (id, locale, first_seen, last_seen) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET locale = excluded.locale, last_seen = excluded.last_seen",
                (user_id, locale, today, today),
                key=("users.locale", user_id),
                user_id=user_id,
            )
        )
        _bounded(self._locale_cache)
        self._locale_cache[user_id] = locale
        self._seen_today[user_id] = today

    async def touch(self, user_id: int) -> None:
        """Record that the user was seen today: at most one write per user per day, behind
        the answer (see `directory.writer`)."""
        today = _today()
        if self._seen_today.get(user_id) == today:
            return
        self._db.writer.submit(
            Write(
                "INSERT INTO users (id, locale, first_seen, last_seen) VALUES (?, NULL, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET last_seen = excluded.last_seen",
                (user_id, today, today),
                key=("users.seen", user_id),
                user_id=user_id,
            )
        )
        _bounded(self._seen_today)
        self._seen_today[user_id] = today

    async def forget(self, user_id: int) -> Forgotten:
        """Delete the person's row (their subscription, editor rights, invitations claimed and
        pending updates cascade from it) and put "a former editor" in their place in the
        listing and policy history, which keeps the changes themselves. Returns what went."""
        await self._db.writer.discard_user(user_id)
        who = f"{PERSON_PREFIX}{user_id}"
        async with self._db.atomic() as conn:
            counts = await _counts(conn, user_id, who)
            await conn.execute("UPDATE org_changes SET who = ? WHERE who = ?", (FORMER_EDITOR, who))
            for column in ("old", "new"):  # the rows of the person joining or leaving as an editor
                await conn.execute(
                    f"UPDATE org_changes SET {column} = ? WHERE field = ? AND {column} = ?",  # noqa: S608 - a fixed column
                    (FORMER_EDITOR, EDITOR_FIELD, who),
                )
            await conn.execute(
                "UPDATE policy_rule_versions SET who = ? WHERE who = ?", (FORMER_EDITOR, who)
            )
            await conn.execute(
                "UPDATE policy_rules SET updated_by = ? WHERE updated_by = ?", (FORMER_EDITOR, who)
            )
            await conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
        self._locale_cache.pop(user_id, None)
        self._seen_today.pop(user_id, None)
        return counts

    async def count(self) -> int:
        return int(await self._db.fetchval("SELECT count(*) FROM users"))
