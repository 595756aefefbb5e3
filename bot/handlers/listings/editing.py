"""Editing a listing: /mylisting, a field's button, the value, its preview, confirm or cancel,
and "Still correct".

The conversation is a `ListingEdit` (kept in the database, so /cancel ends it and a restart
does not): press a field, send the value, check the preview, confirm. The guard checks the
right at every step and once more inside the transaction that writes the edit, together with
"nobody changed this field since the preview" and "this preview was confirmed only once".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import cards
from bot.callbacks import CallbackData
from bot.flow.state import ListingEdit
from bot.flow.steps import ConversationButton, Refused, Stale, Step, current_view, editor_step, member_step
from bot.handlers.listings.history import notify_admins
from bot.handlers.listings.texts import (
    error_text,
    field_label,
    listing_text,
    prompt_text,
    show_value,
)
from bot.i18n import Translator
from bot.render import clip, h
from directory.fields import FieldError
from directory.listing_fields import FIELDS, FIELDS_BY_KEY, Edit, field_value, parse_field, phone_region
from directory.organizations import Organization


@dataclass(frozen=True)
class ListingMenu(CallbackData, prefix="lm"):
    num: int


@dataclass(frozen=True)
class ListingField(CallbackData, prefix="le"):
    num: int
    field: str


@dataclass(frozen=True)
class ListingPreview(ConversationButton):
    num: int


class ListingConfirm(ListingPreview, prefix="lc", once=True, group="listing"):
    pass


class ListingCancel(ListingPreview, prefix="lx", once=True, group="listing"):
    pass


@dataclass(frozen=True)
class ListingVerify(CallbackData, prefix="lv"):
    num: int


def listing_keyboard(t: Translator, num: int) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(field_label(t, spec.key), callback_data=ListingField(num, spec.key).pack())
        for spec in FIELDS
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([InlineKeyboardButton("✅ " + t._("Still correct"), callback_data=ListingVerify(num).pack())])
    return InlineKeyboardMarkup(rows)


async def show_listing(step: Step[Any], org: Organization) -> None:
    num = await step.services.listings.num_of(org.id)
    if num is not None:
        step.reply(listing_text(step.t, org), listing_keyboard(step.t, num))


@current_view(Organization)
async def listing_as_it_is(step: Step[Any], org: Organization) -> None:
    """After "changed meanwhile": the listing now (with its buttons, for its editors)."""
    if await step.services.listings.is_editor(step.user_id, org.id):
        await show_listing(step, org)
    else:
        history = h(step.t._("/history %(id)s shows every change.", id=org.id))
        step.reply(listing_text(step.t, org) + "\n" + history)


@member_step(command="mylisting", action="listing:mine")
async def my_listing(step: Step[None]) -> None:
    t = step.t
    listings = step.services.listings
    orgs = await listings.listings_of(step.user_id)
    if not orgs:
        raise Refused(
            t._(
                "You don’t edit any listing. WIEGO sends an invitation link to organizations "
                "that want to keep theirs up to date."
            )
        )
    if len(orgs) == 1:
        await show_listing(step, orgs[0])
        return
    rows = []
    for org in orgs:
        num = await listings.num_of(org.id)
        if num is not None:
            rows.append([InlineKeyboardButton(cards.title(org), callback_data=ListingMenu(num).pack())])
    step.reply(h(t._("Which listing?")), InlineKeyboardMarkup(rows))


@editor_step(button=ListingMenu, action="listing:menu")
async def menu_pressed(step: Step[ListingMenu]) -> None:
    await show_listing(step, await step.listing())


@editor_step(button=ListingField, pending=ListingEdit, action="listing:field")
async def field_pressed(step: Step[ListingField]) -> None:
    spec = FIELDS_BY_KEY.get(step.data.field)
    if spec is None:
        raise Stale
    org = await step.listing()
    await step.save(ListingEdit(org.id, step.data.num, spec.key))
    step.reply(prompt_text(step.t, spec, org))


@editor_step(text=ListingEdit, action="listing:value")
async def value_received(step: Step[None]) -> None:
    """The value for the field asked for: validated, then previewed."""
    edit, t = step.pending(ListingEdit), step.t
    org = await step.listing()
    try:
        new = parse_field(edit.field, step.text, region=phone_region(org.countries))
    except FieldError as error:
        step.reply(h(error_text(t, error)))
        return
    before = field_value(org, edit.field)
    if new.apply_to(org) == org or before == new.value:
        await step.drop()
        step.reply(h(t._("That is already the current value: nothing to change.")))
        return
    edit.previewed, edit.value, edit.before = True, new.value, before
    edit.version += 1
    await step.save(edit)
    now, changed = t._("Now"), t._("New")
    lines = [
        f"<b>{h(field_label(t, edit.field))}</b> · {h(cards.title(org))}",
        f"{h(now)}: {h(show_value(t, edit.field, before))}",
        f"{h(changed)}: {h(show_value(t, edit.field, new.value))}",
        "",
        h(t._("Publish this change?")),
    ]
    buttons = [
        InlineKeyboardButton(
            "✅ " + t._("Confirm"), callback_data=ListingConfirm(edit.token, edit.version, edit.num).pack()
        ),
        InlineKeyboardButton(
            "✖ " + t._("Cancel"), callback_data=ListingCancel(edit.token, edit.version, edit.num).pack()
        ),
    ]
    step.reply(clip("\n".join(lines)), InlineKeyboardMarkup([buttons]))


@editor_step(button=ListingConfirm, pending=ListingEdit, action="listing:confirm")
async def confirm_pressed(step: Step[ListingConfirm]) -> None:
    edit, t = step.pending(ListingEdit), step.t
    if not edit.previewed:
        raise Stale
    listings = step.services.listings
    changed = await listings.apply(
        edit.org_id, Edit(edit.field, edit.value), step.user_id, expected=edit.before
    )
    await step.drop()
    step.log_done("listing %s: %s changed", edit.org_id, ",".join(changed))
    step.answer(t._("Saved."))
    value = show_value(t, edit.field, edit.value)
    step.show(
        clip(h(t._("Saved. %(field)s is now: %(value)s", field=field_label(t, edit.field), value=value)))
    )
    if changed:
        changes = list(reversed(await listings.recent_changes(edit.org_id, limit=len(changed))))
        await notify_admins(step, edit.org_id, changes)


@member_step(button=ListingCancel, pending=ListingEdit, action="listing:cancel")
async def cancel_pressed(step: Step[ListingCancel]) -> None:
    """Dropping one's own edit changes nothing, so it needs no right: only the current token."""
    await step.drop()
    step.show(h(step.t._("Cancelled. Nothing was changed.")))


@editor_step(button=ListingVerify, action="listing:verify")
async def verify_pressed(step: Step[ListingVerify]) -> None:
    t = step.t
    org = await step.listing()
    stamp = await step.services.listings.verify(org.id, step.user_id)
    step.log_done("listing %s verified", org.id)
    step.answer(t._("Thank you!"))
    step.reply(
        h(
            t._(
                "Thank you: the listing of %(name)s is marked as checked on %(date)s.",
                name=cards.title(org),
                date=t.day(stamp),
            )
        )
    )


ROUTES = [
    my_listing,
    menu_pressed,
    field_pressed,
    value_received,
    confirm_pressed,
    cancel_pressed,
    verify_pressed,
]
