"""What a person decides about themselves: /subscribe, /unsubscribe, /forget."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.flow.steps import Step, install, member_step
from bot.privacy import forgotten_text
from bot.render import h


@dataclass(frozen=True)
class ForgetChoice(CallbackData, prefix="fgt"):
    choice: Literal["yes", "no"]


@member_step(command="subscribe", action="account:subscribe")
async def subscribe(step: Step[None]) -> None:
    t = step.t
    if await step.services.subscriptions.subscribe(step.user_id, t.locale):
        text = t._("You are subscribed to WIEGO policy updates. /unsubscribe stops them.")
    else:
        text = t._("You are already subscribed to WIEGO policy updates. /unsubscribe stops them.")
    step.reply(h(text))


@member_step(command="unsubscribe", private=False, action="account:unsubscribe")
async def unsubscribe(step: Step[None]) -> None:
    t = step.t
    if await step.services.subscriptions.unsubscribe(step.user_id):
        text = t._("Done: you will not receive policy updates any more.")
    else:
        text = t._("You were not subscribed, so there is nothing to stop.")
    step.reply(h(text))


@member_step(command="forget", action="account:forget")
async def forget(step: Step[None]) -> None:
    t = step.t
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "🗑 " + t._("Delete everything"), callback_data=ForgetChoice("yes").pack()
                ),
                InlineKeyboardButton(t._("Keep my data"), callback_data=ForgetChoice("no").pack()),
            ]
        ]
    )
    text = t._(
        "This deletes everything the bot stores about you: your language, your subscription, "
        "your right to edit an organization's listing and any update not yet sent to you. "
        "Delete it all?"
    )
    step.reply(h(text), keyboard)


@member_step(button=ForgetChoice, action="account:forget")
async def forget_chosen(step: Step[ForgetChoice]) -> None:
    t = step.t  # resolved before the deletion: the answer stays in the person's language
    if step.data.choice == "no":
        step.show(h(t._("Nothing was deleted.")))
        return
    gone = await step.services.users.forget(step.user_id)  # the conversation in progress goes with it
    subject = step.services.subjects.forget(step.chat_id)  # "and in Ghana?" has nothing to follow
    step.services.chat_languages.forget(step.chat_id)
    step.log_done("everything stored deleted")
    step.show(h(forgotten_text(t, gone, subject=subject)))


ROUTES = [subscribe, unsubscribe, forget, forget_chosen]


def register(app: Any) -> None:
    install(app, ROUTES)
