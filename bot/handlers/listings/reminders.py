"""Freshness: once a day, the editors of listings nobody verified for six months are asked
whether theirs is still correct, with "Still correct" and "Show and edit the listing"."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, TelegramError

from bot.context import BotContext, Services
from bot.handlers.listings.editing import ListingMenu, ListingVerify

log = logging.getLogger(__name__)

REMINDER_INTERVAL = timedelta(days=1)
REMINDER_FIRST = timedelta(minutes=10)


async def send_reminders(bot: Bot, services: Services, now: datetime | None = None) -> int:
    """Remind the editors of listings nobody verified for six months; returns how many sent."""
    sent = 0
    listings = services.listings
    for due in await listings.due_reminders(now):
        num = await listings.num_of(due.org_id)
        if num is None:
            continue
        t = services.catalogs.translator(services.catalogs.resolve(due.locale, None))
        text = t._(
            "Is the listing of %(name)s still correct? Nobody has checked it for six months. "
            "Press “Still correct” if it is, or correct what changed.",
            name=due.org_name,
        )
        keyboard = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("✅ " + t._("Still correct"), callback_data=ListingVerify(num).pack())],
                [
                    InlineKeyboardButton(
                        "✏️ " + t._("Show and edit the listing"), callback_data=ListingMenu(num).pack()
                    )
                ],
            ]
        )
        try:
            await bot.send_message(due.user_id, text, reply_markup=keyboard)
        except Forbidden:  # blocked the bot: do not try again every day
            log.info("reminder for %s not delivered: user %s blocked the bot", due.org_id, due.user_id)
        except TelegramError as exc:  # transient: tomorrow's run tries again
            log.warning("reminder for %s to user %s failed: %s", due.org_id, due.user_id, type(exc).__name__)
            continue
        else:
            sent += 1
        await listings.reminded(due.org_id, due.user_id, now)
    return sent


async def _daily_reminders(context: BotContext) -> None:
    count = await send_reminders(context.bot, context.services)
    log.info("freshness reminders sent: %s", count)


async def schedule_reminders(app: Any) -> None:
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            _daily_reminders, interval=REMINDER_INTERVAL, first=REMINDER_FIRST, name="listing-freshness"
        )
