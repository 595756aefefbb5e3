"""👍 / 👎 under answers: one vote per answer and person, changed by pressing again.

The vote is stored with the question and the rule, under a salted hash of the chat, the
answer's message and the person (`PolicyFeedback.vote_key`): never a user id, never a second
row for the same person and answer. The buttons stay, the chosen one marked. After a 👎 in a
private chat, one optional question: "What were you looking for?"; the next message is kept
with the vote (`/cancel` skips it).
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Message

from bot.flow.state import FeedbackReason
from bot.flow.steps import Stale, Step, install, member_step
from bot.render import h
from bot.telegram_markup import button
from bot.votes import NO_RULE, Feedback, feedback_row
from directory import gate
from directory.policy.feedback import REASON_MAX_CHARS, Vote

MAX_QUESTION = 1000


def question_of(message: Message | None) -> str | None:
    """The person's question: the message the answer replied to."""
    if message is None or message.reply_to_message is None:
        return None
    text = message.reply_to_message.text or ""
    if text.startswith("/ask"):
        text = text.partition(" ")[2]
    # through the text gate: no NUL, control or stray invisible characters are stored
    return gate.clip(gate.clean(text, multiline=True), MAX_QUESTION) or None


@member_step(button=Feedback, private=False, action="feedback:vote")
async def vote_pressed(step: Step[Feedback]) -> None:
    t, data, services = step.t, step.data, step.services
    message = step.message
    question = question_of(message)
    known = data.rule == NO_RULE or data.rule in services.policy.rule_ids
    if message is None or question is None or not known or data.helpful > 1:
        raise Stale
    helpful = data.helpful == 1
    key = await services.feedback.vote_key(message.chat.id, message.message_id, step.user_id)
    rule_id = None if data.rule == NO_RULE else data.rule
    outcome = await services.feedback.vote(key, question, rule_id, helpful)
    if outcome is Vote.SAME:
        step.answer(t._("You already said so: thank you."))
        return
    step.answer(t._("Thank you: this helps us improve the answers."))
    if not helpful and message.chat.type == "private":
        # one optional question; the next message answers it (or /cancel skips it)
        await step.save(FeedbackReason(key))
        step.reply(h(t._("What were you looking for? Write it in a few words, or /cancel.")))
    if message.reply_markup is not None and message.chat.type == "private":  # a group shares it
        mine = [button(b) for b in feedback_row(t, data.rule, chosen=helpful)]
        rows = [
            mine if any(str(b.callback_data or "").startswith("fb:") for b in row) else list(row)
            for row in message.reply_markup.inline_keyboard
        ]
        step.show_markup(InlineKeyboardMarkup(rows))


@member_step(text=FeedbackReason, action="feedback:reason")
async def reason_given(step: Step[None]) -> None:
    """The answer to "What were you looking for?": kept with the vote, no user id."""
    t = step.t
    pending = step.pending(FeedbackReason)
    reason = gate.clip(gate.clean(step.text, multiline=True), REASON_MAX_CHARS)
    await step.drop()
    if reason:
        await step.services.feedback.add_reason(pending.vote_key, reason)
    step.reply(h(t._("Thank you: we will use it to improve the answers.")))


ROUTES = [vote_pressed, reason_given]


def register(app: Any) -> None:
    install(app, ROUTES)
