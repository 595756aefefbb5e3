"""How the policy rules read for admins: the list, one rule in every language, its verdict
and language menus, its versions, and the buttons under them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import labels
from bot.callbacks import CallbackData
from bot.flow.steps import ConversationButton
from bot.i18n import N_, Catalogs, Translator
from bot.render import clip, h
from directory.policy.rules import TEXT_FIELDS, VERDICTS, Rule, RuleVersion

Part = Literal["verdict_line", "why", "instead"]
VerdictId = Literal["no", "yes", "sometimes", "not_applicable"]

PART_LABELS: dict[str, str] = {
    "verdict_line": N_("Verdict line"),
    "why": N_("Why"),
    "instead": N_("What to do instead"),
}
PART_ERRORS: dict[str, str] = {
    "too_long": N_("That is too long: %(length)s characters, and this part takes at most %(limit)s."),
    "empty": N_("Please send some text."),
    "required": N_("This part cannot be empty."),
    "control_characters": N_("Please send plain text, without control characters."),
}


@dataclass(frozen=True)
class RuleList(CallbackData, prefix="pa"):
    pass


@dataclass(frozen=True)
class RuleView(CallbackData, prefix="pr"):
    rule: str


@dataclass(frozen=True)
class RuleVerdicts(CallbackData, prefix="pv"):
    rule: str
    version: int


@dataclass(frozen=True)
class RuleSetVerdict(CallbackData, prefix="ps", once=True):
    rule: str
    verdict: VerdictId
    version: int


@dataclass(frozen=True)
class RuleLanguage(CallbackData, prefix="pl"):
    rule: str
    lang: str
    version: int


@dataclass(frozen=True)
class RulePart(CallbackData, prefix="pf"):
    rule: str
    lang: str
    part: Part
    version: int


class RuleSave(ConversationButton, prefix="pk", once=True, group="rule"):
    pass


class RuleDrop(ConversationButton, prefix="px", once=True, group="rule"):
    pass


@dataclass(frozen=True)
class RuleVersions(CallbackData, prefix="ph"):
    rule: str


@dataclass(frozen=True)
class RuleShare(CallbackData, prefix="pb", once=True):
    rule: str
    version: int


def language_name(catalogs: Catalogs, t: Translator, code: str) -> str:
    for info in catalogs.ordered():
        if info.code == code:
            return info.native_name
    return t.language_name(code)


def rule_title(t: Translator, rule: Rule) -> str:
    return f"{labels.topic(t, rule.id)} ({rule.id})"


def edit_title(catalogs: Catalogs, t: Translator, rule: Rule, lang: str, part: str) -> str:
    return f"{rule_title(t, rule)} · {language_name(catalogs, t, lang)} · {t._(PART_LABELS[part])}"


def stamp_line(t: Translator, rule: Rule) -> str:
    return t._(
        "Verdict: %(verdict)s · version %(version)s · %(date)s · %(who)s",
        verdict=labels.verdict(t, rule.verdict),
        version=rule.version,
        date=t.day(rule.updated_at) if rule.updated_at else "—",
        who=labels.who(t, rule.updated_by),
    )


def rule_text(catalogs: Catalogs, t: Translator, rule: Rule) -> str:
    lines = [f"<b>{h(rule_title(t, rule))}</b>", h(stamp_line(t, rule))]
    for info in catalogs.ordered():
        text = rule.texts.get(info.code)
        if text is None:
            continue
        lines += ["", f"<b>{h(info.native_name)}</b>", f"<i>{h(text.verdict_line)}</i>", h(text.why)]
        if text.instead:
            lines.append("→ " + h(text.instead))
    return clip("\n".join(lines))


def back_row(t: Translator, rule: Rule) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton("◀ " + t._("Back to the rule"), callback_data=RuleView(rule.id).pack())]


def rule_keyboard(catalogs: Catalogs, t: Translator, rule: Rule) -> InlineKeyboardMarkup:
    verdicts = RuleVerdicts(rule.id, rule.version).pack()
    rows = [[InlineKeyboardButton("⚖️ " + t._("Change the verdict"), callback_data=verdicts)]]
    langs = [
        InlineKeyboardButton(
            "✏️ " + info.native_name, callback_data=RuleLanguage(rule.id, info.code, rule.version).pack()
        )
        for info in catalogs.ordered()
    ]
    rows += [langs[i : i + 2] for i in range(0, len(langs), 2)]
    rows.append(
        [
            InlineKeyboardButton("🕘 " + t._("Versions"), callback_data=RuleVersions(rule.id).pack()),
            InlineKeyboardButton("◀ " + t._("All rules"), callback_data=RuleList().pack()),
        ]
    )
    return InlineKeyboardMarkup(rows)


def list_view(t: Translator, rules: list[Rule]) -> tuple[str, InlineKeyboardMarkup]:
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
                callback_data=RuleView(rule.id).pack(),
            )
        ]
        for rule in rules
    ]
    return text, InlineKeyboardMarkup(rows)


def verdicts_view(t: Translator, rule: Rule) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [
        InlineKeyboardButton(
            ("✓ " if verdict == rule.verdict else "") + labels.verdict(t, verdict),
            callback_data=RuleSetVerdict(rule.id, verdict, rule.version).pack(),
        )
        for verdict in VERDICTS
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(back_row(t, rule))
    text = "\n".join(
        [
            f"<b>{h(rule_title(t, rule))}</b>",
            h(stamp_line(t, rule)),
            "",
            h(t._("Choose the new verdict. It is saved as soon as you press it.")),
        ]
    )
    return text, InlineKeyboardMarkup(rows)


def language_view(
    catalogs: Catalogs, t: Translator, rule: Rule, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    text = rule.texts.get(lang)
    lines = [f"<b>{h(rule_title(t, rule))}</b> · {h(language_name(catalogs, t, lang))}", ""]
    for part in TEXT_FIELDS:
        value = getattr(text, part, "") if text is not None else ""
        lines += [f"<b>{h(t._(PART_LABELS[part]))}</b>", h(value or t._("(empty)")), ""]
    lines.append(h(t._("Which part do you want to change?")))
    parts = [
        InlineKeyboardButton(
            t._(PART_LABELS[part]),
            callback_data=RulePart(rule.id, lang, cast(Part, part), rule.version).pack(),
        )
        for part in TEXT_FIELDS
    ]
    return clip("\n".join(lines)), InlineKeyboardMarkup([parts, back_row(t, rule)])


def saved_view(t: Translator, rule: Rule, what: str) -> tuple[str, InlineKeyboardMarkup]:
    """After a save: what was saved, and the offer to tell the subscribers."""
    text = "\n".join(
        [f"<b>{h(rule_title(t, rule))}</b>", h(what), "", h(t._("Do you want to tell the subscribers?"))]
    )
    share = RuleShare(rule.id, rule.version).pack()
    rows = [
        [InlineKeyboardButton("📣 " + t._("Tell the subscribers"), callback_data=share)],
        back_row(t, rule),
    ]
    return text, InlineKeyboardMarkup(rows)


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
