"""Invitations: an admin's /invite makes a one-time link; `/start claim_<token>` uses it."""

from __future__ import annotations

import logging

from telegram import Update

from bot import cards
from bot.context import BotContext
from bot.flow.steps import Refused, Step, admin_step, private_chat_markup, private_link
from bot.handlers.listings.editing import listing_keyboard
from bot.handlers.listings.history import org_argument
from bot.handlers.listings.texts import listing_text
from bot.render import h
from directory.listings import ClaimResult

log = logging.getLogger(__name__)


@admin_step(command="invite", action="listing:invite")
async def invite(step: Step[None]) -> None:
    t = step.t
    org = await org_argument(step, "invite")
    created = await step.services.listings.create_invite(org.id, step.user_id)
    if created is None:
        raise Refused(t._("No organization has the id “%(id)s”.", id=org.id))
    step.log_done("invite created for %s", org.id)
    link = private_link(step.context.bot.username, f"claim_{created.token}")
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
        h(t._("/editors %(id)s shows its editors and open invitations.", id=org.id)),
    ]
    step.reply("\n".join(lines))


async def claim(update: Update, context: BotContext, token: str) -> bool:
    """`/start claim_<token>`: the invitation's first user becomes an editor of the listing.
    Only in a private chat: in a group the link does nothing, and the answer repeats no token."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return False
    t = context.t
    if chat.type != "private":
        await message.reply_text(
            t._("Invitation links work only in a private chat with me: open yours from there."),
            reply_markup=private_chat_markup(t, context.bot.username),
        )
        return True
    listings = context.services.listings
    result = await listings.claim(token, user.id, locale=t.locale)
    log.info(
        "invitation %s for user %s",
        result.result.value,
        user.id,
        extra={"user_id": user.id, "action": "listing:claim"},
    )
    org = await listings.organizations.get(result.org_id) if result.org_id else None
    num = await listings.num_of(org.id) if org is not None else None
    if result.result in (ClaimResult.CLAIMED, ClaimResult.ALREADY_EDITOR) and org is not None and num:
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
        await message.reply_html(
            listing_text(t, org), reply_markup=listing_keyboard(t, num), disable_web_page_preview=True
        )
        return True
    texts = {
        ClaimResult.USED: t._("This invitation was already used. Please ask WIEGO for a new one."),
        ClaimResult.EXPIRED: t._("This invitation has expired. Please ask WIEGO for a new one."),
        ClaimResult.REVOKED: t._("This invitation was withdrawn. Please ask WIEGO for a new one."),
    }
    await message.reply_text(
        texts.get(
            result.result,
            t._("This invitation link is not valid. Please check that you opened the whole link."),
        )
    )
    return True


ROUTES = [invite]
