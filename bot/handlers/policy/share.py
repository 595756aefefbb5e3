"""After a policy edit, "Tell the subscribers": a broadcast draft of the rule's new answer.

The draft says which languages changed in this version (a verdict or a link changes every
language). By default only subscribers who read a changed language get it, so nobody receives
an "update" that repeats what they had; the admin sees that in the preview and may send it to
every language instead. A button drawn for an older version is refused like every other.
"""

from __future__ import annotations

from bot import labels
from bot.flow.state import Draft
from bot.flow.steps import Refused, Step, admin_step
from bot.handlers.broadcast import start_prefilled
from bot.handlers.policy.steps import rule_at
from bot.handlers.policy.views import RuleShare
from bot.i18n import Catalogs
from bot.render import h
from directory.policy.rules import Rule, changed_languages


def announcement(catalogs: Catalogs, rule: Rule) -> dict[str, str]:
    """The rule's current answer as a broadcast, in each language it has (Telegram HTML)."""
    texts: dict[str, str] = {}
    for code in sorted(catalogs.codes):
        text = rule.texts.get(code)
        if text is None:
            continue
        t = catalogs.translator(code)
        head = t._("WIEGO policy update: %(topic)s", topic=labels.topic(t, rule.id))
        lines = [f"<b>{h(head)}</b>", "", f"<b>{h(text.verdict_line)}</b>", h(text.why)]
        if text.instead:
            lines.append(h(text.instead))
        lines += [h(link) for link in rule.links]
        texts[code] = "\n".join(lines)
    return texts


@admin_step(button=RuleShare, action="policy:share")
async def share_pressed(step: Step[RuleShare]) -> None:
    rule = await rule_at(step, step.data.rule, step.data.version)
    version = await step.services.policy.rules.version(rule.id, rule.version)
    changed = changed_languages(version.before if version else None, rule)
    catalogs = step.services.catalogs
    texts = announcement(catalogs, rule)
    changed_texts = sorted(code for code in texts if code in changed)
    if not changed_texts:
        raise Refused(step.t._("Readers would see no change in any language: there is nothing to tell."))
    default = catalogs.default if catalogs.default in texts else changed_texts[0]
    draft = Draft(
        default_locale=default,
        texts=texts,
        changed=changed_texts,
        everyone=set(changed_texts) == set(texts),
        origin=step.data.claim_key(),
    )
    await start_prefilled(step, draft)


ROUTES = [share_pressed]
