"""Searching the directory: /search, /directory browsing, result pages, details, inline mode,
and `/start org_<id>` deep links."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

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
from bot.i18n import Translator
from bot.render import clip, h
from directory.places import Place
from directory.referrals import Referral, RefersTo
from directory.saved_searches import MAX_ID, SavedSearch

log = logging.getLogger(__name__)

PAGE_SIZE = 5
MAX_QUERY = 300
INLINE_RESULTS = min(20, int(InlineQueryLimit.RESULTS))


@dataclass(frozen=True)
class View:
    """A results page that buttons open and return to: `s:<saved search>:<page>[:<mode>]`.

    `mode` is "" for a search by words, "d" for /directory browsing (Back goes to the region
    choice), or "r" + n/m/b + k for the rest of a referral after the k cards of an answer.
    """

    saved_id: int
    page: int
    mode: str = ""

    def parts(self) -> tuple[object, ...]:
        return (self.saved_id, self.page, self.mode) if self.mode else (self.saved_id, self.page)

    @property
    def data(self) -> str:
        return callbacks.pack("s", *self.parts())

    def at(self, page: int) -> View:
        return View(self.saved_id, page, self.mode)

    @property
    def referral(self) -> tuple[RefersTo, int] | None:
        """Whom the referral refers to and how many cards the answer showed, in referral mode."""
        if not self.mode.startswith("r"):
            return None
        return referral_view.REFERS_BY_CODE[self.mode[1]], int(self.mode[2:])

    @classmethod
    def parse(cls, parts: tuple[str, ...]) -> View:
        if len(parts) not in (2, 3):
            raise callbacks.CallbackDataError("a view is a saved search, a page and a mode")
        mode = parts[2] if len(parts) == 3 else ""
        if not _VIEW_MODE.match(mode):
            raise callbacks.CallbackDataError("unknown view mode")
        data = callbacks.Callback("s", parts)
        # saved-search ids are 60-bit digests (directory.saved_searches), not small counters
        return cls(data.int_part(0, maximum=MAX_ID), data.int_part(1, maximum=10_000), mode)


_VIEW_MODE = re.compile(r"^(|d|r[nmb]\d{1,2})$")


def _places(saved: SavedSearch) -> list[Place]:
    """The places a saved search filters by (named by code: the reader's language names them)."""
    return [
        *(Place("country", c, c, frozenset({c})) for c in sorted(saved.countries)),
        *(Place("region", r, r, frozenset()) for r in sorted(saved.regions)),
    ]


async def view_referral(context: BotContext, saved: SavedSearch, view: View) -> Referral:
    """The organizations of one page of a view, and what they mean."""
    referrals = context.services.referrals
    referral = view.referral
    if referral is None:  # the search's own words, filters, pages
        return await referrals.refer(
            "both",
            saved.sectors,
            _places(saved),
            saved.text,
            by_words=True,
            limit=PAGE_SIZE,
            offset=view.page * PAGE_SIZE,
        )
    refers_to, shown = referral
    return await referrals.refer(
        refers_to,
        saved.sectors,
        _places(saved),
        saved.text,
        limit=PAGE_SIZE,
        offset=shown + view.page * PAGE_SIZE,
    )


def _details_button(number: int, org_id: str, view: View) -> InlineKeyboardButton:
    try:
        data = callbacks.pack("o", org_id, *view.parts())
    except ValueError:  # an id too long to carry the way back: details without Back
        data = callbacks.pack("o", org_id)
    return InlineKeyboardButton(f"ℹ️ {number}", callback_data=data)


async def results_message(
    context: BotContext, saved: SavedSearch, page: int, mode: str = ""
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The text and buttons of one page of a saved search (or of the rest of a referral)."""
    t = context.t
    view = View(saved.id, max(page, 0), mode)
    referral = await view_referral(context, saved, view)
    shown = view.referral[1] if view.referral else 0
    remaining = referral.total - shown
    if remaining <= 0:
        return await no_results(context, saved.text), None
    pages = (remaining + PAGE_SIZE - 1) // PAGE_SIZE
    if view.page >= pages:  # a page that no longer exists: the last one
        view = view.at(pages - 1)
        referral = await view_referral(context, saved, view)
    if shown:  # the rest of an answer's referral
        head = t._("More organizations")
        understood = ""
    else:
        head = t.ngettext("%(n)s organization found", "%(n)s organizations found", referral.total)
        if referral.total_capped:
            head = t._(
                "More than %(n)s organizations found: add a place or a sector to narrow it",
                n=t.number(referral.total),
            )
        understood = understood_line(
            context, referral.sectors, [place_name(context, p) for p in referral.places]
        )
    lines = [f"<b>{h(head)}</b>" + (f"\n{h(understood)}" if understood else "")]
    outcome = referral_view.outcome_line(t, referral)
    if outcome:
        lines.append(h(outcome))
    lines.append("")
    first = shown + view.page * PAGE_SIZE + 1
    lines += [line + "\n" for line in referral_view.cards_lines(t, referral, first)]
    if pages > 1:
        lines.append(
            h(t._("Page %(page)s of %(pages)s", page=t.number(view.page + 1), pages=t.number(pages)))
        )
    if view.page + 1 == pages:
        lines += referral_view.directory_lines(t, referral.directories)
    rows = [[_details_button(first + i, org.id, view) for i, org in enumerate(referral.organizations)]]
    nav = []
    if view.page > 0:
        nav.append(InlineKeyboardButton("◀ " + t._("Previous"), callback_data=view.at(view.page - 1).data))
    if view.page + 1 < pages:
        nav.append(InlineKeyboardButton(t._("Next") + " ▶", callback_data=view.at(view.page + 1).data))
    if nav:
        rows.append(nav)
    if view.page + 1 == pages:
        rows += _widen_rows(context, saved, referral)
    back = _back_from(view, saved)
    if back is not None:
        rows.append([back_button(t, back)])
    return clip("\n".join(lines)), InlineKeyboardMarkup(rows)


def _widen_rows(
    context: BotContext, saved: SavedSearch, referral: Referral
) -> list[list[InlineKeyboardButton]]:
    """At the end of a search for a sector in one place: every sector there, one press away,
    so a short list never ends the conversation."""
    place = _one_place(referral)
    if not referral.sectors or place is None or referral.outcome != "in_place":
        return []
    name = context.t.country(place)
    label = context.t._("Other sectors in %(place)s", place=name)
    return [[InlineKeyboardButton("🔎 " + label, callback_data=callbacks.pack("w", saved.id))]]


def _one_place(referral: Referral) -> str | None:
    """The one country or region a referral is about (its cities folded into their country)."""
    countries, regions = referral.countries, referral.regions
    if len(countries) + len(regions) != 1:
        return None
    return (countries or regions)[0]


async def widen_pressed(update: Update, context: BotContext) -> None:
    """ "Other sectors in <place>": the same place, every sector, as a new message."""
    query = update.callback_query
    assert query is not None
    found = await pressed_search(query, context, "w", 1)
    if found is None:
        return
    saved, _ = found
    referral = await view_referral(context, saved, View(saved.id, 0))
    place = _one_place(referral)
    if place is None:  # nothing to widen (a forged or stale button): the search as it was
        text, keyboard = await results_message(context, saved, 0)
    else:
        wide = await context.services.saved_searches.save(
            "",
            countries=frozenset({place}) if place in referral.countries else frozenset(),
            regions=frozenset({place}) if place in referral.regions else frozenset(),
        )
        text, keyboard = await results_message(context, wide, 0)
    if isinstance(query.message, Message):
        await query.message.reply_html(text, reply_markup=keyboard, disable_web_page_preview=True)


def back_button(t: Translator, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton("↩ " + t._("Back"), callback_data=data)


def _back_from(view: View, saved: SavedSearch) -> str | None:
    """Where Back goes from a results page: browsing returns to the choice of region."""
    if view.mode == "d" and len(saved.sectors) == 1:
        sector = next(iter(saved.sectors))
        if sector in labels.SECTOR_NAMES:
            return callbacks.pack("d", sector)
    return None


def place_name(context: BotContext, place: Place) -> str:
    """Countries and regions in the reader's language (CLDR); cities as written."""
    return referral_view.place_name(context.t, place)


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
    lines += ["", *referral_view.directory_lines(t, ["wiego"])]
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
    text, keyboard = await results_message(context, saved, view.page, view.mode)
    await _edit(query, text, keyboard)


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
    text, keyboard = await results_message(context, saved, 0, view.mode)
    if isinstance(query.message, Message):
        await query.message.reply_html(text, reply_markup=keyboard, disable_web_page_preview=True)


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
    await _edit(query, text, InlineKeyboardMarkup([[back_button(t, back.data)]]))


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
    rows.append([back_button(t, callbacks.pack("d", SECTOR_MENU))])
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
    text, keyboard = await results_message(context, saved, 0, "d")
    await _edit(query, text, keyboard)


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
