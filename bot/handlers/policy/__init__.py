"""Policy administration, one module per job: the rules and their edits (`steps`, drawn by
`views`), "tell the subscribers" (`share`), and the questions to improve (`unanswered`)."""

from __future__ import annotations

from typing import Any

from bot.flow.steps import install
from bot.handlers.policy import share, steps, unanswered


def register(app: Any) -> None:
    install(app, [*steps.ROUTES, *share.ROUTES, *unanswered.ROUTES])
