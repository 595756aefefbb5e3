"""/start, /help, /language and /cancel, and the per-update locale resolution."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from babel.lists import format_list
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.callbacks import CallbackData
from bot.commands import visible_to
from bot.context import BotContext
from bot.flood import Verdict
from bot.flow.steps import LOCALE_GROUP, Stale, Step, install, install_router, member_step
from bot.i18n import Translator
from bot.privacy import wrote_to_bot
from bot.render import command_lines, h


@dataclass(frozen=True)
class LanguageChoice(CallbackData, prefix="lang"):
    code: str

log = logging.getLogger(__name__)


async def resolve_locale(update: Update, context: BotContext) -> None:
    """Group -1, before every handler: the user's language for this update, flood control."""
    user = update.effective_user
    if user is None:
        return
    services = context.services
    saved = await services.users.chosen_locale(user.id)
    context.use_locale(services.catalogs.resolve(saved, user.language_code))
    if user.is_bot:
        return
    if wrote_to_bot(update):  # no row for people who never addressed the bot
        await services.users.touch(user.id)
    if update.inline_query is None and not context.is_admin:
        verdict = services.flood.check(user.id)
        if verdict is Verdict.NOTIFY and update.effective_chat is not None:
            log.info("flood control: user %s muted", user.id, extra={"user_id": user.id, "action": "flood"})
            await context.bot.send_message(
                update.effective_chat.id,
                context.t._(
                    "You are sending messages faster than I can answer. Please wait a minute, then try again."
                ),
            )
        if verdict is not Verdict.OK:
            if update.callback_query is not None:  # never leave a button's spinner turning
                await update.callback_query.answer(context.t._("Please wait a minute, then try again."))
            raise ApplicationHandlerStop


def intro(context: BotContext) -> str:
    """What the bot does, which languages it reads (each in its own name), what it keeps."""
    t = context.t
    names = [info.native_name for info in context.services.catalogs.ordered()]
    languages = format_list(names, locale=t.locale)
    lines = [
        t._("Hello! I tell you whether WIEGO can help with what you need, from its published policy."),
        t._(
            "WIEGO is not a funder and not a gatekeeper: when it can't help, I point you "
            "straight to the informal workers' own organizations."
        ),
        "",
        t._(
            "Write your question in your own words, or use /search to find organizations. "
            "/help lists everything."
        ),
        t._("I read %(languages)s. /language sets the language of my answers.", languages=languages),
        t._(
            "What I keep: questions, without your name or user id, to improve the answers; "
            "your language and subscription choices, until you send /forget."
        ),
    ]
    return "\n".join(h(line) for line in lines)


async def start(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    payload = context.args[0] if context.args else ""
    if payload:
        prefix, _, rest = payload.partition("_")
        handler = context.bot_data.start_payloads.get(prefix)
        if handler is not None and await handler(update, context, rest):
            return
    await message.reply_html(intro(context), disable_web_page_preview=True)


async def help_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    t = context.t
    editor = await context.services.is_editor(update.effective_user.id)
    commands = visible_to(
        admin=context.is_admin, editor=editor, registered=context.bot_data.registered_commands
    )
    text = "\n".join(
        [
            "<b>" + h(t._("Commands")) + "</b>",
            command_lines(t, commands),
            "",
            h(t._("Or simply write your question: for example, “Can WIEGO fund our project?”")),
        ]
    )
    await message.reply_html(text, disable_web_page_preview=True)


def language_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    current = context.t.locale
    buttons = [
        InlineKeyboardButton(
            ("✓ " if info.code == current else "") + info.native_name,
            callback_data=LanguageChoice(info.code).pack(),
        )
        for info in context.services.catalogs.ordered()
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows)


async def language(update: Update, context: BotContext) -> None:
    """/language shows the choice; "/language es" or "/language español" makes it at once."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    catalogs = context.services.catalogs
    code = catalogs.named(" ".join(context.args or ())) if context.args else None
    if code is None or user is None:
        choose = context.t._("Choose your language:")
        await message.reply_text(choose, reply_markup=language_keyboard(context))
        return
    chat = update.effective_chat
    await context.services.choose_language(user.id, chat.id if chat else None, code)
    context.use_locale(code)
    text = context.t._("Language set to %(language)s.", language=catalogs.native_name(code))
    await message.reply_text(text)


@member_step(button=LanguageChoice, private=False, action="language")
async def language_chosen(step: Step[LanguageChoice]) -> None:
    catalogs = step.services.catalogs
    code = step.data.code
    if code not in catalogs.codes:
        raise Stale
    await step.services.choose_language(step.user_id, step.chat_id, code)
    step.context.use_locale(code)
    step.show(h(step.t._("Language set to %(language)s.", language=catalogs.native_name(code))))


async def cancel(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    stopped = await context.services.pending.abandon(user.id)
    text = context.t._("Stopped. Nothing was changed.") if stopped else context.t._("Nothing to cancel.")
    await message.reply_text(text)


async def stale_button(update: Update, context: BotContext) -> None:
    """Last resort for callback data no handler claimed: forged, or from an old version."""
    query = update.callback_query
    if query is not None:
        await query.answer(context.t._("This button is no longer valid."), show_alert=True)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(TypeHandler(Update, resolve_locale), group=LOCALE_GROUP)
    install_router(app)  # a conversation's next message, before the features see it
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("help", help_command))
    app.add_handler(CommandHandler("language", language))
    app.add_handler(CommandHandler("cancel", cancel))
    install(app, [language_chosen])


async def unknown_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(context.t._("I don’t know that command. /help lists what I can do."))


def not_text_reply(t: Translator, message: Message) -> str:
    """A kind word for what was sent, what the bot reads instead, and where to start."""
    if message.voice or message.audio or message.video_note:
        first = t._("Thank you for the voice message! I can only read text, so I cannot listen to it.")
    elif message.photo or message.video or message.animation:
        first = t._("Thank you! I can only read text, so I cannot see pictures or videos.")
    elif message.sticker:
        first = t._("Thank you for the sticker! I can only read text.")
    elif message.document:
        first = t._("Thank you! I can only read text, so I cannot open files.")
    else:
        first = t._("Thank you! I can only read text.")
    return "\n".join(
        [
            first,
            t._(
                "Please write your question in a few words, for example “street vendors in Kenya”, "
                "or share a location to see the nearest organizations. /help shows what I can do."
            ),
        ]
    )


async def not_text(update: Update, context: BotContext) -> None:
    """Photos, stickers, voice, files... in a private chat: say kindly what the bot reads."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(not_text_reply(context.t, message))


def register_fallbacks(app: Application) -> None:  # type: ignore[type-arg]
    """Registered after every feature: what no handler claimed. Edited messages, channel posts
    and group chatter match nothing and are ignored."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, not_text))
    app.add_handler(CallbackQueryHandler(stale_button))
