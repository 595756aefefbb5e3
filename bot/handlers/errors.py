"""One error handler: log the failure (never message text), apologize, keep running.

A write refused because another process holds the database (an admin edit during a long
import) is not a bug: the person is told the database is busy and to try again in a minute.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut

from bot.context import BotContext
from directory.writer import transient

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, (Forbidden, RetryAfter, TimedOut, NetworkError)):
        # Telegram-side conditions: nothing the user can be told about in that chat.
        log.warning("telegram error on update %s: %s", update_id, type(error).__name__)
        return
    busy = error is not None and transient(error)  # another process holds the database
    if busy:
        log.warning("database busy on update %s: %s", update_id, error)
    else:
        log.error(
            "unhandled %s on update %s",
            type(error).__name__,
            update_id,
            exc_info=(type(error), error, error.__traceback__) if error else None,
        )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    services = context.services
    code = services.catalogs.resolve(
        services.users.cached_locale(user.id) if user else None,
        user.language_code if user else None,
    )
    t = services.catalogs.translator(code)
    try:
        if busy:
            text = t._(
                "The database is busy for a moment (a backup or an import). Please try again in a minute."
            )
            if update.callback_query is not None:
                await update.callback_query.answer(text, show_alert=True)
            else:
                await context.bot.send_message(update.effective_chat.id, text)
        elif update.callback_query is not None:
            await update.callback_query.answer(t._("Sorry, something went wrong. Please try again."))
        else:
            await context.bot.send_message(
                update.effective_chat.id,
                t._("Sorry, something went wrong on our side. Please try again in a moment."),
            )
    except Exception:  # the apology itself failed: nothing more to do for this update
        log.warning("could not send the apology for update %s", update_id)
