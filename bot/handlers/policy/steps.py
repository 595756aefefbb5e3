"""/policy: admins read and edit the policy answers without a deploy.

Each rule shows its verdict and its answer in every language; an admin changes the verdict
with a button, or one part of the answer in one language with a message, previewed before it
is saved. Every change is a new stored version (who, when, before and after) and the live
engine answers from it at once. Buttons carry the rule's version: a button drawn before the
rule changed is refused with the rule as it is now; saving checks the version again inside the
writing transaction, so two admins saving at once never both win.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import labels
from bot.flow.state import RuleEdit
from bot.flow.steps import Refused, Stale, Step, admin_step, current_view
from bot.handlers.listings.texts import error_text
from bot.handlers.policy.views import (
    PART_ERRORS,
    PART_LABELS,
    RuleDrop,
    RuleLanguage,
    RuleList,
    RulePart,
    RuleSave,
    RuleSetVerdict,
    RuleVerdicts,
    RuleVersions,
    RuleView,
    back_row,
    edit_title,
    language_name,
    language_view,
    list_view,
    rule_keyboard,
    rule_text,
    rule_title,
    saved_view,
    verdicts_view,
    version_changes,
)
from bot.render import clip, h
from directory.fields import FieldError
from directory.listings import who_for
from directory.outcomes import ChangedMeanwhile
from directory.policy.rules import REQUIRED_FIELDS, TEXT_LIMITS, Rule, parse_part

VERSIONS_SHOWN = 15


async def rule_at(step: Step[Any], rule_id: str, version: int | None = None) -> Rule:
    """The rule a button names; at the version it was drawn from, when it carries one."""
    rule = await step.services.policy.rules.get(rule_id)
    if rule is None:
        raise Stale
    if version is not None and version != rule.version:
        raise ChangedMeanwhile(rule)
    return rule


def _language(step: Step[Any], lang: str) -> str:
    if lang not in step.services.catalogs.codes:
        raise Stale
    return lang


@current_view(Rule)
async def rule_as_it_is(step: Step[Any], rule: Rule) -> None:
    catalogs = step.services.catalogs
    step.show(rule_text(catalogs, step.t, rule), rule_keyboard(catalogs, step.t, rule))


@admin_step(command="policy", pending=RuleEdit, action="policy:list")
async def policy_command(step: Step[None]) -> None:
    rules = await step.services.policy.rules.current()
    if not rules:
        raise Refused(step.t._("No policy rules are loaded."))
    step.reply(*list_view(step.t, rules))


@admin_step(button=RuleList, pending=RuleEdit, action="policy:list")
async def list_pressed(step: Step[RuleList]) -> None:
    step.show(*list_view(step.t, await step.services.policy.rules.current()))


@admin_step(button=RuleView, pending=RuleEdit, action="policy:rule")
async def rule_pressed(step: Step[RuleView]) -> None:
    await rule_as_it_is(step, await rule_at(step, step.data.rule))


@admin_step(button=RuleVerdicts, pending=RuleEdit, action="policy:verdicts")
async def verdicts_pressed(step: Step[RuleVerdicts]) -> None:
    step.show(*verdicts_view(step.t, await rule_at(step, step.data.rule, step.data.version)))


@admin_step(button=RuleSetVerdict, pending=RuleEdit, action="policy:set_verdict")
async def set_verdict_pressed(step: Step[RuleSetVerdict]) -> None:
    t, data = step.t, step.data
    rule = await rule_at(step, data.rule, data.version)
    if data.verdict == rule.verdict:
        raise Refused(t._("That is already the verdict: nothing changed."))
    new = await step.services.policy.rules.update_rule(
        rule.id, who_for(step.user_id), verdict=data.verdict, expected_version=data.version
    )
    step.log_done("policy rule %s verdict changed (version %s)", rule.id, new.version)
    step.answer(t._("Saved."))
    what = t._(
        "Saved as version %(version)s: the verdict is now %(new)s (it was %(old)s).",
        version=new.version,
        new=labels.verdict(t, new.verdict),
        old=labels.verdict(t, rule.verdict),
    )
    step.show(*saved_view(t, new, what))


@admin_step(button=RuleLanguage, pending=RuleEdit, action="policy:language")
async def language_pressed(step: Step[RuleLanguage]) -> None:
    rule = await rule_at(step, step.data.rule, step.data.version)
    step.show(*language_view(step.services.catalogs, step.t, rule, _language(step, step.data.lang)))


@admin_step(button=RulePart, pending=RuleEdit, action="policy:field")
async def part_pressed(step: Step[RulePart]) -> None:
    t, data, catalogs = step.t, step.data, step.services.catalogs
    rule = await rule_at(step, data.rule, data.version)
    lang = _language(step, data.lang)
    await step.save(RuleEdit(rule.id, lang, data.part, rule.version))
    current = getattr(rule.texts.get(lang), data.part, "") or t._("(empty)")
    lines = [
        f"<b>{h(edit_title(catalogs, t, rule, lang, data.part))}</b>",
        h(t._("Now")) + f": {h(current)}",
        "",
        h(
            t._(
                "Send the new text in %(language)s, at most %(limit)s characters.",
                language=language_name(catalogs, t, lang),
                limit=t.number(TEXT_LIMITS[data.part]),
            )
        ),
    ]
    if data.part not in REQUIRED_FIELDS:
        lines.append(h(t._("Send - to leave this part empty.")))
    lines.append(h(t._("/cancel stops without changing anything.")))
    step.reply(clip("\n".join(lines)))


@admin_step(text=RuleEdit, action="policy:text")
async def text_received(step: Step[None]) -> None:
    """The new text of the part asked for: checked, then previewed."""
    edit, t, catalogs = step.pending(RuleEdit), step.t, step.services.catalogs
    try:
        text = parse_part(edit.field, step.text)
    except FieldError as error:
        step.reply(h(error_text(t, error, PART_ERRORS)))
        return
    rule = await step.services.policy.rules.get(edit.rule_id)
    if rule is None:
        await step.drop()
        raise Refused(t._("This rule no longer exists."))
    before = getattr(rule.texts.get(edit.lang), edit.field, "")
    if before == text:
        await step.drop()
        step.reply(h(t._("That is already the current text: nothing to change.")))
        return
    edit.text = text
    edit.version += 1
    await step.save(edit)
    lines = [
        f"<b>{h(edit_title(catalogs, t, rule, edit.lang, edit.field))}</b>",
        "<b>" + h(t._("Before")) + ":</b> " + h(before or t._("(empty)")),
        "<b>" + h(t._("After")) + ":</b> " + h(text or t._("(empty)")),
        "",
        h(t._("Save this as a new version of the rule?")),
    ]
    buttons = [
        InlineKeyboardButton("✅ " + t._("Save"), callback_data=RuleSave(edit.token, edit.version).pack()),
        InlineKeyboardButton("✖ " + t._("Cancel"), callback_data=RuleDrop(edit.token, edit.version).pack()),
    ]
    step.reply(clip("\n".join(lines)), InlineKeyboardMarkup([buttons]))


@admin_step(button=RuleSave, pending=RuleEdit, action="policy:save")
async def save_pressed(step: Step[RuleSave]) -> None:
    edit, t = step.pending(RuleEdit), step.t
    if edit.text is None:
        raise Stale
    new = await step.services.policy.rules.update_rule(
        edit.rule_id,
        who_for(step.user_id),
        lang=edit.lang,
        text={edit.field: edit.text},
        expected_version=edit.base_version,
    )
    await step.drop()
    step.log_done("policy rule %s text changed (version %s)", edit.rule_id, new.version)
    step.answer(t._("Saved."))
    what = t._(
        "Saved as version %(version)s: %(part)s in %(language)s.",
        version=new.version,
        part=t._(PART_LABELS[edit.field]),
        language=language_name(step.services.catalogs, t, edit.lang),
    )
    step.show(*saved_view(t, new, what))


@admin_step(button=RuleDrop, pending=RuleEdit, action="policy:drop")
async def drop_pressed(step: Step[RuleDrop]) -> None:
    await step.abandon()
    step.show(h(step.t._("Cancelled. Nothing was changed.")))


@admin_step(button=RuleVersions, pending=RuleEdit, action="policy:versions")
async def versions_pressed(step: Step[RuleVersions]) -> None:
    t = step.t
    rule = await rule_at(step, step.data.rule)
    versions = await step.services.policy.rules.versions(rule.id)
    lines = [f"<b>{h(rule_title(t, rule))}</b>", h(t._("Versions, newest first:")), ""]
    for version in reversed(versions[-VERSIONS_SHOWN:]):
        who = labels.who(t, version.who)
        line = f"v{version.version} · {t.day(version.at)} · {who} · {version_changes(t, version)}"
        lines.append(h(line))
    step.show(clip("\n".join(lines)), InlineKeyboardMarkup([back_row(t, rule)]))


ROUTES = [
    policy_command,
    list_pressed,
    rule_pressed,
    verdicts_pressed,
    set_verdict_pressed,
    language_pressed,
    part_pressed,
    text_received,
    save_pressed,
    drop_pressed,
    versions_pressed,
]
