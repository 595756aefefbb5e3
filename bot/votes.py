"""👍 / 👎 under answers: the buttons' data and their row (the votes are `bot.handlers.feedback`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.callbacks import CallbackData
from bot.i18n import Translator
from bot.keyboard import Button, Row

NO_RULE = "none"  # the answer said no rule fitted


@dataclass(frozen=True)
class Feedback(CallbackData, prefix="fb"):
    rule: str
    helpful: int  # 1 helpful, 0 not


def feedback_row(t: Translator, rule_id: str, chosen: bool | None = None) -> Row:
    """The two buttons, the chosen one marked ✓ once a vote is in."""
    marks = {True: "✓ " if chosen is True else "", False: "✓ " if chosen is False else ""}
    return [
        Button(marks[True] + "👍 " + t._("Helpful"), Feedback(rule_id, 1).pack()),
        Button(marks[False] + "👎 " + t._("Not helpful"), Feedback(rule_id, 0).pack()),
    ]
