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

from bot import callbacks, cards, labels
from bot.context import BotContext
from bot.render import clip, h
from directory.places import Place
from directory.saved_searches import SavedSearch
from directory.search import SearchResult

log = logging.getLogger(__name__)

PAGE_SIZE = 5
MAX_QUERY = 300
INLINE_RESULTS = min(20, int(InlineQueryLimit.RESULTS))


async def results_message(
    context: BotContext, saved: SavedSearch, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The text and buttons of one page of a saved search."""
    t = context.t
    directory = context.services.directory

    async def search(at: int) -> SearchResult:
        return await directory.search(
            saved.text,
            sectors=saved.sectors,
            countries=saved.countries,
            regions=saved.regions,
            limit=PAGE_SIZE,
            offset=at * PAGE_SIZE,
        )

    result = await search(page)
    if result.total == 0:
        return await no_results(context, saved.text), None
    pages = (result.total + PAGE_SIZE - 1) // PAGE_SIZE
    if page >= pages:  # a forged or outdated page past the end: the last page, with its cards
        page = pages - 1
        result = await search(page)
    understood = understood_line(context, result.sectors, [place_name(context, p) for p in result.places])
    head = t.ngettext("%(n)s organization found", "%(n)s organizations found", result.total)
    if result.total_capped:
        head = t._(
            "More than %(n)s organizations found: add a place or a sector to narrow it",
            n=t.number(result.total),
        )
    lines = [f"<b>{h(head)}</b>" + (f"\n{h(understood)}" if understood else ""), ""]
    first = page * PAGE_SIZE + 1
    lines += [cards.card(t, hit.org, first + i) + "\n" for i, hit in enumerate(result.hits)]
    if pages > 1:
        lines.append(h(t._("Page %(page)s of %(pages)s", page=page + 1, pages=pages)))
    rows = [
        [
            InlineKeyboardButton(f"ℹ️ {first + i}", callback_data=callbacks.pack("o", hit.org.id))
            for i, hit in enumerate(result.hits)
        ]
    ]
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                "◀ " + t._("Previous"), callback_data=callbacks.pack("s", saved.id, page - 1)
            )
        )
    if page + 1 < pages:
        nav.append(
            InlineKeyboardButton(t._("Next") + " ▶", callback_data=callbacks.pack("s", saved.id, page + 1))
        )
    if nav:
        rows.append(nav)
    return clip("\n".join(lines)), InlineKeyboardMarkup(rows)


def place_name(context: BotContext, place: Place) -> str:
    """Countries and regions in the reader's language (CLDR); cities as written."""
    return place.name if place.kind == "city" else context.t.country(place.code)


def understood_line(context: BotContext, sectors: frozenset[str] | tuple[str, ...], places: list[str]) -> str:
    t = context.t
    parts = [labels.sector(t, s) for s in sorted(sectors)] + places
    return t._("Understood: %(filters)s", filters=", ".join(parts)) if parts else ""


async def no_results(context: BotContext, text: str) -> str:
    t = context.t
    networks = await context.services.directory.global_networks()
    lines = [
        h(t._("No organization matches “%(query)s”.", query=text[:80])),
        h(t._("Try fewer words, or only a sector or a country, for example “waste pickers Brazil”.")),
        "",
        "<b>" + h(t._("The global networks of informal workers")) + "</b>",
    ]
    lines += [cards.card(t, org) for org in networks]
    return "\n".join(lines)


async def send_search(message: Message, context: BotContext, saved: SavedSearch) -> None:
    await message.get_bot().send_chat_action(message.chat_id, ChatAction.TYPING)
    text, keyboard = await results_message(context, saved, 0)
    await message.reply_html(text, reply_markup=keyboard, disable_web_page_preview=True)


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


async def pressed_search(
    query: CallbackQuery, context: BotContext, kind: str, arity: int
) -> tuple[SavedSearch, int] | None:
    """The saved search (and page) a button refers to, or None after telling the user why."""
    try:
        data = callbacks.parse(query.data, kind=kind, arity=arity)
        saved = await context.services.saved_searches.get(data.int_part(0))
        page = data.int_part(1, maximum=10_000) if arity > 1 else 0
        if saved is None:
            raise callbacks.CallbackDataError("unknown search")
    except callbacks.CallbackDataError:
        await query.answer(context.t._("This search has expired: please send it again."), show_alert=True)
        return None
    await query.answer()
    return saved, page


async def page_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    found = await pressed_search(query, context, "s", 2)
    if found is None:
        return
    saved, page = found
    text, keyboard = await results_message(context, saved, page)
    try:
        await query.edit_message_text(
            text, parse_mode=ParseMode.HTML, reply_markup=keyboard, disable_web_page_preview=True
        )
    except BadRequest as exc:  # the same page pressed twice: "message is not modified"
        log.debug("page edit skipped: %s", exc)


async def show_details(message: Message, context: BotContext, org_id: str) -> bool:
    directory = context.services.directory
    org = await directory.get(org_id)
    if org is None:
        return False
    parent = await directory.get(org.parent) if org.parent else None
    text = cards.details(context.t, org, parent=parent, bot_username=context.bot.username)
    await message.reply_html(clip(text), disable_web_page_preview=True)
    return True


async def details_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    try:
        org_id = callbacks.parse(query.data, kind="o", arity=1).part(0)
    except callbacks.CallbackDataError:
        org_id = ""
    message = query.message
    if not org_id or not isinstance(message, Message) or not await show_details(message, context, org_id):
        await query.answer(context.t._("This organization is no longer in the directory."), show_alert=True)
        return
    await query.answer()


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
    text, keyboard = await results_message(context, saved, 0)
    await query.edit_message_text(
        text, parse_mode=ParseMode.HTML, reply_markup=keyboard, disable_web_page_preview=True
    )


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
    results = [
        InlineQueryResultArticle(
            id=org.id,
            title=cards.title(org),
            description=" · ".join(p for p in (labels.kind(t, org.kind), cards.coverage(t, org)) if p),
            input_message_content=InputTextMessageContent(
                clip(cards.card(t, org) + "\n" + h(cards.deep_link(context.bot.username, org.id))),
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
    app.add_handler(CallbackQueryHandler(details_pressed, pattern=r"^o:"))
    app.add_handler(CallbackQueryHandler(browse_pressed, pattern=r"^d(:|$)"))
    app.add_handler(InlineQueryHandler(inline_search))
    app.bot_data.start_payloads["org"] = open_listing
