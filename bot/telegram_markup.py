"""Plain button rows (`bot.keyboard`) as Telegram's inline keyboard, at the moment of sending."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.keyboard import Button, Rows


def button(b: Button) -> InlineKeyboardButton:
    if b.url is not None:
        return InlineKeyboardButton(b.text, url=b.url)
    return InlineKeyboardButton(b.text, callback_data=b.data)


def markup(rows: Rows | None) -> InlineKeyboardMarkup | None:
    """None for no rows at all (Telegram then shows no keyboard)."""
    if not rows:
        return None
    return InlineKeyboardMarkup([[button(b) for b in row] for row in rows])
