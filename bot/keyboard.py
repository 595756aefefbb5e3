"""Inline buttons as plain data, so replies are composed without importing Telegram.

The views (`bot/answer_view.py`, `bot/results_view.py`, `bot/referral_view.py`) return rows of
`Button`; the handlers turn them into Telegram's markup at the moment they send
(`bot.telegram_markup.markup`). `main.py ask` composes the very same replies and never loads
python-telegram-bot (its import alone took longer than the answer).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Button:
    """One inline button: callback data (packed by `bot.callbacks`) or a URL."""

    text: str
    data: str | None = None
    url: str | None = None


Row = list[Button]
Rows = list[Row]


def with_row(rows: Rows | None, row: Row | None) -> Rows | None:
    """`rows` with `row` added at the bottom (None stays None when there is nothing to add)."""
    if row is None:
        return rows
    return [*(rows or []), row]
