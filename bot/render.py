"""Small rendering helpers shared by the feature modules (HTML parse mode)."""

from __future__ import annotations

import re
from html import escape, unescape

from bot.commands import Command
from bot.i18n import Translator

MAX_TEXT = 4096  # Telegram's MessageLimit.MAX_TEXT_LENGTH (a test checks it), without importing Telegram


def h(text: object) -> str:
    """Escape text for Telegram's HTML parse mode."""
    return escape(str(text), quote=False)


# One token of our HTML: a tag, an entity, a run of text (or a stray < or &, shown as text).
_TOKEN = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?>|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});|[^<&]+|[<&]"
)
ELLIPSIS = "…"


def _units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP is two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def visible_length(markup: str) -> int:
    """The length of the text Telegram shows for `markup` (tags removed, entities one character)."""
    total = 0
    for match in _TOKEN.finditer(markup):
        token = match.group(0)
        if match.group(2):
            continue
        total += _units(unescape(token)) if token.startswith("&") and len(token) > 1 else _units(token)
    return total


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """Keep an HTML reply within Telegram's limit without ever breaking it.

    The limit counts the visible text (as Telegram does, in UTF-16 code units). The cut falls
    at a line break in the second half where there is one, never inside a tag or an entity;
    every tag still open there is closed, so the result is always valid Telegram HTML.
    """
    if visible_length(text) <= limit:
        return text
    budget = limit - _units(ELLIPSIS)
    out: list[str] = []
    stack: list[str] = []  # names of the open tags
    used = 0
    best: tuple[int, int, tuple[str, ...]] | None = None  # (pieces, chars into the last, open tags)
    for match in _TOKEN.finditer(text):
        token, closing, name = match.group(0), match.group(1), match.group(2)
        if name:
            if closing:
                if name in stack:
                    while stack and stack.pop() != name:
                        pass
                    out.append(token)
            else:
                stack.append(name)
                out.append(token)
            continue
        entity = token.startswith("&") and len(token) > 1
        size = _units(unescape(token)) if entity else _units(token)
        if used + size <= budget:
            if not entity and "\n" in token:
                offset = token.rfind("\n")
                if used + _units(token[:offset]) > limit // 2:
                    best = (len(out), offset, tuple(stack))
            out.append(token)
            used += size
            continue
        if not entity:  # the part of this text that still fits, cut between characters
            room, keep = budget - used, 0
            for ch in token:
                room -= 2 if ord(ch) > 0xFFFF else 1
                if room < 0:
                    break
                keep += 1
            newline = token.rfind("\n", 0, keep)
            if newline >= 0 and used + _units(token[:newline]) > limit // 2:
                best = (len(out), newline, tuple(stack))
            out.append(token[:keep])
        break
    if best is not None:
        pieces, offset, open_tags = best
        head = "".join(out[:pieces]) + out[pieces][:offset]
        stack = list(open_tags)
    else:
        head = "".join(out)
    return head + ELLIPSIS + "".join(f"</{name}>" for name in reversed(stack))


def command_lines(t: Translator, commands: list[Command]) -> str:
    return "\n".join(f"/{c.name} - {h(t._(c.description))}" for c in commands)
