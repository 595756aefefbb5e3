"""Searching the directory: /search, /directory browsing, result pages, details, inline mode,
and `/start org_<id>` deep links."""

from __future__ import annotations

import logging

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatAction, InlineQueryLimit, ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, InlineQueryHandler

from bot import callbacks, cards, labels, referral_view
from bot.context import BotContext
from bot.render import clip, h
from bot.results_view import View, back_button, one_place, results_message, view_referral
from bot.telegram_markup import button, markup
from directory.saved_searches import SavedSearch

log = logging.getLogger(__name__)

MAX_QUERY = 300
INLINE_RESULTS = min(20, int(InlineQueryLimit.RESULTS))


async def widen_pressed(update: Update, context: BotContext) -> None:
    """ "Other sectors in <place>": the same place, every sector, as a new message."""
    query = update.callback_query
    assert query is not None
    found = await pressed_search(query, context, "w", 1)
    if found is None:
        return
    saved, _ = found
    referral = await view_referral(context.services, saved, View(saved.id, 0))
    place = one_place(referral)
    if place is None:  # nothing to widen (a forged or stale button): the search as it was
        text, rows = await results_message(context.t, context.services, saved, 0)
    else:
        wide = await context.services.saved_searches.save(
            "",
            countries=frozenset({place}) if place in referral.countries else frozenset(),
            regions=frozenset({place}) if place in referral.regions else frozenset(),
        )
        text, rows = await results_message(context.t, context.services, wide, 0)
    if isinstance(query.message, Message):
        await query.message.reply_html(text, reply_markup=markup(rows), disable_web_page_preview=True)


async def send_search(message: Message, context: BotContext, saved: SavedSearch) -> None:
    await message.get_bot().send_chat_action(message.chat_id, ChatAction.TYPING)
    text, rows = await results_message(context.t, context.services, saved, 0)
    await message.reply_html(text, reply_markup=markup(rows), disable_web_page_preview=True)


async def search_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    words = " ".join(context.args or [])[:MAX_QUERY].strip()
    if not words:
        await message.reply_text(
            context.t._("Tell me what to look for, for example: /search street vendors Kenya")
        )
        return
    saved = await context.services.saved_searches.save(words)
    await send_search(message, context, saved)


async def pressed_view(
    query: CallbackQuery, context: BotContext, parts: tuple[str, ...]
) -> tuple[SavedSearch, View] | None:
    """The saved search and view a button refers to, or None after telling the user why."""
    try:
        view = View.parse(parts)
        saved = await context.services.saved_searches.get(view.saved_id)
        if saved is None:
            raise callbacks.CallbackDataError("unknown search")
    except callbacks.CallbackDataError:
        await query.answer(context.t._("This search has expired: please send it again."), show_alert=True)
        return None
    return saved, view


async def pressed_search(
    query: CallbackQuery, context: BotContext, kind: str, arity: int
) -> tuple[SavedSearch, int] | None:
    """The saved search (and page) a button refers to, or None after telling the user why."""
    try:
        parts = callbacks.parse(query.data, kind=kind, arity=arity).parts
    except callbacks.CallbackDataError:
        parts = ()
    found = await pressed_view(query, context, parts if len(parts) > 1 else (*parts, "0"))
    if found is None:
        return None
    await query.answer()
    return found[0], found[1].page


async def _edit(query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    """Show a view in place of the pressed message; a message Telegram no longer lets the bot
    edit (too old) gets the view as a new message instead."""
    try:
        await query.edit_message_text(
            text, parse_mode=ParseMode.HTML, reply_markup=keyboard, disable_web_page_preview=True
        )
    except BadRequest as exc:
        if "not modified" in str(exc).lower():  # the same page pressed twice
            log.debug("edit skipped: %s", exc)
            return
        if not isinstance(query.message, Message):
            raise
        log.info("could not edit a message (%s): sent the view as a new one", type(exc).__name__)
        await query.message.reply_html(text, reply_markup=keyboard, disable_web_page_preview=True)


async def page_pressed(update: Update, context: BotContext) -> None:
    """A results page: Previous, Next, or Back from details."""
    query = update.callback_query
    assert query is not None
    try:
        parts = callbacks.parse(query.data, kind="s", arity=(2, 3)).parts
    except callbacks.CallbackDataError:
        parts = ()
    found = await pressed_view(query, context, parts)
    if found is None:
        return
    saved, view = found
    await query.answer()
    text, rows = await results_message(context.t, context.services, saved, view.page, view.mode)
    await _edit(query, text, markup(rows))


async def more_pressed(update: Update, context: BotContext) -> None:
    """ "More organizations" under an answer: the rest of its referral, in a message of its own."""
    query = update.callback_query
    assert query is not None
    try:
        data = callbacks.parse(query.data, kind="m", arity=3)
        refers = data.part(1)
        shown = data.int_part(2, maximum=99)
        if refers not in referral_view.REFERS_BY_CODE:
            raise callbacks.CallbackDataError("unknown referral")
        parts: tuple[str, ...] = (data.part(0), "0", f"r{refers}{shown}")
    except callbacks.CallbackDataError:
        parts = ()
    found = await pressed_view(query, context, parts)
    if found is None:
        return
    saved, view = found
    await query.answer()
    text, rows = await results_message(context.t, context.services, saved, 0, view.mode)
    if isinstance(query.message, Message):
        await query.message.reply_html(text, reply_markup=markup(rows), disable_web_page_preview=True)


async def details_text(context: BotContext, org_id: str) -> str | None:
    directory = context.services.directory
    org = await directory.get(org_id)
    if org is None:
        return None
    parent = await directory.get(org.parent) if org.parent else None
    via = (await context.services.referrals.reach_through([org])).get(org.id)
    text = cards.details(context.t, org, parent=parent, bot_username=context.bot.username, via=via)
    return clip(text)


async def show_details(message: Message, context: BotContext, org_id: str) -> bool:
    text = await details_text(context, org_id)
    if text is None:
        return False
    await message.reply_html(text, disable_web_page_preview=True)
    return True


async def details_pressed(update: Update, context: BotContext) -> None:
    """ℹ️ under a results page: the listing in place of the page, with Back to it."""
    query = update.callback_query
    assert query is not None
    t = context.t
    try:
        data = callbacks.parse(query.data, kind="o", arity=(1, 4))
        org_id = data.part(0)
        back = View.parse(data.parts[1:]) if len(data.parts) > 1 else None
    except callbacks.CallbackDataError:
        org_id, back = "", None
    message = query.message
    text = await details_text(context, org_id) if org_id else None
    if text is None or not isinstance(message, Message):
        await query.answer(t._("This organization is no longer in the directory."), show_alert=True)
        return
    await query.answer()
    if back is None:
        await message.reply_html(text, disable_web_page_preview=True)
        return
    await _edit(query, text, markup([[back_button(t, back.data)]]))


async def open_listing(update: Update, context: BotContext, org_id: str) -> bool:
    """`/start org_<id>`: the listing itself."""
    message = update.effective_message
    if message is None:
        return False
    if await show_details(message, context, org_id):
        return True
    await message.reply_text(context.t._("This organization is no longer in the directory."))
    return True


# --- /directory: browse by sector, then region -------------------------------------------
SECTOR_MENU = "menu"  # `d:menu`: back to the choice of sector


def sector_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    t = context.t
    buttons = [
        InlineKeyboardButton(labels.sector(t, sector), callback_data=callbacks.pack("d", sector))
        for sector in labels.SECTOR_NAMES
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows)


def region_keyboard(context: BotContext, sector: str) -> InlineKeyboardMarkup:
    t = context.t
    buttons = [
        InlineKeyboardButton(t.country(code), callback_data=callbacks.pack("d", sector, code))
        for code in labels.BROWSE_REGIONS
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([InlineKeyboardButton(t._("All regions"), callback_data=callbacks.pack("d", sector, "all"))])
    rows.append([button(back_button(t, callbacks.pack("d", SECTOR_MENU)))])
    return InlineKeyboardMarkup(rows)


async def directory_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(
        context.t._("Which workers are you looking for?"), reply_markup=sector_keyboard(context)
    )


async def browse_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    t = context.t
    if query.data == "d":  # "search the directory" under an answer: start browsing
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.reply_text(
                t._("Which workers are you looking for?"), reply_markup=sector_keyboard(context)
            )
        return
    if query.data == f"d:{SECTOR_MENU}":  # Back from the choice of region
        await query.answer()
        await _edit(query, h(t._("Which workers are you looking for?")), sector_keyboard(context))
        return
    try:
        data = callbacks.parse(query.data, kind="d", arity=(1, 2))
        sector = data.part(0)
        region = data.parts[1] if len(data.parts) > 1 else None
        if sector not in labels.SECTOR_NAMES or (region not in (None, "all", *labels.BROWSE_REGIONS)):
            raise callbacks.CallbackDataError("unknown sector or region")
    except callbacks.CallbackDataError:
        await query.answer(t._("This button is no longer valid."), show_alert=True)
        return
    await query.answer()
    if region is None:
        await query.edit_message_text(
            t._("%(sector)s: in which region?", sector=labels.sector(t, sector)),
            reply_markup=region_keyboard(context, sector),
        )
        return
    regions = frozenset() if region == "all" else frozenset({region})
    saved = await context.services.saved_searches.save("", sectors=frozenset({sector}), regions=regions)
    text, rows = await results_message(context.t, context.services, saved, 0, "d")
    await _edit(query, text, markup(rows))


# --- inline mode ---------------------------------------------------------------------------
async def inline_search(update: Update, context: BotContext) -> None:
    inline = update.inline_query
    assert inline is not None
    t = context.t
    words = inline.query[:MAX_QUERY].strip()
    directory = context.services.directory
    if words:
        result = await directory.search(words, limit=INLINE_RESULTS)
        orgs = [hit.org for hit in result.hits]
    else:
        orgs = await directory.global_networks()
    reach = await context.services.referrals.reach_through(orgs)
    results = [
        InlineQueryResultArticle(
            id=org.id,
            title=cards.title(org),
            description=" · ".join(p for p in (labels.kind(t, org.kind), cards.coverage(t, org)) if p),
            input_message_content=InputTextMessageContent(
                clip(
                    cards.card(t, org, via=reach.get(org.id))
                    + "\n"
                    + h(cards.deep_link(context.bot.username, org.id))
                ),
                parse_mode=ParseMode.HTML,
            ),
            url=org.website or None,
        )
        for org in orgs
    ]
    await inline.answer(results, cache_time=60, is_personal=False)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("search", search_command))
    app.add_handler(CommandHandler("directory", directory_command))
    app.add_handler(CallbackQueryHandler(page_pressed, pattern=r"^s:"))
    app.add_handler(CallbackQueryHandler(more_pressed, pattern=r"^m:"))
    app.add_handler(CallbackQueryHandler(widen_pressed, pattern=r"^w:"))
    app.add_handler(CallbackQueryHandler(details_pressed, pattern=r"^o:"))
    app.add_handler(CallbackQueryHandler(browse_pressed, pattern=r"^d(:|$)"))
    app.add_handler(InlineQueryHandler(inline_search))
    app.bot_data.start_payloads["org"] = open_listing
