"""/policy: admins read and edit the policy answers without a deploy.

Each rule shows its verdict and its answer in every language; an admin changes the verdict
with a button, or one part of the answer in one language (the verdict line, why, what to do
instead) with a message, previewed before it is saved. Every change is a new stored version
(who, when, before and after) through the policy repository, and the live engine reloads at
once. Then the admin may tell the subscribers about the change.

Admin rights are checked on every step, each press and each message. Buttons carry the rule id
and the version they were drawn from: a press on a rule that changed since is refused, as is a
forged press. A text edit in progress is `context.user_data["pending"]` (a `RuleEdit`).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import callbacks, labels
from bot.context import BotContext, Services
from bot.handlers import broadcast
from bot.handlers.listings import (
    PendingTextHandler,
    admin_or_refuse,
    drop_pending,
    pending_of,
    private_or_refuse,
    stale,
)
from bot.i18n import N_, Translator
from bot.render import clip, h
from directory.listings import CLEAR, FieldError, clean_text, who_for
from directory.policy.rules import TEXT_FIELDS, VERDICTS, PolicyRules, Rule, RuleVersion

log = logging.getLogger(__name__)

LIST_KIND = "pa"  # pa:0                                   every rule
RULE_KIND = "pr"  # pr:<rule>                              one rule, every language
VERDICTS_KIND = "pv"  # pv:<rule>:<version>                the verdict buttons
SET_KIND = "ps"  # ps:<rule>:<verdict>:<version>           set the verdict
LANG_KIND = "pl"  # pl:<rule>:<lang>:<version>             one language's parts
FIELD_KIND = "pf"  # pf:<rule>:<lang>:<field>:<version>    ask for a new text
CONFIRM_KIND = "pk"  # pk:<token>:<preview>                save the previewed text
DROP_KIND = "px"  # px:<token>                             drop the text edit
VERSIONS_KIND = "ph"  # ph:<rule>                          stored versions
SHARE_KIND = "pb"  # pb:<rule>:<version>                   tell the subscribers
VERSIONS_SHOWN = 15
TEXT_LIMITS = {"verdict_line": 300, "why": 1500, "instead": 1500}
REQUIRED_FIELDS = frozenset({"verdict_line", "why"})

PART_LABELS: dict[str, str] = {
    "verdict_line": N_("Verdict line"),
    "why": N_("Why"),
    "instead": N_("What to do instead"),
}


@dataclass
class RuleEdit:
    """A new text for one part of a rule's answer in one language, being written."""

    rule_id: str
    lang: str
    field: str
    base_version: int  # the rule's version when the admin started
    token: str
    text: str | None = None
    preview: int = 0  # bumped by every preview: only the newest preview's buttons work


# --- the policy engine and its repository -----------------------------------------------------
def rules_repo(services: Services) -> PolicyRules:
    return services.policy.rules


async def reload_engine(services: Services) -> None:
    """The live answers use an edit at once."""
    await services.policy.load()


# --- rendering ----------------------------------------------------------------------------------
def language_name(context: BotContext, code: str) -> str:
    for info in context.services.catalogs.ordered():
        if info.code == code:
            return info.native_name
    return context.t.language_name(code)


def rule_title(t: Translator, rule: Rule) -> str:
    return f"{labels.topic(t, rule.id)} ({rule.id})"


def edit_title(context: BotContext, rule: Rule, lang: str, part: str) -> str:
    t = context.t
    return f"{rule_title(t, rule)} · {language_name(context, lang)} · {t._(PART_LABELS[part])}"


def stamp_line(t: Translator, rule: Rule) -> str:
    return t._(
        "Verdict: %(verdict)s · version %(version)s · %(date)s · %(who)s",
        verdict=labels.verdict(t, rule.verdict),
        version=rule.version,
        date=t.day(rule.updated_at) if rule.updated_at else "—",
        who=labels.who(t, rule.updated_by),
    )


def rule_text(context: BotContext, rule: Rule) -> str:
    t = context.t
    lines = [f"<b>{h(rule_title(t, rule))}</b>", h(stamp_line(t, rule))]
    for info in context.services.catalogs.ordered():
        text = rule.texts.get(info.code)
        if text is None:
            continue
        lines += [
            "",
            f"<b>{h(info.native_name)}</b>",
            f"<i>{h(text.verdict_line)}</i>",
            h(text.why),
        ]
        if text.instead:
            lines.append("→ " + h(text.instead))
    return clip("\n".join(lines))


def rule_keyboard(context: BotContext, rule: Rule) -> InlineKeyboardMarkup:
    t = context.t
    rows = [
        [
            InlineKeyboardButton(
                "⚖️ " + t._("Change the verdict"),
                callback_data=callbacks.pack(VERDICTS_KIND, rule.id, rule.version),
            )
        ]
    ]
    langs = [
        InlineKeyboardButton(
            "✏️ " + info.native_name,
            callback_data=callbacks.pack(LANG_KIND, rule.id, info.code, rule.version),
        )
        for info in context.services.catalogs.ordered()
    ]
    rows += [langs[i : i + 2] for i in range(0, len(langs), 2)]
    rows.append(
        [
            InlineKeyboardButton(
                "🕘 " + t._("Versions"), callback_data=callbacks.pack(VERSIONS_KIND, rule.id)
            ),
            InlineKeyboardButton(
                "◀ " + t._("All rules"), callback_data=callbacks.pack(LIST_KIND, 0)
            ),
        ]
    )
    return InlineKeyboardMarkup(rows)


def list_view(context: BotContext, rules: list[Rule]) -> tuple[str, InlineKeyboardMarkup]:
    t = context.t
    text = "\n".join(
        [
            "<b>" + h(t._("Policy answers")) + "</b>",
            h(t._("Choose a rule to read or change it. Every change is kept as a new version.")),
        ]
    )
    rows = [
        [
            InlineKeyboardButton(
                f"{labels.topic(t, rule.id)} · {labels.verdict(t, rule.verdict)}",
                callback_data=callbacks.pack(RULE_KIND, rule.id),
            )
        ]
        for rule in rules
    ]
    return text, InlineKeyboardMarkup(rows)


def back_row(context: BotContext, rule: Rule) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            "◀ " + context.t._("Back to the rule"), callback_data=callbacks.pack(RULE_KIND, rule.id)
        )
    ]


def saved_keyboard(context: BotContext, rule: Rule) -> InlineKeyboardMarkup:
    t = context.t
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "📣 " + t._("Tell the subscribers"),
                    callback_data=callbacks.pack(SHARE_KIND, rule.id, rule.version),
                )
            ],
            back_row(context, rule),
        ]
    )


def version_changes(t: Translator, version: RuleVersion) -> str:
    """What one version changed, in a line."""
    before, after = version.before, version.after
    if before is None:
        return t._("first version")
    parts: list[str] = []
    if before.verdict != after.verdict:
        parts.append(
            t._(
                "verdict: %(old)s → %(new)s",
                old=labels.verdict(t, before.verdict),
                new=labels.verdict(t, after.verdict),
            )
        )
    for lang in sorted(set(before.texts) | set(after.texts)):
        old, new = before.texts.get(lang), after.texts.get(lang)
        for part in TEXT_FIELDS:
            if getattr(old, part, None) != getattr(new, part, None):
                parts.append(f"{t._(PART_LABELS[part])} ({lang})")
    if before.links != after.links:
        parts.append(t._("links"))
    return "; ".join(parts) or t._("no visible change")


# --- steps ----------------------------------------------------------------------------------------
async def _edit_or_reply(update: Update, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    query = update.callback_query
    if query is not None:
        try:
            await query.edit_message_text(
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
                disable_web_page_preview=True,
            )
        except BadRequest as exc:  # the same view pressed twice: "message is not modified"
            log.debug("policy view edit skipped: %s", exc)
        return
    if update.effective_message is not None:
        await update.effective_message.reply_html(
            text, reply_markup=keyboard, disable_web_page_preview=True
        )


async def policy_command(update: Update, context: BotContext) -> None:
    if not await admin_or_refuse(update, context, "policy:list", RuleEdit):
        return
    if not await private_or_refuse(update, context):
        return
    rules = await rules_repo(context.services).current()
    if not rules:
        await _edit_or_reply(update, h(context.t._("No policy rules are loaded.")), None)
        return
    await _edit_or_reply(update, *list_view(context, rules))


async def _pressed_rule(
    update: Update, context: BotContext, kind: str, arity: int, action: str
) -> tuple[callbacks.Callback, Rule, int] | None:
    """Admin check first, then the press's data, its rule and the version it was drawn from
    (the last part, when `arity` > 1); None after answering a refused or forged press."""
    if not await admin_or_refuse(update, context, action, RuleEdit):
        return None
    query = update.callback_query
    assert query is not None
    try:
        data = callbacks.parse(query.data, kind=kind, arity=arity)
        version = data.int_part(arity - 1, minimum=1) if arity > 1 else 0
        rule = await rules_repo(context.services).get(data.part(0))
        if rule is None:
            raise callbacks.CallbackDataError("no such rule")
    except callbacks.CallbackDataError:
        await stale(update, context)
        return None
    return data, rule, version or rule.version


async def _current_version_or_refuse(
    update: Update, context: BotContext, rule: Rule, version: int
) -> bool:
    if rule.version == version:
        return True
    query = update.callback_query
    if query is not None:
        await query.answer(
            context.t._(
                "This rule was changed since these buttons were drawn. Here it is as it stands now."
            ),
            show_alert=True,
        )
    await _edit_or_reply(update, rule_text(context, rule), rule_keyboard(context, rule))
    return False


async def list_pressed(update: Update, context: BotContext) -> None:
    if not await admin_or_refuse(update, context, "policy:list", RuleEdit):
        return
    query = update.callback_query
    assert query is not None
    try:
        callbacks.parse(query.data, kind=LIST_KIND, arity=1).int_part(0, maximum=0)
    except callbacks.CallbackDataError:
        await stale(update, context)
        return
    await query.answer()
    await _edit_or_reply(update, *list_view(context, await rules_repo(context.services).current()))


async def rule_pressed(update: Update, context: BotContext) -> None:
    found = await _pressed_rule(update, context, RULE_KIND, 1, "policy:rule")
    if found is None or update.callback_query is None:
        return
    rule = found[1]
    await update.callback_query.answer()
    await _edit_or_reply(update, rule_text(context, rule), rule_keyboard(context, rule))


async def verdicts_pressed(update: Update, context: BotContext) -> None:
    found = await _pressed_rule(update, context, VERDICTS_KIND, 2, "policy:verdicts")
    if found is None or update.callback_query is None:
        return
    _, rule, version = found
    if not await _current_version_or_refuse(update, context, rule, version):
        return
    t = context.t
    await update.callback_query.answer()
    buttons = [
        InlineKeyboardButton(
            ("✓ " if verdict == rule.verdict else "") + labels.verdict(t, verdict),
            callback_data=callbacks.pack(SET_KIND, rule.id, verdict, rule.version),
        )
        for verdict in VERDICTS
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(back_row(context, rule))
    text = "\n".join(
        [
            f"<b>{h(rule_title(t, rule))}</b>",
            h(stamp_line(t, rule)),
            "",
            h(t._("Choose the new verdict. It is saved as soon as you press it.")),
        ]
    )
    await _edit_or_reply(update, text, InlineKeyboardMarkup(rows))


async def set_verdict_pressed(update: Update, context: BotContext) -> None:
    found = await _pressed_rule(update, context, SET_KIND, 3, "policy:set_verdict")
    query, user = update.callback_query, update.effective_user
    if found is None or query is None or user is None:
        return
    data, rule, version = found
    verdict = data.part(1)
    if verdict not in VERDICTS:
        await stale(update, context)
        return
    if not await _current_version_or_refuse(update, context, rule, version):
        return
    t = context.t
    if verdict == rule.verdict:
        await query.answer(t._("That is already the verdict: nothing changed."), show_alert=True)
        return
    services = context.services
    new = await rules_repo(services).update_rule(rule.id, who_for(user.id), verdict=verdict)
    await reload_engine(services)
    log.info(
        "policy rule %s verdict changed by user %s (version %s)",
        rule.id,
        user.id,
        new.version,
        extra={"user_id": user.id, "action": "policy:set_verdict"},
    )
    await query.answer(t._("Saved."))
    text = "\n".join(
        [
            f"<b>{h(rule_title(t, new))}</b>",
            h(
                t._(
                    "Saved as version %(version)s: the verdict is now %(new)s (it was %(old)s).",
                    version=new.version,
                    new=labels.verdict(t, new.verdict),
                    old=labels.verdict(t, rule.verdict),
                )
            ),
            "",
            h(t._("Do you want to tell the subscribers?")),
        ]
    )
    await _edit_or_reply(update, text, saved_keyboard(context, new))


async def lang_pressed(update: Update, context: BotContext) -> None:
    found = await _pressed_rule(update, context, LANG_KIND, 3, "policy:language")
    if found is None or update.callback_query is None:
        return
    data, rule, version = found
    lang = data.part(1)
    if lang not in context.services.catalogs.codes:
        await stale(update, context)
        return
    if not await _current_version_or_refuse(update, context, rule, version):
        return
    t = context.t
    await update.callback_query.answer()
    text = rule.texts.get(lang)
    lines = [f"<b>{h(rule_title(t, rule))}</b> · {h(language_name(context, lang))}", ""]
    for part in TEXT_FIELDS:
        value = getattr(text, part, "") if text is not None else ""
        lines += [f"<b>{h(t._(PART_LABELS[part]))}</b>", h(value or t._("(empty)")), ""]
    lines.append(h(t._("Which part do you want to change?")))
    rows = [
        [
            InlineKeyboardButton(
                t._(PART_LABELS[part]),
                callback_data=callbacks.pack(FIELD_KIND, rule.id, lang, part, rule.version),
            )
            for part in TEXT_FIELDS
        ],
        back_row(context, rule),
    ]
    await _edit_or_reply(update, clip("\n".join(lines)), InlineKeyboardMarkup(rows))


async def field_pressed(update: Update, context: BotContext) -> None:
    found = await _pressed_rule(update, context, FIELD_KIND, 4, "policy:field")
    query = update.callback_query
    if found is None or query is None:
        return
    data, rule, version = found
    lang, part = data.part(1), data.part(2)
    if lang not in context.services.catalogs.codes or part not in TEXT_FIELDS:
        await stale(update, context)
        return
    if not await _current_version_or_refuse(update, context, rule, version):
        return
    if context.user_data is None or not isinstance(query.message, Message):
        await stale(update, context)
        return
    t = context.t
    context.user_data["pending"] = RuleEdit(rule.id, lang, part, rule.version, secrets.token_hex(4))
    current = getattr(rule.texts.get(lang), part, "") or t._("(empty)")
    lines = [
        f"<b>{h(edit_title(context, rule, lang, part))}</b>",
        h(t._("Now")) + f": {h(current)}",
        "",
        h(
            t._(
                "Send the new text in %(language)s, at most %(limit)s characters.",
                language=language_name(context, lang),
                limit=t.number(TEXT_LIMITS[part]),
            )
        ),
    ]
    if part not in REQUIRED_FIELDS:
        lines.append(h(t._("Send - to leave this part empty.")))
    lines.append(h(t._("/cancel stops without changing anything.")))
    await query.answer()
    await query.message.reply_html(clip("\n".join(lines)), disable_web_page_preview=True)


ERRORS: dict[str, str] = {
    "too_long": N_(
        "That is too long: %(length)s characters, and this part takes at most %(limit)s."
    ),
    "empty": N_("Please send some text."),
    "required": N_("This part cannot be empty."),
    "control_characters": N_("Please send plain text, without control characters."),
}


def parse_part(part: str, raw: str) -> str:
    """The new text for one part of an answer; raises `FieldError`."""
    if raw.strip() == CLEAR:
        if part in REQUIRED_FIELDS:
            raise FieldError("required")
        return ""
    text = clean_text(raw, TEXT_LIMITS[part], multiline=part != "verdict_line")
    if not text:
        raise FieldError("empty")
    return text


async def text_received(update: Update, context: BotContext) -> None:
    """A text message while a rule text edit is pending: check it, then preview it."""
    message, pending = update.effective_message, pending_of(context, RuleEdit)
    if message is None or pending is None:
        return
    if not await admin_or_refuse(update, context, "policy:text", RuleEdit):
        return
    t = context.t
    try:
        text = parse_part(pending.field, message.text or "")
    except FieldError as error:
        params = {k: t.number(v) for k, v in error.params.items()}
        reason = t._(ERRORS.get(error.code, ERRORS["empty"]), **params)
        await message.reply_text(reason + "\n" + t._("Try again, or send /cancel to stop."))
        return
    rule = await rules_repo(context.services).get(pending.rule_id)
    if rule is None:
        drop_pending(context, RuleEdit)
        await message.reply_text(t._("This rule no longer exists."))
        return
    before = getattr(rule.texts.get(pending.lang), pending.field, "")
    if before == text:
        drop_pending(context, RuleEdit)
        await message.reply_text(t._("That is already the current text: nothing to change."))
        return
    pending.text = text
    pending.preview += 1
    lines = [
        f"<b>{h(edit_title(context, rule, pending.lang, pending.field))}</b>",
        "<b>" + h(t._("Before")) + ":</b> " + h(before or t._("(empty)")),
        "<b>" + h(t._("After")) + ":</b> " + h(text or t._("(empty)")),
        "",
        h(t._("Save this as a new version of the rule?")),
    ]
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "✅ " + t._("Save"),
                    callback_data=callbacks.pack(CONFIRM_KIND, pending.token, pending.preview),
                ),
                InlineKeyboardButton(
                    "✖ " + t._("Cancel"), callback_data=callbacks.pack(DROP_KIND, pending.token)
                ),
            ]
        ]
    )
    await message.reply_html(
        clip("\n".join(lines)), reply_markup=keyboard, disable_web_page_preview=True
    )


async def confirm_pressed(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if (
        query is None
        or user is None
        or not await admin_or_refuse(update, context, "policy:save", RuleEdit)
    ):
        return
    pending = pending_of(context, RuleEdit)
    try:
        data = callbacks.parse(query.data, kind=CONFIRM_KIND, arity=2)
        if (
            pending is None
            or pending.text is None
            or data.part(0) != pending.token
            or data.int_part(1) != pending.preview
        ):
            raise callbacks.CallbackDataError("not the current preview")
    except callbacks.CallbackDataError:
        await stale(update, context)
        return
    services = context.services
    t = context.t
    rule = await rules_repo(services).get(pending.rule_id)
    drop_pending(context, RuleEdit)
    if rule is None or rule.version != pending.base_version:
        await query.answer(
            t._(
                "Someone changed this rule while you were writing: nothing was saved. Open it "
                "again with /policy."
            ),
            show_alert=True,
        )
        return
    new = await rules_repo(services).update_rule(
        rule.id, who_for(user.id), lang=pending.lang, text={pending.field: pending.text}
    )
    await reload_engine(services)
    log.info(
        "policy rule %s text changed by user %s (version %s)",
        rule.id,
        user.id,
        new.version,
        extra={"user_id": user.id, "action": "policy:save"},
    )
    await query.answer(t._("Saved."))
    text = "\n".join(
        [
            f"<b>{h(rule_title(t, new))}</b>",
            h(
                t._(
                    "Saved as version %(version)s: %(part)s in %(language)s.",
                    version=new.version,
                    part=t._(PART_LABELS[pending.field]),
                    language=language_name(context, pending.lang),
                )
            ),
            "",
            h(t._("Do you want to tell the subscribers?")),
        ]
    )
    await _edit_or_reply(update, text, saved_keyboard(context, new))


async def drop_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or not await admin_or_refuse(update, context, "policy:drop", RuleEdit):
        return
    pending = pending_of(context, RuleEdit)
    try:
        token = callbacks.parse(query.data, kind=DROP_KIND, arity=1).part(0)
        if pending is None or token != pending.token:
            raise callbacks.CallbackDataError("not the current edit")
    except callbacks.CallbackDataError:
        await stale(update, context)
        return
    drop_pending(context, RuleEdit)
    await query.answer()
    await query.edit_message_text(context.t._("Cancelled. Nothing was changed."))


async def versions_pressed(update: Update, context: BotContext) -> None:
    found = await _pressed_rule(update, context, VERSIONS_KIND, 1, "policy:versions")
    if found is None or update.callback_query is None:
        return
    rule = found[1]
    t = context.t
    versions = await rules_repo(context.services).versions(rule.id)
    lines = [f"<b>{h(rule_title(t, rule))}</b>", h(t._("Versions, newest first:")), ""]
    for version in reversed(versions[-VERSIONS_SHOWN:]):
        lines.append(
            h(
                f"v{version.version} · {t.day(version.at)} · {labels.who(t, version.who)} · "
                + version_changes(t, version)
            )
        )
    await update.callback_query.answer()
    await _edit_or_reply(
        update, clip("\n".join(lines)), InlineKeyboardMarkup([back_row(context, rule)])
    )


# --- telling the subscribers -----------------------------------------------------------------
def announcement(services: Services, rule: Rule) -> dict[str, str]:
    """The rule's current answer as a broadcast, in each language it has (Telegram HTML)."""
    texts: dict[str, str] = {}
    for code in sorted(services.catalogs.codes):
        text = rule.texts.get(code)
        if text is None:
            continue
        t = services.catalogs.translator(code)
        lines = [
            "<b>" + h(t._("WIEGO policy update: %(topic)s", topic=labels.topic(t, rule.id))) + "</b>",
            "",
            f"<b>{h(text.verdict_line)}</b>",
            h(text.why),
        ]
        if text.instead:
            lines.append(h(text.instead))
        lines += [h(link) for link in rule.links]
        texts[code] = "\n".join(lines)
    return texts


async def share_pressed(update: Update, context: BotContext) -> None:
    found = await _pressed_rule(update, context, SHARE_KIND, 2, "policy:share")
    query = update.callback_query
    if found is None or query is None or not isinstance(query.message, Message):
        return
    rule = found[1]
    await query.answer()
    # a broadcast draft prefilled with the change in every language: review, then send
    await broadcast.start_prefilled(query.message, context, announcement(context.services, rule))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(
        PendingTextHandler(app, RuleEdit, text_received)
    )  # first: a pending edit takes the text
    app.add_handler(CommandHandler("policy", policy_command))
    handlers: dict[str, Callable[[Update, BotContext], Coroutine[Any, Any, None]]] = {
        LIST_KIND: list_pressed,
        RULE_KIND: rule_pressed,
        VERDICTS_KIND: verdicts_pressed,
        SET_KIND: set_verdict_pressed,
        LANG_KIND: lang_pressed,
        FIELD_KIND: field_pressed,
        CONFIRM_KIND: confirm_pressed,
        DROP_KIND: drop_pressed,
        VERSIONS_KIND: versions_pressed,
        SHARE_KIND: share_pressed,
    }
    for kind, callback in handlers.items():
        app.add_handler(CallbackQueryHandler(callback, pattern=rf"^{kind}:"))
