"""/editors <org>: who edits a listing and which invitations are still open, with buttons to
remove an editor or withdraw an invitation (both recorded in the listing's history)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import cards
from bot.callbacks import CallbackData
from bot.flow.steps import Refused, Step, admin_step
from bot.handlers.listings.history import org_argument
from bot.render import h
from directory.listings import who_for
from directory.organizations import Organization


@dataclass(frozen=True)
class EditorRemove(CallbackData, prefix="er", once=True):
    num: int
    user: int
    version: int  # the listing's version when the view was drawn: a new editor is a new press


@dataclass(frozen=True)
class InviteRevoke(CallbackData, prefix="ei", once=True):
    num: int
    invite: int


async def editors_view(step: Step[Any], org: Organization) -> tuple[str, InlineKeyboardMarkup | None]:
    t = step.t
    listings = step.services.listings
    num = await listings.num_of(org.id) or 0
    version = await listings.version(org.id)
    editors = await listings.editors_of(org.id)
    invites = await listings.open_invites(org.id)
    title = t._("Editors of %(name)s", name=cards.title(org))
    lines = [f"<b>{h(title)}</b>"]
    rows: list[list[InlineKeyboardButton]] = []
    for editor in editors:
        lines.append(
            h(t._("%(user)s, since %(date)s", user=who_for(editor.user_id), date=t.day(editor.since)))
        )
        label = "✖ " + t._("Remove %(user)s", user=who_for(editor.user_id))
        rows.append(
            [InlineKeyboardButton(label, callback_data=EditorRemove(num, editor.user_id, version).pack())]
        )
    if not editors:
        lines.append(h(t._("Nobody edits this listing.")))
    lines.append("")
    for invite in invites:
        lines.append(
            h(
                t._(
                    "Invitation #%(id)s, made on %(made)s, open until %(until)s",
                    id=invite.id,
                    made=t.day(invite.created_at),
                    until=t.day(invite.expires_at),
                )
            )
        )
        label = "✖ " + t._("Withdraw invitation #%(id)s", id=invite.id)
        rows.append([InlineKeyboardButton(label, callback_data=InviteRevoke(num, invite.id).pack())])
    if not invites:
        lines.append(h(t._("No invitation is open. /invite %(id)s makes one.", id=org.id)))
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


@admin_step(command="editors", action="listing:editors")
async def editors(step: Step[None]) -> None:
    org = await org_argument(step, "editors")
    step.reply(*await editors_view(step, org))


async def changed(step: Step[Any], done: bool, notice: str, refusal: str) -> None:
    """After a removal or a withdrawal: the notice and the view redrawn, or why nothing changed."""
    if not done:
        raise Refused(refusal)
    step.answer(notice)
    step.show(*await editors_view(step, await step.listing()))


@admin_step(button=EditorRemove, action="listing:remove_editor")
async def remove_pressed(step: Step[EditorRemove]) -> None:
    t, user, org = step.t, who_for(step.data.user), await step.listing()
    done = await step.services.listings.remove_editor(org.id, step.data.user, who_for(step.user_id))
    step.log_done("editor %s of %s removed", step.data.user, org.id)
    notice = t._("%(user)s no longer edits this listing.", user=user)
    await changed(step, done, notice, t._("%(user)s does not edit this listing any more.", user=user))


@admin_step(button=InviteRevoke, action="listing:revoke_invite")
async def revoke_pressed(step: Step[InviteRevoke]) -> None:
    t, number, org = step.t, step.data.invite, await step.listing()
    done = await step.services.listings.revoke_invite(org.id, number, who_for(step.user_id))
    step.log_done("invitation %s of %s withdrawn", number, org.id)
    withdrawn, gone = (
        t._("Invitation #%(id)s withdrawn.", id=number),
        t._("Invitation #%(id)s is not open any more.", id=number),
    )
    await changed(step, done, withdrawn, gone)


ROUTES = [editors, remove_pressed, revoke_pressed]
