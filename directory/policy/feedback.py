"""What people thought of answers, and the questions no rule fitted, for admins to review.

No user id is stored, on purpose: improving the answers needs the words, not the person.
"""

from __future__ import annotations

from dataclasses import dataclass

from directory import gate
from directory.db import Database, utcnow
from directory.writer import Write

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
            f"SELECT id, at, question, rule_id, helpful FROM policy_feedback WHERE {where} "  # noqa: S608 - fixed clauses
            "ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [
            FeedbackEntry(r["id"], r["at"], r["question"], r["rule_id"],
                          None if r["helpful"] is None else bool(r["helpful"]))
            for r in rows
        ]
