"""`main.py ask`: each question answered by the domain and rendered by the real handlers.

The text is what a Telegram user would read: the question goes through the same Application
(via the in-process Bot API emulator) and the reply is taken from what the bot sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from telegram import Update

from bot.app import build_application
from bot.cli.chat_mode import to_terminal
from bot.config import Config
from bot.i18n import Catalogs
from bot.offline import FAKE_TOKEN, BotAPIEmulator, InProcessRequest
from bot.services import open_services

ASKER_ID = 1  # a synthetic asker, flagged as a bot so nothing about it is stored


async def answer_questions(
    config: Config, catalogs: Catalogs, questions: Sequence[str], lang: str
) -> AsyncIterator[tuple[dict[str, Any], str]]:
    """Yield `(record, text)` per question; the record is what `--json` prints."""
    services = await open_services(config, catalogs)
    try:  # the database is closed whatever fails after it opened (its threads would hold the exit)
        emulator = BotAPIEmulator()
        app = build_application(services, token=FAKE_TOKEN, request=InProcessRequest(emulator))
        async with app:
            for question in questions:
                answer = await services.policy.answer(question)
                mark = len(emulator.calls)
                raw = emulator.message(ASKER_ID, question, language_code=lang, entities=[])
                raw["message"]["from"]["is_bot"] = True
                await app.process_update(Update.de_json(raw, app.bot))
                replies = [
                    c for c in emulator.calls[mark:] if c.method == "sendMessage" and c.chat_id == ASKER_ID
                ]
                text = "\n\n".join(to_terminal(c.text, color=False) for c in replies)
                record: dict[str, Any] = {
                    "question": question,
                    "lang": answer.reply_language(catalogs.codes, lang),
                    "rules": [m.rule.id for m in answer.rules],
                    "organizations": [{"id": o.id, "name": o.name} for o in answer.organizations],
                    "text": text,
                }
                yield record, text
    finally:
        await services.close()
