"""What people thought of answers, and the questions no rule fitted, for admins to review.

No user id is stored, on purpose: improving the answers needs the words, not the person.
"""

from __future__ import annotations

from dataclasses import dataclass

from directory.db import Database, utcnow

QUESTION_MAX_CHARS = 1000


@dataclass(frozen=True)
class FeedbackEntry:
    id: int
    at: str
    question: str
    rule_id: str | None  # None: no rule fitted the question
    helpful: bool | None  # None: no verdict given


class PolicyFeedback:
    """Repository for `policy_feedback`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, question: str, rule_id: str | None, helpful: bool | None) -> int:
        """Store one piece of feedback; returns its id."""
        async with self._db.atomic() as conn:
            cur = await conn.execute(
                "INSERT INTO policy_feedback (at, question, rule_id, helpful) VALUES (?, ?, ?, ?)",
                (utcnow(), question[:QUESTION_MAX_CHARS], rule_id,
                 None if helpful is None else int(helpful)),
            )
            return int(cur.lastrowid or 0)

    async def record_unanswered(self, question: str) -> int:
        """A question no rule fitted."""
        return await self.record(question, None, None)

    async def recent_unanswered(self, limit: int = 20) -> list[FeedbackEntry]:
        return await self._list("rule_id IS NULL", limit)

    async def recent_unhelpful(self, limit: int = 20) -> list[FeedbackEntry]:
        return await self._list("helpful = 0", limit)

    async def _list(self, where: str, limit: int) -> list[FeedbackEntry]:
        rows = await self._db.fetchall(
            f"SELECT id, at, question, rule_id, helpful FROM policy_feedback WHERE {where} "  # noqa: S608 - fixed clauses
            "ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [
            FeedbackEntry(r["id"], r["at"], r["question"], r["rule_id"],
                          None if r["helpful"] is None else bool(r["helpful"]))
            for r in rows
        ]
