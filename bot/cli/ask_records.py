"""`main.py ask`: each question answered and composed exactly as the chat handler does
(`bot.answer_view.reply_to`), without loading Telegram.

Every question stands alone: no follow-up is read from the one before it, so a file of
questions piped in gets the answers each would get as a chat's first message. Nothing is
recorded about the asker, and an unanswered question is not logged as one a user asked.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import Any

from bot.answer_view import reply_to
from bot.cli import loading
from bot.config import Config
from bot.i18n import Catalogs
from bot.services import open_services
from bot.terminal import to_terminal


async def answer_questions(
    config: Config, catalogs: Catalogs, questions: Sequence[str], lang: str
) -> AsyncGenerator[tuple[dict[str, Any], str], None]:
    """Yield `(record, text)` per question; the record is what `--json` prints."""
    with loading():
        services = await open_services(config, catalogs, chats=False)
    try:  # the database is closed whatever fails after it opened (its threads would hold the exit)
        t = catalogs.translator(lang)
        for question in questions:
            reply = await reply_to(services, t, question, None, record_unanswered=False)
            rules = reply.answer.rules if reply.answer else ()
            organizations = reply.answer.organizations if reply.answer else ()
            text = to_terminal(reply.text, color=False)
            record: dict[str, Any] = {
                "question": question,
                "lang": reply.t.locale,
                "rules": [m.rule.id for m in rules],
                "organizations": [{"id": o.id, "name": o.name} for o in organizations],
                "text": text,
            }
            yield record, text
    finally:
        await services.close()
