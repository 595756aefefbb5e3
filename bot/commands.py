"""The command table: one source of truth for handlers, /help and the localized menus."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.i18n import N_


class Audience(Enum):
    EVERYONE = "everyone"
    EDITOR = "editor"
    ADMIN = "admin"


@dataclass(frozen=True)
class Command:
    name: str
    description: str  # an msgid, translated where it is shown
    audience: Audience = Audience.EVERYONE
    in_menu: bool = True


COMMANDS: tuple[Command, ...] = (
    Command("start", N_("Start: what this bot does")),
    Command("ask", N_("Ask whether WIEGO can help with something")),
    Command("search", N_("Find organizations of informal workers")),
    Command("directory", N_("Browse organizations by sector or region")),
    Command("language", N_("Choose your language")),
    Command("subscribe", N_("Get WIEGO policy updates")),
    Command("unsubscribe", N_("Stop policy updates")),
    Command("forget", N_("Delete everything the bot stores about you")),
    Command("help", N_("List the commands")),
    Command("cancel", N_("Stop what you are doing")),
    Command("mylisting", N_("Edit your organization's listing"), Audience.EDITOR),
    Command("invite", N_("Invite an organization to edit its listing"), Audience.ADMIN),
    Command("editors", N_("Who edits a listing; remove an editor"), Audience.ADMIN),
    Command("history", N_("Changes to a listing"), Audience.ADMIN),
    Command("revert", N_("Undo a listing change"), Audience.ADMIN),
    Command("policy", N_("Edit the policy answers"), Audience.ADMIN),
    Command("broadcast", N_("Send a message to subscribers"), Audience.ADMIN),
    Command("broadcasts", N_("Past broadcasts and their results"), Audience.ADMIN),
    Command("unanswered", N_("Questions the bot could not answer well"), Audience.ADMIN),
)


def visible_to(*, admin: bool, editor: bool, registered: frozenset[str] | None = None) -> list[Command]:
    """Commands this person may use, limited to those that have a handler."""
    allowed = {Audience.EVERYONE}
    if editor or admin:
        allowed.add(Audience.EDITOR)
    if admin:
        allowed.add(Audience.ADMIN)
    return [c for c in COMMANDS if c.audience in allowed and (registered is None or c.name in registered)]
