"""`main.py ask`: the domain's answer for each question, as text or a JSON record."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from bot.config import Config
from bot.i18n import Catalogs
from bot.services import open_services


async def answer_questions(
    config: Config, catalogs: Catalogs, questions: Sequence[str], lang: str
) -> AsyncIterator[tuple[dict[str, Any], str]]:
    """Yield `(record, text)` per question; the record is what `--json` prints."""
    services = await open_services(config, catalogs)
    try:
        for question in questions:
            record: dict[str, Any] = {"question": question, "lang": lang, "rules": [], "organizations": [], "text": ""}
            yield record, record["text"]
    finally:
        await services.close()
