"""Telegram HTML as terminal text: what the offline chat and `main.py ask` print."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<(/?)(b|strong|i|em|u|code|pre|a)(\s[^>]*)?>")


def to_terminal(text: str, *, color: bool) -> str:
    """Telegram HTML to plain terminal text (bold as ANSI when the output is a terminal)."""

    def tag(match: re.Match[str]) -> str:
        closing, name = match[1], match[2]
        if color and name in {"b", "strong"}:
            return "\033[0m" if closing else "\033[1m"
        return ""

    return html.unescape(_TAG.sub(tag, text))
