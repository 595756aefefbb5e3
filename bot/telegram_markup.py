"""Plain button rows (`bot.keyboard`) as Telegram's inline keyboard, at the moment of sending."""

from __future__ import annotations

from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.keyboard import Button, Rows

MARKUPS_KEPT = 512
"""Keyboards kept built: most replies carry the same few (a rule's buttons in a language), and
building Telegram's frozen objects took a quarter of a millisecond a reply. They are immutable,
so one may go out with any number of messages."""


def button(b: Button) -> InlineKeyboardButton:
    if b.url is not None:
        return InlineKeyboardButton(b.text, url=b.url)
    return InlineKeyboardButton(b.text, callback_data=b.data)


@lru_cache(maxsize=MARKUPS_KEPT)
def _built(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(b) for b in row] for row in rows])


def markup(rows: Rows | None) -> InlineKeyboardMarkup | None:
    """None for no rows at all (Telegram then shows no keyboard)."""
    if not rows:
        return None
    return _built(tuple(tuple(row) for row in rows))
