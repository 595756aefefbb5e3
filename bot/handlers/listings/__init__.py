"""Listing self-service, one module per job: invitations and claiming (`invites`), editors and
open invitations (`editors`), the edit conversation (`editing`), history and revert
(`history`), freshness reminders (`reminders`), and their words (`texts`)."""

from __future__ import annotations

from typing import Any

from bot.flow.steps import install
from bot.handlers.listings import editing, editors, history, invites, reminders


def register(app: Any) -> None:
    install(app, [*invites.ROUTES, *editors.ROUTES, *editing.ROUTES, *history.ROUTES])
    app.bot_data.start_payloads["claim"] = invites.claim
    app.bot_data.on_start.append(reminders.schedule_reminders)
