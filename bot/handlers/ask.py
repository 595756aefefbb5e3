"""Asking: plain messages in private chats and /ask in groups get the reply `bot.answer_view`
composes (the policy answer, referrals, a "more" button, the close second rule, "was this
helpful?"), after "typing…" when it takes a moment; and the presses on its buttons."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import answer_view, callbacks
from bot.context import BotContext
from bot.telegram_markup import markup
from bot.votes import feedback_row

log = logging.getLogger(__name__)

TYPING_AFTER = 0.3  # seconds: quicker answers need no "typing…" indicator


@asynccontextmanager
async def typing(message: Message) -> AsyncIterator[None]:
    """Show "typing…" while answering, unless the answer is ready before anyone would notice.

    A chat action already on its way is let finish, never cancelled: cancelling it cuts the
    connection mid-request (the server sees a broken request, the pool loses a connection),
    and awaiting it keeps "typing…" from arriving after the answer."""
    sending = asyncio.Event()

    async def later() -> None:
        await asyncio.sleep(TYPING_AFTER)
        sending.set()
        await message.get_bot().send_chat_action(message.chat_id, ChatAction.TYPING)

    task = asyncio.create_task(later())
    try:
        yield
    finally:
        if not sending.is_set():
            task.cancel()
        with suppress(asyncio.CancelledError, TelegramError):
            await task


async def reply_to_question(message: Message, context: BotContext, question: str) -> None:
    synthetic = message.from_user is not None and message.from_user.is_bot  # never recorded
    async with typing(message):  # the reply goes out once "typing…" has settled, never before it
        reply = await answer_view.reply_to(
            context.services, context.t, question, message.chat_id, record_unanswered=not synthetic
        )
    await message.reply_html(
        reply.text, reply_markup=markup(reply.rows), disable_web_page_preview=True, do_quote=True
    )


async def keep_language_pressed(update: Update, context: BotContext) -> None:
    """ "Keep Español from now on": save the choice; the answer itself stays as it is."""
    query = update.callback_query
    assert query is not None
    user = update.effective_user
    catalogs = context.services.catalogs
    try:
        code = callbacks.parse(query.data, kind="kl", arity=1).part(0)
        if code not in catalogs.codes or user is None:
            raise callbacks.CallbackDataError("unknown locale")
    except callbacks.CallbackDataError:
        await query.answer(context.t._("This button is no longer valid."), show_alert=True)
        return
    chat = update.effective_chat
    await context.services.choose_language(user.id, chat.id if chat else None, code)
    context.use_locale(code)
    await query.answer(context.t._("Language set to %(language)s.", language=catalogs.native_name(code)))
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        rows = [
            row
            for row in message.reply_markup.inline_keyboard
            if not any(str(b.callback_data or "").startswith("kl:") for b in row)
        ]
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)


async def plain_message(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    await reply_to_question(message, context, message.text)


async def ask_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    question = " ".join(context.args or []).strip()
    if not question:
        await message.reply_text(
            context.t._("Write your question after /ask, for example: /ask Can WIEGO fund our project?")
        )
        return
    await reply_to_question(message, context, question)


async def second_rule_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    try:
        rule_id = callbacks.parse(query.data, kind="r", arity=1).part(0)
        rule = await context.services.policy.rules.get(rule_id)
        if rule is None:
            raise callbacks.CallbackDataError("unknown rule")
    except callbacks.CallbackDataError:
        await query.answer(context.t._("This button is no longer valid."), show_alert=True)
        return
    await query.answer()
    message = query.message
    if isinstance(message, Message):
        await message.reply_html(
            answer_view.rule_text(context.t, rule),
            reply_markup=markup([feedback_row(context.t, rule.id)]),
            disable_web_page_preview=True,
        )


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("ask", ask_command))
    app.add_handler(CallbackQueryHandler(second_rule_pressed, pattern=r"^r:"))
    app.add_handler(CallbackQueryHandler(keep_language_pressed, pattern=r"^kl:"))


async def reply_in_group(update: Update, context: BotContext) -> None:
    """In a group, a reply to one of the bot's answers is a question too (a follow-up first)."""
    message = update.effective_message
    if message is None or not message.text:
        return
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    await reply_to_question(message, context, message.text)


def register_free_text(app: Application) -> None:  # type: ignore[type-arg]
    """Registered after every feature's conversation steps: plain text in private chats, and
    replies to the bot's answers in groups."""
    app.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED,
            plain_message,
        )
    )
    app.add_handler(
        MessageHandler(
            filters.TEXT
            & ~filters.COMMAND
            & filters.ChatType.GROUPS
            & filters.REPLY
            & ~filters.UpdateType.EDITED,
            reply_in_group,
        )
    )
