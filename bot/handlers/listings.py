"""Listing self-service: /invite (admin), `/start claim_<token>`, /mylisting and its edit flow,
/history and /revert (admin), and the daily freshness reminder with its "Still correct" button.

Editing is a conversation kept in `context.user_data["pending"]` (a `ListingEdit`, so /cancel
ends it): press a field, send the value, check the preview, confirm. The right is checked again
at every step on the server: each button press and each message, and once more inside the
transaction that writes the edit. Buttons carry only the listing's number and the edit's token
and version; a button from an older preview, another person's listing or a forged press is
refused and changes nothing. Refusals are logged with the user id and the action, never text.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import callbacks, cards, labels
from bot.context import BotContext, Services
from bot.i18n import N_, Translator
from bot.render import clip, h
from directory import gate
from directory.listings import (
    FIELDS,
    FIELDS_BY_KEY,
    ClaimResult,
    Edit,
    FieldError,
    FieldSpec,
    NotEditor,
    field_value,
    parse_field,
    who_for,
)
from directory.organizations import WORLDWIDE, Change, Organization
from directory.sectors import SECTORS

log = logging.getLogger(__name__)

MENU_KIND = "lm"  # lm:<num>                       a listing and its field buttons
FIELD_KIND = "le"  # le:<num>:<field>               start editing one field
CONFIRM_KIND = "lc"  # lc:<num>:<token>:<version>   confirm the previewed value
CANCEL_KIND = "lx"  # lx:<num>:<token>              drop the edit
VERIFY_KIND = "lv"  # lv:<num>                      "Still correct"
HISTORY_LIMIT = 30
SUMMARY_SHOWN = 160  # characters of each summary in the listing view
VALUE_SHOWN = 120  # characters of a value in /history and admin notices
REMINDER_INTERVAL = timedelta(days=1)
REMINDER_FIRST = timedelta(minutes=10)

FIELD_LABELS: dict[str, str] = {
    "name": N_("Name"),
    "acronym": N_("Acronym"),
    "website": N_("Website"),
    "city": N_("City"),
    "countries": N_("Countries"),
    "languages": N_("Languages"),
    "sectors": N_("Sectors"),
    "founded": N_("Founded"),
    "members": N_("Members"),
    # stored fields that editors do not change directly, as /history shows them
    "members_as_of": N_("Members counted on"),
    "summaries": N_("Summaries"),
    "verified_at": N_("Last verified"),
    "kind": N_("Kind"),
    "parent": N_("Part of"),
    "regions": N_("Regions"),
    "wiego_relation": N_("Relation to WIEGO"),
    "sources": N_("Sources"),
    "*": N_("Listing created"),
}

FIELD_PROMPTS: dict[str, str] = {
    "name": N_("Send the organization's full name."),
    "acronym": N_("Send the organization's short name or acronym."),
    "website": N_("Send the address of the organization's website."),
    "city": N_("Send the city where the organization is based."),
    "countries": N_(
        "Send the countries where the organization works, separated by commas: their names in "
        "any language, or their two-letter codes. Send * if it works worldwide."
    ),
    "languages": N_("Send the languages the organization works in, separated by commas."),
    "sectors": N_(
        "Send the sectors of the workers the organization brings together, separated by commas."
    ),
    "founded": N_("Send the year the organization was founded."),
    "members": N_(
        "Send how many members the organization has, then a semicolon and when they were "
        "counted (a year, or a year and month)."
    ),
    "summary": N_(
        "Send a short description of the organization in %(language)s, at most %(limit)s "
        "characters."
    ),
}

FIELD_EXAMPLES: dict[str, str] = {
    "name": N_("Association of Waste Pickers of Bogotá"),
    "acronym": "ARB",
    "website": "https://www.example.org",
    "city": "Bogotá",
    "countries": N_("Colombia, Ecuador"),
    "languages": N_("Spanish, English"),
    "founded": "1990",
    "members": N_("2,500 waste pickers; 2024-03"),
}

ERRORS: dict[str, str] = {
    "too_long": N_(
        "That is too long: %(length)s characters, and this field takes at most %(limit)s."
    ),
    "empty": N_("Please send some text."),
    "required": N_("This field cannot be empty."),
    "control_characters": N_("Please send plain text, without control characters."),
    "bad_url": N_("That is not a web address. Send one like https://www.example.org"),
    "unknown_countries": N_(
        "I don’t know these countries: %(items)s. Write their names, or their two-letter codes."
    ),
    "unknown_languages": N_("I don’t know these languages: %(items)s."),
    "unknown_sectors": N_("I don’t know these sectors: %(items)s. Choose from: %(sectors)s."),
    "too_many": N_("That is too many: at most %(limit)s."),
    "bad_year": N_("Send a year of four digits, from %(earliest)s on."),
    "future_year": N_("That year has not come yet."),
    "bad_date": N_(
        "After the semicolon, send when the members were counted: a year (2024) or a year and "
        "month (2024-03)."
    ),
    "future_date": N_("That date has not come yet."),
}


@dataclass
class ListingEdit:
    """A field edit in progress: what the next message is for, and the previewed value."""

    org_id: str
    num: int
    field: str
    token: str
    edit: Edit | None = None
    version: int = 0  # bumped by every preview: only the newest preview's buttons work


# --- shared by the admin features -----------------------------------------------------------
class PendingTextHandler(MessageHandler[Any, Any]):
    """Private text messages (not commands) while `pending` is a `kind`, and only then:
    everyone else's text goes on to the other features' handlers."""

    def __init__(self, app: Application, kind: type, callback: Any) -> None:  # type: ignore[type-arg]
        super().__init__(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, callback)
        self._app = app
        self._kind = kind

    def check_update(self, update: object) -> bool | dict[str, list[Any]] | None:
        if not isinstance(update, Update) or update.effective_user is None:
            return False
        data = self._app.user_data.get(update.effective_user.id)
        if not data or not isinstance(data.get("pending"), self._kind):
            return False
        return super().check_update(update)


def pending_of(context: BotContext, kind: type[Any]) -> Any:
    pending = context.user_data.get("pending") if context.user_data is not None else None
    return pending if isinstance(pending, kind) else None


def drop_pending(context: BotContext, kind: type[Any]) -> None:
    if context.user_data is not None and isinstance(context.user_data.get("pending"), kind):
        context.user_data.pop("pending", None)


async def refuse(update: Update, context: BotContext, action: str, text: str) -> None:
    """A localized refusal; logged with the user id and the action, never the message text."""
    user_id = update.effective_user.id if update.effective_user else None
    log.warning(
        "refused %s for user %s", action, user_id, extra={"user_id": user_id, "action": action}
    )
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def admin_or_refuse(
    update: Update, context: BotContext, action: str, pending: type | None = None
) -> bool:
    """Every admin step starts here; rights removed mid-conversation also end the conversation."""
    if context.is_admin:
        return True
    if pending is not None:
        drop_pending(context, pending)
    await refuse(update, context, action, context.t._("Only WIEGO admins can do this."))
    return False


async def stale(update: Update, context: BotContext) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(
            context.t._("This button is no longer valid."), show_alert=True
        )


async def private_or_refuse(update: Update, context: BotContext) -> bool:
    chat = update.effective_chat
    if chat is not None and chat.type == "private":
        return True
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            context.t._("Please do this in a private chat with me.")
        )
    return False


# --- rendering ----------------------------------------------------------------------------
def field_label(t: Translator, key: str) -> str:
    spec = FIELDS_BY_KEY.get(key)
    if spec is not None and spec.kind == "summary":
        return t._("Summary (%(language)s)", language=t.language_name(spec.lang))
    return t._(FIELD_LABELS[key]) if key in FIELD_LABELS else key


def show_value(t: Translator, key: str, value: Any) -> str:
    """A field's value in the reader's language (plain text: escape it for HTML)."""
    spec = FIELDS_BY_KEY[key]
    empty = t._("(empty)")
    if spec.kind == "countries":
        if WORLDWIDE in value:
            return t._("Worldwide")
        return ", ".join(t.country(code) for code in value) or empty
    if spec.kind == "languages":
        return ", ".join(t.language_name(code) for code in value) or empty
    if spec.kind == "sectors":
        return ", ".join(labels.sector(t, s) for s in value) or empty
    if spec.kind == "members":
        members, as_of = value
        if not members:
            return empty
        return (
            t._("%(members)s (as of %(date)s)", members=members, date=as_of) if as_of else members
        )
    if value is None or value == "":
        return empty
    return str(value)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def listing_text(t: Translator, org: Organization) -> str:
    lines = [
        f"<b>{h(cards.title(org))}</b>",
        "<i>"
        + h(
            t._(
                "Press a field to change it. Changes are public at once, and WIEGO is told "
                "about each one."
            )
        )
        + "</i>",
        "",
    ]
    for spec in FIELDS:
        value = show_value(t, spec.key, field_value(org, spec.key))
        if spec.kind == "summary":
            value = _short(value, SUMMARY_SHOWN)
        lines.append(f"<b>{h(field_label(t, spec.key))}:</b> {h(value)}")
    checked = t.day(org.verified_at) if org.verified_at else t._("never")
    lines.append("\n<b>" + h(t._("Last verified")) + f":</b> {h(checked)}")
    return clip("\n".join(lines))


def listing_keyboard(t: Translator, num: int) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            field_label(t, spec.key), callback_data=callbacks.pack(FIELD_KIND, num, spec.key)
        )
        for spec in FIELDS
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            InlineKeyboardButton(
                "✅ " + t._("Still correct"), callback_data=callbacks.pack(VERIFY_KIND, num)
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


async def send_listing(message: Message, context: BotContext, org: Organization) -> None:
    num = await context.services.listings.num_of(org.id)
    if num is None:
        return
    await message.reply_html(
        listing_text(context.t, org),
        reply_markup=listing_keyboard(context.t, num),
        disable_web_page_preview=True,
    )


def prompt_text(t: Translator, spec: FieldSpec, org: Organization) -> str:
    current = show_value(t, spec.key, field_value(org, spec.key))
    prompt = FIELD_PROMPTS["summary" if spec.kind == "summary" else spec.key]  # N_-marked msgids
    if spec.kind == "summary":
        ask = t._(prompt, language=t.language_name(spec.lang), limit=t.number(spec.max_len))
    else:
        ask = t._(prompt)
    now = t._("Now")
    lines = [
        f"<b>{h(field_label(t, spec.key))}</b> · {h(cards.title(org))}",
        f"{h(now)}: {h(current)}",
        "",
        h(ask),
    ]
    if spec.kind == "sectors":
        names = ", ".join(labels.sector(t, s) for s in SECTORS)
        lines.append(h(t._("The sectors: %(sectors)s.", sectors=names)))
    elif spec.key in FIELD_EXAMPLES:
        lines.append(h(t._("For example: %(example)s", example=t._(FIELD_EXAMPLES[spec.key]))))
    if spec.clearable:
        lines.append(h(t._("Send - to leave this field empty.")))
    lines.append(h(t._("/cancel stops without changing anything.")))
    return clip("\n".join(lines))


def error_text(t: Translator, error: FieldError) -> str:
    params = dict(error.params)
    if error.code == "unknown_sectors":
        params["sectors"] = ", ".join(labels.sector(t, s) for s in SECTORS)
    for key in ("limit", "length"):
        if key in params:
            params[key] = t.number(params[key])
    message = (
        t._(ERRORS[error.code], **params)
        if error.code in ERRORS
        else t._("That value cannot be used.")
    )
    return message + "\n" + t._("Try again, or send /cancel to stop.")


# --- /invite and claiming ------------------------------------------------------------------
async def invite(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if (
        message is None
        or user is None
        or not await admin_or_refuse(update, context, "listing:invite")
    ):
        return
    if not await private_or_refuse(update, context):
        return
    t = context.t
    org_id = (context.args or [""])[0].strip().lower()
    if not org_id:
        await message.reply_text(
            t._("Send /invite followed by the organization's id, for example: /invite streetnet")
        )
        return
    listings = context.services.listings
    org = await listings.organizations.get(org_id)
    created = await listings.create_invite(org_id, user.id) if org is not None else None
    if created is None or org is None:
        await message.reply_text(t._("No organization has the id “%(id)s”.", id=org_id[:64]))
        return
    link = f"https://t.me/{context.bot.username}?start=claim_{created.token}"
    log.info(
        "invite created for %s by user %s",
        org_id,
        user.id,
        extra={"user_id": user.id, "action": "listing:invite"},
    )
    lines = [
        h(t._("Invitation to edit the listing of %(name)s:", name=cards.title(org))),
        h(link),
        "",
        h(
            t._(
                "It works once, until %(date)s. Send it only to someone at the organization: "
                "whoever opens it first can edit the listing.",
                date=t.date(created.expires_at),
            )
        ),
    ]
    await message.reply_html("\n".join(lines), disable_web_page_preview=True)


async def claim(update: Update, context: BotContext, token: str) -> bool:
    """`/start claim_<token>`: the invitation's first user becomes an editor of the listing."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return False
    t = context.t
    listings = context.services.listings
    result = await listings.claim(token, user.id, locale=t.locale)
    log.info(
        "invitation %s for user %s",
        result.result.value,
        user.id,
        extra={"user_id": user.id, "action": "listing:claim"},
    )
    org = await listings.organizations.get(result.org_id) if result.org_id else None
    if result.result in (ClaimResult.CLAIMED, ClaimResult.ALREADY_EDITOR) and org is not None:
        if result.result is ClaimResult.CLAIMED:
            text = t._(
                "Welcome! You can now edit the listing of %(name)s. Please check it: press a "
                "field to correct it, or “Still correct” if everything is right. /mylisting "
                "brings it back.",
                name=cards.title(org),
            )
        else:
            text = t._("You already edit the listing of %(name)s.", name=cards.title(org))
        await message.reply_text(text)
        await send_listing(message, context, org)
        return True
    texts = {
        ClaimResult.USED: t._("This invitation was already used. Please ask WIEGO for a new one."),
        ClaimResult.EXPIRED: t._("This invitation has expired. Please ask WIEGO for a new one."),
    }
    await message.reply_text(
        texts.get(
            result.result,
            t._("This invitation link is not valid. Please check that you opened the whole link."),
        )
    )
    return True


# --- /mylisting and editing ------------------------------------------------------------------
async def editor_or_refuse(
    update: Update, context: BotContext, org_id: str | None, action: str
) -> bool:
    """The person edits this listing, checked now; else a refusal and the edit is dropped."""
    user = update.effective_user
    if (
        user is not None
        and org_id is not None
        and await context.services.listings.is_editor(user.id, org_id)
    ):
        return True
    drop_pending(context, ListingEdit)
    await refuse(
        update,
        context,
        action,
        context.t._("You can only change the listings you were invited to edit."),
    )
    return False


async def my_listing(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not await private_or_refuse(update, context):
        return
    t = context.t
    orgs = await context.services.listings.listings_of(user.id)
    if not orgs:
        await refuse(
            update,
            context,
            "listing:mine",
            t._(
                "You don’t edit any listing. WIEGO sends an invitation link to organizations "
                "that want to keep theirs up to date."
            ),
        )
        return
    if len(orgs) == 1:
        await send_listing(message, context, orgs[0])
        return
    rows = []
    for org in orgs:
        num = await context.services.listings.num_of(org.id)
        if num is not None:
            rows.append(
                [
                    InlineKeyboardButton(
                        cards.title(org), callback_data=callbacks.pack(MENU_KIND, num)
                    )
                ]
            )
    await message.reply_text(t._("Which listing?"), reply_markup=InlineKeyboardMarkup(rows))


async def _pressed_org(
    update: Update, context: BotContext, kind: str, arity: int
) -> tuple[callbacks.Callback, str] | None:
    """The callback's data and its listing's id, or None after answering a forged press."""
    query = update.callback_query
    assert query is not None
    try:
        data = callbacks.parse(query.data, kind=kind, arity=arity)
        org_id = await context.services.listings.id_of(data.int_part(0, minimum=1))
        if org_id is None:
            raise callbacks.CallbackDataError("no such listing")
    except callbacks.CallbackDataError:
        await stale(update, context)
        return None
    return data, org_id


async def menu_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    found = await _pressed_org(update, context, MENU_KIND, 1)
    if (
        query is None
        or found is None
        or not await editor_or_refuse(update, context, found[1], "listing:menu")
    ):
        return
    await query.answer()
    org = await context.services.listings.organizations.get(found[1])
    if org is not None and isinstance(query.message, Message):
        await send_listing(query.message, context, org)


async def field_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    found = await _pressed_org(update, context, FIELD_KIND, 2)
    if query is None or found is None:
        return
    data, org_id = found
    spec = FIELDS_BY_KEY.get(data.part(1))
    if spec is None:
        await stale(update, context)
        return
    if not await editor_or_refuse(update, context, org_id, "listing:field"):
        return
    org = await context.services.listings.organizations.get(org_id)
    if org is None or context.user_data is None or not isinstance(query.message, Message):
        await stale(update, context)
        return
    context.user_data["pending"] = ListingEdit(
        org_id, data.int_part(0), spec.key, secrets.token_hex(4)
    )
    await query.answer()
    await query.message.reply_html(prompt_text(context.t, spec, org), disable_web_page_preview=True)


async def value_received(update: Update, context: BotContext) -> None:
    """A text message while a field edit is pending: validate it, then preview it."""
    message, pending = update.effective_message, pending_of(context, ListingEdit)
    if message is None or pending is None:
        return
    if not await editor_or_refuse(update, context, pending.org_id, "listing:value"):
        return
    t = context.t
    try:
        edit = parse_field(pending.field, message.text or "")
    except FieldError as error:
        await message.reply_text(error_text(t, error))
        return
    org = await context.services.listings.organizations.get(pending.org_id)
    if org is None:
        drop_pending(context, ListingEdit)
        await message.reply_text(t._("This organization is no longer in the directory."))
        return
    before, after = field_value(org, pending.field), edit.value
    if edit.apply_to(org) == org or before == after:
        drop_pending(context, ListingEdit)
        await message.reply_text(t._("That is already the current value: nothing to change."))
        return
    pending.edit = edit
    pending.version += 1
    now, new = t._("Now"), t._("New")
    lines = [
        f"<b>{h(field_label(t, pending.field))}</b> · {h(cards.title(org))}",
        f"{h(now)}: {h(show_value(t, pending.field, before))}",
        f"{h(new)}: {h(show_value(t, pending.field, after))}",
        "",
        h(t._("Publish this change?")),
    ]
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "✅ " + t._("Confirm"),
                    callback_data=callbacks.pack(
                        CONFIRM_KIND, pending.num, pending.token, pending.version
                    ),
                ),
                InlineKeyboardButton(
                    "✖ " + t._("Cancel"),
                    callback_data=callbacks.pack(CANCEL_KIND, pending.num, pending.token),
                ),
            ]
        ]
    )
    await message.reply_html(
        clip("\n".join(lines)), reply_markup=keyboard, disable_web_page_preview=True
    )


async def confirm_pressed(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    found = await _pressed_org(update, context, CONFIRM_KIND, 3)
    if query is None or user is None or found is None:
        return
    data, org_id = found
    pending = pending_of(context, ListingEdit)
    version = data.int_part(2) if data.part(2).isdigit() and len(data.part(2)) < 10 else -1
    if (
        pending is None
        or pending.edit is None
        or pending.org_id != org_id
        or data.part(1) != pending.token
        or version != pending.version
    ):
        await stale(update, context)
        return
    if not await editor_or_refuse(update, context, org_id, "listing:confirm"):
        return
    listings = context.services.listings
    try:
        changed = await listings.apply(org_id, pending.edit, user.id)
    except NotEditor:  # rights removed between the check and the write
        drop_pending(context, ListingEdit)
        await refuse(
            update,
            context,
            "listing:confirm",
            context.t._("You can only change the listings you were invited to edit."),
        )
        return
    drop_pending(context, ListingEdit)
    t = context.t
    await query.answer(t._("Saved."))
    log.info(
        "listing %s: %s changed by user %s",
        org_id,
        ",".join(changed),
        user.id,
        extra={"user_id": user.id, "action": "listing:edit"},
    )
    value = show_value(t, pending.field, pending.edit.value)
    await query.edit_message_text(
        clip(
            h(
                t._(
                    "Saved. %(field)s is now: %(value)s",
                    field=field_label(t, pending.field),
                    value=value,
                )
            )
        ),
        parse_mode=ParseMode.HTML,
        disable_web_page_preview=True,
    )
    if changed:
        changes = list(reversed(await listings.recent_changes(org_id, limit=len(changed))))
        await notify_admins(context, org_id, user.id, changes)


async def cancel_pressed(update: Update, context: BotContext) -> None:
    """Dropping one's own edit changes nothing, so it needs no right; a stale button is refused."""
    query = update.callback_query
    found = await _pressed_org(update, context, CANCEL_KIND, 2)
    if query is None or found is None:
        return
    pending = pending_of(context, ListingEdit)
    if pending is None or pending.org_id != found[1] or pending.token != found[0].part(1):
        await stale(update, context)
        return
    drop_pending(context, ListingEdit)
    await query.answer()
    await query.edit_message_text(context.t._("Cancelled. Nothing was changed."))


async def verify_pressed(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    found = await _pressed_org(update, context, VERIFY_KIND, 1)
    if query is None or user is None or found is None:
        return
    org_id = found[1]
    if not await editor_or_refuse(update, context, org_id, "listing:verify"):
        return
    listings = context.services.listings
    try:
        stamp = await listings.verify(org_id, user.id)
    except NotEditor:
        await refuse(
            update,
            context,
            "listing:verify",
            context.t._("You can only change the listings you were invited to edit."),
        )
        return
    org = await listings.organizations.get(org_id)
    t = context.t
    await query.answer(t._("Thank you!"))
    log.info(
        "listing %s verified by user %s",
        org_id,
        user.id,
        extra={"user_id": user.id, "action": "listing:verify"},
    )
    if isinstance(query.message, Message) and org is not None:
        await query.message.reply_text(
            t._(
                "Thank you: the listing of %(name)s is marked as checked on %(date)s.",
                name=cards.title(org),
                date=t.day(stamp),
            )
        )


# --- telling the admins --------------------------------------------------------------------
def change_line(t: Translator, change: Change) -> str:
    """One history row, plain text: "#12 · 3 Mar 2025 · user:100 · Website: old → new"."""
    who = labels.who(t, change.who)
    head = f"#{change.id} · {t.day(change.at)} · {who} · {field_label(t, change.field)}"
    if change.field == "*":
        return head
    old = _short(change.old or "—", VALUE_SHOWN)
    new = _short(change.new or "—", VALUE_SHOWN)
    return f"{head}: {old} → {new}"


async def admin_translator(services: Services, admin_id: int) -> Translator:
    return services.catalogs.translator(await services.users.chosen_locale(admin_id))


async def notify_admins(
    context: BotContext, org_id: str, editor_id: int, changes: list[Change]
) -> None:
    """Each admin hears of an editor's change in their language; failures are only logged."""
    services = context.services
    org = await services.listings.organizations.get(org_id)
    name = cards.title(org) if org is not None else org_id
    for admin_id in sorted(services.config.admins):
        t = await admin_translator(services, admin_id)
        lines = [
            h(
                t._(
                    "The listing of %(name)s was changed by its editor (user %(user)s):",
                    name=name,
                    user=editor_id,
                )
            )
        ]
        lines += [h(change_line(t, change)) for change in changes]
        lines.append(
            h(
                t._(
                    "/history %(id)s shows every change; /revert followed by a number undoes one.",
                    id=org_id,
                )
            )
        )
        try:
            await context.bot.send_message(
                admin_id,
                clip("\n".join(lines)),
                parse_mode=ParseMode.HTML,
                disable_web_page_preview=True,
            )
        except TelegramError as exc:
            log.info("admin %s not notified: %s", admin_id, type(exc).__name__)


# --- /history and /revert ----------------------------------------------------------------
async def history(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or not await admin_or_refuse(update, context, "listing:history"):
        return
    if not await private_or_refuse(update, context):
        return
    t = context.t
    org_id = (context.args or [""])[0].strip().lower()
    if not org_id:
        await message.reply_text(
            t._("Send /history followed by the organization's id, for example: /history streetnet")
        )
        return
    listings = context.services.listings
    org = await listings.organizations.get(org_id)
    if org is None:
        await message.reply_text(t._("No organization has the id “%(id)s”.", id=org_id[:64]))
        return
    changes = await listings.recent_changes(org_id, HISTORY_LIMIT)
    editors = await listings.editors_of(org_id)
    lines = ["<b>" + h(t._("Changes to %(name)s, newest first", name=cards.title(org))) + "</b>"]
    lines += [h(change_line(t, change)) for change in changes]
    lines.append("")
    if editors:
        lines.append(h(t._("Editors: %(users)s", users=", ".join(who_for(u) for u in editors))))
    lines.append(h(t._("/revert followed by a change number undoes that change.")))
    await message.reply_html(clip("\n".join(lines)), disable_web_page_preview=True)


async def revert(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if (
        message is None
        or user is None
        or not await admin_or_refuse(update, context, "listing:revert")
    ):
        return
    if not await private_or_refuse(update, context):
        return
    t = context.t
    try:
        change_id = gate.parse_id((context.args or [""])[0])  # ASCII or script digits; never ²
    except gate.InputError:
        await message.reply_text(
            t._(
                "Send /revert followed by the change number that /history shows, for example: "
                "/revert 12"
            )
        )
        return
    arg = str(change_id)
    try:
        done = await context.services.listings.revert(change_id, who_for(user.id))
    except ValueError:
        await message.reply_text(
            t._("Change #%(id)s cannot be undone: it created the listing.", id=arg)
        )
        return
    if done is None:
        await message.reply_text(t._("There is no change #%(id)s.", id=arg))
        return
    label = field_label(t, done.change.field)
    log.info(
        "change %s reverted by user %s",
        arg,
        user.id,
        extra={"user_id": user.id, "action": "listing:revert"},
    )
    if not done.changed:
        await message.reply_text(
            t._(
                "%(field)s already has the value it had before change #%(id)s: nothing changed.",
                field=label,
                id=arg,
            )
        )
        return
    await message.reply_text(
        t._(
            "Undone: %(field)s of %(org)s is back to “%(value)s” (recorded as change #%(new)s).",
            field=label,
            org=done.change.org_id,
            value=_short(done.change.old or "—", VALUE_SHOWN),
            new=done.new_change_id,
        )
    )


# --- freshness ---------------------------------------------------------------------------
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
                [
                    InlineKeyboardButton(
                        "✅ " + t._("Still correct"), callback_data=callbacks.pack(VERIFY_KIND, num)
                    )
                ],
                [
                    InlineKeyboardButton(
                        "✏️ " + t._("Show and edit the listing"),
                        callback_data=callbacks.pack(MENU_KIND, num),
                    )
                ],
            ]
        )
        try:
            await bot.send_message(due.user_id, text, reply_markup=keyboard)
        except Forbidden:  # blocked the bot: do not try again every day
            log.info(
                "reminder for %s not delivered: user %s blocked the bot", due.org_id, due.user_id
            )
        except TelegramError as exc:  # transient: tomorrow's run tries again
            log.warning(
                "reminder for %s to user %s failed: %s", due.org_id, due.user_id, type(exc).__name__
            )
            continue
        else:
            sent += 1
        await listings.reminded(due.org_id, due.user_id, now)
    return sent


async def _daily_reminders(context: BotContext) -> None:
    count = await send_reminders(context.bot, context.services)
    log.info("freshness reminders sent: %s", count)


async def _schedule_reminders(app: Any) -> None:
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            _daily_reminders,
            interval=REMINDER_INTERVAL,
            first=REMINDER_FIRST,
            name="listing-freshness",
        )


def register(app: Application) -> None:  # type: ignore[type-arg]
    services: Services = app.bot_data.services
    services.extras["is_editor"] = services.listings.is_editor_anywhere
    app.add_handler(
        PendingTextHandler(app, ListingEdit, value_received)
    )  # first: a pending edit takes the text
    app.add_handler(CommandHandler("invite", invite))
    app.add_handler(CommandHandler("mylisting", my_listing))
    app.add_handler(CommandHandler("history", history))
    app.add_handler(CommandHandler("revert", revert))
    handlers: dict[str, Callable[[Update, BotContext], Coroutine[Any, Any, None]]] = {
        MENU_KIND: menu_pressed,
        FIELD_KIND: field_pressed,
        CONFIRM_KIND: confirm_pressed,
        CANCEL_KIND: cancel_pressed,
        VERIFY_KIND: verify_pressed,
    }
    for kind, callback in handlers.items():
        app.add_handler(CallbackQueryHandler(callback, pattern=rf"^{kind}:"))
    app.bot_data.start_payloads["claim"] = claim
    app.bot_data.on_start.append(_schedule_reminders)
