"""/subscribe, /unsubscribe, /forget, and the admins' /broadcast and /broadcasts.

Composing a broadcast is a conversation kept in `context.user_data["pending"]` (a `Draft`, so
/cancel ends it): the admin sends the default-language text, then adds other languages with the
buttons under the preview (one message per language; a missing language falls back to the
default), then confirms. Admin rights are checked again on every step: each message, each
button press. Buttons carry the draft's token and version, so a button from an older preview
or another draft is refused. Confirming writes the broadcast and its whole outbox in one
transaction; `bot.delivery.DeliveryWorker` does the sending and edits the progress message.
"""

from __future__ import annotations

import html
import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import callbacks
from bot.context import BotContext
from bot.delivery import CANCEL_KIND, WorkerHooks, counts_line
from bot.i18n import N_
from bot.render import MAX_TEXT, h
from directory.outbox import Broadcast, Counts

log = logging.getLogger(__name__)

DRAFT_KIND = "bc"  # bc:<action>:<token>:<version>[:<locale>]
FORGET_KIND = "fgt"  # fgt:yes | fgt:no
LIST_KIND = "bcl"  # bcl:<page>
PAGE_SIZE = 5
PREVIEW_SNIPPET = 300  # characters of each text shown when the full preview would be too long

STATUS_LABELS = {
    "queued": N_("queued"),
    "running": N_("sending"),
    "done": N_("finished"),
    "cancelled": N_("cancelled"),
}


@dataclass
class Draft:
    """A broadcast being composed: texts by locale (Telegram HTML), and what is expected next."""

    default_locale: str
    token: str = field(default_factory=lambda: secrets.token_hex(4))
    texts: dict[str, str] = field(default_factory=dict)
    plain: dict[str, str] = field(default_factory=dict)
    awaiting: str | None = None  # the locale whose text the next message is
    version: int = 0  # bumped by every preview: only the newest preview's buttons work


def _draft(context: BotContext) -> Draft | None:
    pending = context.user_data.get("pending") if context.user_data is not None else None
    return pending if isinstance(pending, Draft) else None


async def _admin_or_refuse(update: Update, context: BotContext, action: str) -> bool:
    """Every admin step starts here: refusals are logged with the user id and the action."""
    if context.is_admin:
        return True
    user_id = update.effective_user.id if update.effective_user else None
    log.warning("refused %s for user %s", action, user_id, extra={"user_id": user_id, "action": action})
    if _draft(context) is not None and context.user_data is not None:
        context.user_data.pop("pending", None)  # rights removed mid-conversation: the draft goes
    text = context.t._("Only WIEGO admins can do this.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)
    return False


async def _stale(update: Update, context: BotContext) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(context.t._("This button is no longer valid."), show_alert=True)


def _private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


# --- subscribers ---------------------------------------------------------------------------
async def subscribe(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    t = context.t
    if not _private(update):
        await message.reply_text(t._("Please send /subscribe in a private chat with me."))
        return
    if await context.services.subscriptions.subscribe(user.id, t.locale):
        text = t._("You are subscribed to WIEGO policy updates. /unsubscribe stops them.")
    else:
        text = t._("You are already subscribed to WIEGO policy updates. /unsubscribe stops them.")
    await message.reply_text(text)


async def unsubscribe(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    t = context.t
    if await context.services.subscriptions.unsubscribe(user.id):
        text = t._("Done: you will not receive policy updates any more.")
    else:
        text = t._("You were not subscribed, so there is nothing to stop.")
    await message.reply_text(text)


async def forget(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    t = context.t
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "🗑 " + t._("Delete everything"),
                    callback_data=callbacks.pack(FORGET_KIND, "yes"),
                ),
                InlineKeyboardButton(t._("Keep my data"), callback_data=callbacks.pack(FORGET_KIND, "no")),
            ]
        ]
    )
    text = t._(
        "This deletes everything the bot stores about you: your language, your subscription, "
        "your right to edit an organization's listing and any update not yet sent to you. "
        "Delete it all?"
    )
    await message.reply_text(text, reply_markup=keyboard)


async def forget_chosen(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    try:
        choice = callbacks.parse(query.data, kind=FORGET_KIND, arity=1).part(0)
        if choice not in ("yes", "no"):
            raise callbacks.CallbackDataError("unknown choice")
    except callbacks.CallbackDataError:
        await _stale(update, context)
        return
    t = context.t  # resolved before the deletion: the answer stays in the person's language
    await query.answer()
    if choice == "no":
        await query.edit_message_text(t._("Nothing was deleted."))
        return
    await context.services.users.forget(user.id)
    if context.user_data is not None:
        context.user_data.clear()
    log.info("user %s deleted their data", user.id, extra={"user_id": user.id, "action": "forget"})
    await query.edit_message_text(t._("Done: everything the bot stored about you is deleted."))


# --- composing a broadcast -----------------------------------------------------------------
async def broadcast(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or not await _admin_or_refuse(update, context, "broadcast:start"):
        return
    t = context.t
    if not _private(update):
        await message.reply_text(t._("Please compose broadcasts in a private chat with me."))
        return
    catalogs = context.services.catalogs
    draft = Draft(default_locale=catalogs.default, awaiting=catalogs.default)
    if context.user_data is not None:
        context.user_data["pending"] = draft
    count = await context.services.subscriptions.count()
    language = _language_name(context, draft.default_locale)
    await message.reply_text(
        "\n".join(
            [
                t.ngettext(
                    "New broadcast to %(n)s subscriber.",
                    "New broadcast to %(n)s subscribers.",
                    count,
                ),
                t._(
                    "Send the message in %(language)s, the default language; you can add other "
                    "languages next. /cancel stops.",
                    language=language,
                ),
            ]
        )
    )


def offline_delivery(context: BotContext, total: int) -> str:
    """In the terminal chat: where and when a broadcast will really be delivered ("" on Telegram)."""
    database = context.bot_data.offline_database
    if not database:
        return ""
    return context.t.ngettext(
        "Offline chat: nothing is sent from here. The broadcast waits in the outbox of %(database)s "
        "and goes to its %(n)s subscriber on Telegram the next time the bot runs with a token "
        "(python main.py run).",
        "Offline chat: nothing is sent from here. The broadcast waits in the outbox of %(database)s "
        "and goes to its %(n)s subscribers on Telegram the next time the bot runs with a token "
        "(python main.py run).",
        total,
        database=database,
    )


def _language_name(context: BotContext, code: str) -> str:
    return next((i.native_name for i in context.services.catalogs.ordered() if i.code == code), code)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


async def compose_text(update: Update, context: BotContext) -> None:
    """A text message while a draft is pending: the text for the language asked for."""
    message, draft = update.effective_message, _draft(context)
    if message is None or draft is None or not await _admin_or_refuse(update, context, "broadcast:text"):
        return
    t = context.t
    if draft.awaiting is None:
        await message.reply_text(
            t._("Use the buttons under the preview to add a language or to send it, or /cancel.")
        )
        return
    plain = message.text or ""
    if _utf16_len(plain) > MAX_TEXT:
        await message.reply_text(
            t._(
                "That message is too long (%(length)s characters; Telegram allows %(limit)s). "
                "Please send a shorter one.",
                length=t.number(_utf16_len(plain)),
                limit=t.number(MAX_TEXT),
            )
        )
        return
    draft.texts[draft.awaiting] = message.text_html
    draft.plain[draft.awaiting] = plain
    draft.awaiting = None
    draft.version += 1
    text, keyboard = await _preview(context, draft)
    await message.reply_html(text, reply_markup=keyboard, disable_web_page_preview=True)


async def start_prefilled(message: Message, context: BotContext, texts: Mapping[str, str]) -> None:
    """A draft already holding `texts` (Telegram HTML per locale), shown as a preview.

    Used after a policy edit: the admin reviews, adds or changes languages, then sends.
    """
    if not context.is_admin or context.user_data is None:
        return
    default = context.services.catalogs.default
    draft = Draft(default_locale=default if default in texts else next(iter(texts)))
    draft.texts = dict(texts)
    draft.plain = {code: html.unescape(_TAG.sub("", text)) for code, text in texts.items()}
    draft.version = 1
    context.user_data["pending"] = draft
    text, keyboard = await _preview(context, draft)
    await message.reply_html(text, reply_markup=keyboard, disable_web_page_preview=True)


async def _preview(context: BotContext, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    """Each language's text and how many subscribers read it, with the draft's buttons."""
    t = context.t
    catalogs = context.services.catalogs
    recipients: dict[str, int] = {}
    for locale, n in (await context.services.subscriptions.count_by_locale()).items():
        key = locale if locale in draft.texts else draft.default_locale
        recipients[key] = recipients.get(key, 0) + n
    total = sum(recipients.values())
    default_name = _language_name(context, draft.default_locale)
    offline = offline_delivery(context, total)

    def render(snippet: int | None) -> str:
        lines = [
            "<b>" + h(t._("Preview of the broadcast")) + "</b>",
            h(t.ngettext("It goes to %(n)s subscriber.", "It goes to %(n)s subscribers.", total)),
        ]
        if offline:
            lines.append(h(offline))
        for info in catalogs.ordered():
            if info.code not in draft.texts:
                continue
            who = t.ngettext("%(n)s recipient", "%(n)s recipients", recipients.get(info.code, 0))
            if info.code == draft.default_locale:
                label = t._(
                    "%(language)s (default, also for languages without a text): %(recipients)s",
                    language=info.native_name,
                    recipients=who,
                )
            else:
                label = t._("%(language)s: %(recipients)s", language=info.native_name, recipients=who)
            body = draft.texts[info.code] if snippet is None else h(draft.plain[info.code][:snippet]) + "…"
            lines += ["", f"<b>{h(label)}</b>", body]
        missing = [i.native_name for i in catalogs.ordered() if i.code not in draft.texts]
        if missing:
            lines += [
                "",
                h(
                    t._(
                        "Without a text of their own (they get the %(language)s text): %(languages)s",
                        language=default_name,
                        languages=", ".join(missing),
                    )
                ),
            ]
        return "\n".join(lines)

    text = render(None)
    if _utf16_len(text) > MAX_TEXT:
        text = render(PREVIEW_SNIPPET)
    buttons = [
        InlineKeyboardButton(
            ("✏️ " if info.code in draft.texts else "➕ ") + info.native_name,
            callback_data=callbacks.pack(DRAFT_KIND, "lang", draft.token, draft.version, info.code),
        )
        for info in catalogs.ordered()
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            InlineKeyboardButton(
                "✅ " + t.ngettext("Send to %(n)s subscriber", "Send to %(n)s subscribers", total),
                callback_data=callbacks.pack(DRAFT_KIND, "send", draft.token, draft.version),
            ),
            InlineKeyboardButton(
                "🗑 " + t._("Discard"),
                callback_data=callbacks.pack(DRAFT_KIND, "drop", draft.token, draft.version),
            ),
        ]
    )
    return text, InlineKeyboardMarkup(rows)


async def draft_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or not await _admin_or_refuse(update, context, "broadcast:button"):
        return
    draft = _draft(context)
    try:
        data = callbacks.parse(query.data, kind=DRAFT_KIND, arity=(3, 4))
        action, token, version = data.part(0), data.part(1), data.int_part(2)
        if (
            draft is None
            or token != draft.token
            or version != draft.version
            or action not in ("lang", "send", "drop")
        ):
            raise callbacks.CallbackDataError("not the current draft")
        locale = data.part(3) if action == "lang" else None
        if action == "lang" and locale not in context.services.catalogs.codes:
            raise callbacks.CallbackDataError("unknown locale")
    except callbacks.CallbackDataError:
        await _stale(update, context)
        return
    t = context.t
    if action == "lang" and locale is not None:
        draft.awaiting = locale
        draft.version += 1  # the preview's other buttons are now stale
        await query.answer()
        await query.edit_message_text(
            t._(
                "Send the message in %(language)s. /cancel stops.",
                language=_language_name(context, locale),
            )
        )
    elif action == "drop":
        if context.user_data is not None:
            context.user_data.pop("pending", None)
        await query.answer()
        await query.edit_message_text(t._("Discarded. Nothing was sent."))
    else:
        await _confirm(update, context, draft)


async def _confirm(update: Update, context: BotContext, draft: Draft) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    t = context.t
    services = context.services
    if await services.subscriptions.count() == 0:
        await query.answer(t._("Nobody is subscribed yet: there is no one to send it to."), show_alert=True)
        return
    if context.user_data is not None:
        context.user_data.pop("pending", None)
    await query.answer(t._("Queued."))
    message = query.message
    chat_id = message.chat.id if message is not None else user.id
    # The preview becomes the progress message, edited by the worker from now on.
    if message is not None:
        queued_text = t._("📣 The broadcast is queued.")
        note = offline_delivery(context, await services.subscriptions.count())
        await query.edit_message_text(f"{queued_text}\n{note}" if note else queued_text)
    queued = await services.outbox.create(
        created_by=user.id,
        texts=draft.texts,
        default_locale=draft.default_locale,
        progress_locale=t.locale,
        progress_chat_id=chat_id,
        progress_message_id=message.message_id if message is not None else None,
    )
    log.info(
        "broadcast %s queued by user %s for %s recipients",
        queued.id,
        user.id,
        queued.total,
        extra={"user_id": user.id, "action": "broadcast:queue"},
    )


async def cancel_button(update: Update, context: BotContext) -> None:
    """The ⏹ button under a progress message or in /broadcasts."""
    query = update.callback_query
    if query is None or not await _admin_or_refuse(update, context, "broadcast:cancel"):
        return
    try:
        broadcast_id = callbacks.parse(query.data, kind=CANCEL_KIND, arity=1).int_part(0, minimum=1)
    except callbacks.CallbackDataError:
        await _stale(update, context)
        return
    t = context.t
    if await context.services.outbox.cancel(broadcast_id):
        user_id = update.effective_user.id if update.effective_user else None
        log.info(
            "broadcast %s cancelled by user %s",
            broadcast_id,
            user_id,
            extra={"user_id": user_id, "action": "broadcast:cancel"},
        )
        await query.answer(t._("Cancelling broadcast #%(id)s…", id=broadcast_id))
    else:
        await query.answer(
            t._("Broadcast #%(id)s is not running any more.", id=broadcast_id), show_alert=True
        )


# --- past broadcasts -----------------------------------------------------------------------
_TAG = re.compile(r"<[^>]+>")


def _snippet(broadcast: Broadcast, limit: int = 80) -> str:
    plain = html.unescape(_TAG.sub("", broadcast.texts.get(broadcast.default_locale, "")))
    plain = " ".join(plain.split())
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"


async def _listing(context: BotContext, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    t = context.t
    outbox = context.services.outbox
    total = await outbox.count()
    if total == 0:
        return h(t._("No broadcasts yet.")), None
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(max(page, 0), pages - 1)
    items = await outbox.page(page * PAGE_SIZE, PAGE_SIZE)
    counts: dict[int, Counts] = await outbox.counts_of(b.id for b in items)
    title = t._("Broadcasts (page %(page)s of %(pages)s)", page=t.number(page + 1), pages=t.number(pages))
    lines = [f"<b>{h(title)}</b>"]
    rows: list[list[InlineKeyboardButton]] = []
    for b in items:
        status = t._(STATUS_LABELS.get(b.status, b.status))
        lines += [
            "",
            f"<b>#{b.id}</b> · {h(t.date(b.created_at))} · {h(status)}",
            h(counts_line(t, counts[b.id], b.total)),
            f"<i>{h(_snippet(b))}</i>",
        ]
        if b.active:
            rows.append(
                [
                    InlineKeyboardButton(
                        "⏹ " + t._("Cancel #%(id)s", id=b.id),
                        callback_data=callbacks.pack(CANCEL_KIND, b.id),
                    )
                ]
            )
    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(
            InlineKeyboardButton("◀ " + t._("Newer"), callback_data=callbacks.pack(LIST_KIND, page - 1))
        )
    if page + 1 < pages:
        nav.append(
            InlineKeyboardButton(t._("Older") + " ▶", callback_data=callbacks.pack(LIST_KIND, page + 1))
        )
    if nav:
        rows.append(nav)
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


async def list_broadcasts(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or not await _admin_or_refuse(update, context, "broadcasts:list"):
        return
    text, keyboard = await _listing(context, 0)
    await message.reply_html(text, reply_markup=keyboard, disable_web_page_preview=True)


async def listing_page(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or not await _admin_or_refuse(update, context, "broadcasts:page"):
        return
    try:
        page = callbacks.parse(query.data, kind=LIST_KIND, arity=1).int_part(0, maximum=100_000)
    except callbacks.CallbackDataError:
        await _stale(update, context)
        return
    text, keyboard = await _listing(context, page)
    await query.answer()
    await query.edit_message_text(
        text, parse_mode="HTML", reply_markup=keyboard, disable_web_page_preview=True
    )


# --- wiring --------------------------------------------------------------------------------
class DraftTextHandler(MessageHandler[Any, Any]):
    """Text messages (not commands, private chats only) of someone with a broadcast draft
    pending, and only then: everyone else's text goes on to the other features' handlers."""

    def __init__(self, app: Application, callback: Any) -> None:  # type: ignore[type-arg]
        super().__init__(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, callback)
        self._app = app

    def check_update(self, update: object) -> bool | dict[str, list[Any]] | None:
        if not isinstance(update, Update) or update.effective_user is None:
            return False
        data = self._app.user_data.get(update.effective_user.id)
        if not data or not isinstance(data.get("pending"), Draft):
            return False
        return super().check_update(update)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(DraftTextHandler(app, compose_text))  # first: a pending draft takes the text
    app.add_handler(CommandHandler("subscribe", subscribe))
    app.add_handler(CommandHandler("unsubscribe", unsubscribe))
    app.add_handler(CommandHandler("forget", forget))
    app.add_handler(CommandHandler("broadcast", broadcast))
    app.add_handler(CommandHandler("broadcasts", list_broadcasts))
    app.add_handler(CallbackQueryHandler(forget_chosen, pattern=rf"^{FORGET_KIND}:"))
    app.add_handler(CallbackQueryHandler(draft_button, pattern=rf"^{DRAFT_KIND}:"))
    app.add_handler(CallbackQueryHandler(cancel_button, pattern=rf"^{CANCEL_KIND}:"))
    app.add_handler(CallbackQueryHandler(listing_page, pattern=rf"^{LIST_KIND}:"))
    hooks = WorkerHooks()
    app.bot_data.on_start.append(hooks.start)
    app.bot_data.on_stop.append(hooks.stop)
