"""The engine the bot answers from, kept in step with every stored rule change."""

from __future__ import annotations

from directory.db import Database
from directory.policy.answer import PolicyEngine
from directory.search import Directory


def live_engine(db: Database, directory: Directory) -> PolicyEngine:
    """A `PolicyEngine` that re-reads its rules after each change written through its
    repository (an admin's edit, a newer seed), once that change is committed."""
    engine = PolicyEngine(db, directory)
    engine.rules.on_change(engine.use_rules)
    return engine
