"""Asking: plain messages in private chats and /ask in groups get the policy answer,
referrals, a "more" button, the close second rule, and "was this helpful?" buttons."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, MessageLimit
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import callbacks, labels, referral_view
from bot.context import BotContext
from bot.handlers.feedback import feedback_row
from bot.handlers.search import place_name, results_message, understood_line
from bot.render import clip, h
from directory import gate
from directory.policy.answer import Answer
from directory.policy.rules import Rule

log = logging.getLogger(__name__)

MAX_QUESTION = int(MessageLimit.MAX_TEXT_LENGTH)  # a whole Telegram message is read
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
    cards: list[str] = []
    if answer.referral is not None and answer.referral.organizations:
        question = answer.question[:MAX_QUESTION]
        cards, more = await referral_view.answer_block(context.t, services, answer.referral, question)
        rows += more
    # the organizations follow the ask they answer: the second when the first refers to no one
    cards_after_second = answer.second_ask is not None and best.refers_to == "none"
    if not cards_after_second:
        parts += cards
    if answer.second_ask is not None:
        parts.append(
            "\n<b>" + h(t._("You also asked:")) + " " + h(labels.topic(t, answer.second_ask.rule.id)) + "</b>"
        )
        parts.append(rule_text(context, answer.second_ask.rule))
    if cards_after_second:
        parts += cards
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


def reply_language(context: BotContext, answer: Answer, chat_id: int) -> str | None:
    """Answer in the language the message is written in, when it is clearly one we read, and a
    message too short to tell ("¿y en Ecuador?", "gracias") in the language the chat was in:
    switch this update's translator and return that language when it is not the user's."""
    services = context.services
    chat_language = services.chat_languages.get(chat_id) or context.t.locale
    language = answer.reply_language(services.catalogs.codes, chat_language)
    if answer.cues.language.verdict == "ours":
        services.chat_languages.remember(chat_id, language)
    if language == context.t.locale:
        return None
    context.use_locale(language)
    return language


def keep_language_row(context: BotContext, code: str) -> list[InlineKeyboardButton]:
    name = context.services.catalogs.native_name(code)
    return [
        InlineKeyboardButton(
            "🌐 " + context.t._("Keep %(language)s from now on", language=name),
            callback_data=callbacks.pack("kl", code),
        )
    ]


async def reply_to_question(message: Message, context: BotContext, question: str) -> None:
    services = context.services
    question = gate.clean(question, multiline=True)  # the text gate: no control or stray invisible characters
    if not question:
        await message.reply_text(context.t._("I can only read text. Please write your question in words."))
        return
    subjects = services.subjects
    keyboard: InlineKeyboardMarkup | None
    async with typing(message):  # the reply goes out once "typing…" has settled, never before it
        answer = await services.policy.answer(question[:MAX_QUESTION], subjects.get(message.chat_id))
        if answer.cues.language.verdict == "other" and answer.followup is None:
            text, keyboard = other_language_reply(context)
        else:
            if answer.subject is not None:
                subjects.remember(message.chat_id, answer.subject)
            switched = reply_language(context, answer, message.chat_id)
            text, keyboard = await compose_answer(message, context, question, answer, switched)
    await message.reply_html(text, reply_markup=keyboard, disable_web_page_preview=True, do_quote=True)


def followup_line(context: BotContext, answer: Answer) -> str:
    """ "Understood: Street vendors, Ghana": what a follow-up was read as."""
    if answer.followup is None:
        return ""
    places = [place_name(context, p) for p in answer.followup.places]
    return understood_line(context, answer.followup.sectors, places)


async def compose_answer(
    message: Message, context: BotContext, question: str, answer: Answer, switched: str | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The reply to a question, text and buttons (records an unanswered one on the way)."""
    services = context.services
    if answer.smalltalk:
        return smalltalk_text(context, thanks=answer.thanks), None
    synthetic = message.from_user is not None and message.from_user.is_bot  # `main.py ask`
    if not answer.rules and not synthetic:
        await services.feedback.record_unanswered(question[:MAX_QUESTION])
    unknown_place = answer.followup is not None and bool(answer.followup.unrecognized)
    if answer.rules and answer.rules[0].rule.id == "directory" and not unknown_place:
        if answer.followup is not None:  # the subject's filters, not the follow-up's words
            saved = await services.saved_searches.save(
                "",
                sectors=frozenset(answer.followup.sectors),
                countries=frozenset(
                    c for p in answer.followup.places if p.kind != "region" for c in p.countries
                ),
                regions=frozenset(p.code for p in answer.followup.places if p.kind == "region"),
            )
        else:
            saved = await services.saved_searches.save(question[:300])
        text, keyboard = await results_message(context, saved, 0)
        if answer.second_ask is not None:
            second = answer.second_ask.rule
            text = clip(
                text
                + "\n\n<b>"
                + h(context.t._("You also asked:"))
                + " "
                + h(labels.topic(context.t, second.id))
                + "</b>\n"
                + rule_text(context, second)
            )
        keyboard = _with_row(keyboard, feedback_row(context, "directory"))
        keyboard = _with_row(keyboard, keep_language_row(context, switched) if switched else None)
        return text, keyboard
    text, keyboard = await answer_text(context, answer)
    understood = followup_line(context, answer)
    if understood:
        text = clip(f"<i>{h(understood)}</i>\n{text}")
    keyboard = _with_row(keyboard, keep_language_row(context, switched) if switched else None)
    return text, keyboard


def _with_row(
    keyboard: InlineKeyboardMarkup | None, row: list[InlineKeyboardButton] | None
) -> InlineKeyboardMarkup | None:
    if row is None:
        return keyboard
    rows = [list(r) for r in keyboard.inline_keyboard] if keyboard is not None else []
    return InlineKeyboardMarkup([*rows, row])


def smalltalk_text(context: BotContext, *, thanks: bool = False) -> str:
    """A greeting, thanks, "who are you?": a friendly word, what to ask, and /language."""
    t = context.t
    hello = t._("Hello! I tell you whether WIEGO can help with what you need, and who can if it can't.")
    welcome = t._("You're welcome! Ask me again whenever you need to.")
    return "\n".join(
        [
            h(welcome if thanks else hello),
            h(t._("Ask me in your own words, for example:")),
            "• " + h(t._("Can WIEGO fund our cooperative?")),
            "• " + h(t._("Street vendors' organizations in Kenya")),
            "• " + h(t._("I'm a student: can you put me in touch with waste pickers in Brazil?")),
            h(t._("/language changes my language; /help lists everything.")),
        ]
    )


def other_language_reply(context: BotContext) -> tuple[str, InlineKeyboardMarkup]:
    """A message in a language the bot does not read: say which it reads, here and in English."""
    names = ", ".join(info.native_name for info in context.services.catalogs.ordered())
    lines = [h(context.t._("I can only read these languages: %(languages)s.", languages=names))]
    english = context.services.catalogs.translator("en")
    if context.t.locale != english.locale:
        lines.append(h(english._("I can only read these languages: %(languages)s.", languages=names)))
    lines.append(h(context.t._("You can also search the directory of workers' organizations.")))
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "🔎 " + context.t._("Search the directory"), callback_data=callbacks.pack("d")
                )
            ]
        ]
    )
    return "\n".join(lines), keyboard


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
    await context.services.users.set_locale(user.id, code)
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
        keyboard = InlineKeyboardMarkup([feedback_row(context, rule.id)])
        await message.reply_html(
            rule_text(context, rule), reply_markup=keyboard, disable_web_page_preview=True
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
