"""What people thought of answers, and the questions no rule fitted, for admins to review.

No user id is stored, on purpose: improving the answers needs the words, not the person. A vote
is kept once per answer and person under `vote_key`, a salted hash of the chat, the answer's
message and the person (the salt is this database's own, made at first use): pressing again
changes the vote instead of adding one, and the key cannot be listed by person.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import Enum

from directory import gate
from directory.db import Database, utcnow
from directory.writer import Write

QUESTION_MAX_CHARS = 1000
REASON_MAX_CHARS = 500


@dataclass(frozen=True)
class FeedbackEntry:
    id: int
    at: str
    question: str
    rule_id: str | None  # None: no rule fitted the question
    helpful: bool | None  # None: no verdict given
    reason: str | None = None  # after a 👎: what the person was looking for, in their words


class Vote(Enum):
    NEW = "new"
    CHANGED = "changed"
    SAME = "same"


class PolicyFeedback:
    """Repository for `policy_feedback`."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._salt: str | None = None

    async def vote_key(self, chat_id: int, message_id: int, user_id: int) -> str:
        """The key of one person's vote on one answer; the user id itself is not kept."""
        if self._salt is None:
            async with self._db.atomic() as conn:
                await conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('vote_salt', ?) ON CONFLICT (key) DO NOTHING",
                    (secrets.token_hex(16),),
                )
            self._salt = str(await self._db.fetchval("SELECT value FROM meta WHERE key = 'vote_salt'"))
        text = f"{self._salt}:{chat_id}:{message_id}:{user_id}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    async def vote(self, key: str, question: str, rule_id: str | None, helpful: bool) -> Vote:
        """Record a vote, or change the one under `key`: never a second row for one key."""
        async with self._db.atomic() as conn:
            rows = list(
                await conn.execute_fetchall("SELECT helpful FROM policy_feedback WHERE vote_key = ?", (key,))
            )
            if rows and rows[0][0] == int(helpful):
                return Vote.SAME
            await conn.execute(
                "INSERT INTO policy_feedback (at, question, rule_id, helpful, vote_key) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (vote_key) DO UPDATE SET "
                "helpful = excluded.helpful, at = excluded.at",
                (utcnow(), question[:QUESTION_MAX_CHARS], rule_id, int(helpful), key),
            )
        return Vote.CHANGED if rows else Vote.NEW

    async def add_reason(self, key: str, reason: str) -> bool:
        """What the person of vote `key` was looking for (the vote stays; a second reason
        replaces the first). False when there is no such vote."""
        async with self._db.atomic() as conn:
            cur = await conn.execute(
                "UPDATE policy_feedback SET reason = ? WHERE vote_key = ?", (reason[:REASON_MAX_CHARS], key)
            )
            return (cur.rowcount or 0) > 0

    async def record(self, question: str, rule_id: str | None, helpful: bool | None) -> None:
        """Store one piece of feedback, behind the reply (see `directory.writer`).

        The question goes through the text gate first: no control characters, no NUL, at most
        `QUESTION_MAX_CHARS`; a question that is blank once cleaned is not stored.
        """
        text = gate.clip(gate.clean(question, multiline=True), QUESTION_MAX_CHARS)
        if not text:
            return
        self._db.writer.submit(
            Write(
                "INSERT INTO policy_feedback (at, question, rule_id, helpful) VALUES (?, ?, ?, ?)",
                (utcnow(), text, rule_id, None if helpful is None else int(helpful)),
            )
        )

    async def record_unanswered(self, question: str) -> None:
        """A question no rule fitted."""
        await self.record(question, None, None)

    async def recent_unanswered(self, limit: int = 20) -> list[FeedbackEntry]:
        return await self._list("rule_id IS NULL", limit)

    async def recent_unhelpful(self, limit: int = 20) -> list[FeedbackEntry]:
        return await self._list("helpful = 0", limit)

    async def _list(self, where: str, limit: int) -> list[FeedbackEntry]:
        await self._db.writer.flush(timeout=2)  # an admin's list includes what was just queued
        rows = await self._db.fetchall(
            f"SELECT id, at, question, rule_id, helpful, reason FROM policy_feedback WHERE {where} "  # noqa: S608 - fixed clauses
            "ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [
            FeedbackEntry(r["id"], r["at"], r["question"], r["rule_id"],
                          None if r["helpful"] is None else bool(r["helpful"]), r["reason"])
            for r in rows
        ]
