"""/unanswered: the questions no rule fitted and the answers marked not helpful, to improve
the policy answers. Other people's words: admins only, in a private chat only."""

from __future__ import annotations

from bot import labels
from bot.flow.steps import Refused, Step, admin_step
from bot.render import clip, h

SHOWN = 15


@admin_step(command="unanswered", action="policy:unanswered")
async def unanswered(step: Step[None]) -> None:
    t = step.t
    feedback = step.services.feedback
    questions = await feedback.recent_unanswered(limit=SHOWN)
    unhelpful = await feedback.recent_unhelpful(limit=SHOWN)
    if not questions and not unhelpful:
        raise Refused(t._("No unanswered or unhelpful questions recently."))
    lines: list[str] = []
    if questions:
        lines.append("<b>" + h(t._("Questions no rule fitted")) + "</b>")
        lines += [f"• {h(t.day(e.at))}: {h(e.question[:200])}" for e in questions]
    if unhelpful:
        lines.append("\n<b>" + h(t._("Answers marked not helpful")) + "</b>")
        for e in unhelpful:
            lines.append(f"• {h(t.day(e.at))} · {h(labels.topic(t, e.rule_id or ''))}: {h(e.question[:200])}")
            if e.reason:
                lines.append("  ↳ " + h(t._("Looking for: %(reason)s", reason=e.reason[:200])))
    step.reply(clip("\n".join(lines)))


ROUTES = [unanswered]
