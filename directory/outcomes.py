"""Outcomes of a write that did not happen, shared by every repository that checks them.

Raised inside the writing transaction, so nothing of the attempt is kept; the caller shows
the person why, with the current state where there is one.
"""

from __future__ import annotations

from typing import Any


class ChangedMeanwhile(Exception):
    """Someone else changed the record since the person saw it; `current` is how it is now."""

    def __init__(self, current: Any) -> None:
        super().__init__("changed meanwhile")
        self.current = current


class AlreadyDone(Exception):
    """This exact action was done already (a repeated or concurrent press)."""
