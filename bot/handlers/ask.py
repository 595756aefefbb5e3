"""Asking: plain messages in private chats and /ask in groups get the policy answer,
referrals, a "more" button, the close second rule, and "was this helpful?" buttons."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import callbacks, labels, referral_view
from bot.context import BotContext
from bot.handlers.search import results_message
from bot.render import clip, h
from directory.policy.answer import Answer
from directory.policy.rules import Rule

log = logging.getLogger(__name__)

MAX_QUESTION = 1000  # longer messages are answered from their first part
TYPING_AFTER = 0.3  # seconds: quicker answers need no "typing…" indicator


def rule_text(context: BotContext, rule: Rule) -> str:
    """Verdict, why, what to do instead, links: the rule's stored text in the user's language."""
    text = rule.text(context.t.locale)
    lines = [f"<b>{h(text.verdict_line)}</b>", h(text.why)]
    if text.instead:
        lines.append(h(text.instead))
    lines += [f"🔗 {h(link)}" for link in rule.links]
    return "\n".join(lines)


def off_topic_text(context: BotContext) -> str:
    t = context.t
    return "\n".join(
        [
            "<b>" + h(t._("I found nothing in WIEGO’s policy about this, so I won’t guess.")) + "</b>",
            h(
                t._(
                    "WIEGO supports organizations of informal workers and produces research, "
                    "statistics and policy analysis with them."
                )
            ),
            h(
                t._(
                    "It is not a funder and not a gatekeeper; to reach workers’ organizations "
                    "directly, search the directory."
                )
            ),
        ]
    )


async def answer_text(context: BotContext, answer: Answer) -> tuple[str, InlineKeyboardMarkup]:
    t = context.t
    services = context.services
    rows: list[list[InlineKeyboardButton]] = []
    if not answer.rules:
        rows.append(
            [InlineKeyboardButton("🔎 " + t._("Search the directory"), callback_data=callbacks.pack("d"))]
        )
        rows.append(feedback_row(context, "none"))
        return off_topic_text(context), InlineKeyboardMarkup(rows)
    best = answer.rules[0].rule
    parts = [rule_text(context, best)]
    if answer.referral is not None and answer.referral.organizations:
        question = answer.question[:MAX_QUESTION]
        lines, more = await referral_view.answer_block(context.t, services, answer.referral, question)
        parts += lines
        rows += more
    if answer.close_second is not None:
        second = answer.close_second.rule.id
        rows.append(
            [
                InlineKeyboardButton(
                    t._("Also: %(topic)s", topic=labels.topic(t, second)),
                    callback_data=callbacks.pack("r", second),
                )
            ]
        )
    rows.append(feedback_row(context, best.id))
    return clip("\n".join(parts)), InlineKeyboardMarkup(rows)


def feedback_row(context: BotContext, rule_id: str) -> list[InlineKeyboardButton]:
    t = context.t
    return [
        InlineKeyboardButton("👍 " + t._("Helpful"), callback_data=callbacks.pack("fb", rule_id, 1)),
        InlineKeyboardButton("👎 " + t._("Not helpful"), callback_data=callbacks.pack("fb", rule_id, 0)),
    ]


@asynccontextmanager
async def typing(message: Message) -> AsyncIterator[None]:
    """Show "typing…" while answering, unless the answer is ready before anyone would notice."""

    async def later() -> None:
        await asyncio.sleep(TYPING_AFTER)
        await message.get_bot().send_chat_action(message.chat_id, ChatAction.TYPING)

    task = asyncio.create_task(later())
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError, TelegramError):
            await task


async def reply_to_question(message: Message, context: BotContext, question: str) -> None:
    services = context.services
    async with typing(message):
        answer = await services.policy.answer(question[:MAX_QUESTION])
        await send_answer(message, context, question, answer)


async def send_answer(message: Message, context: BotContext, question: str, answer: Answer) -> None:
    services = context.services
    synthetic = message.from_user is not None and message.from_user.is_bot  # `main.py ask`
    if not answer.rules and not synthetic:
        await services.feedback.record_unanswered(question[:MAX_QUESTION])
    if answer.rules and answer.rules[0].rule.id == "directory":
        saved = await services.saved_searches.save(question[:300])
        text, keyboard = await results_message(context, saved, 0)
        await message.reply_html(text, reply_markup=keyboard, disable_web_page_preview=True, do_quote=True)
        return
    text, keyboard = await answer_text(context, answer)
    await message.reply_html(text, reply_markup=keyboard, disable_web_page_preview=True, do_quote=True)


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


def question_of(message: object) -> str | None:
    """The user's question: the message our answer replied to."""
    if not isinstance(message, Message) or message.reply_to_message is None:
        return None
    original = message.reply_to_message
    text = original.text or ""
    if text.startswith("/ask"):
        text = text.partition(" ")[2]
    return text.strip() or None


async def feedback_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    t = context.t
    services = context.services
    try:
        data = callbacks.parse(query.data, kind="fb", arity=2)
        rule_id = data.part(0)
        helpful = data.int_part(1, maximum=1) == 1
        if rule_id != "none" and rule_id not in services.policy.rule_ids:
            raise callbacks.CallbackDataError("unknown rule")
        question = question_of(query.message)
        if question is None:
            raise callbacks.CallbackDataError("no question to attach the feedback to")
    except callbacks.CallbackDataError:
        await query.answer(t._("This button is no longer valid."), show_alert=True)
        return
    await services.feedback.record(question[:MAX_QUESTION], None if rule_id == "none" else rule_id, helpful)
    await query.answer(t._("Thank you: this helps us improve the answers."))
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        # keep every button but the feedback row, so nobody votes twice on the same answer
        rows = [
            row
            for row in message.reply_markup.inline_keyboard
            if not any(str(b.callback_data or "").startswith("fb:") for b in row)
        ]
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)


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
        keyboard = InlineKeyboardMarkup([feedback_row(context, rule.id)])
        await message.reply_html(
            rule_text(context, rule), reply_markup=keyboard, disable_web_page_preview=True
        )


async def unanswered_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    t = context.t
    if not context.is_admin:
        log.warning("refused: user %s tried /unanswered", user.id)
        await message.reply_text(t._("Only WIEGO admins can do this."))
        return
    feedback = context.services.feedback
    unanswered = await feedback.recent_unanswered(limit=15)
    unhelpful = await feedback.recent_unhelpful(limit=15)
    if not unanswered and not unhelpful:
        await message.reply_text(t._("No unanswered or unhelpful questions recently."))
        return
    lines: list[str] = []
    if unanswered:
        lines.append("<b>" + h(t._("Questions no rule fitted")) + "</b>")
        lines += [f"• {h(t.day(e.at))}: {h(e.question[:200])}" for e in unanswered]
    if unhelpful:
        lines.append("\n<b>" + h(t._("Answers marked not helpful")) + "</b>")
        lines += [
            f"• {h(t.day(e.at))} · {h(labels.topic(t, e.rule_id or ''))}: {h(e.question[:200])}"
            for e in unhelpful
        ]
    await message.reply_html(clip("\n".join(lines)))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("ask", ask_command))
    app.add_handler(CommandHandler("unanswered", unanswered_command))
    app.add_handler(CallbackQueryHandler(feedback_pressed, pattern=r"^fb:"))
    app.add_handler(CallbackQueryHandler(second_rule_pressed, pattern=r"^r:"))


def register_free_text(app: Application) -> None:  # type: ignore[type-arg]
    """Registered after every feature's conversation steps: plain text in private chats."""
    app.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED,
            plain_message,
        )
    )
