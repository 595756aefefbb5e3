"""A listing's history for admins: /history, /revert with its preview and button, and the
notice every admin gets when an editor changes a listing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import cards
from bot.callbacks import CallbackData
from bot.flow.steps import Refused, Step, admin_step
from bot.handlers.listings.texts import VALUE_SHOWN, change_line, field_label, short
from bot.render import clip, h
from directory import gate
from directory.listing_fields import restorable
from directory.listings import who_for
from directory.organizations import Change, Organization

HISTORY_LIMIT = 30


@dataclass(frozen=True)
class RevertConfirm(CallbackData, prefix="rv", once=True):
    change: int
    version: int  # the listing's version when the preview was drawn


async def org_argument(step: Step[None], command: str) -> Organization:
    """The organization a command names (`/history streetnet`), or a refusal saying how."""
    t = step.t
    org_id = (step.args or [""])[0].strip().lower()
    if not org_id:
        raise Refused(
            t._(
                "Send /%(command)s followed by the organization's id, for example: /%(command)s streetnet",
                command=command,
            )
        )
    org = await step.services.listings.organizations.get(org_id)
    if org is None:
        raise Refused(t._("No organization has the id “%(id)s”.", id=org_id[:64]))
    return org


@admin_step(command="history", action="listing:history")
async def history(step: Step[None]) -> None:
    t = step.t
    org = await org_argument(step, "history")
    listings = step.services.listings
    changes = await listings.recent_changes(org.id, HISTORY_LIMIT)
    editors = await listings.editors_of(org.id)
    lines = ["<b>" + h(t._("Changes to %(name)s, newest first", name=cards.title(org))) + "</b>"]
    lines += [h(change_line(t, change)) for change in changes]
    lines.append("")
    if editors:
        users = ", ".join(who_for(e.user_id) for e in editors)
        lines.append(h(t._("Editors: %(users)s (/editors %(id)s)", users=users, id=org.id)))
    lines.append(h(t._("/revert followed by a change number undoes that change.")))
    step.reply(clip("\n".join(lines)))


@admin_step(command="revert", action="listing:revert")
async def revert(step: Step[None]) -> None:
    """/revert 12: what undoing change #12 would do, with the button that does it."""
    t = step.t
    try:
        change_id = gate.parse_id((step.args or [""])[0])  # ASCII or script digits; never ²
    except gate.InputError:
        raise Refused(
            t._("Send /revert followed by the change number that /history shows, for example: /revert 12")
        ) from None
    listings = step.services.listings
    change = await listings.change(change_id)
    if change is None:
        raise Refused(t._("There is no change #%(id)s.", id=change_id))
    if not restorable(change.field):
        raise Refused(t._("Change #%(id)s cannot be undone.", id=change.id))
    version = await listings.version(change.org_id)
    lines = [
        h(change_line(t, change)),
        "",
        h(
            t._(
                "Undo it? %(field)s of %(org)s goes back to “%(value)s”.",
                field=field_label(t, change.field),
                org=change.org_id,
                value=short(change.old or "—", VALUE_SHOWN),
            )
        ),
    ]
    button = InlineKeyboardButton(
        "↩ " + t._("Undo change #%(id)s", id=change.id),
        callback_data=RevertConfirm(change.id, version).pack(),
    )
    step.reply(clip("\n".join(lines)), InlineKeyboardMarkup([[button]]))


@admin_step(button=RevertConfirm, action="listing:revert")
async def revert_pressed(step: Step[RevertConfirm]) -> None:
    t = step.t
    change_id = step.data.change
    try:
        done = await step.services.listings.revert(change_id, who_for(step.user_id), step.data.version)
    except ValueError as exc:
        raise Refused(t._("Change #%(id)s cannot be undone.", id=change_id)) from exc
    if done is None:
        raise Refused(t._("There is no change #%(id)s.", id=change_id))
    step.log_done("change %s reverted", change_id)
    label = field_label(t, done.change.field)
    if not done.changed:
        step.show(
            h(
                t._(
                    "%(field)s already has the value it had before change #%(id)s: nothing changed.",
                    field=label,
                    id=change_id,
                )
            )
        )
        return
    step.answer(t._("Undone."))
    step.show(
        h(
            t._(
                "Undone: %(field)s of %(org)s is back to “%(value)s” (recorded as change #%(new)s).",
                field=label,
                org=done.change.org_id,
                value=short(done.change.old or "—", VALUE_SHOWN),
                new=done.new_change_id,
            )
        )
    )


async def notify_admins(step: Step[Any], org_id: str, changes: list[Change]) -> None:
    """Each admin hears of an editor's change in their own language; failures are only logged."""
    services = step.services
    org = await services.listings.organizations.get(org_id)
    name = cards.title(org) if org is not None else org_id
    for admin_id in sorted(services.config.admins):
        t = services.catalogs.translator(await services.users.chosen_locale(admin_id))
        lines = [
            t._(
                "The listing of %(name)s was changed by its editor (user %(user)s):",
                name=name,
                user=step.user_id,
            )
        ]
        lines += [change_line(t, change) for change in changes]
        lines.append(
            t._("/history %(id)s shows every change; /revert followed by a number undoes one.", id=org_id)
        )
        step.send(admin_id, clip("\n".join(h(line) for line in lines)))


ROUTES = [history, revert, revert_pressed]
