"""Storing the least personal data that works: who gets a `users` row, and what /forget says.

A person gets a row only once they write to the bot: a message in a private chat, or a command
(anywhere), or a button pressed in a private chat. Plain messages in a group the bot is in,
reactions, membership changes, inline queries typed in other chats: no row, nothing written.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from bot.i18n import Translator
from directory.users import Forgotten


def wrote_to_bot(update: Update) -> bool:
    """Whether this update is the person addressing the bot (see the module docstring)."""
    chat = update.effective_chat
    private = chat is not None and chat.type == ChatType.PRIVATE
    if update.callback_query is not None:
        return private
    message = update.message
    if message is None:
        return False
    if private:
        return True
    text = message.text or ""
    return text.startswith("/") and any(e.type == "bot_command" and e.offset == 0 for e in message.entities)


def forgotten_text(t: Translator, gone: Forgotten, *, subject: bool = False) -> str:
    """Exactly what /forget removed, and what it kept without the person's name on it
    (`subject`: the last question's subject, held in memory for follow-ups, was dropped)."""
    lines: list[str] = []
    if gone.had_row:
        lines.append("• " + t._("the days you used the bot"))
    if gone.language:
        lines.append("• " + t._("your language choice"))
    if gone.subscription:
        lines.append("• " + t._("your subscription to policy updates"))
    if gone.listings:
        lines.append("• " + t._("your right to edit: %(listings)s", listings=", ".join(gone.listings)))
    if gone.pending_updates:
        pending = t.ngettext(
            "%(n)s update not yet sent to you", "%(n)s updates not yet sent to you", gone.pending_updates
        )
        lines.append("• " + pending)
    if subject:
        lines.append("• " + t._("the subject of your last question, kept for follow-ups"))
    if lines:
        out = [t._("Done. Deleted:"), *lines]
    else:
        out = [t._("The bot stored nothing about you, so nothing was deleted.")]
    if gone.history_changes:
        out.append(
            t.ngettext(
                "Your %(n)s change to listings or policy answers stays, credited to "
                "“a former editor” instead of you.",
                "Your %(n)s changes to listings or policy answers stay, credited to "
                "“a former editor” instead of you.",
                gone.history_changes,
            )
        )
    out.append(
        t._("Questions and feedback are stored without any user id, so nothing links them to you.")
    )
    return "\n".join(out)
