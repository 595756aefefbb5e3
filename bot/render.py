"""Small rendering helpers shared by the feature modules (HTML parse mode)."""

from __future__ import annotations

from html import escape

from telegram.constants import MessageLimit

from bot.commands import Command
from bot.i18n import Translator

MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)


def h(text: object) -> str:
    """Escape text for Telegram's HTML parse mode."""
    return escape(str(text), quote=False)


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """Keep a reply within Telegram's limit, cutting at a line break where possible."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1] + "…"


def command_lines(t: Translator, commands: list[Command]) -> str:
    return "\n".join(f"/{c.name} - {h(t._(c.description))}" for c in commands)
